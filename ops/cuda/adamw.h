// CUDA twin of ops/adamw.h: AdamW with decoupled weight decay, as llm.c,
//   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
//   p -= lr * (m / (1 - b1^step) / (sqrt(v / (1 - b2^step)) + eps) + wd * p),
// on fp32 master weights, gradients and moments, elementwise (so
// deterministic). The bias corrections are computed on the host exactly as
// the CPU op computes them.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_ADAMW_H_
#define PROLONG_OPS_CUDA_ADAMW_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "ops/cuda/dtype.h"

namespace prolong::ops::cuda {

// params, grads, m, v: (n), same argument order as the CPU op. `step` is
// 1-based (bias correction). Pass weight_decay = 0 for tensors that are not
// decayed (the per-tensor flag of model::ParamTensor). If params_bf16 (n) is
// not null it receives the updated weights rounded to bf16: the copy that
// bf16 forward and backward passes read.
void AdamWUpdate(float* params, const float* grads, float* m, float* v,
                 int64_t n, float lr, float beta1, float beta2, float eps,
                 float weight_decay, int64_t step, bf16* params_bf16,
                 cudaStream_t stream);

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_ADAMW_H_
