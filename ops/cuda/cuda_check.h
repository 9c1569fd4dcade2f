// CUDA error checking and device discovery shared by the CUDA ops and tests.
// Include only where PROLONG_HAVE_CUDA is defined (a CUDA toolkit was found).
#ifndef PROLONG_OPS_CUDA_CUDA_CHECK_H_
#define PROLONG_OPS_CUDA_CUDA_CHECK_H_

#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace prolong::ops::cuda {

// Throws std::runtime_error("file:line: expr: <cudaGetErrorString(error)>").
[[noreturn]] inline void ThrowCudaError(cudaError_t error, const char* expr,
                                        const char* file, int line) {
  throw std::runtime_error(std::string(file) + ":" + std::to_string(line) +
                           ": " + expr + ": " + cudaGetErrorString(error));
}

// True when a device this build can run on (compute capability >= 9.0, the
// sm_90 SASS / compute_90 PTX that cuda_library emits) is visible. Otherwise
// false, with the reason in *why (e.g. for GTEST_SKIP).
bool CudaDeviceAvailable(std::string* why);

}  // namespace prolong::ops::cuda

// Evaluates `expr` (a cudaError_t) once and throws if it is not cudaSuccess.
#define CUDA_CHECK(expr)                                                    \
  do {                                                                      \
    const cudaError_t prolong_cuda_check_error = (expr);                    \
    if (prolong_cuda_check_error != cudaSuccess) {                          \
      ::prolong::ops::cuda::ThrowCudaError(prolong_cuda_check_error, #expr, \
                                           __FILE__, __LINE__);             \
    }                                                                       \
  } while (0)

#endif  // PROLONG_OPS_CUDA_CUDA_CHECK_H_
