// Runs one training stage and writes its final checkpoint.
//
//   train_main --config=stage.textproto --mixture=mixture.h5
//       [--init=previous_stage.h5] --tokenizer=tokenizer.json
//       --out=stage.h5 --log=stage.jsonl [--checkpoint_dir=DIR]
//
// Without --init (or with from_scratch) the model is built from the stage's
// `model` config and initialised from its seed. With --init it continues
// from the previous stage: weights and AdamW moments carry over (unless
// reset_optimizer), the LR schedule restarts, and the stage's RoPE base
// replaces the old one. A stage shorter than the one it continues from is
// rejected unless it resets the optimizer (SFT, a new phase).
// With --checkpoint_dir, a checkpoint of this same stage config found there
// is resumed from, and new ones are written every checkpoint_every steps.
// With --snapshots=STEP=PATH,..., the model after STEP steps of the stage is
// also written to PATH (intermediate checkpoints, the paper's Figure 4).
//
// With `device: CUDA` the stage trains on a GPU; the binary stops before
// reading any input if it cannot (no CUDA toolkit in the build, no GPU).
// Several such processes train data parallel (docs/multi_gpu.md) when the
// environment says so, as tools/launch_multi_gpu.sh sets it:
//   RANK, WORLD_SIZE   (or Slurm's SLURM_PROCID, SLURM_NTASKS)
//   LOCAL_RANK         (or SLURM_LOCALID): the CUDA device, modulo the
//                      number of visible devices
//   PROLONG_RENDEZVOUS_FILE: where the ranks meet (model/cuda/nccl_group.h).
// Every rank reads the same inputs; rank 0 alone writes --out, --log, the
// snapshots and the checkpoints.
#include <gflags/gflags.h>
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "data/packing/mixture.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config_io.h"
#include "experiments/stages/stage_main.h"
#include "experiments/training/cuda_step_device.h"
#include "experiments/training/trainer.h"
#include "model/checkpoint.h"

DEFINE_string(config, "", "TrainStageConfig (text format).");
DEFINE_string(mixture, "", "Training mixture (HDF5).");
DEFINE_string(init, "", "Checkpoint of the previous stage (optional).");
DEFINE_string(tokenizer, "", "tokenizer.json (gives the vocabulary size).");
DEFINE_string(out, "", "Output checkpoint (HDF5).");
DEFINE_string(log, "", "Output per-step log (JSON lines).");
DEFINE_string(checkpoint_dir, "",
              "Directory for resumable checkpoints (optional).");
DEFINE_string(snapshots, "",
              "Intermediate checkpoints: STEP=PATH, comma-separated.");

namespace prolong::stages {
namespace {

// The integer in environment variable `name`, else in `fallback`, else
// `otherwise`.
int EnvironmentInt(const char* name, const char* fallback, int otherwise) {
  const char* value = std::getenv(name);
  if (value == nullptr) value = std::getenv(fallback);
  if (value == nullptr) return otherwise;
  char* rest = nullptr;
  const long parsed = std::strtol(value, &rest, 10);
  if (*value == '\0' || *rest != '\0' || parsed < 0 || parsed > 1 << 20) {
    throw config::ConfigError(std::string("environment variable ") + name +
                              " (or " + fallback + ") is \"" + value +
                              "\", not a small non-negative integer");
  }
  return static_cast<int>(parsed);
}

// This process's place in a data-parallel run, from the environment.
training::DataParallelOptions DataParallelFromEnvironment() {
  training::DataParallelOptions dp;
  dp.world_size = EnvironmentInt("WORLD_SIZE", "SLURM_NTASKS", 1);
  dp.rank = EnvironmentInt("RANK", "SLURM_PROCID", 0);
  dp.cuda_device = EnvironmentInt("LOCAL_RANK", "SLURM_LOCALID", 0);
  const char* rendezvous = std::getenv("PROLONG_RENDEZVOUS_FILE");
  if (rendezvous != nullptr) dp.rendezvous_file = rendezvous;
  if (dp.world_size < 1 || dp.rank >= dp.world_size) {
    throw config::ConfigError("rank " + std::to_string(dp.rank) +
                              " outside world size " +
                              std::to_string(dp.world_size));
  }
  if (dp.world_size > 1 && dp.rendezvous_file.empty()) {
    throw config::ConfigError(
        "WORLD_SIZE " + std::to_string(dp.world_size) +
        " needs PROLONG_RENDEZVOUS_FILE (use tools/launch_multi_gpu.sh)");
  }
  return dp;
}

// "STEP=PATH,..." -> {STEP: PATH}; every STEP in 1..steps.
std::map<int64_t, std::string> ParseSnapshots(const std::string& flag,
                                              int steps) {
  std::map<int64_t, std::string> snapshots;
  size_t begin = 0;
  while (begin < flag.size()) {
    size_t end = flag.find(',', begin);
    if (end == std::string::npos) end = flag.size();
    const std::string entry = flag.substr(begin, end - begin);
    const size_t equals = entry.find('=');
    char* rest = nullptr;
    const long long step =
        equals == std::string::npos
            ? 0
            : std::strtoll(entry.substr(0, equals).c_str(), &rest, 10);
    if (equals == std::string::npos || *rest != '\0' || step < 1 ||
        step > steps || equals + 1 == entry.size()) {
      throw config::ConfigError("--snapshots: entry \"" + entry +
                                "\" is not STEP=PATH with STEP in 1.." +
                                std::to_string(steps));
    }
    snapshots[step] = entry.substr(equals + 1);
    begin = end + 1;
  }
  return snapshots;
}

void Train() {
  RequireFlag("config", FLAGS_config);
  RequireFlag("mixture", FLAGS_mixture);
  RequireFlag("tokenizer", FLAGS_tokenizer);
  RequireFlag("out", FLAGS_out);
  const auto config =
      config::LoadConfig<config::TrainStageConfig>(FLAGS_config);
  training::DataParallelOptions dp;
  if (config.device() == config::CUDA) {
    training::RequireCuda();
    dp = DataParallelFromEnvironment();
  }
  std::string config_text;
  google::protobuf::TextFormat::PrintToString(config, &config_text);
  const data::Mixture mixture = data::ReadMixture(FLAGS_mixture);
  const auto tokenizer = data::BpeTokenizer::Load(FLAGS_tokenizer);

  std::unique_ptr<model::Llama> model;
  model::OptimizerState optimizer;
  model::TrainerPosition position;
  const std::string resume =
      FLAGS_checkpoint_dir.empty()
          ? ""
          : training::LatestCheckpointPath(FLAGS_checkpoint_dir);
  if (!FLAGS_checkpoint_dir.empty() && dp.rank == 0) {
    const int removed = training::RemoveStaleTemporaries(FLAGS_checkpoint_dir);
    if (removed > 0) {
      std::fprintf(stderr,
                   "[%s] removed %d half-written checkpoint(s) of a stopped "
                   "run\n",
                   config.name().c_str(), removed);
    }
  }
  if (!resume.empty() && std::filesystem::exists(resume) &&
      model::ReadCheckpoint(resume).stage_config == config_text) {
    model::Checkpoint checkpoint = model::ReadCheckpoint(resume);
    std::fprintf(stderr, "[%s] resuming from %s at step %lld\n",
                 config.name().c_str(), resume.c_str(),
                 static_cast<long long>(checkpoint.position.stage_step));
    model = std::move(checkpoint.model);
    optimizer = std::move(checkpoint.optimizer);
    position = checkpoint.position;
  } else if (!FLAGS_init.empty() && !config.from_scratch()) {
    model::Checkpoint checkpoint = model::ReadCheckpoint(FLAGS_init);
    config::TrainStageConfig previous;
    config::ParseConfigText(checkpoint.stage_config, FLAGS_init, &previous);
    if (config.seq_len() < previous.seq_len() && !config.reset_optimizer()) {
      throw config::ConfigError(
          FLAGS_config +
          ": field seq_len: " + std::to_string(config.seq_len()) +
          " is shorter than the previous stage's (" + previous.name() + ", " +
          std::to_string(previous.seq_len()) + " in " + FLAGS_init + ")");
    }
    model = std::move(checkpoint.model);
    if (!config.reset_optimizer()) optimizer = std::move(checkpoint.optimizer);
  } else {
    config::ModelConfig model_config = config.model();
    if (model_config.vocab_size() == 0) {
      model_config.set_vocab_size(tokenizer.vocab_size());
    }
    if (model_config.vocab_size() < tokenizer.vocab_size()) {
      throw config::ConfigError(FLAGS_config + ": field model.vocab_size: " +
                                std::to_string(model_config.vocab_size()) +
                                " is smaller than the tokenizer's " +
                                std::to_string(tokenizer.vocab_size()));
    }
    model = std::make_unique<model::Llama>(model_config);
    model->Initialize(config.seed());
  }
  std::fprintf(stderr,
               "[%s] %lld parameters, seq_len %d, rope_theta %g, %d steps of "
               "%d sequences\n",
               config.name().c_str(),
               static_cast<long long>(model->num_parameters()),
               config.seq_len(), config.rope_theta(), config.steps(),
               config.sequences_per_step());
  training::TrainerOptions options;
  options.checkpoint_dir = FLAGS_checkpoint_dir;
  options.log_path = FLAGS_log;
  options.snapshots = ParseSnapshots(FLAGS_snapshots, config.steps());
  options.data_parallel = dp;
  training::TrainStage(config, mixture, model.get(), &optimizer, &position,
                       options);
  if (dp.rank == 0) {
    model::WriteCheckpoint(FLAGS_out, *model, optimizer, position, config_text);
  }
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Runs one training stage.",
                                   prolong::stages::Train);
}
