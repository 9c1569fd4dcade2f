// results.h5: everything an evaluation produced, with the config it came
// from. Schema (every array checksummed, see data/io/hdf5_file.h):
//
//   variant, config                 text (the EvalConfig and the checkpoint's
//                                   stage config, text format)
//   tasks/<task>/L<len>/prompt_tokens   (S) int32, prompt length in tokens
//   tasks/<task>/L<len>/depth_index     (S) int32
//   tasks/<task>/L<len>/scores          (S) double in [0, 1]
//   tasks/<task>/L<len>/predictions     (S) strings
//   tasks/<task>/L<len>/answers         (S) strings (gold answers, " |
//   "-joined) summary/task, summary/category      (R) strings, one row per task
//   x length summary/length                      (R) int32 summary/score (R)
//   double, mean score x 100
#ifndef PROLONG_EXPERIMENTS_EVAL_RESULTS_H_
#define PROLONG_EXPERIMENTS_EVAL_RESULTS_H_

#include <string>
#include <vector>

namespace prolong::eval {

// Whether scores of `category` are perplexities ("Perplexity", "Short
// perplexity"): averaged geometrically, lower is better.
bool IsPerplexityCategory(const std::string& category);

struct TaskResult {
  std::string task;      // e.g. "json_kv"
  std::string category;  // HELMET category, e.g. "Recall"
  int length = 0;
  std::vector<int32_t> prompt_tokens;
  std::vector<int32_t> depth_index;
  std::vector<double> scores;
  std::vector<std::string> predictions;
  std::vector<std::string> answers;

  // The mean score x 100, as HELMET reports; for the categories
  // "Perplexity" and "Short perplexity" (per-document perplexities) their
  // geometric mean, which is the pooled
  // perplexity when every document scores the same number of tokens.
  double MeanScore() const;
};

struct EvalResults {
  std::string variant;
  std::string config;
  std::vector<TaskResult> tasks;
};

void WriteResults(const EvalResults& results, const std::string& path);

// One row of the summary.
struct SummaryRow {
  std::string task;
  std::string category;
  int length;
  double score;
};

struct ResultsSummary {
  std::string variant;
  std::string config;
  std::vector<SummaryRow> rows;
};

ResultsSummary ReadResultsSummary(const std::string& path);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_RESULTS_H_
