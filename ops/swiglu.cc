#include "ops/swiglu.h"

#include <cmath>

namespace prolong::ops {

void SwiGluForward(float* out, const float* gate, const float* up, int64_t n) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    const float sigmoid = 1.0f / (1.0f + std::exp(-gate[i]));
    out[i] = gate[i] * sigmoid * up[i];
  }
}

void SwiGluBackward(float* dgate, float* dup, const float* dout,
                    const float* gate, const float* up, int64_t n) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    const float x = gate[i];
    const float sigmoid = 1.0f / (1.0f + std::exp(-x));
    const float silu = x * sigmoid;
    const float dsilu = sigmoid * (1.0f + x * (1.0f - sigmoid));
    dgate[i] += dout[i] * up[i] * dsilu;
    dup[i] += dout[i] * silu;
  }
}

}  // namespace prolong::ops
