// Runs a model on an evaluation suite at several lengths with greedy
// decoding, HELMET style: each prompt is BOS + the prompt's tokens, the
// answer is generated until EOS, the task's token budget or, for tasks
// that stop at a newline (task_suite.h), the first generated "\n" (the
// prediction is cut there, as a stop string cuts it), and scored with the
// task's metric (experiments/eval/task_metric.h). Category = mean of its
// datasets (HELMET).
#ifndef PROLONG_EXPERIMENTS_EVAL_EVALUATOR_H_
#define PROLONG_EXPERIMENTS_EVAL_EVALUATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config.pb.h"
#include "experiments/eval/results.h"
#include "experiments/eval/task_suite.h"
#include "model/llama.h"

namespace prolong::eval {

// Where the time of one task at one length went.
struct TaskTiming {
  std::string task;
  int length = 0;
  int samples = 0;
  double generate_seconds = 0.0;  // making the prompts
  // Prefill: from the start of decoding to the first generated token.
  int64_t prompt_tokens = 0;
  double prefill_seconds = 0.0;
  // Decode: every generated token after the first.
  int64_t decode_tokens = 0;
  double decode_seconds = 0.0;
  double total_seconds = 0.0;  // prompts, decoding and scoring
};

// Evaluates every task of `config` at every length. Progress goes to
// stderr; when `timings` is given, one entry per task and length is
// appended to it.
EvalResults Evaluate(const config::EvalConfig& config,
                     const model::Llama& model,
                     const data::BpeTokenizer& tokenizer,
                     const Materials& materials,
                     std::vector<TaskTiming>* timings = nullptr);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_EVALUATOR_H_
