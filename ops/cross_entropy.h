// LM head fused with softmax cross-entropy, chunked over rows so the full
// (T, V) logit matrix never exists: each chunk of at most 256 target rows
// computes its logits (rows, V), the loss and, for the backward, the logit
// gradient (softmax - onehot) and its two matmul backwards, then moves on.
// Rows without a target (target -1) cost nothing.
#ifndef PROLONG_OPS_CROSS_ENTROPY_H_
#define PROLONG_OPS_CROSS_ENTROPY_H_

#include <cstdint>

namespace prolong::ops {

// hidden (T, C), weight (V, C), targets (T) in [0, V) or -1 for "no target".
// Returns the sum over target rows of -log softmax(hidden · weight^T)[target].
double FusedCrossEntropyForward(const float* hidden, const float* weight,
                                const int32_t* targets, int T, int C, int V);

// As FusedCrossEntropyForward, and accumulates the gradients of
// grad_scale * (that sum): dhidden (T, C) and dweight (V, C).
double FusedCrossEntropyForwardBackward(float* dhidden, float* dweight,
                                        const float* hidden,
                                        const float* weight,
                                        const int32_t* targets, int T, int C,
                                        int V, float grad_scale);

}  // namespace prolong::ops

#endif  // PROLONG_OPS_CROSS_ENTROPY_H_
