// Okapi BM25 (k1 = 0.9, b = 0.4, Anserini's defaults) over a fixed set of
// passages: the lexical stand-in for HELMET's dense retriever when picking
// hard-negative distractors. Terms are maximal runs of ASCII letters and
// digits, lower-cased; a passage's terms are its title's and its text's.
#ifndef PROLONG_DATA_TASKS_BM25_H_
#define PROLONG_DATA_TASKS_BM25_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "data/tasks/passage.h"

namespace prolong::data {

// Lower-cased alphanumeric terms of `text`.
std::vector<std::string> LexicalTerms(std::string_view text);

class Bm25Index {
 public:
  explicit Bm25Index(const std::vector<Passage>& passages);

  // BM25 score of passage `index` for `query` (repeated query terms count
  // once per occurrence).
  double Score(std::string_view query, int index) const;

  // All passage indices, best score first; ties by lower index.
  std::vector<int> Rank(std::string_view query) const;

 private:
  std::vector<std::unordered_map<std::string, int>> term_counts_;
  std::vector<int> lengths_;
  std::unordered_map<std::string, int> document_frequency_;
  double average_length_ = 0.0;
};

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_BM25_H_
