#include "ops/cross_entropy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ops/matmul.h"
#include "ops/vector_exp.h"

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace prolong::ops {
namespace {

constexpr int kChunkRows = 256;

// log(sum_v exp(row[v])) of row (V), the exponentials summed in double.
double LogSumExp(const float* row, int V) {
#ifdef __AVX2__
  __m256 max8 = _mm256_set1_ps(row[0]);
  int v = 0;
  for (; v + 8 <= V; v += 8) {
    max8 = _mm256_max_ps(max8, _mm256_loadu_ps(row + v));
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, max8);
  float max_logit = *std::max_element(lanes, lanes + 8);
  for (; v < V; ++v) max_logit = std::max(max_logit, row[v]);
  // exp(x - max) = 2^((x - max) * log2(e)).
  max8 = _mm256_set1_ps(max_logit);
  const __m256 log2e = _mm256_set1_ps(kLog2e);
  __m256d sum0 = _mm256_setzero_pd(), sum1 = _mm256_setzero_pd();
  for (v = 0; v + 8 <= V; v += 8) {
    const __m256 e = Exp2x8(
        _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row + v), max8), log2e));
    sum0 = _mm256_add_pd(sum0, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
    sum1 = _mm256_add_pd(sum1, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
  }
  alignas(32) double sums[4];
  _mm256_store_pd(sums, _mm256_add_pd(sum0, sum1));
  double sum_exp = (sums[0] + sums[1]) + (sums[2] + sums[3]);
  for (; v < V; ++v) sum_exp += Exp2((row[v] - max_logit) * kLog2e);
#else
  const float max_logit = *std::max_element(row, row + V);
  double sum_exp = 0.0;
  for (int v = 0; v < V; ++v) sum_exp += std::exp(row[v] - max_logit);
#endif
  return max_logit + std::log(sum_exp);
}

// row[v] = scale * exp(row[v] - lse) for row (V).
void ScaledSoftmax(float* row, int V, float lse, float scale) {
  int v = 0;
#ifdef __AVX2__
  const __m256 lse8 = _mm256_set1_ps(lse), scale8 = _mm256_set1_ps(scale);
  const __m256 log2e = _mm256_set1_ps(kLog2e);
  for (; v + 8 <= V; v += 8) {
    const __m256 e = Exp2x8(
        _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row + v), lse8), log2e));
    _mm256_storeu_ps(row + v, _mm256_mul_ps(scale8, e));
  }
  for (; v < V; ++v) row[v] = scale * Exp2((row[v] - lse) * kLog2e);
#else
  for (; v < V; ++v) row[v] = scale * std::exp(row[v] - lse);
#endif
}

// Shared body; dhidden == nullptr means forward only.
double ChunkedCrossEntropy(float* dhidden, float* dweight, const float* hidden,
                           const float* weight, const int32_t* targets, int T,
                           int C, int V, float grad_scale) {
  std::vector<int> target_rows;
  for (int t = 0; t < T; ++t) {
    if (targets[t] >= 0) target_rows.push_back(t);
  }
  const int chunk_capacity =
      std::min(kChunkRows, static_cast<int>(target_rows.size()));
  std::vector<float> x(static_cast<size_t>(chunk_capacity) * C);       // (n, C)
  std::vector<float> logits(static_cast<size_t>(chunk_capacity) * V);  // (n, V)
  std::vector<float> dx(dhidden ? x.size() : 0);                       // (n, C)
  std::vector<double> row_loss(chunk_capacity);                        // (n)
  double loss_sum = 0.0;
  for (size_t start = 0; start < target_rows.size(); start += kChunkRows) {
    const int n = static_cast<int>(
        std::min<size_t>(kChunkRows, target_rows.size() - start));
    for (int r = 0; r < n; ++r) {
      std::copy_n(hidden + static_cast<long>(target_rows[start + r]) * C, C,
                  x.data() + static_cast<long>(r) * C);
    }
    MatmulForward(logits.data(), x.data(), weight, n, C, V);
#pragma omp parallel for schedule(static)
    for (int r = 0; r < n; ++r) {
      float* row = logits.data() + static_cast<long>(r) * V;
      const int target = targets[target_rows[start + r]];
      const double lse = LogSumExp(row, V);
      row_loss[r] = lse - row[target];
      if (dhidden != nullptr) {
        // d loss / d logits = grad_scale * (softmax - onehot(target)).
        ScaledSoftmax(row, V, static_cast<float>(lse), grad_scale);
        row[target] -= grad_scale;
      }
    }
    for (int r = 0; r < n; ++r) loss_sum += row_loss[r];
    if (dhidden == nullptr) continue;
    std::fill_n(dx.data(), static_cast<size_t>(n) * C, 0.0f);
    MatmulBackward(dx.data(), dweight, logits.data(), x.data(), weight, n, C,
                   V);
#pragma omp parallel for schedule(static)
    for (int r = 0; r < n; ++r) {
      float* dst = dhidden + static_cast<long>(target_rows[start + r]) * C;
      const float* src = dx.data() + static_cast<long>(r) * C;
      for (int c = 0; c < C; ++c) dst[c] += src[c];
    }
  }
  return loss_sum;
}

}  // namespace

double FusedCrossEntropyForward(const float* hidden, const float* weight,
                                const int32_t* targets, int T, int C, int V) {
  return ChunkedCrossEntropy(nullptr, nullptr, hidden, weight, targets, T, C, V,
                             0.0f);
}

double FusedCrossEntropyForwardBackward(float* dhidden, float* dweight,
                                        const float* hidden,
                                        const float* weight,
                                        const int32_t* targets, int T, int C,
                                        int V, float grad_scale) {
  return ChunkedCrossEntropy(dhidden, dweight, hidden, weight, targets, T, C, V,
                             grad_scale);
}

}  // namespace prolong::ops
