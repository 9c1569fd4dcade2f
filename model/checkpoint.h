// Training checkpoints in HDF5: everything needed to continue a run so that
// it ends with the same bytes as a run that never stopped.
//
//   model_config            text-format ModelConfig
//   stage_config            text-format TrainStageConfig that wrote it
//   rope_theta              (1) double
//   params/<HF name>        each tensor in its Hugging Face shape
//   optimizer/m, optimizer/v  AdamW moments, flat, in params() order
//   optimizer/adam_step     (1) int64, AdamW steps taken over all stages
//   trainer/stage_step      (1) int64, optimizer steps done in this stage
//   trainer/data_position   (1) int64, training rows consumed in this stage
//
// Written atomically; every array is checksummed (data/io/hdf5_file.h).
#ifndef PROLONG_MODEL_CHECKPOINT_H_
#define PROLONG_MODEL_CHECKPOINT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/llama.h"

namespace prolong::model {

struct OptimizerState {
  std::vector<float> m;
  std::vector<float> v;
  int64_t adam_step = 0;
};

struct TrainerPosition {
  int64_t stage_step = 0;
  int64_t data_position = 0;
};

void WriteCheckpoint(const std::string& path, const Llama& model,
                     const OptimizerState& optimizer,
                     const TrainerPosition& position,
                     const std::string& stage_config);

struct Checkpoint {
  std::unique_ptr<Llama> model;  // with rope_theta restored
  OptimizerState optimizer;
  TrainerPosition position;
  std::string stage_config;
};

// Errors name the file and the missing, misshapen or corrupt tensor.
Checkpoint ReadCheckpoint(const std::string& path);

}  // namespace prolong::model

#endif  // PROLONG_MODEL_CHECKPOINT_H_
