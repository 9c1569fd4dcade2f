#include <cstddef>
#include <type_traits>

#include "ops/cuda/cuda_check.h"
#include "ops/cuda/matmul.h"

namespace prolong::ops::cuda {
namespace {

template <typename Value>
constexpr cudaDataType_t DataType() {
  if constexpr (std::is_same_v<Value, float>) {
    return CUDA_R_32F;
  } else {
    static_assert(std::is_same_v<Value, bf16>, "float or bf16");
    return CUDA_R_16BF;
  }
}

// Column-major C (m, n) = op_a(A) (m, k) · op_b(B) (k, n) + beta * C, with
// fp32 accumulation and alpha = 1.
template <typename In, typename Out>
void Gemm(cublasHandle_t handle, cublasOperation_t op_a, cublasOperation_t op_b,
          int m, int n, int k, const In* a, int lda, const In* b, int ldb,
          float beta, Out* c, int ldc) {
  const float alpha = 1.0f;
  CUBLAS_CHECK(cublasGemmEx(handle, op_a, op_b, m, n, k, &alpha, a,
                            DataType<In>(), lda, b, DataType<In>(), ldb, &beta,
                            c, DataType<Out>(), ldc, CUBLAS_COMPUTE_32F,
                            CUBLAS_GEMM_DEFAULT));
}

}  // namespace

template <typename Float, typename Out>
void MatmulForward(Out* out, const Float* inp, const Float* weight, int N,
                   int C, int OC, cublasHandle_t handle, cudaStream_t stream) {
  if (N == 0 || OC == 0) return;
  if (C == 0) {  // An empty sum; cuBLAS would reject lda = 0.
    CUDA_CHECK(cudaMemsetAsync(
        out, 0, sizeof(Out) * static_cast<std::size_t>(N) * OC, stream));
    return;
  }
  CUBLAS_CHECK(cublasSetStream(handle, stream));
  // out^T (OC, N) = weight (OC, C) · inp^T (C, N); column-major, weight is
  // (C, OC) with ld C and inp^T is (C, N) with ld C.
  Gemm(handle, CUBLAS_OP_T, CUBLAS_OP_N, OC, N, C, weight, C, inp, C, 0.0f, out,
       OC);
}

template <typename Float>
void MatmulBackward(Float* dinp, float* dweight, const Float* dout,
                    const Float* inp, const Float* weight, int N, int C, int OC,
                    cublasHandle_t handle, cudaStream_t stream) {
  if (N == 0 || C == 0 || OC == 0) return;
  CUBLAS_CHECK(cublasSetStream(handle, stream));
  if (dinp != nullptr) {
    // dinp^T (C, N) += weight^T (C, OC) · dout^T (OC, N); column-major,
    // weight^T is (C, OC) with ld C and dout^T is (OC, N) with ld OC.
    Gemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, C, N, OC, weight, C, dout, OC, 1.0f,
         dinp, C);
  }
  if (dweight != nullptr) {
    // dweight^T (C, OC) += inp^T (C, N) · dout (N, OC); column-major, inp^T
    // is (C, N) with ld C and dout^T is (OC, N) with ld OC, transposed.
    Gemm(handle, CUBLAS_OP_N, CUBLAS_OP_T, C, OC, N, inp, C, dout, OC, 1.0f,
         dweight, C);
  }
}

template void MatmulForward<float, float>(float*, const float*, const float*,
                                          int, int, int, cublasHandle_t,
                                          cudaStream_t);
template void MatmulForward<bf16, bf16>(bf16*, const bf16*, const bf16*, int,
                                        int, int, cublasHandle_t, cudaStream_t);
template void MatmulForward<bf16, float>(float*, const bf16*, const bf16*, int,
                                         int, int, cublasHandle_t,
                                         cudaStream_t);
template void MatmulBackward<float>(float*, float*, const float*, const float*,
                                    const float*, int, int, int, cublasHandle_t,
                                    cudaStream_t);
template void MatmulBackward<bf16>(bf16*, float*, const bf16*, const bf16*,
                                   const bf16*, int, int, int, cublasHandle_t,
                                   cudaStream_t);

}  // namespace prolong::ops::cuda
