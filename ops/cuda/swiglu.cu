#include <cstdint>

#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"
#include "ops/cuda/swiglu.h"

namespace prolong::ops::cuda {
namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ float Sigmoid(float x) {
  return 1.0f / (1.0f + expf(-x));
}

// Grid (ceil(n / kThreads)), block (kThreads): one thread per element.
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    ForwardKernel(Float* out, const Float* gate, const Float* up,
                  std::int64_t n) {
  const std::int64_t i =
      static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (i >= n) return;
  const float x = ToFloat(gate[i]);
  out[i] = FromFloat<Float>(x * Sigmoid(x) * ToFloat(up[i]));
}

template <typename Float>
__global__ void __launch_bounds__(kThreads)
    BackwardKernel(Float* dgate, Float* dup, const Float* dout,
                   const Float* gate, const Float* up, std::int64_t n) {
  const std::int64_t i =
      static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (i >= n) return;
  const float x = ToFloat(gate[i]);
  const float dy = ToFloat(dout[i]);
  const float sigmoid = Sigmoid(x);
  const float silu = x * sigmoid;
  const float dsilu = sigmoid * (1.0f + x * (1.0f - sigmoid));
  dgate[i] = FromFloat<Float>(ToFloat(dgate[i]) + dy * ToFloat(up[i]) * dsilu);
  dup[i] = FromFloat<Float>(ToFloat(dup[i]) + dy * silu);
}

unsigned Blocks(std::int64_t n) {
  return static_cast<unsigned>(CeilDiv(n, kThreads));
}

}  // namespace

template <typename Float>
void SwiGluForward(Float* out, const Float* gate, const Float* up, int64_t n,
                   cudaStream_t stream) {
  if (n == 0) return;
  ForwardKernel<Float><<<Blocks(n), kThreads, 0, stream>>>(out, gate, up, n);
  CUDA_CHECK(cudaGetLastError());
}

template <typename Float>
void SwiGluBackward(Float* dgate, Float* dup, const Float* dout,
                    const Float* gate, const Float* up, int64_t n,
                    cudaStream_t stream) {
  if (n == 0) return;
  BackwardKernel<Float>
      <<<Blocks(n), kThreads, 0, stream>>>(dgate, dup, dout, gate, up, n);
  CUDA_CHECK(cudaGetLastError());
}

template void SwiGluForward<float>(float*, const float*, const float*, int64_t,
                                   cudaStream_t);
template void SwiGluForward<bf16>(bf16*, const bf16*, const bf16*, int64_t,
                                  cudaStream_t);
template void SwiGluBackward<float>(float*, float*, const float*, const float*,
                                    const float*, int64_t, cudaStream_t);
template void SwiGluBackward<bf16>(bf16*, bf16*, const bf16*, const bf16*,
                                   const bf16*, int64_t, cudaStream_t);

}  // namespace prolong::ops::cuda
