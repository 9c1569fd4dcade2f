#include "ops/vector_exp.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace prolong::ops {

// The operations of Exp2x8, one lane; with or without __AVX2__.
float Exp2(float x) {
  using vector_exp_internal::kExp2Poly;
  if (std::isnan(x)) return x;
  x = std::max(-127.0f, x);
  const float n = std::nearbyint(x);
  const float f = x - n;
  float p = kExp2Poly[5];
  for (int i = 4; i >= 0; --i) p = std::fma(p, f, kExp2Poly[i]);
  p = std::fma(p, f, 1.0f);
  const int32_t two_n_bits = (static_cast<int32_t>(n) + 127) << 23;
  float two_n;
  std::memcpy(&two_n, &two_n_bits, sizeof(two_n));
  return p * two_n;
}

}  // namespace prolong::ops
