// Global gradient L2 norm and clipping on the device, the CUDA twin of the
// trainer's GradNorm (experiments/training/trainer.cc) and its clipping:
//   norm = sqrt(sum_i g_i^2)  (squares summed in double),
//   if max_norm > 0 and norm > max_norm: g *= float(max_norm / norm).
// The sum is deterministic without atomics: a fixed grid of
// kGradNormBlocks blocks each sums a fixed strided subset into its own
// partial (stage 1), and one block sums the partials in a fixed order
// (stage 2). The grid size never depends on the device, so the bits do not
// either. The norm stays on the device, so clipping needs no host sync.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_GRAD_NORM_H_
#define PROLONG_OPS_CUDA_GRAD_NORM_H_

#include <cuda_runtime_api.h>

#include <cstdint>

namespace prolong::ops::cuda {

inline constexpr int kGradNormBlocks = 512;

// grads (n) -> norm (1, device). partials: kGradNormBlocks doubles of
// scratch; contents on entry are ignored. A non-finite gradient gives a
// non-finite norm (the caller checks it, as the CPU trainer does).
void GlobalGradNorm(double* norm, double* partials, const float* grads,
                    int64_t n, cudaStream_t stream);

// Scales grads (n) by float(max_norm / *norm) when max_norm > 0 and
// *norm > max_norm; otherwise leaves them unchanged. norm: (1, device).
void ClipGradNorm(float* grads, int64_t n, const double* norm, double max_norm,
                  cudaStream_t stream);

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_GRAD_NORM_H_
