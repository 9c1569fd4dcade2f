#include "data/tasks/rerank.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>

#include "data/rng.h"
#include "data/tasks/fit.h"

namespace prolong::data {
namespace {

constexpr int kGrades = 4;

struct Shown {
  const GradedPassage* passage;
  std::string id;
};

// The query's passages in balanced order: round robin over the grades
// 3, 2, 1, 0, each grade's passages shuffled; a grade that runs out is
// skipped.
std::vector<int> BalancedOrder(const RerankQuery& query, Rng* rng) {
  std::vector<std::vector<int>> by_grade(kGrades);
  for (int i = 0; i < static_cast<int>(query.passages.size()); ++i) {
    const int grade = query.passages[i].relevance;
    if (grade < 0 || grade >= kGrades) {
      throw std::invalid_argument("re-rank: relevance must be in 0..3");
    }
    by_grade[grade].push_back(i);
  }
  for (auto& group : by_grade) rng->Shuffle(&group);
  std::vector<int> order;
  for (size_t round = 0; order.size() < query.passages.size(); ++round) {
    for (int grade = kGrades - 1; grade >= 0; --grade) {
      if (round < by_grade[grade].size())
        order.push_back(by_grade[grade][round]);
    }
  }
  return order;
}

// Distinct random IDs in [0, 10 * max(100, n)), one per passage.
std::vector<std::string> RandomIds(size_t n, Rng* rng) {
  const uint64_t range = 10 * std::max<uint64_t>(100, n);
  std::set<uint64_t> used;
  std::vector<std::string> ids;
  while (ids.size() < n) {
    const uint64_t id = rng->Below(range);
    if (used.insert(id).second) ids.push_back(std::to_string(id));
  }
  return ids;
}

std::string FormatShown(const std::vector<Shown>& shown) {
  std::string out;
  for (const Shown& s : shown) {
    if (!out.empty()) out += "\n\n";
    out += "[ID: " + s.id + "] Document";
    if (!s.passage->title.empty()) out += " (Title: " + s.passage->title + ")";
    out += ": " + s.passage->text;
  }
  return out;
}

// IDs by grade, descending; equal grades keep their shown order.
std::string GoldRanking(std::vector<Shown> shown) {
  std::stable_sort(shown.begin(), shown.end(),
                   [](const Shown& a, const Shown& b) {
                     return a.passage->relevance > b.passage->relevance;
                   });
  std::string out;
  for (const Shown& s : shown) out += (out.empty() ? "" : " > ") + s.id;
  return out;
}

// The first k passages of `order`, shuffled by a fresh stream.
std::vector<Shown> Select(const RerankQuery& query,
                          const std::vector<int>& order,
                          const std::vector<std::string>& ids, int k,
                          Rng shuffle_rng) {
  std::vector<Shown> shown;
  for (int i = 0; i < k; ++i) {
    shown.push_back({&query.passages[order[i]], ids[order[i]]});
  }
  shuffle_rng.Shuffle(&shown);
  return shown;
}

}  // namespace

std::vector<EvalSample> GenerateRerank(const RerankOptions& options,
                                       const std::vector<RerankQuery>& queries,
                                       const TokenCounter& count_tokens) {
  const int count = static_cast<int>(queries.size());
  if (count < options.shots + 1) {
    throw std::invalid_argument("re-rank: need more queries than shots");
  }
  std::vector<int> query_order(count);
  std::iota(query_order.begin(), query_order.end(), 0);
  Rng(options.seed, 0).Shuffle(&query_order);
  // Per query: balanced passage order and IDs, from the query's own stream.
  std::vector<std::vector<int>> orders;
  std::vector<std::vector<std::string>> ids;
  for (int q = 0; q < count; ++q) {
    Rng rng(options.seed, 1 + static_cast<uint64_t>(q));
    orders.push_back(BalancedOrder(queries[q], &rng));
    ids.push_back(RandomIds(queries[q].passages.size(), &rng));
  }
  const uint64_t kDemoStreams = 1ULL << 32, kPermutationStreams = 1ULL << 33;
  const int wanted =
      std::min(count, (options.num_samples + kRerankPermutations - 1) /
                          kRerankPermutations);
  const int budget = options.target_tokens - options.generation_tokens;
  std::vector<EvalSample> samples;
  for (int item = 0; item < wanted; ++item) {
    const int qi = query_order[item];
    const RerankQuery& query = queries[qi];
    Rng demo_rng(options.seed, kDemoStreams + static_cast<uint64_t>(qi));
    std::vector<int> others;
    for (int j = 0; j < count; ++j) {
      if (j != qi) others.push_back(j);
    }
    demo_rng.Shuffle(&others);
    std::string demos;
    for (int s = 0; s < options.shots; ++s) {
      const int d = others[s];
      const int k = std::min<int>(options.demo_passages, orders[d].size());
      const auto shown = Select(queries[d], orders[d], ids[d], k,
                                Rng(options.seed, kDemoStreams + count + d));
      demos += FormatShown(shown) + "\n\nQuery: " + queries[d].query +
               "\nRanking: " + GoldRanking(shown) + "\n\n";
    }
    int guess = 0;
    for (int permutation = 0; permutation < kRerankPermutations;
         ++permutation) {
      const Rng shuffle_rng(
          options.seed, kPermutationStreams +
                            static_cast<uint64_t>(qi) * kRerankPermutations +
                            permutation);
      auto prompt = [&](const std::vector<Shown>& shown) {
        return "You are provided with a list of documents, each indicated by "
               "their ID. Rank each document based on their relevance to the "
               "question in descending order from most relelvant to least "
               "relevant texts. Include all documents in the rankings. Write "
               "your answer using the unique IDs, with the following "
               "format:\nRanking: ID3 > ID1 > ID2\n\n" +
               demos + FormatShown(shown) + "\n\nQuery: " + query.query +
               "\nRanking:";
      };
      auto shown_k = [&](int k) {
        return Select(query, orders[qi], ids[qi], k, shuffle_rng);
      };
      auto fits = [&](int k) {
        return count_tokens(prompt(shown_k(k))) <= budget;
      };
      const int max_k = static_cast<int>(query.passages.size());
      if (guess == 0) {
        const int one = count_tokens(prompt(shown_k(1)));
        const int per_passage =
            max_k > 1 ? std::max(1, count_tokens(prompt(shown_k(2))) - one) : 1;
        guess = 1 + (budget - one) / per_passage;
      }
      const int k = LargestFitting(1, max_k, guess, fits);
      if (k < 1) {
        throw std::runtime_error("re-rank: not even one passage fits in " +
                                 std::to_string(options.target_tokens) +
                                 " tokens");
      }
      guess = k;
      const auto shown = shown_k(k);
      EvalSample sample;
      sample.prompt = prompt(shown);
      sample.answers = {GoldRanking(shown)};
      sample.depth_index = permutation;
      for (const Shown& s : shown) sample.qrels[s.id] = s.passage->relevance;
      samples.push_back(std::move(sample));
    }
  }
  return samples;
}

}  // namespace prolong::data
