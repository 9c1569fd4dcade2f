#include <algorithm>
#include <cstdint>

#include "ops/cuda/cuda_check.h"
#include "ops/cuda/rmsnorm.h"

namespace prolong::ops::cuda {
namespace {

constexpr int kWarpSize = 32;
constexpr int kThreads = 256;  // Threads per row block: 8 warps.
constexpr int kWarps = kThreads / kWarpSize;
// Backward grid size cap. Fixed (not derived from the device) so that the
// dweight summation order, and hence its bits, is the same on every GPU.
constexpr int kBackwardBlocks = 512;
constexpr int kReduceThreads = 256;

// Butterfly sum over a warp; every lane ends with the same bits because each
// step adds the same two values (a + b == b + a exactly).
__device__ float WarpSum(float value) {
  for (int offset = kWarpSize / 2; offset > 0; offset /= 2) {
    value += __shfl_xor_sync(0xffffffffu, value, offset);
  }
  return value;
}

// Sum over a kThreads block, returned to every thread. All threads must call.
__device__ float BlockSum(float value) {
  __shared__ float warp_sums[kWarps];  // (kWarps)
  const int lane = threadIdx.x % kWarpSize;
  const int warp = threadIdx.x / kWarpSize;
  value = WarpSum(value);
  if (lane == 0) warp_sums[warp] = value;
  __syncthreads();
  value = WarpSum(lane < kWarps ? warp_sums[lane] : 0.0f);
  __syncthreads();  // warp_sums may be rewritten by the next call.
  return value;
}

// Grid (N), block (kThreads): block n normalises row n.
__global__ void __launch_bounds__(kThreads)
    ForwardKernel(float* out, float* rstd, const float* inp,
                  const float* weight, int C, float eps) {
  const int n = blockIdx.x;
  const float* x = inp + static_cast<std::int64_t>(n) * C;  // (C)
  float* y = out + static_cast<std::int64_t>(n) * C;        // (C)
  float sum_sq = 0.0f;
  for (int c = threadIdx.x; c < C; c += kThreads) sum_sq += x[c] * x[c];
  const float r = 1.0f / sqrtf(BlockSum(sum_sq) / C + eps);
  for (int c = threadIdx.x; c < C; c += kThreads) y[c] = x[c] * r * weight[c];
  if (threadIdx.x == 0) rstd[n] = r;
}

// Grid (B), block (kThreads): block b handles rows b, b + B, b + 2B, ... in
// order, adds into dinp, and writes its dweight partial sum to partials[b]
// (B, C). Thread t owns columns t, t + kThreads, ... of that row of partials.
__global__ void __launch_bounds__(kThreads)
    BackwardKernel(float* dinp, float* partials, const float* dout,
                   const float* inp, const float* weight, const float* rstd,
                   int N, int C) {
  float* dweight_partial =
      partials + static_cast<std::int64_t>(blockIdx.x) * C;  // (C)
  for (int c = threadIdx.x; c < C; c += kThreads) dweight_partial[c] = 0.0f;
  for (int n = blockIdx.x; n < N; n += gridDim.x) {
    const std::int64_t row = static_cast<std::int64_t>(n) * C;
    const float* x = inp + row;    // (C)
    const float* dy = dout + row;  // (C)
    float* dx = dinp + row;        // (C)
    const float r = rstd[n];
    // With xhat = x * r: dx = r * (g - xhat * mean(g * xhat)), g = dy * w.
    float dot = 0.0f;
    for (int c = threadIdx.x; c < C; c += kThreads) {
      dot += dy[c] * weight[c] * x[c] * r;
    }
    const float mean_dot = BlockSum(dot) / C;
    for (int c = threadIdx.x; c < C; c += kThreads) {
      const float xhat = x[c] * r;
      dweight_partial[c] += dy[c] * xhat;
      dx[c] += r * (dy[c] * weight[c] - xhat * mean_dot);
    }
  }
}

// Grid (ceil(C / kReduceThreads)), block (kReduceThreads): dweight[c] += sum
// of partials[0..B)[c], in order b = 0, 1, ..., B - 1.
__global__ void __launch_bounds__(kReduceThreads)
    ReducePartialsKernel(float* dweight, const float* partials, int B, int C) {
  const int c = blockIdx.x * kReduceThreads + threadIdx.x;
  if (c >= C) return;
  float sum = 0.0f;
  for (int b = 0; b < B; ++b)
    sum += partials[static_cast<std::int64_t>(b) * C + c];
  dweight[c] += sum;
}

int BackwardBlocks(int N) { return std::min(N, kBackwardBlocks); }

}  // namespace

void RmsNormForward(float* out, float* rstd, const float* inp,
                    const float* weight, int N, int C, float eps,
                    cudaStream_t stream) {
  if (N == 0 || C == 0) return;
  ForwardKernel<<<N, kThreads, 0, stream>>>(out, rstd, inp, weight, C, eps);
  CUDA_CHECK(cudaGetLastError());
}

std::size_t RmsNormBackwardScratchFloats(int N, int C) {
  return static_cast<std::size_t>(BackwardBlocks(N)) * C;
}

void RmsNormBackward(float* dinp, float* dweight, float* scratch,
                     const float* dout, const float* inp, const float* weight,
                     const float* rstd, int N, int C, cudaStream_t stream) {
  if (N == 0 || C == 0) return;
  const int blocks = BackwardBlocks(N);
  BackwardKernel<<<blocks, kThreads, 0, stream>>>(dinp, scratch, dout, inp,
                                                  weight, rstd, N, C);
  CUDA_CHECK(cudaGetLastError());
  const int reduce_blocks = (C + kReduceThreads - 1) / kReduceThreads;
  ReducePartialsKernel<<<reduce_blocks, kReduceThreads, 0, stream>>>(
      dweight, scratch, blocks, C);
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace prolong::ops::cuda
