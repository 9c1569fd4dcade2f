// Dense layer without bias, the building block of every projection:
//   out (N, OC) = inp (N, C) · weight (OC, C)^T,
// weight stored (out_features, in_features) as in PyTorch / Hugging Face.
// A register-blocked AVX2 + FMA kernel (scalar without AVX2) on packed
// panels of the weight (forward, dinp) or of inp (dweight); OpenMP threads
// share out tiles of the result. Every output element is one chain of
// multiply-adds over the inner dimension in order, whatever the tiling or
// the thread that runs it, so results are byte-identical for any number of
// threads. A forward with fewer than 6 rows (token-by-token generation) is a
// single-threaded Eigen matrix-vector product instead.
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
