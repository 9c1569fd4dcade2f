// CUDA twin of ops/attention.h: causal multi-head attention over one packed
// sequence with optional document masking, FlashAttention-2 style (Dao
// 2023): the (T, T) score matrix is never built; memory is O(T * head_dim).
//
// Same contract as the CPU op: query t may attend to key s iff s <= t and,
// with document masking, s is in t's document. Documents are cu_seqlens:
// doc_starts (num_docs + 1, device) with 0 = doc_starts[0] <= ... <=
// doc_starts[num_docs] = T (repeated values are empty documents); without
// document masking doc_starts is not read. Grouped-query attention: query
// head h reads key / value head h / (Hq / Hkv). Scores are scaled by
// 1 / sqrt(head_dim), head_dim <= kAttentionMaxHeadDim.
//
// Two sets of kernels. bf16 with head_dim 16, 32, 64 or 128 (and 16-byte
// aligned tensors) runs on tensor cores (attention_tensor_core.h: mma.sync
// with fp32 accumulators, P and dS rounded to bf16 before their products).
// Everything else, fp32 included, runs the kernels of attention.cu: 64 x 64
// tiles, 256 threads, fp32 tiles in shared memory and fp32 accumulators,
// plain fp32 FMAs (exact enough to test the CPU op against). Both follow the
// scheme below.
// Forward: one block per (query tile, head), an online softmax over the key
// tiles from the document start of the tile's first query to the tile's
// end; saves the fp32 log-sum-exp (natural log). Backward, deterministic
// without atomics: D = rowsum(dout * out); then one block per (key tile,
// kv head) accumulates dK, dV over the query heads of its group and the
// query tiles that see the key tile, and one block per (query tile, head)
// accumulates dQ over the key tiles it sees; both recompute
// P = exp(S - lse). Every block writes only its own rows, summing in a fixed
// order, so results are bitwise identical from run to run.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_ATTENTION_H_
#define PROLONG_OPS_CUDA_ATTENTION_H_

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "ops/cuda/dtype.h"

namespace prolong::ops::cuda {

inline constexpr int kAttentionMaxHeadDim = 128;

// q (T, Hq, head_dim), k, v (T, Hkv, head_dim), doc_starts (num_docs + 1)
// -> out (T, Hq, head_dim), lse (Hq, T). Both outputs are overwritten.
// Float: float or bf16. Throws std::invalid_argument on bad shapes.
template <typename Float>
void AttentionForward(Float* out, float* lse, const Float* q, const Float* k,
                      const Float* v, const int32_t* doc_starts, int num_docs,
                      bool document_masking, int T, int Hq, int Hkv,
                      int head_dim, cudaStream_t stream);

// Floats of device scratch that AttentionBackward needs: delta (Hq, T) and,
// for short sequences in bf16, the tensor-core dK/dV pass's partial sums.
std::size_t AttentionBackwardScratchFloats(int T, int Hq, int Hkv,
                                           int head_dim);

// Accumulates dq (T, Hq, head_dim), dk, dv (T, Hkv, head_dim) given
// dout (T, Hq, head_dim) and the forward's inputs, out and lse. scratch:
// AttentionBackwardScratchFloats(T, Hq, Hkv, head_dim) floats, 16-byte
// aligned; contents on entry ignored.
template <typename Float>
void AttentionBackward(Float* dq, Float* dk, Float* dv, float* scratch,
                       const Float* dout, const Float* q, const Float* k,
                       const Float* v, const Float* out, const float* lse,
                       const int32_t* doc_starts, int num_docs,
                       bool document_masking, int T, int Hq, int Hkv,
                       int head_dim, cudaStream_t stream);

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_ATTENTION_H_
