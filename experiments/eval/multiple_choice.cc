#include "experiments/eval/multiple_choice.h"

#include <algorithm>
#include <stdexcept>

namespace prolong::eval {

LogLikelihood ModelLogLikelihood(model::Llama& model) {
  return [&model](const std::vector<int32_t>& context,
                  const std::vector<int32_t>& continuation) {
    model::PackedSequence seq;
    seq.tokens = context;
    seq.tokens.insert(seq.tokens.end(), continuation.begin(),
                      continuation.end());
    const int total = static_cast<int>(seq.tokens.size());
    seq.doc_starts = {0, total};
    seq.loss_mask.assign(total, 0);
    for (int t = static_cast<int>(context.size()); t < total; ++t) {
      seq.loss_mask[t] = 1;
    }
    return -model.Forward(seq, /*document_masking=*/true).loss_sum;
  };
}

ChoiceVerdict ScoreChoices(const data::MultipleChoiceSample& sample,
                           const Encoder& encode, int32_t bos, int max_tokens,
                           const LogLikelihood& log_likelihood) {
  if (sample.choices.empty()) {
    throw std::invalid_argument("multiple-choice sample without choices");
  }
  std::vector<std::vector<int32_t>> continuations;
  size_t longest = 0;
  for (const std::string& choice : sample.choices) {
    continuations.push_back(encode(choice));
    if (choice.empty() || continuations.back().empty()) {
      throw std::invalid_argument(
          "multiple-choice sample with an empty choice (context \"" +
          sample.context + "\")");
    }
    longest = std::max(longest, continuations.back().size());
  }
  if (static_cast<int64_t>(longest) + 2 > max_tokens) {
    throw std::invalid_argument("a choice of " + std::to_string(longest) +
                                " tokens leaves no context in a window of " +
                                std::to_string(max_tokens));
  }
  const std::vector<int32_t> encoded = encode(sample.context);
  const size_t room = max_tokens - longest - 1;  // context tokens after BOS
  const size_t dropped = encoded.size() > room ? encoded.size() - room : 0;
  std::vector<int32_t> context = {bos};
  context.insert(context.end(), encoded.begin() + dropped, encoded.end());

  ChoiceVerdict verdict;
  verdict.context_tokens = static_cast<int>(context.size());
  for (size_t c = 0; c < sample.choices.size(); ++c) {
    const double value = log_likelihood(context, continuations[c]);
    verdict.log_likelihoods.push_back(value);
    const double per_byte = value / sample.choices[c].size();
    const double best = verdict.log_likelihoods[verdict.chosen];
    const double best_norm = verdict.log_likelihoods[verdict.chosen_norm] /
                             sample.choices[verdict.chosen_norm].size();
    if (value > best) verdict.chosen = static_cast<int>(c);
    if (per_byte > best_norm) verdict.chosen_norm = static_cast<int>(c);
  }
  return verdict;
}

}  // namespace prolong::eval
