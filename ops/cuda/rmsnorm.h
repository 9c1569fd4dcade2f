// CUDA twin of ops/rmsnorm.h: same math and argument order, with device
// pointers and a stream. Float (see dtype.h) is the type of the
// activations and the weight; rstd and dweight are fp32 and every sum is
// accumulated in fp32. The forward normalises a row per warp, and so does
// the backward for rows of up to 1024 bf16 (512 fp32) values, both with
// 16-byte loads where the arrays are aligned and C is a multiple of 8 bf16
// (4 fp32); otherwise a row per block. Warp-shuffle reductions. Both
// functions are bitwise deterministic: the backward reduces dweight in two
// fixed-order stages instead of atomics.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_RMSNORM_H_
#define PROLONG_OPS_CUDA_RMSNORM_H_

#include <cuda_runtime_api.h>

#include <cstddef>

#include "ops/cuda/dtype.h"

namespace prolong::ops::cuda {

// inp (N, C), weight (C) -> out (N, C), rstd (N) saved for the backward.
// Float: float or bf16.
template <typename Float>
void RmsNormForward(Float* out, float* rstd, const Float* inp,
                    const Float* weight, int N, int C, float eps,
                    cudaStream_t stream);

// Floats of device scratch that RmsNormBackward needs for N rows of width C:
// (min(N, 512), C) per-block dweight partial sums.
std::size_t RmsNormBackwardScratchFloats(int N, int C);

// Accumulates: dinp (N, C) += d out / d inp, dweight (C) += d out / d weight.
// scratch holds RmsNormBackwardScratchFloats(N, C) floats; its contents on
// entry are ignored and on exit unspecified.
template <typename Float>
void RmsNormBackward(Float* dinp, float* dweight, float* scratch,
                     const Float* dout, const Float* inp, const Float* weight,
                     const float* rstd, int N, int C, cudaStream_t stream);

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_RMSNORM_H_
