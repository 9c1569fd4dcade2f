// CUDA twin of ops/rope.h: rotary position embedding in Hugging Face's
// rotate-half convention (dimension i < hd/2 pairs with i + hd/2), with
// device pointers and a stream. The cos / sin tables are fp32, built on the
// host by ops::RopeTables (values computed in double) and copied to the
// device; the rotation is computed in fp32 and stored as Float.
//
// Positions are bounds-checked against max_positions: a position outside
// [0, max_positions) turns that token's values into NaN.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_ROPE_H_
#define PROLONG_OPS_CUDA_ROPE_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "ops/cuda/dtype.h"

namespace prolong::ops::cuda {

// x (T, H, head_dim) rotated in place; positions (T) index the tables cos,
// sin (max_positions, head_dim / 2). head_dim must be even. Float: float or
// bf16.
template <typename Float>
void RopeForward(Float* x, const float* cos, const float* sin,
                 const int32_t* positions, int T, int H, int head_dim,
                 int max_positions, cudaStream_t stream);

// dx (T, H, head_dim): the gradient w.r.t. the rotated values on entry, the
// gradient w.r.t. the unrotated values on return (the inverse rotation).
template <typename Float>
void RopeBackward(Float* dx, const float* cos, const float* sin,
                  const int32_t* positions, int T, int H, int head_dim,
                  int max_positions, cudaStream_t stream);

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_ROPE_H_
