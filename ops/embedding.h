// Token embedding: a row gather forward, a scatter-add backward.
#ifndef PROLONG_OPS_EMBEDDING_H_
#define PROLONG_OPS_EMBEDDING_H_

#include <cstdint>

namespace prolong::ops {

// tokens (T), table (V, C) -> out (T, C) with out[t] = table[tokens[t]].
void EmbeddingForward(float* out, const int32_t* tokens, const float* table,
                      int T, int C);

// Accumulates dtable (V, C) += sum over t with tokens[t] = v of dout[t].
// Rows are added in position order (threads split the C columns), so the
// result is deterministic for any thread count.
void EmbeddingBackward(float* dtable, const float* dout, const int32_t* tokens,
                       int T, int C);

}  // namespace prolong::ops

#endif  // PROLONG_OPS_EMBEDDING_H_
