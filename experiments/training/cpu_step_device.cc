#include "experiments/training/cpu_step_device.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "ops/adamw.h"

namespace prolong::training {

double GradNorm(const model::Llama& model, const float* grads, int64_t step) {
  double sum_sq = 0.0;
  for (const model::ParamTensor& tensor : model.layout()) {
    int64_t count = 1;
    for (int64_t d : tensor.shape) count *= d;
    double tensor_sq = 0.0;
    for (int64_t i = 0; i < count; ++i) {
      const double g = grads[tensor.offset + i];
      tensor_sq += g * g;
    }
    if (!std::isfinite(tensor_sq)) {
      throw std::runtime_error("non-finite gradient at step " +
                               std::to_string(step) + " in tensor " +
                               tensor.name);
    }
    sum_sq += tensor_sq;
  }
  return std::sqrt(sum_sq);
}

std::string FirstNonFiniteTensor(const model::Llama& model,
                                 const float* values) {
  for (const model::ParamTensor& tensor : model.layout()) {
    int64_t count = 1;
    for (int64_t d : tensor.shape) count *= d;
    if (!std::all_of(values + tensor.offset, values + tensor.offset + count,
                     [](float v) { return std::isfinite(v); })) {
      return tensor.name;
    }
  }
  return "";
}

CpuStepDevice::CpuStepDevice(model::Llama* model,
                             model::OptimizerState* optimizer)
    : model_(model), optimizer_(optimizer) {}

void CpuStepDevice::ZeroGrads() { model_->ZeroGrads(); }

std::vector<model::LossSum> CpuStepDevice::ForwardBackwardBatch(
    const std::vector<const model::PackedSequence*>& sequences,
    bool document_masking, const std::vector<float>& weights_per_target) {
  std::vector<model::LossSum> losses;
  for (std::size_t i = 0; i < sequences.size(); ++i) {
    losses.push_back(model_->ForwardBackward(*sequences[i], document_masking,
                                             weights_per_target.at(i)));
  }
  return losses;
}

void CpuStepDevice::AllReduce(double* /*sums*/, int /*n*/) {}

double CpuStepDevice::ClipGradients(double max_norm, int64_t step) {
  float* grads = model_->grads();
  const double grad_norm = GradNorm(*model_, grads, step);
  if (max_norm > 0 && grad_norm > max_norm) {
    const float scale = static_cast<float>(max_norm / grad_norm);
    const int64_t n = model_->num_parameters();
    for (int64_t i = 0; i < n; ++i) grads[i] *= scale;
  }
  return grad_norm;
}

void CpuStepDevice::AdamW(const config::OptimizerConfig& opt, double lr,
                          int64_t adam_step) {
  for (const model::ParamTensor& tensor : model_->layout()) {
    int64_t count = 1;
    for (int64_t d : tensor.shape) count *= d;
    ops::AdamWUpdate(
        model_->params() + tensor.offset, model_->grads() + tensor.offset,
        optimizer_->m.data() + tensor.offset,
        optimizer_->v.data() + tensor.offset, count, static_cast<float>(lr),
        static_cast<float>(opt.beta1()), static_cast<float>(opt.beta2()),
        static_cast<float>(opt.eps()),
        tensor.weight_decay ? static_cast<float>(opt.weight_decay()) : 0.0f,
        adam_step);
  }
}

std::string CpuStepDevice::FirstNonFiniteTensor() {
  return training::FirstNonFiniteTensor(*model_, model_->params());
}

void CpuStepDevice::CopyToHost() {}

}  // namespace prolong::training
