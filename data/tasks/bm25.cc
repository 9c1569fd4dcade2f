#include "data/tasks/bm25.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

namespace prolong::data {
namespace {

constexpr double kK1 = 0.9;
constexpr double kB = 0.4;

}  // namespace

std::vector<std::string> LexicalTerms(std::string_view text) {
  std::vector<std::string> terms;
  std::string term;
  for (const unsigned char c : text) {
    if (std::isalnum(c)) {
      term += static_cast<char>(std::tolower(c));
    } else if (!term.empty()) {
      terms.push_back(std::move(term));
      term.clear();
    }
  }
  if (!term.empty()) terms.push_back(std::move(term));
  return terms;
}

Bm25Index::Bm25Index(const std::vector<Passage>& passages) {
  double total = 0.0;
  for (const Passage& passage : passages) {
    std::unordered_map<std::string, int> counts;
    int length = 0;
    for (const auto* field : {&passage.title, &passage.text}) {
      for (auto& term : LexicalTerms(*field)) {
        ++counts[std::move(term)];
        ++length;
      }
    }
    for (const auto& entry : counts) ++document_frequency_[entry.first];
    term_counts_.push_back(std::move(counts));
    lengths_.push_back(length);
    total += length;
  }
  if (!passages.empty()) average_length_ = total / passages.size();
}

double Bm25Index::Score(std::string_view query, int index) const {
  const double n = static_cast<double>(lengths_.size());
  const auto& counts = term_counts_[index];
  double score = 0.0;
  for (const auto& term : LexicalTerms(query)) {
    const auto found = counts.find(term);
    if (found == counts.end()) continue;
    const double df = document_frequency_.at(term);
    const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    const double tf = found->second;
    score += idf * tf * (kK1 + 1) /
             (tf + kK1 * (1 - kB + kB * lengths_[index] / average_length_));
  }
  return score;
}

std::vector<int> Bm25Index::Rank(std::string_view query) const {
  std::vector<double> scores(lengths_.size());
  for (size_t i = 0; i < scores.size(); ++i) {
    scores[i] = Score(query, static_cast<int>(i));
  }
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return scores[a] > scores[b]; });
  return order;
}

}  // namespace prolong::data
