// Element types of the CUDA ops. Every op is a template over `Float`, the
// type its activations (and the weight copies they are multiplied with) are
// stored in:
//   float : the testing mode, directly comparable with the CPU ops in //ops;
//   bf16  : training; fp32 master weights and optimizer state stay fp32.
// Either way the kernels accumulate in fp32 (or wider), and parameter
// gradients, the attention log-sum-exp and normalisation statistics are fp32.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_DTYPE_H_
#define PROLONG_OPS_CUDA_DTYPE_H_

#include <cuda_bf16.h>

namespace prolong::ops::cuda {

using bf16 = __nv_bfloat16;

}  // namespace prolong::ops::cuda

#endif  // PROLONG_OPS_CUDA_DTYPE_H_
