#include "data/tasks/rag.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "data/rng.h"
#include "data/tasks/bm25.h"
#include "data/tasks/fit.h"

namespace prolong::data {
namespace {

std::string Lower(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool HasAnswer(const Passage& passage,
               const std::vector<std::string>& answers) {
  const std::string text = Lower(passage.title + " " + passage.text);
  for (const auto& answer : answers) {
    if (text.find(Lower(answer)) != std::string::npos) return true;
  }
  return false;
}

std::string JoinPassages(const std::vector<const Passage*>& passages) {
  std::string out;
  for (const Passage* passage : passages) {
    if (!out.empty()) out += "\n\n";
    out += FormatPassage(*passage);
  }
  return out;
}

// Pool indices of question q's distractors, hardest first.
std::vector<int> Distractors(const RagQuestion& q,
                             const std::vector<Passage>& pool,
                             const Bm25Index& index) {
  std::vector<int> out;
  for (const int i : index.Rank(q.question)) {
    if (pool[i].text != q.gold.text && !HasAnswer(pool[i], q.answers)) {
      out.push_back(i);
    }
  }
  return out;
}

}  // namespace

int RagGoldPosition(int depth_index, int passages) {
  return static_cast<int>(std::lround(static_cast<double>(depth_index) *
                                      (passages - 1) / (kRagDepths - 1)));
}

std::vector<EvalSample> GenerateRag(const RagOptions& options,
                                    const std::vector<RagQuestion>& questions,
                                    const std::vector<Passage>& pool,
                                    const TokenCounter& count_tokens) {
  const int count = static_cast<int>(questions.size());
  if (count < options.shots + 1) {
    throw std::invalid_argument("RAG: need more questions than shots");
  }
  const Bm25Index index(pool);
  std::vector<int> order(count);
  std::iota(order.begin(), order.end(), 0);
  Rng(options.seed, 0).Shuffle(&order);
  const int wanted =
      std::min(count, (options.num_samples + kRagDepths - 1) / kRagDepths);
  const int budget = options.target_tokens - options.generation_tokens;
  std::vector<EvalSample> samples;
  for (int item = 0; item < wanted; ++item) {
    const int qi = order[item];
    const RagQuestion& q = questions[qi];
    Rng rng(options.seed, 1 + static_cast<uint64_t>(qi));
    // Demos: `shots` other questions, each with its gold and top distractors.
    std::string demos;
    std::vector<int> others;
    for (int j = 0; j < count; ++j) {
      if (j != qi) others.push_back(j);
    }
    rng.Shuffle(&others);
    for (int s = 0; s < options.shots; ++s) {
      const RagQuestion& demo = questions[others[s]];
      std::vector<const Passage*> passages = {&demo.gold};
      for (const int d : Distractors(demo, pool, index)) {
        if (static_cast<int>(passages.size()) >= options.demo_passages) break;
        passages.push_back(&pool[d]);
      }
      rng.Shuffle(&passages);
      demos += JoinPassages(passages) + "\n\nQuestion: " + demo.question +
               "\nAnswer: " + demo.answers.at(0) + "\n\n";
    }
    const std::vector<int> distractors = Distractors(q, pool, index);
    const int max_k = 1 + static_cast<int>(distractors.size());
    int guess = 0;
    for (int depth = 0; depth < kRagDepths; ++depth) {
      auto prompt = [&](int k) {
        std::vector<const Passage*> passages;
        for (int i = 0; i < k - 1; ++i)
          passages.push_back(&pool[distractors[i]]);
        passages.insert(passages.begin() + RagGoldPosition(depth, k), &q.gold);
        return "Use the given documents to write a concise and short answer "
               "to the question. Write your answer in the following "
               "format:\nAnswer: [answer]\n\n" +
               demos + JoinPassages(passages) + "\n\nQuestion: " + q.question +
               "\nAnswer:";
      };
      auto fits = [&](int k) { return count_tokens(prompt(k)) <= budget; };
      if (guess == 0) {
        const int one = count_tokens(prompt(1));
        const int per_passage =
            max_k > 1 ? std::max(1, count_tokens(prompt(2)) - one) : 1;
        guess = 1 + (budget - one) / per_passage;
      }
      const int k = LargestFitting(1, max_k, guess, fits);
      if (k < 1) {
        throw std::runtime_error(
            "RAG: the gold passage alone does not fit in " +
            std::to_string(options.target_tokens) + " tokens");
      }
      guess = k;
      EvalSample sample;
      sample.prompt = prompt(k);
      sample.answers = q.answers;
      sample.depth_index = depth;
      samples.push_back(std::move(sample));
    }
  }
  return samples;
}

}  // namespace prolong::data
