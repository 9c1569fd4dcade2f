#include "ops/rmsnorm.h"

#include <algorithm>
#include <cmath>

namespace prolong::ops {
namespace {

constexpr int kColumnChunk = 64;

}  // namespace

void RmsNormForward(float* out, float* rstd, const float* inp,
                    const float* weight, int N, int C, float eps) {
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; ++n) {
    const float* x = inp + static_cast<long>(n) * C;
    float* y = out + static_cast<long>(n) * C;
    float sum_sq = 0.0f;
    for (int c = 0; c < C; ++c) sum_sq += x[c] * x[c];
    const float r = 1.0f / std::sqrt(sum_sq / C + eps);
    for (int c = 0; c < C; ++c) y[c] = x[c] * r * weight[c];
    rstd[n] = r;
  }
}

void RmsNormBackward(float* dinp, float* dweight, const float* dout,
                     const float* inp, const float* weight, const float* rstd,
                     int N, int C) {
  // Rows are independent for dinp.
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; ++n) {
    const float* x = inp + static_cast<long>(n) * C;
    const float* dy = dout + static_cast<long>(n) * C;
    float* dx = dinp + static_cast<long>(n) * C;
    const float r = rstd[n];
    // With xhat = x * r: dx = r * (g - xhat * mean(g * xhat)), g = dy * w.
    float dot = 0.0f;
    for (int c = 0; c < C; ++c) dot += dy[c] * weight[c] * x[c] * r;
    const float mean_dot = dot / C;
    for (int c = 0; c < C; ++c) {
      dx[c] += r * (dy[c] * weight[c] - x[c] * r * mean_dot);
    }
  }
  // dweight sums over rows; threads split the columns and add rows in order.
  const int chunks = (C + kColumnChunk - 1) / kColumnChunk;
#pragma omp parallel for schedule(static)
  for (int chunk = 0; chunk < chunks; ++chunk) {
    const int c1 = std::min(C, (chunk + 1) * kColumnChunk);
    for (int n = 0; n < N; ++n) {
      const float* x = inp + static_cast<long>(n) * C;
      const float* dy = dout + static_cast<long>(n) * C;
      for (int c = chunk * kColumnChunk; c < c1; ++c) {
        dweight[c] += dy[c] * (x[c] * rstd[n]);
      }
    }
  }
}

}  // namespace prolong::ops
