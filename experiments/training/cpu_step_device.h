// The optimizer step on the CPU: the host model and optimizer state are
// trained in place (model/llama.h, ops/adamw.h), with OpenMP threads and
// results byte-identical for a fixed thread count.
#ifndef PROLONG_EXPERIMENTS_TRAINING_CPU_STEP_DEVICE_H_
#define PROLONG_EXPERIMENTS_TRAINING_CPU_STEP_DEVICE_H_

#include <cstdint>
#include <string>

#include "experiments/training/step_device.h"
#include "model/checkpoint.h"
#include "model/llama.h"

namespace prolong::training {

// Global L2 norm of `grads` (laid out like model's parameters), accumulated
// in double in a fixed order, tensor by tensor. Throws if any gradient is
// not finite, naming `step` and the tensor.
double GradNorm(const model::Llama& model, const float* grads, int64_t step);

// The name of the first tensor in `values` (laid out like the parameters)
// holding a NaN or infinity; empty if there is none.
std::string FirstNonFiniteTensor(const model::Llama& model,
                                 const float* values);

class CpuStepDevice : public StepDevice {
 public:
  // Trains *model and *optimizer (moments sized to the model) in place.
  CpuStepDevice(model::Llama* model, model::OptimizerState* optimizer);

  void ZeroGrads() override;
  std::vector<model::LossSum> ForwardBackwardBatch(
      const std::vector<const model::PackedSequence*>& sequences,
      bool document_masking,
      const std::vector<float>& weights_per_target) override;
  void AllReduce(double* sums, int n) override;
  double ClipGradients(double max_norm, int64_t step) override;
  void AdamW(const config::OptimizerConfig& optimizer, double lr,
             int64_t adam_step) override;
  std::string FirstNonFiniteTensor() override;
  void CopyToHost() override;

 private:
  model::Llama* model_;
  model::OptimizerState* optimizer_;
};

}  // namespace prolong::training

#endif  // PROLONG_EXPERIMENTS_TRAINING_CPU_STEP_DEVICE_H_
