// CUDA twin of ops/swiglu.h: the SwiGLU gate out = silu(gate) * up,
// silu(x) = x * sigmoid(x), elementwise, with device pointers and a stream.
// Computed in fp32, stored as Float.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_SWIGLU_H_
#define PROLONG_OPS_CUDA_SWIGLU_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "ops/cuda/dtype.h"

namespace prolong::ops::cuda {

// gate (n), up (n) -> out (n). Float: float or bf16.
template <typename Float>
void SwiGluForward(Float* out, const Float* gate, const Float* up, int64_t n,
                   cudaStream_t stream);

// Accumulates dgate (n) += dout * up * silu'(gate), dup (n) += dout *
// silu(gate), with silu'(x) = sigmoid(x) * (1 + x * (1 - sigmoid(x))).
template <typename Float>
void SwiGluBackward(Float* dgate, Float* dup, const Float* dout,
                    const Float* gate, const Float* up, int64_t n,
                    cudaStream_t stream);

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_SWIGLU_H_
