#include <cstdint>
#include <stdexcept>
#include <string>

#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"
#include "ops/cuda/rope.h"

namespace prolong::ops::cuda {
namespace {

constexpr int kThreads = 256;

// Grid (ceil(T * H * half / kThreads)), block (kThreads): one thread per
// (i, i + half) pair of x (T, H, head_dim), rotated by +angle (direction 1)
// or -angle (direction -1).
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    RotateKernel(Float* x, const float* cos, const float* sin,
                 const int32_t* positions, int T, int H, int half,
                 int max_positions, float direction) {
  const std::int64_t pair =
      static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  const std::int64_t pairs_per_token = static_cast<std::int64_t>(H) * half;
  if (pair >= T * pairs_per_token) return;
  const int t = static_cast<int>(pair / pairs_per_token);
  const int i = static_cast<int>(pair % half);
  // (head, i) of pair within token t: the head starts at (pair / half) * 2h.
  Float* head = x + (pair / half) * (2 * half);  // (head_dim)
  const int32_t position = positions[t];
  if (position < 0 || position >= max_positions) {
    head[i] = FromFloat<Float>(NAN);
    head[i + half] = FromFloat<Float>(NAN);
    return;
  }
  const std::int64_t table_index =
      static_cast<std::int64_t>(position) * half + i;
  const float c = cos[table_index];
  const float s = direction * sin[table_index];
  const float x1 = ToFloat(head[i]);
  const float x2 = ToFloat(head[i + half]);
  head[i] = FromFloat<Float>(x1 * c - x2 * s);
  head[i + half] = FromFloat<Float>(x2 * c + x1 * s);
}

// As RotateKernel, W = kVectorWidth<Float> pairs (i, i + half) per thread,
// i = W j, ..., W j + W - 1, with 16-byte loads and stores: for x 16-byte
// aligned and half a multiple of W (cos and sin rows are then 16-byte
// aligned too, W >= 4 floats). The arithmetic per pair is RotateKernel's.
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    RotateVectorKernel(Float* x, const float* cos, const float* sin,
                       const int32_t* positions, int T, int H, int half,
                       int max_positions, float direction) {
  constexpr int W = kVectorWidth<Float>;
  const std::int64_t group =
      static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  const int groups_per_head = half / W;
  const std::int64_t groups_per_token =
      static_cast<std::int64_t>(H) * groups_per_head;
  if (group >= T * groups_per_token) return;
  const int t = static_cast<int>(group / groups_per_token);
  const int i0 = static_cast<int>(group % groups_per_head) * W;
  Float* head = x + (group / groups_per_head) * (2 * half);  // (head_dim)
  const int32_t position = positions[t];
  float x1[W], x2[W];
  if (position < 0 || position >= max_positions) {
#pragma unroll
    for (int j = 0; j < W; ++j) x1[j] = x2[j] = NAN;
  } else {
    LoadVector(x1, head + i0);
    LoadVector(x2, head + i0 + half);
    const float* c = cos + static_cast<std::int64_t>(position) * half + i0;
    const float* s = sin + static_cast<std::int64_t>(position) * half + i0;
#pragma unroll
    for (int j = 0; j < W; ++j) {
      const float sj = direction * s[j];
      const float rotated1 = x1[j] * c[j] - x2[j] * sj;
      x2[j] = x2[j] * c[j] + x1[j] * sj;
      x1[j] = rotated1;
    }
  }
  StoreVector(head + i0, x1);
  StoreVector(head + i0 + half, x2);
}

template <typename Float>
void Rotate(Float* x, const float* cos, const float* sin,
            const int32_t* positions, int T, int H, int head_dim,
            int max_positions, float direction, cudaStream_t stream) {
  if (head_dim % 2 != 0) {
    throw std::invalid_argument("RoPE needs an even head_dim, got " +
                                std::to_string(head_dim));
  }
  const int half = head_dim / 2;
  const std::int64_t pairs = static_cast<std::int64_t>(T) * H * half;
  if (pairs == 0) return;
  constexpr int W = kVectorWidth<Float>;
  if (half % W == 0 && VectorAligned(x, cos, sin)) {
    RotateVectorKernel<Float>
        <<<static_cast<unsigned>(CeilDiv(pairs / W, kThreads)), kThreads, 0,
           stream>>>(x, cos, sin, positions, T, H, half, max_positions,
                     direction);
  } else {
    RotateKernel<Float><<<static_cast<unsigned>(CeilDiv(pairs, kThreads)),
                          kThreads, 0, stream>>>(
        x, cos, sin, positions, T, H, half, max_positions, direction);
  }
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace

template <typename Float>
void RopeForward(Float* x, const float* cos, const float* sin,
                 const int32_t* positions, int T, int H, int head_dim,
                 int max_positions, cudaStream_t stream) {
  Rotate(x, cos, sin, positions, T, H, head_dim, max_positions, 1.0f, stream);
}

template <typename Float>
void RopeBackward(Float* dx, const float* cos, const float* sin,
                  const int32_t* positions, int T, int H, int head_dim,
                  int max_positions, cudaStream_t stream) {
  Rotate(dx, cos, sin, positions, T, H, head_dim, max_positions, -1.0f, stream);
}

template void RopeForward<float>(float*, const float*, const float*,
                                 const int32_t*, int, int, int, int,
                                 cudaStream_t);
template void RopeForward<bf16>(bf16*, const float*, const float*,
                                const int32_t*, int, int, int, int,
                                cudaStream_t);
template void RopeBackward<float>(float*, const float*, const float*,
                                  const int32_t*, int, int, int, int,
                                  cudaStream_t);
template void RopeBackward<bf16>(bf16*, const float*, const float*,
                                 const int32_t*, int, int, int, int,
                                 cudaStream_t);

}  // namespace prolong::ops::cuda
