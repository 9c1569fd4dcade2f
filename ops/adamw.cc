#include "ops/adamw.h"

#include <cmath>

namespace prolong::ops {

void AdamWUpdate(float* params, const float* grads, float* m, float* v,
                 int64_t n, float lr, float beta1, float beta2, float eps,
                 float weight_decay, int64_t step) {
  const float m_correction =
      static_cast<float>(1.0 - std::pow(static_cast<double>(beta1), step));
  const float v_correction =
      static_cast<float>(1.0 - std::pow(static_cast<double>(beta2), step));
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    const float g = grads[i];
    m[i] = beta1 * m[i] + (1.0f - beta1) * g;
    v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
    const float m_hat = m[i] / m_correction;
    const float v_hat = v[i] / v_correction;
    params[i] -=
        lr * (m_hat / (std::sqrt(v_hat) + eps) + weight_decay * params[i]);
  }
}

}  // namespace prolong::ops
