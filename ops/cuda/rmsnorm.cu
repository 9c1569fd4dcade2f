#include <algorithm>
#include <cstdint>

#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"
#include "ops/cuda/rmsnorm.h"

namespace prolong::ops::cuda {
namespace {

constexpr int kThreads = 256;  // 8 warps
// The forward normalises one row per warp.
constexpr int kRowsPerBlock = kThreads / kWarpSize;
// Backward grid size cap. Fixed (not derived from the device) so that the
// dweight summation order, and hence its bits, is the same on every GPU.
constexpr int kBackwardBlocks = 512;
// The dweight reduction: a block per kReduceColumns columns, each column's
// rows shared among kReduceGroups threads.
constexpr int kReduceColumns = 32;
constexpr int kReduceGroups = 16;

// Grid (ceil(N / kRowsPerBlock)), block (kThreads): warp w of block b
// normalises row b kRowsPerBlock + w. Lane l takes the row's 16-byte vectors
// l, l + 32, ... when kVector (out, inp and weight 16-byte aligned and C a
// multiple of kVectorWidth<Float>), else its elements l, l + 32, ....
template <typename Float, bool kVector>
__global__ void __launch_bounds__(kThreads)
    ForwardKernel(Float* out, float* rstd, const Float* inp,
                  const Float* weight, int N, int C, float eps) {
  constexpr int W = kVectorWidth<Float>;
  const int n = blockIdx.x * kRowsPerBlock + threadIdx.x / kWarpSize;
  const int lane = threadIdx.x % kWarpSize;
  if (n >= N) return;                                       // warp-uniform
  const Float* x = inp + static_cast<std::int64_t>(n) * C;  // (C)
  Float* y = out + static_cast<std::int64_t>(n) * C;        // (C)
  float sum_sq = 0.0f;
  if constexpr (kVector) {
    for (int v = lane; v < C / W; v += kWarpSize) {
      float xs[W];
      LoadVector(xs, x + v * W);
#pragma unroll
      for (int j = 0; j < W; ++j) sum_sq += xs[j] * xs[j];
    }
  } else {
    for (int c = lane; c < C; c += kWarpSize) {
      const float xc = ToFloat(x[c]);
      sum_sq += xc * xc;
    }
  }
  const float r = 1.0f / sqrtf(WarpSum<kWarpSize>(sum_sq) / C + eps);
  if constexpr (kVector) {
    for (int v = lane; v < C / W; v += kWarpSize) {
      float xs[W], ws[W];
      LoadVector(xs, x + v * W);
      LoadVector(ws, weight + v * W);
#pragma unroll
      for (int j = 0; j < W; ++j) xs[j] = xs[j] * r * ws[j];
      StoreVector(y + v * W, xs);
    }
  } else {
    for (int c = lane; c < C; c += kWarpSize) {
      y[c] = FromFloat<Float>(ToFloat(x[c]) * r * ToFloat(weight[c]));
    }
  }
  if (lane == 0) rstd[n] = r;
}

// Grid (B), block (kThreads): block b handles rows b, b + B, b + 2B, ... in
// order, adds into dinp, and writes its dweight partial sum to partials[b]
// (B, C). Thread t owns columns t, t + kThreads, ... of that row of partials.
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    BackwardKernel(Float* dinp, float* partials, const Float* dout,
                   const Float* inp, const Float* weight, const float* rstd,
                   int N, int C) {
  float* dweight_partial =
      partials + static_cast<std::int64_t>(blockIdx.x) * C;  // (C)
  for (int c = threadIdx.x; c < C; c += kThreads) dweight_partial[c] = 0.0f;
  for (int n = blockIdx.x; n < N; n += gridDim.x) {
    const std::int64_t row = static_cast<std::int64_t>(n) * C;
    const Float* x = inp + row;    // (C)
    const Float* dy = dout + row;  // (C)
    Float* dx = dinp + row;        // (C)
    const float r = rstd[n];
    // With xhat = x * r: dx = r * (g - xhat * mean(g * xhat)), g = dy * w.
    float dot = 0.0f;
    for (int c = threadIdx.x; c < C; c += kThreads) {
      dot += ToFloat(dy[c]) * ToFloat(weight[c]) * ToFloat(x[c]) * r;
    }
    const float mean_dot = BlockSum<kThreads>(dot) / C;
    for (int c = threadIdx.x; c < C; c += kThreads) {
      const float xhat = ToFloat(x[c]) * r;
      const float dyc = ToFloat(dy[c]);
      dweight_partial[c] += dyc * xhat;
      dx[c] = FromFloat<Float>(
          ToFloat(dx[c]) + r * (dyc * ToFloat(weight[c]) - xhat * mean_dot));
    }
  }
}

// The backward's vector kernel: up to this many 16-byte vectors of a row per
// lane, so rows of at most kWarpSize * kMaxVectorsPerLane vectors.
constexpr int kMaxVectorsPerLane = 4;

template <typename Float>
__host__ __device__ constexpr int MaxVectorColumns() {
  return kWarpSize * kMaxVectorsPerLane * kVectorWidth<Float>;
}

// As BackwardKernel, for C a multiple of W = kVectorWidth<Float>, at most
// MaxVectorColumns<Float>(), and 16-byte aligned arrays: warp w of block b
// handles rows b kRowsPerBlock + w, then + gridDim.x kRowsPerBlock, ...;
// lane l takes vectors l, l + 32, ... of each row and keeps its dweight
// sums in registers. At the end the block's warps add theirs in order
// w = 0, 1, ... into partials[b] (B, C).
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    BackwardVectorKernel(Float* dinp, float* partials, const Float* dout,
                         const Float* inp, const Float* weight,
                         const float* rstd, int N, int C) {
  constexpr int W = kVectorWidth<Float>;
  __shared__ float warp_sums[kRowsPerBlock][MaxVectorColumns<Float>()];
  const int warp = threadIdx.x / kWarpSize;
  const int lane = threadIdx.x % kWarpSize;
  const int vectors = C / W;
  float w[kMaxVectorsPerLane][W];
  float dweight[kMaxVectorsPerLane][W] = {};
#pragma unroll
  for (int k = 0; k < kMaxVectorsPerLane; ++k) {
    const int v = lane + kWarpSize * k;
    if (v < vectors) LoadVector(w[k], weight + v * W);
  }
  for (int n = blockIdx.x * kRowsPerBlock + warp; n < N;
       n += gridDim.x * kRowsPerBlock) {
    const std::int64_t row = static_cast<std::int64_t>(n) * C;
    const float r = rstd[n];
    float x[kMaxVectorsPerLane][W], dy[kMaxVectorsPerLane][W];
    // With xhat = x * r: dx = r * (g - xhat * mean(g * xhat)), g = dy * w.
    float dot = 0.0f;
#pragma unroll
    for (int k = 0; k < kMaxVectorsPerLane; ++k) {
      const int v = lane + kWarpSize * k;
      if (v >= vectors) continue;
      LoadVector(x[k], inp + row + v * W);
      LoadVector(dy[k], dout + row + v * W);
#pragma unroll
      for (int j = 0; j < W; ++j) dot += dy[k][j] * w[k][j] * x[k][j] * r;
    }
    const float mean_dot = WarpSum<kWarpSize>(dot) / C;
#pragma unroll
    for (int k = 0; k < kMaxVectorsPerLane; ++k) {
      const int v = lane + kWarpSize * k;
      if (v >= vectors) continue;
      float dx[W];
      LoadVector(dx, dinp + row + v * W);
#pragma unroll
      for (int j = 0; j < W; ++j) {
        const float xhat = x[k][j] * r;
        dweight[k][j] += dy[k][j] * xhat;
        dx[j] += r * (dy[k][j] * w[k][j] - xhat * mean_dot);
      }
      StoreVector(dinp + row + v * W, dx);
    }
  }
#pragma unroll
  for (int k = 0; k < kMaxVectorsPerLane; ++k) {
    const int v = lane + kWarpSize * k;
    if (v >= vectors) continue;
#pragma unroll
    for (int j = 0; j < W; ++j) warp_sums[warp][v * W + j] = dweight[k][j];
  }
  __syncthreads();
  float* block_partial = partials + static_cast<std::int64_t>(blockIdx.x) * C;
  for (int c = threadIdx.x; c < C; c += kThreads) {
    float sum = 0.0f;
    for (int other = 0; other < kRowsPerBlock; ++other) {
      sum += warp_sums[other][c];
    }
    block_partial[c] = sum;
  }
}

// Grid (ceil(C / kReduceColumns)), block (kReduceColumns, kReduceGroups):
// dweight[c] += sum of partials[0..B)[c]. Thread (x, g) sums rows
// b = g, g + kReduceGroups, ... of column c in order; the kReduceGroups
// sums are then added in order g = 0, 1, ..., so the result depends only on
// B and C.
__global__ void __launch_bounds__(kReduceColumns* kReduceGroups)
    ReducePartialsKernel(float* dweight, const float* partials, int B, int C) {
  __shared__ float group_sums[kReduceGroups][kReduceColumns];
  const int c = blockIdx.x * kReduceColumns + threadIdx.x;
  float sum = 0.0f;
  if (c < C) {
    for (int b = threadIdx.y; b < B; b += kReduceGroups)
      sum += partials[static_cast<std::int64_t>(b) * C + c];
  }
  group_sums[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y != 0 || c >= C) return;
  float total = 0.0f;
  for (int g = 0; g < kReduceGroups; ++g) total += group_sums[g][threadIdx.x];
  dweight[c] += total;
}

int BackwardBlocks(int N) { return std::min(N, kBackwardBlocks); }

}  // namespace

template <typename Float>
void RmsNormForward(Float* out, float* rstd, const Float* inp,
                    const Float* weight, int N, int C, float eps,
                    cudaStream_t stream) {
  if (N == 0 || C == 0) return;
  const unsigned blocks = static_cast<unsigned>(CeilDiv(N, kRowsPerBlock));
  if (VectorAligned(out, inp, weight) && C % kVectorWidth<Float> == 0) {
    ForwardKernel<Float, true>
        <<<blocks, kThreads, 0, stream>>>(out, rstd, inp, weight, N, C, eps);
  } else {
    ForwardKernel<Float, false>
        <<<blocks, kThreads, 0, stream>>>(out, rstd, inp, weight, N, C, eps);
  }
  CUDA_CHECK(cudaGetLastError());
}

std::size_t RmsNormBackwardScratchFloats(int N, int C) {
  return static_cast<std::size_t>(BackwardBlocks(N)) * C;
}

template <typename Float>
void RmsNormBackward(Float* dinp, float* dweight, float* scratch,
                     const Float* dout, const Float* inp, const Float* weight,
                     const float* rstd, int N, int C, cudaStream_t stream) {
  if (N == 0 || C == 0) return;
  const int blocks = BackwardBlocks(N);
  if (C % kVectorWidth<Float> == 0 && C <= MaxVectorColumns<Float>() &&
      VectorAligned(dinp, dout, inp, weight)) {
    BackwardVectorKernel<Float><<<blocks, kThreads, 0, stream>>>(
        dinp, scratch, dout, inp, weight, rstd, N, C);
  } else {
    BackwardKernel<Float><<<blocks, kThreads, 0, stream>>>(
        dinp, scratch, dout, inp, weight, rstd, N, C);
  }
  CUDA_CHECK(cudaGetLastError());
  const int reduce_blocks = static_cast<int>(CeilDiv(C, kReduceColumns));
  ReducePartialsKernel<<<reduce_blocks, dim3(kReduceColumns, kReduceGroups), 0,
                         stream>>>(dweight, scratch, blocks, C);
  CUDA_CHECK(cudaGetLastError());
}

template void RmsNormForward<float>(float*, float*, const float*, const float*,
                                    int, int, float, cudaStream_t);
template void RmsNormForward<bf16>(bf16*, float*, const bf16*, const bf16*, int,
                                   int, float, cudaStream_t);
template void RmsNormBackward<float>(float*, float*, float*, const float*,
                                     const float*, const float*, const float*,
                                     int, int, cudaStream_t);
template void RmsNormBackward<bf16>(bf16*, float*, float*, const bf16*,
                                    const bf16*, const bf16*, const float*, int,
                                    int, cudaStream_t);

}  // namespace prolong::ops::cuda
