// Single-precision 2^x, 8 lanes at a time with AVX2 + FMA, for the attention
// softmax (ops/attention.cc). The softmax scales its scores by kLog2e up
// front, so exp(y) = 2^(y * log2(e)) needs no range reduction of its own.
//
// Method: n = round(x) (to nearest, ties to even) and f = x - n, which is
// exact and in [-1/2, 1/2]: the range reduction adds no error. 2^f by a
// degree-6 polynomial 1 + f * P(f) (minimax in relative error on
// [-1/2, 1/2]; Horner's scheme with FMA), times 2^n built directly in the
// exponent bits ((n + 127) << 23), one multiplication. Every lane is computed
// by the same instruction sequence, so a value's result does not depend on
// its lane, its position in an array or the thread: results are
// deterministic. The scalar Exp2 runs the same operations (the same
// rounding, FMA chain and product) one value at a time and agrees with every
// lane of Exp2x8 bit for bit, for every float x < 128.5 and every quiet NaN
// (checked over all of them); without __AVX2__ it is the softmax's exp.
//
// Accuracy (measured against exp2 in double precision over every float in
// [-126, 0.5], the softmax's range): max relative error 8.0e-8, i.e.
// 0.67 * FLT_EPSILON, at most 0.95 ulp of the result; std::exp2(float)
// itself reaches 5.96e-8. Over every float in [-126, 127.5) the max is the
// same. tests/ops/vector_exp_test.cc checks a sample of 17.7M of these
// floats.
//
// Special values: x < -126.5 (including -inf) gives +0 exactly (the
// softmax's weights below 2^-126.5 vanish); x in [-126.5, -126) gives a
// subnormal within 0.94 ulp (2^-149) of 2^x. NaN gives NaN (a signaling NaN
// comes back quiet from Exp2x8 and unchanged from Exp2: the only bit
// difference between them). Overflow is not handled: the domain is
// x < 127.5 (the softmax's x are <= about 0). x in [127.5, 128.5) gives
// +inf; larger x, +inf included, gives meaningless values (and the scalar
// form's conversion of n to an integer is then undefined).
#ifndef PROLONG_OPS_VECTOR_EXP_H_
#define PROLONG_OPS_VECTOR_EXP_H_

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace prolong::ops {

// log2(e) and ln(2): exp(y) = Exp2(y * kLog2e) and ln(y) = log2(y) * kLn2.
inline constexpr float kLog2e = 1.44269504088896341f;
inline constexpr float kLn2 = 0.693147180559945309f;

namespace vector_exp_internal {

// 2^f ~ 1 + f * (kExp2Poly[0] + f * (kExp2Poly[1] + ... f * kExp2Poly[5])).
inline constexpr float kExp2Poly[6] = {
    6.931471824645996e-1f, 2.402264773845673e-1f, 5.550332367420197e-2f,
    9.618437848985195e-3f, 1.339887618087232e-3f, 1.535335904918611e-4f};

}  // namespace vector_exp_internal

#ifdef __AVX2__
// 2^x of each of the 8 lanes of x.
inline __m256 Exp2x8(__m256 x) {
  using vector_exp_internal::kExp2Poly;
  // max returns its second operand when either is NaN.
  x = _mm256_max_ps(_mm256_set1_ps(-127.0f), x);
  const __m256 n =
      _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 f = _mm256_sub_ps(x, n);
  __m256 p = _mm256_set1_ps(kExp2Poly[5]);
  for (int i = 4; i >= 0; --i) {
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(kExp2Poly[i]));
  }
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.0f));
  const __m256i two_n = _mm256_slli_epi32(
      _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(two_n));
}
#endif  // __AVX2__

// 2^x for one value, bit-identical to a lane of Exp2x8.
float Exp2(float x);

}  // namespace prolong::ops

#endif  // PROLONG_OPS_VECTOR_EXP_H_
