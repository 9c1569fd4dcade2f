// Dense layer without bias, the building block of every projection:
//   out (N, OC) = inp (N, C) · weight (OC, C)^T,
// weight stored (out_features, in_features) as in PyTorch / Hugging Face.
// Eigen GEMMs run single-threaded on fixed-size tiles that OpenMP threads
// share out; the tiling never depends on the thread count, so results are
// byte-identical for any number of threads.
#ifndef PROLONG_OPS_MATMUL_H_
#define PROLONG_OPS_MATMUL_H_

namespace prolong::ops {

// inp (N, C), weight (OC, C) -> out (N, OC) (overwritten).
void MatmulForward(float* out, const float* inp, const float* weight, int N,
                   int C, int OC);

// Accumulates dinp (N, C) += dout (N, OC) · weight (OC, C) and
// dweight (OC, C) += dout^T (OC, N) · inp (N, C). Either output may be
// null to skip it.
void MatmulBackward(float* dinp, float* dweight, const float* dout,
                    const float* inp, const float* weight, int N, int C,
                    int OC);

}  // namespace prolong::ops

#endif  // PROLONG_OPS_MATMUL_H_
