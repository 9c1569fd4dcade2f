// CUDA twin of ops/matmul.h through cuBLAS (cublasGemmEx): the dense layer
//   out (N, OC) = inp (N, C) · weight (OC, C)^T,
// weight stored (out_features, in_features) as in PyTorch / Hugging Face.
// Row-major tensors are passed to column-major cuBLAS as their transposes.
//
// Every GEMM computes in fp32 (CUBLAS_COMPUTE_32F: bf16 inputs run on tensor
// cores with fp32 accumulation; fp32 inputs never use TF32). cuBLAS is
// bitwise reproducible run to run on one GPU model and toolkit version as
// long as a handle is used on one stream at a time (cuBLAS docs,
// "Results reproducibility"); atomics mode is left off.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_OPS_CUDA_MATMUL_H_
#define PROLONG_OPS_CUDA_MATMUL_H_

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

#include "ops/cuda/dtype.h"

namespace prolong::ops::cuda {

// Throws std::runtime_error("file:line: expr: <cuBLAS status>").
[[noreturn]] inline void ThrowCublasError(cublasStatus_t status,
                                          const char* expr, const char* file,
                                          int line) {
  throw std::runtime_error(std::string(file) + ":" + std::to_string(line) +
                           ": " + expr + ": " + cublasGetStatusString(status));
}

// inp (N, C), weight (OC, C) -> out (N, OC) (overwritten), on `stream` (set
// on `handle`). Float: float or bf16; Out: Float, or float for fp32 results
// of bf16 inputs (the cross-entropy's logits).
template <typename Float, typename Out>
void MatmulForward(Out* out, const Float* inp, const Float* weight, int N,
                   int C, int OC, cublasHandle_t handle, cudaStream_t stream);

// Accumulates dinp (N, C) += dout (N, OC) · weight (OC, C) and the fp32
// parameter gradient dweight (OC, C) += dout^T (OC, N) · inp (N, C). Either
// output may be null to skip it.
template <typename Float>
void MatmulBackward(Float* dinp, float* dweight, const Float* dout,
                    const Float* inp, const Float* weight, int N, int C, int OC,
                    cublasHandle_t handle, cudaStream_t stream);

}  // namespace prolong::ops::cuda

// Evaluates `expr` (a cublasStatus_t) once and throws if it is not success.
#define CUBLAS_CHECK(expr)                                                \
  do {                                                                    \
    const cublasStatus_t prolong_cublas_check_status = (expr);            \
    if (prolong_cublas_check_status != CUBLAS_STATUS_SUCCESS) {           \
      ::prolong::ops::cuda::ThrowCublasError(prolong_cublas_check_status, \
                                             #expr, __FILE__, __LINE__);  \
    }                                                                     \
  } while (0)

#endif  // PROLONG_OPS_CUDA_MATMUL_H_
