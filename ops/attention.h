// Causal multi-head attention over one packed sequence, FlashAttention-2
// style on the CPU (Dao 2023). Memory is O(T * head_dim) per head plus
// O(block^2) scratch per thread: the (T, T) score matrix is never built.
//
// Query t may attend to key s iff s <= t and, with document masking, s is in
// t's document. Documents are given as cu_seqlens: doc_starts (num_docs + 1)
// with 0 = doc_starts[0] <= ... <= doc_starts[num_docs] = T (repeated values
// are empty documents). Grouped-query attention: query head h reads key /
// value head h / (Hq / Hkv). Scores are scaled by 1 / sqrt(head_dim).
//
// Forward: per (kv head, query tile of `block` rows), for each query head of
// the group, an online softmax over the key tiles in [doc start of the
// tile's first query, tile end]; each row's visible columns of a tile are
// one range [lo, hi), so masking costs no per-score test. The log-sum-exp
// (natural log) of each row is saved for the backward.
// Backward: D = rowsum(dout * out); P = exp(S - lse) and dS are computed
// once per (query tile, key tile, head) and give dV, dK and dQ together (5
// tile products, 1 exp). Tasks cover groups of 4 x 4 tile pairs of one kv
// head and add straight into dq, dk and dv; OpenMP task dependences order
// the tasks that add to the same rows by key tile (dq) or query tile (dk,
// dv), so every sum has one fixed order. No scratch beyond K^T, V^T, D and
// two (block, block) tiles per thread.
//
// CPU kernels: the tile products are AVX2 + FMA register-blocked kernels
// over K^T / V^T transposed once per call into contiguous (head_dim, block)
// tiles; exp is ops/vector_exp.h's base-2 8-lane polynomial (scores scaled
// by log2(e) up front; max relative error 8.0e-8); row max, rescale and
// softmax backward are vectorised. Forward tasks are handed out dynamically,
// heaviest first, in one parallel region per op. Every sum is in a fixed order
// whichever thread computes it, so results are byte-identical for any thread
// count.
#ifndef PROLONG_OPS_ATTENTION_H_
#define PROLONG_OPS_ATTENTION_H_

#include <cstdint>

namespace prolong::ops {

inline constexpr int kAttentionBlock = 64;

// q (T, Hq, head_dim), k, v (T, Hkv, head_dim), doc_starts (num_docs + 1)
// -> out (T, Hq, head_dim), lse (Hq, T). Both outputs are overwritten.
void AttentionForward(float* out, float* lse, const float* q, const float* k,
                      const float* v, const int32_t* doc_starts, int num_docs,
                      bool document_masking, int T, int Hq, int Hkv,
                      int head_dim, int block = kAttentionBlock);

// Accumulates dq (T, Hq, head_dim), dk, dv (T, Hkv, head_dim) given
// dout (T, Hq, head_dim) and the forward's inputs, out and lse.
void AttentionBackward(float* dq, float* dk, float* dv, const float* dout,
                       const float* q, const float* k, const float* v,
                       const float* out, const float* lse,
                       const int32_t* doc_starts, int num_docs,
                       bool document_masking, int T, int Hq, int Hkv,
                       int head_dim, int block = kAttentionBlock);

}  // namespace prolong::ops

#endif  // PROLONG_OPS_ATTENTION_H_
