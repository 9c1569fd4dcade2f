#include "experiments/training/cuda_step_device.h"

#include <stdexcept>
#include <string>

#ifdef PROLONG_HAVE_CUDA
#include <chrono>
#include <cmath>
#include <vector>

#include "experiments/training/cpu_step_device.h"
#include "model/cuda/device_buffer.h"
#include "model/cuda/device_optimizer.h"
#include "model/cuda/llama_cuda.h"
#include "model/cuda/nccl_group.h"
#include "ops/cuda/cuda_check.h"
#endif

namespace prolong::training {

#ifdef PROLONG_HAVE_CUDA
namespace {

// How long ranks other than 0 wait for the rendezvous file: rank 0 may
// still be loading the mixture and the model.
constexpr std::chrono::seconds kRendezvousTimeout{600};

class CudaStepDevice : public StepDevice {
 public:
  CudaStepDevice(const config::TrainStageConfig& config,
                 const DataParallelOptions& dp, model::Llama* host,
                 model::OptimizerState* optimizer)
      : host_(host), optimizer_(optimizer) {
    // A launcher that gives each process one GPU (CUDA_VISIBLE_DEVICES,
    // Slurm's --gpus-per-task) leaves one visible device; a plain local
    // launch leaves them all, one per local rank.
    int devices = 0;
    CUDA_CHECK(cudaGetDeviceCount(&devices));
    CUDA_CHECK(cudaSetDevice(dp.cuda_device % devices));
    if (!dp.rendezvous_file.empty()) {
      group_ = std::make_unique<model::cuda::NcclGroup>(
          dp.rank, dp.world_size, dp.rendezvous_file, kRendezvousTimeout);
    } else if (dp.world_size != 1) {
      throw std::invalid_argument(
          "data parallel training needs a rendezvous file");
    }
    model_ =
        std::make_unique<model::cuda::CudaLlama>(*host, config.compute_dtype());
    model_->SetActivationRecomputation(config.recompute_activations());
    optimizer_on_device_ = std::make_unique<model::cuda::DeviceOptimizer>(
        *optimizer, model_.get());
  }

  void ZeroGrads() override { model_->ZeroGrads(); }

  std::vector<model::LossSum> ForwardBackwardBatch(
      const std::vector<const model::PackedSequence*>& sequences,
      bool document_masking,
      const std::vector<float>& weights_per_target) override {
    return model_->ForwardBackwardBatch(sequences, document_masking,
                                        weights_per_target);
  }

  void AllReduce(double* sums, int n) override {
    if (group_ == nullptr) return;
    cudaStream_t stream = model_->stream();
    group_->AllReduceSum(model_->grads(), model_->num_parameters(), stream);
    sums_.Reserve(n);
    sums_.CopyFromHost(sums, n, stream);
    group_->AllReduceSum(sums_.get(), n, stream);
    sums_.CopyToHost(sums, n, stream);
  }

  double ClipGradients(double max_norm, int64_t step) override {
    const double norm = optimizer_on_device_->GradNorm();
    if (!std::isfinite(norm)) {
      // The CPU's check names the tensor (and throws).
      model_->DownloadGrads(host_->grads());
      GradNorm(*host_, host_->grads(), step);
      throw std::runtime_error("non-finite gradient norm at step " +
                               std::to_string(step));
    }
    optimizer_on_device_->ClipGradients(max_norm);
    return norm;
  }

  void AdamW(const config::OptimizerConfig& optimizer, double lr,
             int64_t adam_step) override {
    optimizer_on_device_->Step(optimizer, lr, adam_step);
  }

  std::string FirstNonFiniteTensor() override {
    if (std::isfinite(optimizer_on_device_->ParamNorm())) return "";
    model_->DownloadParams(host_->params());
    return training::FirstNonFiniteTensor(*host_, host_->params());
  }

  void CopyToHost() override {
    model_->DownloadParams(host_->params());
    optimizer_on_device_->Download(optimizer_);
  }

 private:
  model::Llama* host_;
  model::OptimizerState* optimizer_;
  std::unique_ptr<model::cuda::NcclGroup> group_;  // null: one process
  std::unique_ptr<model::cuda::CudaLlama> model_;
  std::unique_ptr<model::cuda::DeviceOptimizer> optimizer_on_device_;
  model::cuda::DeviceBuffer<double> sums_;  // (n) of AllReduce
};

}  // namespace

void RequireCuda() {
  std::string why;
  if (!ops::cuda::CudaDeviceAvailable(&why)) {
    throw std::runtime_error("device: CUDA, but no usable GPU: " + why);
  }
}

std::unique_ptr<StepDevice> MakeCudaStepDevice(
    const config::TrainStageConfig& config, const DataParallelOptions& dp,
    model::Llama* model, model::OptimizerState* optimizer) {
  RequireCuda();
  return std::make_unique<CudaStepDevice>(config, dp, model, optimizer);
}

#else  // !PROLONG_HAVE_CUDA

void RequireCuda() {
  throw std::runtime_error(
      "device: CUDA, but this binary was built without the CUDA toolkit "
      "(no nvcc at CUDA_PATH or /usr/local/cuda when Bazel configured "
      "@local_cuda; see third_party/cuda/cuda_configure.bzl)");
}

std::unique_ptr<StepDevice> MakeCudaStepDevice(
    const config::TrainStageConfig& /*config*/,
    const DataParallelOptions& /*dp*/, model::Llama* /*model*/,
    model::OptimizerState* /*optimizer*/) {
  RequireCuda();
  return nullptr;
}

#endif  // PROLONG_HAVE_CUDA

}  // namespace prolong::training
