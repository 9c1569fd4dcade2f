// One evaluation sample: a prompt and the answers that count as correct.
#ifndef PROLONG_DATA_TASKS_EVAL_SAMPLE_H_
#define PROLONG_DATA_TASKS_EVAL_SAMPLE_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace prolong::data {

struct EvalSample {
  std::string prompt;
  std::vector<std::string> answers;
  int depth_index = 0;  // where the gold sits (JSON KV: 0..5 of 6 depths)
  // Re-rank only: passage id -> graded relevance (HELMET's "qrel").
  std::map<std::string, int> qrels;
};

// Tokens of `text` in the evaluated model's tokenizer.
using TokenCounter = std::function<int(const std::string& text)>;

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_EVAL_SAMPLE_H_
