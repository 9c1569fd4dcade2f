#include "model/half_precision.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "gtest/gtest.h"

namespace prolong::model {
namespace {

float FromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

TEST(HalfPrecisionTest, Bfloat16KeepsRepresentableValues) {
  for (float value : {0.0f, -0.0f, 1.0f, -2.5f, 0.15625f, 3.0e38f}) {
    const float rounded = Bfloat16ToFloat(FloatToBfloat16(value));
    EXPECT_EQ(Bfloat16ToFloat(FloatToBfloat16(rounded)), rounded) << value;
  }
  EXPECT_EQ(FloatToBfloat16(1.0f), 0x3f80);
  EXPECT_EQ(FloatToBfloat16(-2.0f), 0xc000);
  EXPECT_EQ(Bfloat16ToFloat(0x3f80), 1.0f);
  EXPECT_TRUE(std::signbit(Bfloat16ToFloat(FloatToBfloat16(-0.0f))));
}

TEST(HalfPrecisionTest, Bfloat16RoundsToNearestEven) {
  // bf16 keeps 7 mantissa bits: next to 1.0 the step is 2^-7.
  const float step = std::ldexp(1.0f, -7);
  EXPECT_EQ(Bfloat16ToFloat(FloatToBfloat16(1.0f + step / 2)), 1.0f);  // tie
  EXPECT_EQ(Bfloat16ToFloat(FloatToBfloat16(1.0f + 3 * step / 2)),
            1.0f + 2 * step);  // tie, up to even
  EXPECT_EQ(Bfloat16ToFloat(FloatToBfloat16(1.0f + step * 0.51f)), 1.0f + step);
  EXPECT_EQ(Bfloat16ToFloat(FloatToBfloat16(-(1.0f + step * 0.49f))), -1.0f);
  // Below the mantissa's reach the carry bumps the exponent.
  EXPECT_EQ(Bfloat16ToFloat(FloatToBfloat16(FromBits(0x3fffffff))), 2.0f);
  EXPECT_TRUE(std::isinf(
      Bfloat16ToFloat(FloatToBfloat16(std::numeric_limits<float>::max()))));
}

TEST(HalfPrecisionTest, Bfloat16KeepsNanAndInfinity) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(Bfloat16ToFloat(FloatToBfloat16(inf)), inf);
  EXPECT_EQ(Bfloat16ToFloat(FloatToBfloat16(-inf)), -inf);
  // A NaN whose payload sits only in the dropped bits must not become inf.
  const float low_payload_nan = FromBits(0x7f800001);
  EXPECT_TRUE(std::isnan(Bfloat16ToFloat(FloatToBfloat16(low_payload_nan))));
  EXPECT_TRUE(std::isnan(Bfloat16ToFloat(FloatToBfloat16(std::nanf("")))));
}

TEST(HalfPrecisionTest, Float16DecodesEveryClass) {
  EXPECT_EQ(Float16ToFloat(0x3c00), 1.0f);
  EXPECT_EQ(Float16ToFloat(0xc000), -2.0f);
  EXPECT_EQ(Float16ToFloat(0x3555), 0.333251953125f);
  EXPECT_EQ(Float16ToFloat(0x7bff), 65504.0f);               // largest normal
  EXPECT_EQ(Float16ToFloat(0x0400), std::ldexp(1.0f, -14));  // smallest normal
  EXPECT_EQ(Float16ToFloat(0x0001), std::ldexp(1.0f, -24));  // subnormal
  EXPECT_EQ(Float16ToFloat(0x83ff), -std::ldexp(1023.0f, -24));
  EXPECT_EQ(Float16ToFloat(0x0000), 0.0f);
  EXPECT_TRUE(std::signbit(Float16ToFloat(0x8000)));
  EXPECT_EQ(Float16ToFloat(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(Float16ToFloat(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(Float16ToFloat(0x7e00)));
}

}  // namespace
}  // namespace prolong::model
