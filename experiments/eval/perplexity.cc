#include "experiments/eval/perplexity.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace prolong::eval {
namespace {

// BOS + the first `fed_tokens - 1` tokens of document d; positions from
// `first_target` on are targets.
DocumentLoss Score(model::Llama& model, const data::TokenShard& shard,
                   int64_t d, int fed_tokens, int first_target, int32_t bos) {
  model::PackedSequence seq;
  seq.tokens.reserve(fed_tokens);
  seq.tokens.push_back(bos);
  const auto begin = shard.tokens.begin() + shard.doc_offsets[d];
  seq.tokens.insert(seq.tokens.end(), begin, begin + (fed_tokens - 1));
  seq.doc_starts = {0, fed_tokens};
  seq.loss_mask.assign(fed_tokens, 0);
  for (int t = first_target; t < fed_tokens; ++t) seq.loss_mask[t] = 1;
  const model::LossSum loss = model.Forward(seq, /*document_masking=*/true);
  return {d, fed_tokens, loss.loss_sum, loss.targets};
}

}  // namespace

double DocumentLoss::Perplexity() const {
  return std::exp(nll_sum / static_cast<double>(targets));
}

bool ReachesTwiceLength(const data::TokenShard& shard, int64_t d, int length) {
  return shard.document_length(d) + 1 >= 2 * int64_t{length};
}

DocumentLoss LongDocumentLoss(model::Llama& model,
                              const data::TokenShard& shard, int64_t d,
                              int length, int32_t bos) {
  if (length < 1 || !ReachesTwiceLength(shard, d, length)) {
    throw std::invalid_argument("document " + std::to_string(d) + " of \"" +
                                shard.domain + "\" (" +
                                std::to_string(shard.document_length(d)) +
                                " tokens) is too short for perplexity at L = " +
                                std::to_string(length));
  }
  return Score(model, shard, d, 2 * length, length, bos);
}

DocumentLoss ShortDocumentLoss(model::Llama& model,
                               const data::TokenShard& shard, int64_t d,
                               int max_tokens, int32_t bos) {
  if (max_tokens < 2 || shard.document_length(d) == 0) {
    throw std::invalid_argument("document " + std::to_string(d) + " of \"" +
                                shard.domain +
                                "\": nothing to score (empty document or "
                                "max_tokens < 2)");
  }
  const int fed = static_cast<int>(
      std::min<int64_t>(max_tokens, shard.document_length(d) + 1));
  return Score(model, shard, d, fed, 1, bos);
}

}  // namespace prolong::eval
