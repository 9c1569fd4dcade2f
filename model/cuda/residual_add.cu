#include "model/cuda/residual_add.h"
#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"

namespace prolong::model::cuda {
namespace {

using ops::cuda::CeilDiv;
using ops::cuda::FromFloat;
using ops::cuda::ToFloat;

constexpr int kThreads = 256;

// Grid (ceil(n / (kThreads W))), block (kThreads): thread i takes elements
// [W i, W i + W), W = ops::cuda::kVectorWidth<Float>, with 16-byte loads
// and stores when kVector (every array 16-byte aligned) and all W exist,
// else one at a time.
template <typename Float, bool kVector>
__global__ void __launch_bounds__(kThreads)
    ResidualAddKernel(Float* out, const Float* a, const Float* b,
                      std::int64_t n) {
  constexpr int W = ops::cuda::kVectorWidth<Float>;
  const std::int64_t first =
      (static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x) * W;
  if (kVector && first + W <= n) {
    float x[W], y[W];
    ops::cuda::LoadVector(x, a + first);
    ops::cuda::LoadVector(y, b + first);
#pragma unroll
    for (int j = 0; j < W; ++j) x[j] += y[j];
    ops::cuda::StoreVector(out + first, x);
    return;
  }
  for (std::int64_t i = first; i < n && i < first + W; ++i) {
    out[i] = FromFloat<Float>(ToFloat(a[i]) + ToFloat(b[i]));
  }
}

}  // namespace

template <typename Float>
void ResidualAdd(Float* out, const Float* a, const Float* b, int64_t n,
                 cudaStream_t stream) {
  if (n == 0) return;
  const unsigned blocks = static_cast<unsigned>(CeilDiv(
      n, static_cast<std::int64_t>(kThreads) * ops::cuda::kVectorWidth<Float>));
  if (ops::cuda::VectorAligned(out, a, b)) {
    ResidualAddKernel<Float, true>
        <<<blocks, kThreads, 0, stream>>>(out, a, b, n);
  } else {
    ResidualAddKernel<Float, false>
        <<<blocks, kThreads, 0, stream>>>(out, a, b, n);
  }
  CUDA_CHECK(cudaGetLastError());
}

template void ResidualAdd<float>(float*, const float*, const float*, int64_t,
                                 cudaStream_t);
template void ResidualAdd<ops::cuda::bf16>(ops::cuda::bf16*,
                                           const ops::cuda::bf16*,
                                           const ops::cuda::bf16*, int64_t,
                                           cudaStream_t);

}  // namespace prolong::model::cuda
