// Perplexity of a model on single documents of a token shard, one forward
// pass per document (plain causal attention: one document per sequence).
//
//  - Long-document perplexity (the paper's Figure 1: the last 32K tokens of
//    64K-token PG19 documents): a document reaching 2L tokens once BOS is
//    prepended (document_length >= 2L - 1) is fed as BOS + its first 2L - 1
//    tokens, and only the last L positions of those 2L are targets, each
//    predicted from everything before it.
//  - Short-document perplexity: BOS + the document's first max_tokens - 1
//    tokens (all of a shorter one), every token after BOS a target.
//
// A document's perplexity is exp(NLL sum / targets), NLL in nats.
#ifndef PROLONG_EXPERIMENTS_EVAL_PERPLEXITY_H_
#define PROLONG_EXPERIMENTS_EVAL_PERPLEXITY_H_

#include <cstdint>
#include <vector>

#include "data/shards/token_shard.h"
#include "model/llama.h"

namespace prolong::eval {

struct DocumentLoss {
  int64_t document = 0;  // index in the shard
  int fed_tokens = 0;    // sequence length, BOS included
  double nll_sum = 0.0;  // nats, over the targets
  int64_t targets = 0;

  double Perplexity() const;
};

// Whether document `d` of `shard` is long enough for LongDocumentLoss at L.
bool ReachesTwiceLength(const data::TokenShard& shard, int64_t d, int length);

// Throws std::invalid_argument unless ReachesTwiceLength(shard, d, length).
DocumentLoss LongDocumentLoss(model::Llama& model,
                              const data::TokenShard& shard, int64_t d,
                              int length, int32_t bos);

// Throws std::invalid_argument for an empty document or max_tokens < 2.
DocumentLoss ShortDocumentLoss(model::Llama& model,
                               const data::TokenShard& shard, int64_t d,
                               int max_tokens, int32_t bos);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_PERPLEXITY_H_
