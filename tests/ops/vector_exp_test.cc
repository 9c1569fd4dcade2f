#include "ops/vector_exp.h"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace prolong::ops {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Every `stride`-th float of sign `sign` (+1 or -1) and magnitude at most
// `bound`, and +-bound itself.
std::vector<float> SampleFloats(float sign, float bound, uint32_t stride) {
  uint32_t last;
  std::memcpy(&last, &bound, sizeof(last));
  std::vector<float> values;
  for (uint64_t bits = 0; bits <= last; bits += stride) {
    const uint32_t b = static_cast<uint32_t>(bits);
    float magnitude;
    std::memcpy(&magnitude, &b, sizeof(magnitude));
    values.push_back(sign * magnitude);
  }
  values.push_back(sign * bound);
  return values;
}

// 2^x of every value of x by the path the softmax takes: Exp2x8 on 8 values
// at a time (the last ones zero-padded) with AVX2, else the scalar Exp2.
std::vector<float> Exp2All(const std::vector<float>& x) {
  std::vector<float> y(x.size());
  size_t i = 0;
#ifdef __AVX2__
  for (; i + 8 <= x.size(); i += 8) {
    _mm256_storeu_ps(&y[i], Exp2x8(_mm256_loadu_ps(&x[i])));
  }
  if (i < x.size()) {
    float tail[8] = {};  // (8): the last values, zero-padded
    std::memcpy(tail, &x[i], (x.size() - i) * sizeof(float));
    _mm256_storeu_ps(tail, Exp2x8(_mm256_loadu_ps(tail)));
    std::memcpy(&y[i], tail, (x.size() - i) * sizeof(float));
    i = x.size();
  }
#endif
  for (; i < x.size(); ++i) y[i] = Exp2(x[i]);
  return y;
}

// Bits of a float, to compare results bit for bit (NaNs included).
uint32_t Bits(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  return bits;
}

// Max relative error against exp2 in double precision over a sample of the
// floats (every 127th bit pattern, about 8.8M values per sign) in the range
// the attention softmax uses (arguments <= 0 down to -126, where the results
// stop being normal) and the positive range up to the domain's end, 127.5.
// Over every float of [-126, 127.5) the max is 8.0e-8, i.e. 0.67 *
// FLT_EPSILON (the same over [-126, 0.5]), against 5.96e-8 for
// std::exp2(float). A polynomial one degree short (28.8 * FLT_EPSILON on
// this sample), the degree-6 Taylor polynomial (1.84) or one of the first
// four coefficients off in its 4th digit exceeds the bound.
TEST(VectorExpTest, RelativeErrorAgainstExp2) {
  const float below_domain_end = std::nextafter(127.5f, 0.0f);
  for (const auto& [sign, bound] :
       {std::pair{-1.0f, 126.0f}, std::pair{1.0f, below_domain_end}}) {
    const std::vector<float> x = SampleFloats(sign, bound, 127);
    const std::vector<float> y = Exp2All(x);
    double max_error = 0.0, max_error_std = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
      const double exact = std::exp2(static_cast<double>(x[i]));
      max_error = std::max(max_error, std::abs(y[i] - exact) / exact);
      max_error_std =
          std::max(max_error_std, std::abs(std::exp2(x[i]) - exact) / exact);
    }
    std::printf(
        "sign %+g, |x| <= %.9g: %zu floats, max relative error %.3g "
        "(%.2f * FLT_EPSILON), std::exp2(float) %.3g\n",
        sign, bound, x.size(), max_error, max_error / FLT_EPSILON,
        max_error_std);
    EXPECT_LT(max_error, FLT_EPSILON);
  }
}

TEST(VectorExpTest, SpecialValues) {
  EXPECT_EQ(Exp2(0.0f), 1.0f);
  EXPECT_EQ(Exp2(-0.0f), 1.0f);
  // Integers give powers of two exactly, over every normal exponent.
  for (int k = -126; k <= 127; ++k) {
    EXPECT_EQ(Exp2(static_cast<float>(k)), std::ldexp(1.0f, k)) << k;
  }
  // Below -126.5 (rounded to n = -127), +0.
  for (float x : {-kInf, -1e30f, -1000.0f, -127.0f, -126.75f,
                  std::nextafter(-126.5f, -kInf)}) {
    const float y = Exp2(x);
    EXPECT_EQ(y, 0.0f) << x;
    EXPECT_FALSE(std::signbit(y)) << x;
  }
  // In [-126.5, -126), subnormals within one subnormal ulp (2^-149).
  for (float x = -126.5f; x < -126.0f; x = std::nextafter(x, 0.0f)) {
    const float y = Exp2(x);
    ASSERT_GT(y, 0.0f) << x;
    ASSERT_LT(y, FLT_MIN) << x;
    ASSERT_LE(std::abs(y - std::exp2(static_cast<double>(x))),
              std::ldexp(1.0, -149))
        << x;
  }
  // The domain ends at 127.5, where 2^n overflows.
  EXPECT_TRUE(std::isfinite(Exp2(std::nextafter(127.5f, 0.0f))));
  EXPECT_EQ(Exp2(127.5f), kInf);
  EXPECT_TRUE(std::isnan(Exp2(kNaN)));
  EXPECT_TRUE(std::isnan(Exp2(-kNaN)));
}

// Every lane of Exp2x8 agrees bit for bit with the scalar Exp2, whatever
// the lane and the other lanes' values: special values, the subnormal range
// and values across the domain, each at every lane.
TEST(VectorExpTest, VectorMatchesScalarAtEveryLane) {
#ifdef __AVX2__
  std::vector<float> values = {
      kNaN,      -kNaN,    -kInf,         -1e30f,  -127.0f,  -126.5f,
      -126.25f,  -126.0f,  -0.5f,         -0.0f,   0.0f,     0.5f,
      FLT_MIN,   -1e-30f,  127.0f,        127.25f, 127.5f,   128.0f,
      -1.0f / 3, 2.0f / 3, -64.49999237f, 1e-3f,   -19.875f, 100.125f};
  for (float x = -127.0f; x < 127.5f; x += 0.37109375f) values.push_back(x);
  // Each value at lane `lane` among neighbours that differ from it.
  for (size_t v = 0; v < values.size(); ++v) {
    for (int lane = 0; lane < 8; ++lane) {
      float x[8], y[8];
      for (int l = 0; l < 8; ++l)
        x[l] = values[(v + 5 * l + 1) % values.size()];
      x[lane] = values[v];
      _mm256_storeu_ps(y, Exp2x8(_mm256_loadu_ps(x)));
      for (int l = 0; l < 8; ++l) {
        ASSERT_EQ(Bits(y[l]), Bits(Exp2(x[l]))) << x[l] << " lane " << l;
      }
    }
  }
#else
  GTEST_SKIP() << "no AVX2: Exp2 is the only form";
#endif
}

}  // namespace
}  // namespace prolong::ops
