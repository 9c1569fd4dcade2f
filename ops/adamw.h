// AdamW (Loshchilov & Hutter 2019) with decoupled weight decay, as llm.c:
//   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
//   p -= lr * (m / (1 - b1^step) / (sqrt(v / (1 - b2^step)) + eps) + wd * p).
#ifndef PROLONG_OPS_ADAMW_H_
#define PROLONG_OPS_ADAMW_H_

#include <cstdint>

namespace prolong::ops {

// params, grads, m, v: (n). `step` is 1-based (bias correction). Pass
// weight_decay = 0 for tensors that are not decayed.
void AdamWUpdate(float* params, const float* grads, float* m, float* v,
                 int64_t n, float lr, float beta1, float beta2, float eps,
                 float weight_decay, int64_t step);

}  // namespace prolong::ops

#endif  // PROLONG_OPS_ADAMW_H_
