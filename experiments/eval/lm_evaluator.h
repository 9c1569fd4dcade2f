// The language-modelling evaluation (lm_eval_main): held-out perplexity and
// the short-context multiple-choice suite, run before SFT as the paper runs
// its short-context evaluation. Every document it reads is held out
// (data/packing/held_out.h), so no mixture has trained on it; documents and
// samples are a pure function of the shards and config.seed.
//
// Results (experiments/eval/results.h), one TaskResult per measure:
//
//   ppl_<domain>  category "Perplexity", one per long domain and L in
//       config.lengths (perplexity.h's long-document measure), and one per
//       short domain at config.short_length (short-document measure). Per
//       sample = per document: scores = the document's perplexity (lower is
//       better), prompt_tokens = tokens fed (BOS included), depth_index =
//       the document's index in its shard, answers = its name, predictions
//       empty. At most long_documents / short_documents documents, fewer
//       when fewer are held out; none at all is an error.
//   mc_continuation, mc_definition  category "Short", length short_length:
//       accuracy (1 when the highest log-likelihood choice is the gold);
//   mc_continuation_norm, mc_definition_norm: the same with acc_norm
//       (log-likelihood per byte). Per sample: prompt_tokens = context
//       tokens (BOS included), depth_index = the gold's index,
//       predictions = the chosen choice, answers = the gold choice.
#ifndef PROLONG_EXPERIMENTS_EVAL_LM_EVALUATOR_H_
#define PROLONG_EXPERIMENTS_EVAL_LM_EVALUATOR_H_

#include <map>
#include <string>

#include "data/shards/token_shard.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config.pb.h"
#include "experiments/eval/results.h"
#include "model/llama.h"

namespace prolong::eval {

// Token shards by domain.
using Shards = std::map<std::string, data::TokenShard>;

// Runs every measure of `config`. Throws std::runtime_error naming the
// domain when a configured domain has no shard or no usable held-out
// document. Progress (held-out counts, scores) goes to stderr.
EvalResults EvaluateLanguageModel(const config::LmEvalConfig& config,
                                  model::Llama& model,
                                  const data::BpeTokenizer& tokenizer,
                                  const Shards& shards);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_LM_EVALUATOR_H_
