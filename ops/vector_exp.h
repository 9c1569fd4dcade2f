// Single-precision exp, 8 lanes at a time with AVX2 + FMA, for the attention
// softmax (ops/attention.cc).
//
// Cephes-style range reduction: n = round(x * log2(e)), r = x - n * ln 2
// (ln 2 in two parts, with FMA; |r| <= ln(2) / 2), exp(r) by a degree-7
// polynomial (Cephes expf coefficients), times 2^n applied as two exact
// power-of-two factors. Every lane is computed by the same instruction
// sequence, so a value's result does not depend on its lane, its position
// in an array or the thread: results are deterministic. Without __AVX2__ the
// scalar path runs the same operations one value at a time.
//
// Accuracy (measured against std::exp in double precision over every float
// in [kExpUnderflow, kExpOverflow]): max relative error 8.4e-8 for x <= 0
// (the softmax's range) and 8.5e-8 for x >= 0, i.e. 0.71 * FLT_EPSILON, at
// most 1.42 ulp of the result; std::exp(float) itself reaches 6.0e-8.
// tests/ops/vector_exp_test.cc checks a sample of 17.6M of these floats.
//
// Special values: x < kExpUnderflow (including -inf) gives +0 exactly (where
// std::exp would return a subnormal below 1.2e-38); x > kExpOverflow gives
// +inf; NaN gives NaN.
#ifndef PROLONG_OPS_VECTOR_EXP_H_
#define PROLONG_OPS_VECTOR_EXP_H_

#include <cstdint>

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace prolong::ops {

// ln(FLT_MIN): below it the result is +0.
inline constexpr float kExpUnderflow = -87.33654475f;
// The largest float below ln(FLT_MAX): above it the result is +inf.
inline constexpr float kExpOverflow = 88.72283172607421875f;

namespace vector_exp_internal {

inline constexpr float kLog2e = 1.44269504088896341f;
// ln 2 = kLn2Hi + kLn2Lo; kLn2Hi has 9 significant bits, so n * kLn2Hi is
// exact for |n| < 2^15.
inline constexpr float kLn2Hi = 0.693359375f;
inline constexpr float kLn2Lo = -2.12194440e-4f;
// exp(r) ~ 1 + r + r^2 * P(r), Cephes expf.
inline constexpr float kP0 = 1.9875691500e-4f;
inline constexpr float kP1 = 1.3981999507e-3f;
inline constexpr float kP2 = 8.3334519073e-3f;
inline constexpr float kP3 = 4.1665795894e-2f;
inline constexpr float kP4 = 1.6666665459e-1f;
inline constexpr float kP5 = 5.0000001201e-1f;

}  // namespace vector_exp_internal

#ifdef __AVX2__
// exp of each of the 8 lanes of x.
inline __m256 Exp8(__m256 x) {
  using namespace vector_exp_internal;
  // Clamped so that n is in [-126, 128] and both scale factors are normal.
  const __m256 clamped =
      _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(kExpUnderflow)),
                    _mm256_set1_ps(kExpOverflow));
  const __m256 n =
      _mm256_round_ps(_mm256_mul_ps(clamped, _mm256_set1_ps(kLog2e)),
                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Hi), clamped);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Lo), r);
  __m256 p = _mm256_set1_ps(kP0);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP1));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP2));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP3));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP4));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP5));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
  p = _mm256_add_ps(p, _mm256_set1_ps(1.0f));
  // 2^n = 2^half * 2^(n - half), each factor in [2^-63, 2^64].
  const __m256i n_int = _mm256_cvtps_epi32(n);
  const __m256i half = _mm256_srai_epi32(n_int, 1);
  const __m256i bias = _mm256_set1_epi32(127);
  const __m256 scale_a =
      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, bias), 23));
  const __m256 scale_b = _mm256_castsi256_ps(_mm256_slli_epi32(
      _mm256_add_epi32(_mm256_sub_epi32(n_int, half), bias), 23));
  __m256 result = _mm256_mul_ps(_mm256_mul_ps(p, scale_a), scale_b);
  result = _mm256_andnot_ps(
      _mm256_cmp_ps(x, _mm256_set1_ps(kExpUnderflow), _CMP_LT_OQ), result);
  result = _mm256_blendv_ps(
      result, _mm256_set1_ps(__builtin_huge_valf()),
      _mm256_cmp_ps(x, _mm256_set1_ps(kExpOverflow), _CMP_GT_OQ));
  return _mm256_blendv_ps(result, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}
#endif  // __AVX2__

// exp(x) for one value, bit-identical to a lane of Exp8.
float Exp(float x);

// y[i] = exp(x[i]) for i in [0, n); y may alias x. x, y: (n).
void Exp(const float* x, float* y, int64_t n);

}  // namespace prolong::ops

#endif  // PROLONG_OPS_VECTOR_EXP_H_
