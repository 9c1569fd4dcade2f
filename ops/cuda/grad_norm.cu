#include <cmath>
#include <cstdint>

#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"
#include "ops/cuda/grad_norm.h"

namespace prolong::ops::cuda {
namespace {

constexpr int kThreads = 256;
static_assert(kGradNormBlocks <= 1024, "stage 2 is one block");

// Grid (kGradNormBlocks), block (kThreads): block b sums g^2 over indices
// b * kThreads + thread + k * kGradNormBlocks * kThreads into partials[b].
__global__ void __launch_bounds__(kThreads)
    PartialSumsKernel(double* partials, const float* grads, std::int64_t n) {
  constexpr std::int64_t kStride =
      static_cast<std::int64_t>(kGradNormBlocks) * kThreads;
  double sum = 0.0;
  for (std::int64_t i =
           static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
       i < n; i += kStride) {
    const double g = grads[i];
    sum += g * g;
  }
  sum = BlockSum<kThreads>(sum);
  if (threadIdx.x == 0) partials[blockIdx.x] = sum;
}

// Grid (1), block (kGradNormBlocks): *norm = sqrt(sum of partials).
__global__ void __launch_bounds__(kGradNormBlocks)
    FinalNormKernel(double* norm, const double* partials) {
  const double sum = BlockSum<kGradNormBlocks>(partials[threadIdx.x]);
  if (threadIdx.x == 0) *norm = sqrt(sum);
}

// Grid (ceil(n / kThreads)), block (kThreads): one thread per gradient.
__global__ void __launch_bounds__(kThreads)
    ClipKernel(float* grads, std::int64_t n, const double* norm,
               double max_norm) {
  const std::int64_t i =
      static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  const double current = *norm;
  if (i >= n || !(max_norm > 0.0 && current > max_norm)) return;
  grads[i] *= static_cast<float>(max_norm / current);
}

}  // namespace

void GlobalGradNorm(double* norm, double* partials, const float* grads,
                    int64_t n, cudaStream_t stream) {
  PartialSumsKernel<<<kGradNormBlocks, kThreads, 0, stream>>>(partials, grads,
                                                              n);
  CUDA_CHECK(cudaGetLastError());
  FinalNormKernel<<<1, kGradNormBlocks, 0, stream>>>(norm, partials);
  CUDA_CHECK(cudaGetLastError());
}

void ClipGradNorm(float* grads, int64_t n, const double* norm, double max_norm,
                  cudaStream_t stream) {
  if (n == 0 || !(max_norm > 0.0)) return;
  ClipKernel<<<static_cast<unsigned>(CeilDiv(n, kThreads)), kThreads, 0,
               stream>>>(grads, n, norm, max_norm);
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace prolong::ops::cuda
