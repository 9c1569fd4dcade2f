// CUDA twin of ops/cross_entropy.h: the LM head fused with softmax
// cross-entropy, chunked over rows so the full (T, V) logit matrix never
// exists. Per chunk of at most kCrossEntropyChunkRows rows: fp32 logits
// (rows, V) by cuBLAS, one block per row for the max and the sum of exp in
// one pass (an online softmax; the sum in double, as the CPU op), then the
// loss and the logit gradient
// grad_scale * (softmax - onehot), stored as Float, and that gradient's two
// GEMMs. Rows whose target is negative (the first token of each document,
// the last token: see model/llama.cc MakeTargets) have no loss and a zero
// gradient. A target >= V makes that row's loss NaN.
//
// Deterministic: each row is reduced by one block in a fixed order, the
// per-row losses are summed by one block in a fixed order, and the GEMMs
// are cuBLAS (see matmul.h).
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_CROSS_ENTROPY_H_
#define PROLONG_OPS_CUDA_CROSS_ENTROPY_H_

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <cstdint>

#include "ops/cuda/dtype.h"

namespace prolong::ops::cuda {

inline constexpr int kCrossEntropyChunkRows = 1024;

// Rows per chunk for T rows: min(T, kCrossEntropyChunkRows).
int CrossEntropyChunkRows(int T);

// Device scratch of one call; contents on entry are ignored.
template <typename Float>
struct CrossEntropyScratch {
  float* logits;       // (CrossEntropyChunkRows(T), V)
  Float* dlogits;      // (CrossEntropyChunkRows(T), V); unused by the forward
  double* row_losses;  // (T)
};

// hidden (T, C), weight (V, C), targets (T) in [0, V) or negative for "no
// target" -> loss_sum (1, device): the sum over target rows of
// -log softmax(hidden · weight^T)[target]. Float: float or bf16.
template <typename Float>
void FusedCrossEntropyForward(double* loss_sum,
                              const CrossEntropyScratch<Float>& scratch,
                              const Float* hidden, const Float* weight,
                              const int32_t* targets, int T, int C, int V,
                              cublasHandle_t handle, cudaStream_t stream);

// As FusedCrossEntropyForward, and accumulates the gradients of the sum
// with row t's loss weighted by grad_scale * row_scales[t] (row_scales
// (T, device), or null for grad_scale alone): dhidden (T, C) and the fp32
// dweight (V, C). Per-row weights let one call carry several sequences,
// each with its own loss weight.
template <typename Float>
void FusedCrossEntropyForwardBackward(
    double* loss_sum, Float* dhidden, float* dweight,
    const CrossEntropyScratch<Float>& scratch, const Float* hidden,
    const Float* weight, const int32_t* targets, int T, int C, int V,
    float grad_scale, const float* row_scales, cublasHandle_t handle,
    cudaStream_t stream);

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_CROSS_ENTROPY_H_
