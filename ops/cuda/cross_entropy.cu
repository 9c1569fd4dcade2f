#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "ops/cuda/cross_entropy.h"
#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"
#include "ops/cuda/matmul.h"

namespace prolong::ops::cuda {
namespace {

constexpr int kRowThreads = 256;
constexpr int kSumThreads = 1024;

// Grid (rows), block (kRowThreads): block r turns logits row r (V) into
// row_losses[r] and, when kBackward, dlogits row r (V) scaled by
// grad_scale * row_scales[r] (row_scales null: 1). All pointers start at
// the chunk's first row.
template <typename Float, bool kBackward>
__global__ void __launch_bounds__(kRowThreads)
    SoftmaxLossKernel(double* row_losses, Float* dlogits, const float* logits,
                      const int32_t* targets, int V, float grad_scale,
                      const float* row_scales) {
  const std::int64_t offset = static_cast<std::int64_t>(blockIdx.x) * V;
  const float* row = logits + offset;  // (V)
  const int32_t target = targets[blockIdx.x];
  // Block-uniform: the whole block returns here or none of it does.
  if (target < 0 || target >= V) {
    if (threadIdx.x == 0) row_losses[blockIdx.x] = target < 0 ? 0.0 : NAN;
    if constexpr (kBackward) {
      for (int v = threadIdx.x; v < V; v += kRowThreads) {
        dlogits[offset + v] = FromFloat<Float>(0.0f);
      }
    }
    return;
  }
  // One pass for the max and the sum of exp (online softmax): each thread
  // keeps its running max m and sum of exp(x - m), rescaling the sum when m
  // grows; the block then rescales every thread's sum to the row's max.
  float local_max = -INFINITY;
  double local_sum = 0.0;
  for (int v = threadIdx.x; v < V; v += kRowThreads) {
    const float x = row[v];
    if (x > local_max) {
      local_sum = local_sum * expf(local_max - x) + 1.0;
      local_max = x;
    } else {
      local_sum += expf(x - local_max);
    }
  }
  const float max_logit = BlockMax<kRowThreads>(local_max);
  // A thread that saw no logit (V < kRowThreads) has local_sum 0.
  if (local_sum > 0.0) local_sum *= expf(local_max - max_logit);
  const double lse = max_logit + log(BlockSum<kRowThreads>(local_sum));
  if (threadIdx.x == 0) row_losses[blockIdx.x] = lse - row[target];
  if constexpr (kBackward) {
    // d loss / d logits = scale * (softmax - onehot(target)).
    const float scale = row_scales == nullptr
                            ? grad_scale
                            : grad_scale * row_scales[blockIdx.x];
    const float lse_f = static_cast<float>(lse);
    for (int v = threadIdx.x; v < V; v += kRowThreads) {
      float gradient = scale * expf(row[v] - lse_f);
      if (v == target) gradient -= scale;
      dlogits[offset + v] = FromFloat<Float>(gradient);
    }
  }
}

// Grid (1), block (kSumThreads): *total = sum of values (n), in a fixed
// order (strided per thread, then BlockSum).
__global__ void __launch_bounds__(kSumThreads)
    SumKernel(double* total, const double* values, int n) {
  double sum = 0.0;
  for (int i = threadIdx.x; i < n; i += kSumThreads) sum += values[i];
  sum = BlockSum<kSumThreads>(sum);
  if (threadIdx.x == 0) *total = sum;
}

// Shared body; dhidden == nullptr means forward only.
template <typename Float>
void ChunkedCrossEntropy(double* loss_sum, Float* dhidden, float* dweight,
                         const CrossEntropyScratch<Float>& scratch,
                         const Float* hidden, const Float* weight,
                         const int32_t* targets, int T, int C, int V,
                         float grad_scale, const float* row_scales,
                         cublasHandle_t handle, cudaStream_t stream) {
  if (T < 0 || C < 0 || V < 1) {
    throw std::invalid_argument("cross-entropy needs T, C >= 0 and V >= 1");
  }
  const int chunk_rows = CrossEntropyChunkRows(T);
  for (int r0 = 0; r0 < T; r0 += chunk_rows) {
    const int rows = std::min(chunk_rows, T - r0);
    const Float* x = hidden + static_cast<std::int64_t>(r0) * C;  // (rows, C)
    MatmulForward<Float, float>(scratch.logits, x, weight, rows, C, V, handle,
                                stream);
    if (dhidden == nullptr) {
      SoftmaxLossKernel<Float, false><<<rows, kRowThreads, 0, stream>>>(
          scratch.row_losses + r0, nullptr, scratch.logits, targets + r0, V,
          0.0f, nullptr);
      CUDA_CHECK(cudaGetLastError());
      continue;
    }
    SoftmaxLossKernel<Float, true><<<rows, kRowThreads, 0, stream>>>(
        scratch.row_losses + r0, scratch.dlogits, scratch.logits, targets + r0,
        V, grad_scale, row_scales == nullptr ? nullptr : row_scales + r0);
    CUDA_CHECK(cudaGetLastError());
    MatmulBackward<Float>(dhidden + static_cast<std::int64_t>(r0) * C, dweight,
                          scratch.dlogits, x, weight, rows, C, V, handle,
                          stream);
  }
  SumKernel<<<1, kSumThreads, 0, stream>>>(loss_sum, scratch.row_losses, T);
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace

int CrossEntropyChunkRows(int T) { return std::min(T, kCrossEntropyChunkRows); }

template <typename Float>
void FusedCrossEntropyForward(double* loss_sum,
                              const CrossEntropyScratch<Float>& scratch,
                              const Float* hidden, const Float* weight,
                              const int32_t* targets, int T, int C, int V,
                              cublasHandle_t handle, cudaStream_t stream) {
  ChunkedCrossEntropy<Float>(loss_sum, nullptr, nullptr, scratch, hidden,
                             weight, targets, T, C, V, 0.0f, nullptr, handle,
                             stream);
}

template <typename Float>
void FusedCrossEntropyForwardBackward(
    double* loss_sum, Float* dhidden, float* dweight,
    const CrossEntropyScratch<Float>& scratch, const Float* hidden,
    const Float* weight, const int32_t* targets, int T, int C, int V,
    float grad_scale, const float* row_scales, cublasHandle_t handle,
    cudaStream_t stream) {
  if (dhidden == nullptr) {
    throw std::invalid_argument(
        "FusedCrossEntropyForwardBackward: null dhidden");
  }
  ChunkedCrossEntropy<Float>(loss_sum, dhidden, dweight, scratch, hidden,
                             weight, targets, T, C, V, grad_scale, row_scales,
                             handle, stream);
}

template void FusedCrossEntropyForward<float>(double*,
                                              const CrossEntropyScratch<float>&,
                                              const float*, const float*,
                                              const int32_t*, int, int, int,
                                              cublasHandle_t, cudaStream_t);
template void FusedCrossEntropyForward<bf16>(double*,
                                             const CrossEntropyScratch<bf16>&,
                                             const bf16*, const bf16*,
                                             const int32_t*, int, int, int,
                                             cublasHandle_t, cudaStream_t);
template void FusedCrossEntropyForwardBackward<float>(
    double*, float*, float*, const CrossEntropyScratch<float>&, const float*,
    const float*, const int32_t*, int, int, int, float, const float*,
    cublasHandle_t, cudaStream_t);
template void FusedCrossEntropyForwardBackward<bf16>(
    double*, bf16*, float*, const CrossEntropyScratch<bf16>&, const bf16*,
    const bf16*, const int32_t*, int, int, int, float, const float*,
    cublasHandle_t, cudaStream_t);

}  // namespace prolong::ops::cuda
