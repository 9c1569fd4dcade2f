// The device side of one optimizer step, so that TrainStage (trainer.h)
// drives the CPU model (cpu_step_device.h) and the CUDA model
// (cuda_step_device.h) alike. The host model::Llama and OptimizerState stay
// the stage's state of record: a device that keeps its own copies brings
// them up to date in CopyToHost.
#ifndef PROLONG_EXPERIMENTS_TRAINING_STEP_DEVICE_H_
#define PROLONG_EXPERIMENTS_TRAINING_STEP_DEVICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/config/config.pb.h"
#include "model/llama.h"

namespace prolong::training {

// Where this process sits in a data-parallel run (device CUDA only): it is
// `rank` of `world_size` processes, on CUDA device `cuda_device` modulo
// the number of visible devices, and the processes meet through
// `rendezvous_file` (model/cuda/nccl_group.h). An empty rendezvous_file
// means a single process that joins no group.
struct DataParallelOptions {
  int rank = 0;
  int world_size = 1;
  std::string rendezvous_file;
  int cuda_device = 0;
};

class StepDevice {
 public:
  virtual ~StepDevice() = default;

  virtual void ZeroGrads() = 0;
  // As model::Llama::ForwardBackward for each sequence with its weight:
  // adds the weighted gradients and returns each sequence's LossSum. The
  // CPU runs the sequences one at a time; CUDA packs them into one pass
  // (model/cuda/llama_cuda.h ForwardBackwardBatch), the same gradient up to
  // the order of floating-point sums.
  virtual std::vector<model::LossSum> ForwardBackwardBatch(
      const std::vector<const model::PackedSequence*>& sequences,
      bool document_masking, const std::vector<float>& weights_per_target) = 0;
  // Sums the gradients, and sums (n), over the data-parallel ranks; leaves
  // both unchanged in a single process.
  virtual void AllReduce(double* sums, int n) = 0;
  // The global L2 norm of the gradients (squares summed in double); scales
  // the gradients to norm max_norm when max_norm > 0 and the norm exceeds
  // it. Throws std::runtime_error naming `step` and the tensor if a
  // gradient is not finite.
  virtual double ClipGradients(double max_norm, int64_t step) = 0;
  // One AdamW step (1-based `adam_step`); weight decay on the tensors whose
  // layout flag asks for it.
  virtual void AdamW(const config::OptimizerConfig& optimizer, double lr,
                     int64_t adam_step) = 0;
  // The name of the first tensor holding a non-finite weight; empty if
  // every weight is finite.
  virtual std::string FirstNonFiniteTensor() = 0;
  // Brings the host model's weights and the host optimizer state up to
  // date (before a checkpoint is written, and when the stage returns).
  virtual void CopyToHost() = 0;
};

}  // namespace prolong::training

#endif  // PROLONG_EXPERIMENTS_TRAINING_STEP_DEVICE_H_
