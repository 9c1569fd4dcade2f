// SwiGLU gate of the Llama MLP (Shazeer 2020), elementwise:
//   out = silu(gate) * up,  silu(x) = x * sigmoid(x).
#ifndef PROLONG_OPS_SWIGLU_H_
#define PROLONG_OPS_SWIGLU_H_

#include <cstdint>

namespace prolong::ops {

// gate (n), up (n) -> out (n).
void SwiGluForward(float* out, const float* gate, const float* up, int64_t n);

// Accumulates dgate (n) += dout * up * silu'(gate), dup (n) += dout *
// silu(gate), with silu'(x) = sigmoid(x) * (1 + x * (1 - sigmoid(x))).
void SwiGluBackward(float* dgate, float* dup, const float* dout,
                    const float* gate, const float* up, int64_t n);

}  // namespace prolong::ops

#endif  // PROLONG_OPS_SWIGLU_H_
