// Runs a model on an evaluation suite at several lengths with greedy
// decoding, HELMET style: each prompt is BOS + the prompt's tokens, the
// answer is generated until EOS or the task's token budget, and scored
// with the task's metric (experiments/eval/task_metric.h). Category = mean
// of its datasets (HELMET).
#ifndef PROLONG_EXPERIMENTS_EVAL_EVALUATOR_H_
#define PROLONG_EXPERIMENTS_EVAL_EVALUATOR_H_

#include <map>
#include <string>

#include "data/corpus/document.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config.pb.h"
#include "experiments/eval/results.h"
#include "model/llama.h"

namespace prolong::eval {

// Corpora that tasks draw text from, by the names TaskConfig.material uses.
using Materials = std::map<std::string, data::Corpus>;

// Evaluates every task of `config` at every length. Progress goes to stderr.
EvalResults Evaluate(const config::EvalConfig& config,
                     const model::Llama& model,
                     const data::BpeTokenizer& tokenizer,
                     const Materials& materials);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_EVALUATOR_H_
