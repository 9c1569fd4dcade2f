#ifdef PROLONG_HAVE_CUDA

#include "model/cuda/device_optimizer.h"

#include <stdexcept>

#include "ops/cuda/adamw.h"
#include "ops/cuda/cuda_check.h"

namespace prolong::model::cuda {

DeviceOptimizer::DeviceOptimizer(const OptimizerState& host, CudaLlama* model)
    : model_(model),
      m_(model->num_parameters()),
      v_(model->num_parameters()),
      partials_(ops::cuda::kGradNormBlocks),
      grad_norm_(1),
      param_norm_(1) {
  const int64_t n = model->num_parameters();
  cudaStream_t stream = model->stream();
  if (host.m.empty() && host.v.empty()) {
    CUDA_CHECK(cudaMemsetAsync(m_.get(), 0, n * sizeof(float), stream));
    CUDA_CHECK(cudaMemsetAsync(v_.get(), 0, n * sizeof(float), stream));
    return;
  }
  if (static_cast<int64_t>(host.m.size()) != n ||
      static_cast<int64_t>(host.v.size()) != n) {
    throw std::invalid_argument(
        "DeviceOptimizer: the moments do not match the model's " +
        std::to_string(n) + " parameters");
  }
  m_.CopyFromHost(host.m.data(), n, stream);
  v_.CopyFromHost(host.v.data(), n, stream);
}

void DeviceOptimizer::Download(OptimizerState* host) const {
  const int64_t n = model_->num_parameters();
  host->m.resize(n);
  host->v.resize(n);
  m_.CopyToHost(host->m.data(), n, model_->stream());
  v_.CopyToHost(host->v.data(), n, model_->stream());
}

double DeviceOptimizer::Norm(const float* values, DeviceBuffer<double>* norm) {
  ops::cuda::GlobalGradNorm(norm->get(), partials_.get(), values,
                            model_->num_parameters(), model_->stream());
  double host_norm = 0.0;
  norm->CopyToHost(&host_norm, 1, model_->stream());
  return host_norm;
}

double DeviceOptimizer::GradNorm() {
  return Norm(model_->grads(), &grad_norm_);
}

void DeviceOptimizer::ClipGradients(double max_norm) {
  ops::cuda::ClipGradNorm(model_->grads(), model_->num_parameters(),
                          grad_norm_.get(), max_norm, model_->stream());
}

void DeviceOptimizer::Step(const config::OptimizerConfig& optimizer, double lr,
                           int64_t step) {
  ops::cuda::bf16* params_bf16 = model_->params_bf16();
  for (const ParamTensor& tensor : model_->layout()) {
    int64_t count = 1;
    for (int64_t d : tensor.shape) count *= d;
    const int64_t at = tensor.offset;
    ops::cuda::AdamWUpdate(
        model_->params() + at, model_->grads() + at, m_.get() + at,
        v_.get() + at, count, static_cast<float>(lr),
        static_cast<float>(optimizer.beta1()),
        static_cast<float>(optimizer.beta2()),
        static_cast<float>(optimizer.eps()),
        tensor.weight_decay ? static_cast<float>(optimizer.weight_decay())
                            : 0.0f,
        step, params_bf16 == nullptr ? nullptr : params_bf16 + at,
        model_->stream());
  }
}

double DeviceOptimizer::ParamNorm() {
  return Norm(model_->params(), &param_norm_);
}

}  // namespace prolong::model::cuda

#endif  // PROLONG_HAVE_CUDA
