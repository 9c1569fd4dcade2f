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

// One element: out = silu(x) * up.
__device__ __forceinline__ float SwiGlu(float x, float up) {
  return x * Sigmoid(x) * up;
}

// One element's gradients, added to dgate and dup.
__device__ __forceinline__ void SwiGluGrad(float& dgate, float& dup, float dy,
                                           float x, float up) {
  const float sigmoid = Sigmoid(x);
  const float silu = x * sigmoid;
  const float dsilu = sigmoid * (1.0f + x * (1.0f - sigmoid));
  dgate += dy * up * dsilu;
  dup += dy * silu;
}

// Grid (Blocks<Float>(n)), block (kThreads): thread i takes elements
// [W i, W i + W), W = kVectorWidth<Float>, with 16-byte loads and stores
// when kVector (every array 16-byte aligned) and all W exist, else one at a
// time; the arithmetic per element is the same.
template <typename Float, bool kVector>
__global__ void __launch_bounds__(kThreads)
    ForwardKernel(Float* out, const Float* gate, const Float* up,
                  std::int64_t n) {
  constexpr int W = kVectorWidth<Float>;
  const std::int64_t first =
      (static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x) * W;
  if (kVector && first + W <= n) {
    float x[W], u[W], y[W];
    LoadVector(x, gate + first);
    LoadVector(u, up + first);
#pragma unroll
    for (int j = 0; j < W; ++j) y[j] = SwiGlu(x[j], u[j]);
    StoreVector(out + first, y);
    return;
  }
  for (std::int64_t i = first; i < n && i < first + W; ++i) {
    out[i] = FromFloat<Float>(SwiGlu(ToFloat(gate[i]), ToFloat(up[i])));
  }
}

template <typename Float, bool kVector>
__global__ void __launch_bounds__(kThreads)
    BackwardKernel(Float* dgate, Float* dup, const Float* dout,
                   const Float* gate, const Float* up, std::int64_t n) {
  constexpr int W = kVectorWidth<Float>;
  const std::int64_t first =
      (static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x) * W;
  if (kVector && first + W <= n) {
    float dg[W], du[W], dy[W], x[W], u[W];
    LoadVector(dg, dgate + first);
    LoadVector(du, dup + first);
    LoadVector(dy, dout + first);
    LoadVector(x, gate + first);
    LoadVector(u, up + first);
#pragma unroll
    for (int j = 0; j < W; ++j) SwiGluGrad(dg[j], du[j], dy[j], x[j], u[j]);
    StoreVector(dgate + first, dg);
    StoreVector(dup + first, du);
    return;
  }
  for (std::int64_t i = first; i < n && i < first + W; ++i) {
    float dg = ToFloat(dgate[i]), du = ToFloat(dup[i]);
    SwiGluGrad(dg, du, ToFloat(dout[i]), ToFloat(gate[i]), ToFloat(up[i]));
    dgate[i] = FromFloat<Float>(dg);
    dup[i] = FromFloat<Float>(du);
  }
}

template <typename Float>
unsigned Blocks(std::int64_t n) {
  return static_cast<unsigned>(
      CeilDiv(n, static_cast<std::int64_t>(kThreads) * kVectorWidth<Float>));
}

}  // namespace

template <typename Float>
void SwiGluForward(Float* out, const Float* gate, const Float* up, int64_t n,
                   cudaStream_t stream) {
  if (n == 0) return;
  if (VectorAligned(out, gate, up)) {
    ForwardKernel<Float, true>
        <<<Blocks<Float>(n), kThreads, 0, stream>>>(out, gate, up, n);
  } else {
    ForwardKernel<Float, false>
        <<<Blocks<Float>(n), kThreads, 0, stream>>>(out, gate, up, n);
  }
  CUDA_CHECK(cudaGetLastError());
}

template <typename Float>
void SwiGluBackward(Float* dgate, Float* dup, const Float* dout,
                    const Float* gate, const Float* up, int64_t n,
                    cudaStream_t stream) {
  if (n == 0) return;
  if (VectorAligned(dgate, dup, dout, gate, up)) {
    BackwardKernel<Float, true><<<Blocks<Float>(n), kThreads, 0, stream>>>(
        dgate, dup, dout, gate, up, n);
  } else {
    BackwardKernel<Float, false><<<Blocks<Float>(n), kThreads, 0, stream>>>(
        dgate, dup, dout, gate, up, n);
  }
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
