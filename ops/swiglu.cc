#include "ops/swiglu.h"

#include <algorithm>

#include "ops/vector_exp.h"

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace prolong::ops {
namespace {

// sigmoid(x) = 1 / (1 + 2^(-x log2 e)), with ops/vector_exp.h's 2^x. The
// power is capped at 2^126 so it stays finite: for x < -87.3, sigmoid(x)
// comes out as 1.2e-38 instead of e^x, and silu(x) = x sigmoid(x) as
// x * 1.2e-38 instead of x e^x; both are zero to the model.
constexpr float kMaxPower = 126.0f;

#ifdef __AVX2__
struct Vec {
  __m256 v;
};
inline Vec Load(const float* p) { return {_mm256_loadu_ps(p)}; }
inline void Store(float* p, Vec a) { _mm256_storeu_ps(p, a.v); }
inline Vec Splat(float a) { return {_mm256_set1_ps(a)}; }
inline Vec operator+(Vec a, Vec b) { return {_mm256_add_ps(a.v, b.v)}; }
inline Vec operator-(Vec a, Vec b) { return {_mm256_sub_ps(a.v, b.v)}; }
inline Vec operator*(Vec a, Vec b) { return {_mm256_mul_ps(a.v, b.v)}; }
inline Vec operator/(Vec a, Vec b) { return {_mm256_div_ps(a.v, b.v)}; }
inline Vec Sigmoid(Vec x) {
  // min returns its second operand for a NaN x; x * sigmoid stays NaN.
  const Vec power = {
      _mm256_min_ps((x * Splat(-kLog2e)).v, _mm256_set1_ps(kMaxPower))};
  return Splat(1.0f) / (Splat(1.0f) + Vec{Exp2x8(power.v)});
}
#else
using Vec = float;
inline Vec Load(const float* p) { return *p; }
inline void Store(float* p, Vec a) { *p = a; }
inline Vec Splat(float a) { return a; }
inline Vec Sigmoid(Vec x) {
  return 1.0f / (1.0f + Exp2(std::min(x * -kLog2e, kMaxPower)));
}
#endif

// Elements per step: 8 with AVX2, else 1. An array's tail is run through the
// same vector code on a zero-padded copy, so every element takes the same
// instruction sequence wherever it sits: results do not depend on n, the
// position or the thread.
constexpr int64_t kWidth = sizeof(Vec) / sizeof(float);

// out[0, kWidth) = silu(gate) * up.
inline void ForwardStep(float* out, const float* gate, const float* up) {
  const Vec x = Load(gate);
  Store(out, x * Sigmoid(x) * Load(up));
}

// dgate[0, kWidth) += dout * up * silu'(gate), dup[0, kWidth) += dout *
// silu(gate).
inline void BackwardStep(float* dgate, float* dup, const float* dout,
                         const float* gate, const float* up) {
  const Vec x = Load(gate), g = Load(dout);
  const Vec sigmoid = Sigmoid(x);
  const Vec dsilu = sigmoid * (Splat(1.0f) + x * (Splat(1.0f) - sigmoid));
  Store(dgate, Load(dgate) + g * Load(up) * dsilu);
  Store(dup, Load(dup) + g * (x * sigmoid));
}

}  // namespace

void SwiGluForward(float* out, const float* gate, const float* up, int64_t n) {
  const int64_t full = n / kWidth * kWidth;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < full; i += kWidth)
    ForwardStep(out + i, gate + i, up + i);
  if (full < n) {
    float o[kWidth] = {}, g[kWidth] = {}, u[kWidth] = {};
    std::copy(gate + full, gate + n, g);
    std::copy(up + full, up + n, u);
    ForwardStep(o, g, u);
    std::copy(o, o + (n - full), out + full);
  }
}

void SwiGluBackward(float* dgate, float* dup, const float* dout,
                    const float* gate, const float* up, int64_t n) {
  const int64_t full = n / kWidth * kWidth;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < full; i += kWidth) {
    BackwardStep(dgate + i, dup + i, dout + i, gate + i, up + i);
  }
  if (full < n) {
    const int64_t rest = n - full;
    float dg[kWidth] = {}, du[kWidth] = {}, d[kWidth] = {}, g[kWidth] = {},
          u[kWidth] = {};
    std::copy(dgate + full, dgate + n, dg);
    std::copy(dup + full, dup + n, du);
    std::copy(dout + full, dout + n, d);
    std::copy(gate + full, gate + n, g);
    std::copy(up + full, up + n, u);
    BackwardStep(dg, du, d, g, u);
    std::copy(dg, dg + rest, dgate + full);
    std::copy(du, du + rest, dup + full);
  }
}

}  // namespace prolong::ops
