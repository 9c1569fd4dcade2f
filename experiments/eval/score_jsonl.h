// Scoring a HELMET-style predictions file with the task's metric, so our
// metric code can be checked against HELMET's own outputs.
//
// The file is either JSON Lines (one row per line) or HELMET's output file
// (eval.py: one JSON object whose "data" holds the rows). Every row has
// "output" and either gold answers ("answers" or "answer": a string, a
// number or a list of them) or, for re-rank, "qrel": [[id, grade], ...]
// with the grade a string (as HELMET writes it) or an integer.
#ifndef PROLONG_EXPERIMENTS_EVAL_SCORE_JSONL_H_
#define PROLONG_EXPERIMENTS_EVAL_SCORE_JSONL_H_

#include <string_view>

namespace prolong::eval {

struct PredictionsScore {
  int rows = 0;
  double score = 0.0;  // mean over the rows, x100 (HELMET's reporting)
};

// Scores every row with MetricForTask(task). Throws on an empty file or a
// row missing its fields; std::invalid_argument for a task without a
// metric.
PredictionsScore ScorePredictions(std::string_view task, std::string_view text);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_SCORE_JSONL_H_
