// Conversions between fp32 and the 16-bit floats that checkpoints use:
// bfloat16 (8-bit exponent, 7-bit mantissa: the top half of an fp32) and
// IEEE 754 binary16 (float16: 5-bit exponent, 10-bit mantissa). Values are
// passed as their bit patterns.
#ifndef PROLONG_MODEL_HALF_PRECISION_H_
#define PROLONG_MODEL_HALF_PRECISION_H_

#include <cstdint>

namespace prolong::model {

// Round-to-nearest-even, as PyTorch's `tensor.to(torch.bfloat16)`; values too
// large round to +-inf, and NaN stays a (quiet) NaN of the same sign.
uint16_t FloatToBfloat16(float value);

// Exact.
float Bfloat16ToFloat(uint16_t bits);

// Exact, subnormals, infinities and NaN included.
float Float16ToFloat(uint16_t bits);

}  // namespace prolong::model

#endif  // PROLONG_MODEL_HALF_PRECISION_H_
