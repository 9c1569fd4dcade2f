#include "ops/cuda/cuda_check.h"

namespace prolong::ops::cuda {

bool CudaDeviceAvailable(std::string* why) {
  int count = 0;
  const cudaError_t error = cudaGetDeviceCount(&count);
  if (error != cudaSuccess) {
    cudaGetLastError();  // Clears the sticky error so later calls are clean.
    *why =
        std::string("cudaGetDeviceCount failed: ") + cudaGetErrorString(error);
    return false;
  }
  if (count == 0) {
    *why = "no CUDA device visible (cudaGetDeviceCount returned 0)";
    return false;
  }
  int device = 0;
  cudaDeviceProp prop;
  CUDA_CHECK(cudaGetDevice(&device));
  CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  if (prop.major < 9) {
    *why = std::string("device ") + prop.name + " has compute capability " +
           std::to_string(prop.major) + "." + std::to_string(prop.minor) +
           "; kernels are built for sm_90+";
    return false;
  }
  why->clear();
  return true;
}

}  // namespace prolong::ops::cuda
