#include "ops/cross_entropy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ops/matmul.h"

namespace prolong::ops {
namespace {

constexpr int kChunkRows = 256;

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
      const float max_logit = *std::max_element(row, row + V);
      double sum_exp = 0.0;
      for (int v = 0; v < V; ++v) sum_exp += std::exp(row[v] - max_logit);
      const double lse = max_logit + std::log(sum_exp);
      row_loss[r] = lse - row[target];
      if (dhidden != nullptr) {
        // d loss / d logits = grad_scale * (softmax - onehot(target)).
        const float lse_f = static_cast<float>(lse);
        for (int v = 0; v < V; ++v) {
          row[v] = grad_scale * std::exp(row[v] - lse_f);
        }
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
