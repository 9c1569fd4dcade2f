// The Llama of model/llama.h on one CUDA device: the same architecture, the
// same flat fp32 parameter buffer (built from the host model's `layout()`,
// so checkpoints move between devices by copying that buffer) and the same
// forward and backward, op for op in model/llama.cc's order, with the
// kernels of //ops/cuda.
//
//   FP32 : activations fp32; compared with the CPU model in tests.
//   BF16 : activations, and a bf16 copy of the weights that they are
//          multiplied with, bf16; the fp32 master weights, the fp32
//          gradients and every accumulation stay fp32 (or wider). The copy
//          is refreshed by UploadParams and by the AdamW kernel
//          (device_optimizer.h).
//
// Deterministic: every kernel sums in a fixed order and cuBLAS runs on one
// stream, so a fixed input gives the same bits on the same GPU model and
// toolkit. Everything runs on the model's own stream; methods that return
// host values wait for it.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_MODEL_CUDA_LLAMA_CUDA_H_
#define PROLONG_MODEL_CUDA_LLAMA_CUDA_H_

#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "experiments/config/config.pb.h"
#include "model/llama.h"
#include "ops/cuda/dtype.h"

namespace prolong::model::cuda {

class CudaLlama {
 public:
  // The host model's architecture, parameters and RoPE base, on the current
  // CUDA device (cudaSetDevice before constructing).
  CudaLlama(const Llama& host, config::ComputeDtype dtype);
  ~CudaLlama();
  CudaLlama(const CudaLlama&) = delete;
  CudaLlama& operator=(const CudaLlama&) = delete;

  int64_t num_parameters() const;
  // The host model's layout: names, offsets and shapes of the tensors.
  const std::vector<ParamTensor>& layout() const;
  config::ComputeDtype compute_dtype() const;

  void SetRopeTheta(double theta);
  // As Llama::SetActivationRecomputation: keep only each layer's input and
  // recompute its activations in the backward; gradients are bitwise the
  // same either way.
  void SetActivationRecomputation(bool recompute);

  // params (num_parameters) in the host layout -> the master weights (and
  // their bf16 copy), and back.
  void UploadParams(const float* params);
  void DownloadParams(float* params) const;
  // grads (num_parameters) <- the gradient buffer.
  void DownloadGrads(float* grads) const;

  // As Llama::Forward / ForwardBackward / ZeroGrads: ForwardBackward ADDS
  // d(weight_per_target * sum of CE) / d params to grads().
  LossSum Forward(const PackedSequence& seq, bool document_masking);
  LossSum ForwardBackward(const PackedSequence& seq, bool document_masking,
                          float weight_per_target);
  // Several sequences in one pass: packed back to back, each at positions
  // 0, 1, ... and attending only within itself (and, with
  // document_masking, within its documents); ADDS
  // d(sum_i weights_per_target[i] * CE of sequences[i]) / d params. The
  // gradient of one ForwardBackward per sequence, up to the order of
  // floating-point sums, in fewer and larger kernels. Returns each
  // sequence's LossSum. Throws std::invalid_argument unless there is one
  // weight per sequence and at least one sequence.
  std::vector<LossSum> ForwardBackwardBatch(
      const std::vector<const PackedSequence*>& sequences,
      bool document_masking, const std::vector<float>& weights_per_target);
  void ZeroGrads();

  // Device buffers of num_parameters() elements, in the host layout, for
  // the optimizer and the gradient all-reduce; use them on stream().
  float* params();
  float* grads();
  // The bf16 copy of the weights; null in FP32 mode.
  ops::cuda::bf16* params_bf16();
  cudaStream_t stream() const;

 private:
  struct State;
  class Engine;
  template <typename Float>
  class TypedEngine;
  std::unique_ptr<State> state_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace prolong::model::cuda

#endif  // PROLONG_MODEL_CUDA_LLAMA_CUDA_H_
