// RMSNorm (Zhang & Sennrich 2019), as in Llama:
//   out[n, c] = inp[n, c] * rstd[n] * weight[c],
//   rstd[n]   = 1 / sqrt(mean_c(inp[n, c]^2) + eps).
// Forward and backward side by side; fp32 with fp32 accumulation.
#ifndef PROLONG_OPS_RMSNORM_H_
#define PROLONG_OPS_RMSNORM_H_

namespace prolong::ops {

// inp (N, C), weight (C) -> out (N, C), rstd (N) saved for the backward.
void RmsNormForward(float* out, float* rstd, const float* inp,
                    const float* weight, int N, int C, float eps);

// Accumulates: dinp (N, C) += d out / d inp, dweight (C) += d out / d weight.
void RmsNormBackward(float* dinp, float* dweight, const float* dout,
                     const float* inp, const float* weight, const float* rstd,
                     int N, int C);

}  // namespace prolong::ops

#endif  // PROLONG_OPS_RMSNORM_H_
