#include "model/cuda/residual_add.h"
#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"

namespace prolong::model::cuda {
namespace {

using ops::cuda::CeilDiv;
using ops::cuda::FromFloat;
using ops::cuda::ToFloat;

constexpr int kThreads = 256;

// Grid (ceil(n / kThreads)), block (kThreads): one thread per element.
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    ResidualAddKernel(Float* out, const Float* a, const Float* b,
                      std::int64_t n) {
  const std::int64_t i =
      static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (i < n) out[i] = FromFloat<Float>(ToFloat(a[i]) + ToFloat(b[i]));
}

}  // namespace

template <typename Float>
void ResidualAdd(Float* out, const Float* a, const Float* b, int64_t n,
                 cudaStream_t stream) {
  if (n == 0) return;
  ResidualAddKernel<Float>
      <<<static_cast<unsigned>(CeilDiv(n, kThreads)), kThreads, 0, stream>>>(
          out, a, b, n);
  CUDA_CHECK(cudaGetLastError());
}

template void ResidualAdd<float>(float*, const float*, const float*, int64_t,
                                 cudaStream_t);
template void ResidualAdd<ops::cuda::bf16>(ops::cuda::bf16*,
                                           const ops::cuda::bf16*,
                                           const ops::cuda::bf16*, int64_t,
                                           cudaStream_t);

}  // namespace prolong::model::cuda
