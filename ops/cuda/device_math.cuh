// Device helpers shared by the CUDA ops: fp32 <-> storage conversions and
// reductions whose summation order is fixed, so every result is bitwise
// reproducible from run to run. Include only from .cu files.
#ifndef PROLONG_OPS_CUDA_DEVICE_MATH_CUH_
#define PROLONG_OPS_CUDA_DEVICE_MATH_CUH_

#include <cuda_bf16.h>

#include <cstdint>
#include <type_traits>

namespace prolong::ops::cuda {

inline constexpr int kWarpSize = 32;

__host__ __device__ constexpr std::int64_t CeilDiv(std::int64_t a,
                                                   std::int64_t b) {
  return (a + b - 1) / b;
}

__device__ __forceinline__ float ToFloat(float x) { return x; }
__device__ __forceinline__ float ToFloat(__nv_bfloat16 x) {
  return __bfloat162float(x);
}

// fp32 -> Float, rounding to nearest even for bf16.
template <typename Float>
__device__ __forceinline__ Float FromFloat(float x) {
  if constexpr (std::is_same_v<Float, float>) {
    return x;
  } else {
    return __float2bfloat16_rn(x);
  }
}

// Sum over each aligned group of kLanes lanes (a power of two <= 32) of a
// warp, returned to every lane of the group. Butterfly order: every lane
// ends with the same bits, since each step adds the same two values
// (a + b == b + a exactly). All 32 lanes must call it together.
// Elementwise kernels move 16 bytes per load and store where they can: a
// vector of kVectorWidth<Float> consecutive elements.
template <typename Float>
inline constexpr int kVectorWidth = 16 / static_cast<int>(sizeof(Float));

// Whether every pointer is 16-byte aligned, so vectors can be used.
template <typename... Pointers>
__host__ bool VectorAligned(const Pointers*... pointers) {
  return ((reinterpret_cast<std::uintptr_t>(pointers) % 16 == 0) && ...);
}

// values <- the kVectorWidth<Float> elements at p (16-byte aligned).
template <typename Float>
__device__ __forceinline__ void LoadVector(float (&values)[kVectorWidth<Float>],
                                           const Float* p) {
  const uint4 raw = *reinterpret_cast<const uint4*>(p);
  const Float* elements = reinterpret_cast<const Float*>(&raw);
#pragma unroll
  for (int i = 0; i < kVectorWidth<Float>; ++i)
    values[i] = ToFloat(elements[i]);
}

// The kVectorWidth<Float> elements at p (16-byte aligned) <- values.
template <typename Float>
__device__ __forceinline__ void StoreVector(
    Float* p, const float (&values)[kVectorWidth<Float>]) {
  uint4 raw;
  Float* elements = reinterpret_cast<Float*>(&raw);
#pragma unroll
  for (int i = 0; i < kVectorWidth<Float>; ++i) {
    elements[i] = FromFloat<Float>(values[i]);
  }
  *reinterpret_cast<uint4*>(p) = raw;
}

template <int kLanes, typename Value>
__device__ __forceinline__ Value WarpSum(Value value) {
  static_assert(kLanes >= 1 && kLanes <= kWarpSize &&
                (kLanes & (kLanes - 1)) == 0);
  for (int offset = kLanes / 2; offset > 0; offset /= 2) {
    value += __shfl_xor_sync(0xffffffffu, value, offset);
  }
  return value;
}

// As WarpSum, for the maximum.
template <int kLanes>
__device__ __forceinline__ float WarpMax(float value) {
  static_assert(kLanes >= 1 && kLanes <= kWarpSize &&
                (kLanes & (kLanes - 1)) == 0);
  for (int offset = kLanes / 2; offset > 0; offset /= 2) {
    value = fmaxf(value, __shfl_xor_sync(0xffffffffu, value, offset));
  }
  return value;
}

// Sum over a block of kThreads threads, returned to every thread: warp sums,
// then a sum of the warp sums in warp order. Every thread of the block must
// call it (block-uniform control flow).
template <int kThreads, typename Value>
__device__ Value BlockSum(Value value) {
  static_assert(kThreads % kWarpSize == 0 && kThreads <= kWarpSize * kWarpSize);
  constexpr int kWarps = kThreads / kWarpSize;
  __shared__ Value warp_sums[kWarps];  // (kWarps)
  const int lane = threadIdx.x % kWarpSize;
  const int warp = threadIdx.x / kWarpSize;
  value = WarpSum<kWarpSize>(value);
  if (lane == 0) warp_sums[warp] = value;
  __syncthreads();
  value = WarpSum<kWarpSize>(lane < kWarps ? warp_sums[lane] : Value(0));
  __syncthreads();  // warp_sums may be rewritten by the next call.
  return value;
}

// As BlockSum, for the maximum.
template <int kThreads>
__device__ float BlockMax(float value) {
  static_assert(kThreads % kWarpSize == 0 && kThreads <= kWarpSize * kWarpSize);
  constexpr int kWarps = kThreads / kWarpSize;
  __shared__ float warp_maxima[kWarps];  // (kWarps)
  const int lane = threadIdx.x % kWarpSize;
  const int warp = threadIdx.x / kWarpSize;
  value = WarpMax<kWarpSize>(value);
  if (lane == 0) warp_maxima[warp] = value;
  __syncthreads();
  value = WarpMax<kWarpSize>(lane < kWarps ? warp_maxima[lane] : -INFINITY);
  __syncthreads();
  return value;
}

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_DEVICE_MATH_CUH_
