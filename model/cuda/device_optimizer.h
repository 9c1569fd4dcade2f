// The optimizer step of experiments/training/trainer.cc on the device, for
// a CudaLlama: the global gradient norm (squares summed in double),
// clipping to a maximum norm, and AdamW with per-tensor weight decay, with
// the fp32 moments m and v kept on the device in the model's flat layout
// (so they move to and from model::OptimizerState by a copy). Every
// reduction has a fixed order (ops/cuda/grad_norm.h), so steps are bitwise
// reproducible. Runs on the model's stream.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_MODEL_CUDA_DEVICE_OPTIMIZER_H_
#define PROLONG_MODEL_CUDA_DEVICE_OPTIMIZER_H_

#include <cstdint>

#include "experiments/config/config.pb.h"
#include "model/checkpoint.h"
#include "model/cuda/device_buffer.h"
#include "model/cuda/llama_cuda.h"
#include "ops/cuda/grad_norm.h"

namespace prolong::model::cuda {

class DeviceOptimizer {
 public:
  // Moments for `model`, copied from host.m and host.v, or zeros if those
  // are empty.
  DeviceOptimizer(const OptimizerState& host, CudaLlama* model);

  // host->m, host->v (num_parameters each) <- the device moments. The step
  // count stays with the caller (OptimizerState::adam_step).
  void Download(OptimizerState* host) const;

  // Global L2 norm of the model's gradients; it also stays on the device for
  // ClipGradients. Not finite if a gradient is not.
  double GradNorm();
  // Scales the gradients by max_norm / norm when max_norm > 0 and the norm
  // of the last GradNorm exceeds it.
  void ClipGradients(double max_norm);
  // One AdamW step (1-based `step`) of every tensor, weight decay on the
  // tensors whose layout flag asks for it, refreshing the model's bf16
  // weight copy in BF16 mode.
  void Step(const config::OptimizerConfig& optimizer, double lr, int64_t step);
  // L2 norm of the master weights: finite exactly when every weight is.
  double ParamNorm();

 private:
  // The norm of values (num_parameters), left in *norm.
  double Norm(const float* values, DeviceBuffer<double>* norm);

  CudaLlama* model_;
  DeviceBuffer<float> m_;            // (num_parameters)
  DeviceBuffer<float> v_;            // (num_parameters)
  DeviceBuffer<double> partials_;    // (ops::cuda::kGradNormBlocks)
  DeviceBuffer<double> grad_norm_;   // (1), read by ClipGradients
  DeviceBuffer<double> param_norm_;  // (1)
};

}  // namespace prolong::model::cuda

#endif  // PROLONG_MODEL_CUDA_DEVICE_OPTIMIZER_H_
