// One training stage: gradient accumulation over packed sequences, AdamW,
// clipping, the stage's LR schedule, progress lines, and resumable
// checkpoints. Deterministic: for a fixed config, mixture and starting
// state the result is byte-identical, also across a stop and resume.
// config.device() picks where the steps run (step_device.h): the CPU, or a
// CUDA GPU, optionally one of several data-parallel processes.
#ifndef PROLONG_EXPERIMENTS_TRAINING_TRAINER_H_
#define PROLONG_EXPERIMENTS_TRAINING_TRAINER_H_

#include <cstdint>
#include <map>
#include <string>

#include "data/packing/mixture.h"
#include "experiments/config/config.pb.h"
#include "experiments/training/step_device.h"
#include "model/checkpoint.h"
#include "model/llama.h"

namespace prolong::training {

struct TrainerOptions {
  // Where resumable checkpoints go (checkpoint_every); empty = nowhere.
  std::string checkpoint_dir;
  // One JSON object per step (step, loss, lr, grad_norm, tokens); no
  // timings, so the file is reproducible. Empty = no log file.
  std::string log_path;
  // Stop (as if killed) after this many steps of this call; -1 = run out.
  int64_t stop_after_steps = -1;
  // Stage step -> path: a checkpoint of the model as it is after that many
  // steps of the stage (the paper's intermediate checkpoints, Figure 4).
  // Written atomically when the step completes; a step the run resumes
  // past is not written again.
  std::map<int64_t, std::string> snapshots;
  // Device CUDA only: this process's place among data-parallel processes.
  // Each takes every world_size-th sequence of a step (after the optional
  // sort by cost), the gradients and loss sums are summed over the ranks
  // before clipping, so every rank takes the same update; only rank 0
  // writes the log, snapshots and checkpoints.
  DataParallelOptions data_parallel;
};

// The resumable checkpoint inside `checkpoint_dir`.
std::string LatestCheckpointPath(const std::string& checkpoint_dir);

// Removes half-written checkpoints (temporary files) that a run killed while
// writing left in `checkpoint_dir`; returns how many. Only one run may use
// a checkpoint directory at a time.
int RemoveStaleTemporaries(const std::string& checkpoint_dir);

// Trains `model` from `position` to config.steps. The optimizer moments are
// created (zeros) if empty, else carried over (the paper keeps them across
// stages). Throws on NaN/Inf, naming the step and the tensor.
void TrainStage(const config::TrainStageConfig& config,
                const data::Mixture& mixture, model::Llama* model,
                model::OptimizerState* optimizer,
                model::TrainerPosition* position,
                const TrainerOptions& options);

}  // namespace prolong::training

#endif  // PROLONG_EXPERIMENTS_TRAINING_TRAINER_H_
