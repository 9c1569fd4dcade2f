// CUDA twin of ops/embedding.h: a row gather forward and a scatter-add
// backward, with device pointers and a stream.
//
// The backward is deterministic without atomics: a stable radix sort (CUB)
// groups the positions of each token id in position order, then one thread
// per (token, column) adds that token's rows in that order. This is the CPU
// op's order too, so in fp32 mode dtable is bitwise equal to the CPU's.
//
// Token ids are bounds-checked against V: an id outside [0, V) gives a row
// of NaN in the forward (so the loss turns non-finite and the trainer stops)
// and contributes no gradient in the backward.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_EMBEDDING_H_
#define PROLONG_OPS_CUDA_EMBEDDING_H_

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "ops/cuda/dtype.h"

namespace prolong::ops::cuda {

// tokens (T), table (V, C) -> out (T, C) with out[t] = table[tokens[t]].
// Float: float or bf16.
template <typename Float>
void EmbeddingForward(Float* out, const int32_t* tokens, const Float* table,
                      int T, int C, int V, cudaStream_t stream);

// Bytes of device scratch that EmbeddingBackward needs for T tokens (the
// sort's keys, values and temporary storage). Queries CUB, so it needs a
// CUDA device.
std::size_t EmbeddingBackwardScratchBytes(int T);

// Accumulates dtable (V, C) += sum over t with tokens[t] = v of dout[t]
// (T, C), rows added in position order. scratch: EmbeddingBackwardScratchBytes
// (T) bytes, aligned as cudaMalloc aligns; contents on entry are ignored.
template <typename Float>
void EmbeddingBackward(float* dtable, void* scratch, const Float* dout,
                       const int32_t* tokens, int T, int C, int V,
                       cudaStream_t stream);

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_EMBEDDING_H_
