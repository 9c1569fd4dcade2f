// Multiple-choice scoring as lm-eval-harness does it: each choice's
// log-likelihood as a continuation of the context, then
//   acc:      the choice with the highest log-likelihood,
//   acc_norm: the choice with the highest log-likelihood per byte of the
//             choice (its leading space included),
// ties going to the first such choice (numpy's argmax). The context is
// BOS + Encode(context) and a choice's tokens are Encode(choice): choices
// start with a space, where a byte-level BPE pre-tokenizer splits anyway.
// A context too long for the window loses its oldest tokens (BOS stays),
// as lm-eval-harness truncates from the left.
#ifndef PROLONG_EXPERIMENTS_EVAL_MULTIPLE_CHOICE_H_
#define PROLONG_EXPERIMENTS_EVAL_MULTIPLE_CHOICE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/tasks/multiple_choice.h"
#include "model/llama.h"

namespace prolong::eval {

// Sum of log p(continuation[i] | context, continuation[..i]) in nats.
using LogLikelihood =
    std::function<double(const std::vector<int32_t>& context,
                         const std::vector<int32_t>& continuation)>;

// A model's LogLikelihood: one forward pass over context + continuation
// with only the continuation's tokens as targets. `model` must outlive it.
LogLikelihood ModelLogLikelihood(model::Llama& model);

using Encoder = std::function<std::vector<int32_t>(const std::string& text)>;

struct ChoiceVerdict {
  std::vector<double> log_likelihoods;  // one per choice
  int context_tokens = 0;               // BOS included, after truncation
  int chosen = 0;                       // acc's pick
  int chosen_norm = 0;                  // acc_norm's pick
};

// Scores every choice within a window of `max_tokens` (context + choice).
// Throws std::invalid_argument for a sample without choices, an empty
// choice, or a choice that leaves no room for BOS and one context token.
ChoiceVerdict ScoreChoices(const data::MultipleChoiceSample& sample,
                           const Encoder& encode, int32_t bos, int max_tokens,
                           const LogLikelihood& log_likelihood);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_MULTIPLE_CHOICE_H_
