#include <cmath>
#include <cstdint>

#include "ops/cuda/adamw.h"
#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"

namespace prolong::ops::cuda {
namespace {

constexpr int kThreads = 256;

// Grid (ceil(n / kThreads)), block (kThreads): one thread per parameter.
__global__ void __launch_bounds__(kThreads)
    AdamWKernel(float* params, const float* grads, float* m, float* v,
                std::int64_t n, float lr, float beta1, float beta2, float eps,
                float weight_decay, float m_correction, float v_correction,
                bf16* params_bf16) {
  const std::int64_t i =
      static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (i >= n) return;
  const float g = grads[i];
  const float m_i = beta1 * m[i] + (1.0f - beta1) * g;
  const float v_i = beta2 * v[i] + (1.0f - beta2) * g * g;
  m[i] = m_i;
  v[i] = v_i;
  const float m_hat = m_i / m_correction;
  const float v_hat = v_i / v_correction;
  const float p = params[i];
  const float updated =
      p - lr * (m_hat / (sqrtf(v_hat) + eps) + weight_decay * p);
  params[i] = updated;
  if (params_bf16 != nullptr) params_bf16[i] = FromFloat<bf16>(updated);
}

}  // namespace

void AdamWUpdate(float* params, const float* grads, float* m, float* v,
                 int64_t n, float lr, float beta1, float beta2, float eps,
                 float weight_decay, int64_t step, bf16* params_bf16,
                 cudaStream_t stream) {
  if (n == 0) return;
  // As ops/adamw.cc: in double, then rounded to float.
  const float m_correction =
      static_cast<float>(1.0 - std::pow(static_cast<double>(beta1), step));
  const float v_correction =
      static_cast<float>(1.0 - std::pow(static_cast<double>(beta2), step));
  AdamWKernel<<<static_cast<unsigned>(CeilDiv(n, kThreads)), kThreads, 0,
                stream>>>(params, grads, m, v, n, lr, beta1, beta2, eps,
                          weight_decay, m_correction, v_correction,
                          params_bf16);
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace prolong::ops::cuda
