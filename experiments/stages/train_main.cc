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
// replaces the old one.
// With --checkpoint_dir, a checkpoint of this same stage config found there
// is resumed from, and new ones are written every checkpoint_every steps.
#include <gflags/gflags.h>
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <filesystem>

#include "data/packing/mixture.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config_io.h"
#include "experiments/stages/stage_main.h"
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

namespace prolong::stages {
namespace {

void Train() {
  RequireFlag("config", FLAGS_config);
  RequireFlag("mixture", FLAGS_mixture);
  RequireFlag("tokenizer", FLAGS_tokenizer);
  RequireFlag("out", FLAGS_out);
  const auto config =
      config::LoadConfig<config::TrainStageConfig>(FLAGS_config);
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
  if (!FLAGS_checkpoint_dir.empty()) {
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
    if (config.seq_len() < previous.seq_len()) {
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
  training::TrainStage(config, mixture, model.get(), &optimizer, &position,
                       options);
  model::WriteCheckpoint(FLAGS_out, *model, optimizer, position, config_text);
}

}  // namespace
}  // namespace prolong::stages

int main(int argc, char** argv) {
  return prolong::stages::RunStage(argc, argv, "Runs one training stage.",
                                   prolong::stages::Train);
}
