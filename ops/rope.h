// Rotary position embedding (Su et al. 2021) in Hugging Face's rotate-half
// convention: within a head of size hd, dimension i < hd/2 pairs with
// i + hd/2 and the pair is rotated by angle pos * theta^(-2i/hd):
//   out[i]        = x[i] * cos - x[i + hd/2] * sin
//   out[i + hd/2] = x[i + hd/2] * cos + x[i] * sin.
// The backward applies the inverse (transposed) rotation.
#ifndef PROLONG_OPS_ROPE_H_
#define PROLONG_OPS_ROPE_H_

#include <cstdint>

namespace prolong::ops {

// -> cos, sin (max_positions, head_dim / 2), fp32 values computed in double.
void RopeTables(float* cos, float* sin, int max_positions, int head_dim,
                double theta);

// x (T, H, head_dim) rotated in place; positions (T) index the tables.
void RopeForward(float* x, const float* cos, const float* sin,
                 const int32_t* positions, int T, int H, int head_dim);

// dx (T, H, head_dim): the gradient w.r.t. the rotated values on entry, the
// gradient w.r.t. the unrotated values on return.
void RopeBackward(float* dx, const float* cos, const float* sin,
                  const int32_t* positions, int T, int H, int head_dim);

}  // namespace prolong::ops

#endif  // PROLONG_OPS_ROPE_H_
