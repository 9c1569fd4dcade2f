#include "ops/vector_exp.h"

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

// Max relative error against std::exp in double precision over a sample of
// the floats (every 127th bit pattern, about 9M values per sign) in the range
// the attention softmax uses (arguments <= 0 down to the underflow bound)
// and the positive range up to overflow. Over every float of both ranges
// the max is 8.40e-8 (x <= 0) and 8.46e-8 (x >= 0), i.e. 0.71 *
// FLT_EPSILON, against 5.96e-8 for std::exp(float).
TEST(VectorExpTest, RelativeErrorAgainstStdExp) {
  for (const auto& [sign, bound] :
       {std::pair{-1.0f, -kExpUnderflow}, std::pair{1.0f, kExpOverflow}}) {
    const std::vector<float> x = SampleFloats(sign, bound, 127);
    std::vector<float> y(x.size());
    Exp(x.data(), y.data(), static_cast<int64_t>(x.size()));
    double max_error = 0.0, max_error_std = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
      const double exact = std::exp(static_cast<double>(x[i]));
      max_error = std::max(max_error, std::abs(y[i] - exact) / exact);
      max_error_std =
          std::max(max_error_std, std::abs(std::exp(x[i]) - exact) / exact);
    }
    std::printf(
        "sign %+g, |x| <= %g: %zu floats, max relative error %.3g "
        "(%.2f * FLT_EPSILON), std::exp(float) %.3g\n",
        sign, bound, x.size(), max_error,
        max_error / std::numeric_limits<float>::epsilon(), max_error_std);
    EXPECT_LT(max_error, 2.0 * std::numeric_limits<float>::epsilon());
  }
}

TEST(VectorExpTest, SpecialValues) {
  EXPECT_EQ(Exp(0.0f), 1.0f);
  EXPECT_EQ(Exp(-0.0f), 1.0f);
  for (float x : {-kInf, -1e30f, -1000.0f, -104.0f, -87.5f,
                  std::nextafter(kExpUnderflow, -kInf)}) {
    const float y = Exp(x);
    EXPECT_EQ(y, 0.0f) << x;
    EXPECT_FALSE(std::signbit(y)) << x;
  }
  EXPECT_GT(Exp(kExpUnderflow), 0.0f);
  EXPECT_TRUE(std::isfinite(Exp(kExpOverflow)));
  EXPECT_EQ(Exp(std::nextafter(kExpOverflow, kInf)), kInf);
  EXPECT_EQ(Exp(kInf), kInf);
  EXPECT_TRUE(std::isnan(Exp(std::numeric_limits<float>::quiet_NaN())));
}

// The array form agrees bit for bit with the one-value form at every length
// and offset (full vectors and padded tails), and may work in place.
TEST(VectorExpTest, ArrayMatchesScalarAtEveryOffset) {
  std::vector<float> x(37);
  for (size_t i = 0; i < x.size(); ++i) x[i] = -20.0f + 1.37f * i;
  for (int64_t begin = 0; begin < 9; ++begin) {
    for (int64_t n = 0; begin + n <= static_cast<int64_t>(x.size()); ++n) {
      std::vector<float> y(x.begin() + begin, x.begin() + begin + n);
      Exp(y.data(), y.data(), n);
      for (int64_t i = 0; i < n; ++i) {
        const float expected = Exp(x[begin + i]);
        ASSERT_EQ(0, std::memcmp(&y[i], &expected, sizeof(float)))
            << begin << " " << n << " " << i;
      }
    }
  }
}

}  // namespace
}  // namespace prolong::ops
