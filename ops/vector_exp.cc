#include "ops/vector_exp.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace prolong::ops {

#ifdef __AVX2__

float Exp(float x) { return _mm256_cvtss_f32(Exp8(_mm256_set1_ps(x))); }

void Exp(const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(y + i, Exp8(_mm256_loadu_ps(x + i)));
  }
  if (i < n) {
    float tail[8] = {};  // (8): the last n - i values, zero-padded
    std::memcpy(tail, x + i, (n - i) * sizeof(float));
    _mm256_storeu_ps(tail, Exp8(_mm256_loadu_ps(tail)));
    std::memcpy(y + i, tail, (n - i) * sizeof(float));
  }
}

#else  // Scalar fallback: the operations of Exp8, one lane.

float Exp(float x) {
  using namespace vector_exp_internal;
  if (std::isnan(x)) return x;
  if (x < kExpUnderflow) return 0.0f;
  if (x > kExpOverflow) return std::numeric_limits<float>::infinity();
  const float n = std::nearbyint(x * kLog2e);
  float r = std::fma(-n, kLn2Hi, x);
  r = std::fma(-n, kLn2Lo, r);
  float p = kP0;
  p = std::fma(p, r, kP1);
  p = std::fma(p, r, kP2);
  p = std::fma(p, r, kP3);
  p = std::fma(p, r, kP4);
  p = std::fma(p, r, kP5);
  p = std::fma(p, r * r, r);
  p = p + 1.0f;
  const int n_int = static_cast<int>(n);
  const int half = n_int >> 1;
  return p * std::ldexp(1.0f, half) * std::ldexp(1.0f, n_int - half);
}

void Exp(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = Exp(x[i]);
}

#endif  // __AVX2__

}  // namespace prolong::ops
