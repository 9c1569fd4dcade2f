// The held-out split: documents that no training mixture packs, kept for
// perplexity and the short-context suite (experiments/eval/lm_evaluator.h).
//
// A pure function of the shard (its domain, document names and lengths):
//
//  1. Hash split: a document is held out when Mix64(FNV-1a 64 of
//     "<domain>\n<name>") % kHeldOutOneIn == 0, i.e. 1 in 20 documents. The
//     key is the name, not the text or the index, so the choice survives
//     re-tokenisation and reordering of the corpus.
//  2. Long-document guarantee: for each T in kHeldOutLongTokens (largest
//     first), documents of at least T tokens are added in hash order until
//     kHeldOutLongDocuments of them are held out, but never more than a
//     quarter of the domain's documents of at least T tokens (training keeps
//     three quarters of its long documents). T = 4,096 is 2L for L = 2,048
//     (the micro and nano evaluation lengths), T = 16,384 is 2L for L =
//     8,192 (small); the perplexity measure needs documents of 2L tokens.
//  3. A document holding more than 1/8 of its domain's tokens is never held
//     out: such a giant (golang's cmd/ is 37% of code_repos) carries much
//     training data, and evaluation reads only its first 2L tokens.
//
// Token counts depend on the tokenizer, so rule 2 can pick different
// documents at different vocabulary sizes; every stage of one pipeline uses
// one tokenizer, so the mixture and the evaluation always agree.
#ifndef PROLONG_DATA_PACKING_HELD_OUT_H_
#define PROLONG_DATA_PACKING_HELD_OUT_H_

#include <cstdint>
#include <vector>

#include "data/shards/token_shard.h"

namespace prolong::data {

inline constexpr uint64_t kHeldOutOneIn = 20;
inline constexpr int64_t kHeldOutLongDocuments = 8;
inline constexpr int64_t kHeldOutLongTokens[] = {16384, 4096};

// (D): true where document d is held out. Throws std::invalid_argument if
// the shard's doc_names do not match its documents.
std::vector<bool> HeldOutDocuments(const TokenShard& shard);

// The shard without its held-out documents (same domain, tokenizer and
// manifest; names and tokens of the rest, in order). Plain-text shards
// only: chat shards (SFT) are not split, since no evaluation reads them;
// throws std::invalid_argument for one.
TokenShard TrainingDocuments(const TokenShard& shard);

}  // namespace prolong::data

#endif  // PROLONG_DATA_PACKING_HELD_OUT_H_
