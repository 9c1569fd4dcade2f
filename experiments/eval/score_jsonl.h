// Scoring a HELMET-style predictions file with the task's metric.
#ifndef PROLONG_EXPERIMENTS_EVAL_SCORE_JSONL_H_
#define PROLONG_EXPERIMENTS_EVAL_SCORE_JSONL_H_

#include <string_view>

namespace prolong::eval {

// The mean score x100 over the rows of `jsonl`, scored with
// MetricForTask(task). Every row has "output" and either gold answers
// ("answers" or "answer": a string or a list of strings) or, for re-rank,
// "qrel": [[id, grade], ...] with the grade a string (as HELMET writes it)
// or an integer. Throws on an empty file or a row missing its fields.
double ScorePredictionsJsonl(std::string_view task, std::string_view jsonl);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_SCORE_JSONL_H_
