// The optimizer step on a CUDA GPU (model/cuda): the host model and
// optimizer state are copied to the device once, trained there (bf16 or
// fp32 compute, fp32 master weights and moments), and copied back by
// CopyToHost. With a rendezvous file, the process joins an NCCL group and
// the gradients and loss sums are summed over the ranks after each step's
// micro-batches. In a build without the CUDA toolkit every function here
// throws, saying so.
#ifndef PROLONG_EXPERIMENTS_TRAINING_CUDA_STEP_DEVICE_H_
#define PROLONG_EXPERIMENTS_TRAINING_CUDA_STEP_DEVICE_H_

#include <memory>

#include "experiments/config/config.pb.h"
#include "experiments/training/step_device.h"
#include "model/checkpoint.h"
#include "model/llama.h"

namespace prolong::training {

// Throws std::runtime_error saying why this process cannot train on CUDA:
// the build has no CUDA toolkit, or no GPU it can run on is visible.
void RequireCuda();

// A device for `config` (compute_dtype, recompute_activations) on CUDA
// device dp.cuda_device, starting from *model and *optimizer (moments sized
// to the model), which CopyToHost updates.
std::unique_ptr<StepDevice> MakeCudaStepDevice(
    const config::TrainStageConfig& config, const DataParallelOptions& dp,
    model::Llama* model, model::OptimizerState* optimizer);

}  // namespace prolong::training

#endif  // PROLONG_EXPERIMENTS_TRAINING_CUDA_STEP_DEVICE_H_
