// The bf16 attention kernels on tensor cores, used by ops/cuda/attention.cu
// for the head dims and layouts they support; same contract as
// ops/cuda/attention.h. Not a public interface: call AttentionForward and
// AttentionBackward, which fall back to the fp32-FMA kernels otherwise.
//
// FlashAttention-2 (Dao 2023) on mma.sync.m16n8k16 (bf16 inputs, fp32
// accumulators; sm_80 and newer): 64-row tiles, 4 warps of 16 rows each,
// operands staged in shared memory by cp.async (the next tile loads while
// the current one is multiplied) and read with ldmatrix. Probabilities P and
// their gradients dS are rounded to bf16 before they multiply V, dO, K or Q,
// as in FlashAttention-2; everything else (scores, softmax statistics, the
// log-sum-exp, accumulators) stays fp32. The backward is the same three
// deterministic passes as the fp32 kernels (delta, then dK/dV per key tile,
// then dQ per query tile), so reruns are bitwise identical; for short
// sequences the dK/dV pass also splits each group's query heads over blocks
// and sums their fp32 partials in a fixed order.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_ATTENTION_TENSOR_CORE_H_
#define PROLONG_OPS_CUDA_ATTENTION_TENSOR_CORE_H_

#include <cuda_runtime_api.h>

#include <cstdint>
#include <initializer_list>

#include "ops/cuda/dtype.h"

namespace prolong::ops::cuda {

// Whether the tensor-core kernels take this problem: head_dim one of 16, 32,
// 64, 128 (rows are then whole 16-byte chunks) and every tensor they read
// with cp.async 16-byte aligned.
bool TensorCoreAttentionSupports(std::initializer_list<const void*> tensors,
                                 int head_dim);

// As AttentionForward<bf16>, for problems TensorCoreAttentionSupports.
void TensorCoreAttentionForward(bf16* out, float* lse, const bf16* q,
                                const bf16* k, const bf16* v,
                                const int32_t* doc_starts, int num_docs,
                                bool document_masking, int T, int Hq, int Hkv,
                                int head_dim, cudaStream_t stream);

// Into how many blocks the dK/dV pass splits each group's query heads: the
// whole group (Hq / Hkv) when T and Hkv alone would give it too few blocks
// to fill a GPU (short sequences, few kv heads), else 1. Depends on the
// shapes alone, so the summation order, and the bits, do too.
int TensorCoreKeyValueSplits(int T, int Hq, int Hkv);

// fp32 scratch the backward needs besides delta: per-split dK and dV
// partial sums, (2, splits, T, Hkv, head_dim) when splits > 1, else none.
std::size_t TensorCoreAttentionScratchFloats(int T, int Hq, int Hkv,
                                             int head_dim);

// As AttentionBackward<bf16> after delta (Hq, T) = rowsum(dout * out) is
// computed; partials: TensorCoreAttentionScratchFloats floats.
void TensorCoreAttentionBackward(bf16* dq, bf16* dk, bf16* dv, float* partials,
                                 const float* delta, const bf16* dout,
                                 const bf16* q, const bf16* k, const bf16* v,
                                 const float* lse, const int32_t* doc_starts,
                                 int num_docs, bool document_masking, int T,
                                 int Hq, int Hkv, int head_dim,
                                 cudaStream_t stream);

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_ATTENTION_TENSOR_CORE_H_
