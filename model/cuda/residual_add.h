// The residual connection x_out = x + f(x), elementwise on the device: the
// one operation of the model that has no op in //ops/cuda (the CPU model
// adds in a plain loop, model/llama.cc). The sum is computed in fp32 and
// stored as Float, so in fp32 mode it is bitwise the CPU's.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_MODEL_CUDA_RESIDUAL_ADD_H_
#define PROLONG_MODEL_CUDA_RESIDUAL_ADD_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "ops/cuda/dtype.h"

namespace prolong::model::cuda {

// a (n), b (n) -> out (n) = a + b; out may alias a or b. Float: float or
// bf16.
template <typename Float>
void ResidualAdd(Float* out, const Float* a, const Float* b, int64_t n,
                 cudaStream_t stream);

}  // namespace prolong::model::cuda

#endif  // PROLONG_MODEL_CUDA_RESIDUAL_ADD_H_
