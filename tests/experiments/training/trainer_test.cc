#include "experiments/training/trainer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/io/atomic_file.h"
#include "data/rng.h"
#include "model/checkpoint.h"

namespace prolong::training {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

config::TrainStageConfig StageConfig() {
  config::TrainStageConfig config;
  config.set_name("test_stage");
  config.set_seq_len(32);
  config.set_rope_theta(20000.0);
  config.set_steps(6);
  config.set_sequences_per_step(3);
  config.set_threads(2);
  config.set_log_every(100);
  config.set_checkpoint_every(2);
  config.mutable_optimizer()->set_lr(1e-2);
  auto* model = config.mutable_model();
  model->set_vocab_size(50);
  model->set_d_model(16);
  model->set_n_layers(2);
  model->set_n_heads(2);
  model->set_n_kv_heads(1);
  model->set_ffn_hidden(24);
  return config;
}

// Random rows with several documents each.
data::Mixture RandomMixture(int rows, int seq_len) {
  data::Mixture mixture;
  data::Rng rng(7, 0);
  for (int r = 0; r < rows; ++r) {
    data::PackedRow row;
    row.doc_starts = {0};
    for (int t = 0; t < seq_len; ++t) {
      row.tokens.push_back(static_cast<int32_t>(rng.Below(50)));
      if (t > 0 && rng.Below(9) == 0) row.doc_starts.push_back(t);
    }
    row.doc_starts.push_back(seq_len);
    mixture.rows.push_back(std::move(row));
  }
  return mixture;
}

struct TrainingRun {
  std::unique_ptr<model::Llama> model;
  model::OptimizerState optimizer;
  model::TrainerPosition position;
};

TrainingRun Fresh(const config::TrainStageConfig& config) {
  TrainingRun run;
  run.model = std::make_unique<model::Llama>(config.model());
  run.model->Initialize(config.seed());
  return run;
}

std::string TempDir(const std::string& name) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::filesystem::create_directories(dir);
  return dir;
}

// The names of the files in `dir`.
std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

bool SameBytes(const float* a, const float* b, int64_t n) {
  return std::memcmp(a, b, n * sizeof(float)) == 0;
}

TEST(Trainer, LearnsAndIsDeterministic) {
  const auto config = StageConfig();
  const auto mixture = RandomMixture(18, 32);
  TrainingRun a = Fresh(config), b = Fresh(config);
  TrainerOptions options;
  options.log_path = TempDir("det") + "/a.jsonl";
  TrainStage(config, mixture, a.model.get(), &a.optimizer, &a.position,
             options);
  options.log_path = TempDir("det") + "/b.jsonl";
  TrainStage(config, mixture, b.model.get(), &b.optimizer, &b.position,
             options);
  const int64_t n = a.model->num_parameters();
  EXPECT_TRUE(SameBytes(a.model->params(), b.model->params(), n));
  EXPECT_TRUE(SameBytes(a.optimizer.m.data(), b.optimizer.m.data(), n));
  EXPECT_EQ(io::ReadFile(TempDir("det") + "/a.jsonl"),
            io::ReadFile(TempDir("det") + "/b.jsonl"));
  EXPECT_EQ(a.position.stage_step, 6);
  EXPECT_EQ(a.position.data_position, 18);
  EXPECT_EQ(a.optimizer.adam_step, 6);
  // Training moved the weights away from the initialisation.
  TrainingRun init = Fresh(config);
  EXPECT_FALSE(SameBytes(a.model->params(), init.model->params(), n));
}

TEST(Trainer, ResumeAfterAStopEqualsAnUninterruptedRun) {
  const auto config = StageConfig();
  const auto mixture = RandomMixture(10, 32);  // wraps around: 18 rows used
  TrainingRun whole = Fresh(config);
  TrainStage(config, mixture, whole.model.get(), &whole.optimizer,
             &whole.position, {});

  const std::string dir = TempDir("resume");
  TrainingRun first = Fresh(config);
  TrainerOptions options;
  options.checkpoint_dir = dir;
  options.stop_after_steps = 3;  // "killed" after step 3; last checkpoint at 2
  TrainStage(config, mixture, first.model.get(), &first.optimizer,
             &first.position, options);
  ASSERT_EQ(first.position.stage_step, 3);

  model::Checkpoint saved = model::ReadCheckpoint(LatestCheckpointPath(dir));
  ASSERT_EQ(saved.position.stage_step, 2);
  options.stop_after_steps = -1;
  TrainStage(config, mixture, saved.model.get(), &saved.optimizer,
             &saved.position, options);
  const int64_t n = whole.model->num_parameters();
  EXPECT_TRUE(SameBytes(whole.model->params(), saved.model->params(), n));
  EXPECT_TRUE(SameBytes(whole.optimizer.m.data(), saved.optimizer.m.data(), n));
  EXPECT_TRUE(SameBytes(whole.optimizer.v.data(), saved.optimizer.v.data(), n));
  EXPECT_EQ(whole.optimizer.adam_step, saved.optimizer.adam_step);
}

TEST(Trainer, SnapshotsHoldTheModelAfterTheirStepAndLeaveTheRunUnchanged) {
  const auto config = StageConfig();
  const auto mixture = RandomMixture(18, 32);
  const std::string dir = TempDir("snapshots");
  TrainingRun whole = Fresh(config), stopped = Fresh(config);
  TrainerOptions options;
  options.snapshots = {{2, dir + "/at2.h5"}, {5, dir + "/at5.h5"}};
  TrainStage(config, mixture, whole.model.get(), &whole.optimizer,
             &whole.position, options);
  TrainerOptions stop;
  stop.stop_after_steps = 5;
  TrainStage(config, mixture, stopped.model.get(), &stopped.optimizer,
             &stopped.position, stop);

  const model::Checkpoint at5 = model::ReadCheckpoint(dir + "/at5.h5");
  const int64_t n = whole.model->num_parameters();
  EXPECT_EQ(at5.position.stage_step, 5);
  EXPECT_TRUE(SameBytes(at5.model->params(), stopped.model->params(), n));
  EXPECT_TRUE(SameBytes(at5.optimizer.m.data(), stopped.optimizer.m.data(), n));
  EXPECT_EQ(model::ReadCheckpoint(dir + "/at2.h5").position.stage_step, 2);
  // Writing snapshots does not change the run.
  TrainingRun plain = Fresh(config);
  TrainStage(config, mixture, plain.model.get(), &plain.optimizer,
             &plain.position, {});
  EXPECT_TRUE(SameBytes(whole.model->params(), plain.model->params(), n));
}

TEST(Trainer, MomentsCarryOverAndScheduleRestartsAcrossStages) {
  auto config = StageConfig();
  const auto mixture = RandomMixture(18, 32);
  TrainingRun run = Fresh(config);
  TrainStage(config, mixture, run.model.get(), &run.optimizer, &run.position,
             {});
  const std::vector<float> moments = run.optimizer.m;
  // Stage 2: new position, same optimizer; AdamW's step count continues.
  config.set_name("second");
  model::TrainerPosition second;
  TrainStage(config, mixture, run.model.get(), &run.optimizer, &second, {});
  EXPECT_EQ(second.stage_step, 6);
  EXPECT_EQ(run.optimizer.adam_step, 12);
  EXPECT_NE(moments, run.optimizer.m);
}

TEST(Trainer, CostSortedMicroBatchesGiveTheSameUpdateUpToRounding) {
  auto config = StageConfig();
  const auto mixture = RandomMixture(18, 32);
  TrainingRun plain = Fresh(config);
  TrainStage(config, mixture, plain.model.get(), &plain.optimizer,
             &plain.position, {});
  config.set_sort_micro_batches_by_cost(true);
  TrainingRun sorted = Fresh(config);
  TrainStage(config, mixture, sorted.model.get(), &sorted.optimizer,
             &sorted.position, {});
  const int64_t n = plain.model->num_parameters();
  double max_diff = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    max_diff = std::max<double>(max_diff, std::abs(plain.model->params()[i] -
                                                   sorted.model->params()[i]));
  }
  EXPECT_LT(max_diff, 1e-4);
}

// On the CPU a micro-batch's sequences run one at a time: the same bytes,
// and with a sequence count that does not divide the step's (3 = 2 + 1).
TEST(Trainer, CpuMicroBatchesOfSeveralSequencesGiveTheSameBytes) {
  auto config = StageConfig();
  const auto mixture = RandomMixture(18, 32);
  TrainingRun single = Fresh(config);
  TrainStage(config, mixture, single.model.get(), &single.optimizer,
             &single.position, {});
  config.set_sequences_per_micro_batch(2);
  TrainingRun paired = Fresh(config);
  TrainStage(config, mixture, paired.model.get(), &paired.optimizer,
             &paired.position, {});
  const int64_t n = single.model->num_parameters();
  EXPECT_TRUE(SameBytes(single.model->params(), paired.model->params(), n));
  EXPECT_TRUE(
      SameBytes(single.optimizer.v.data(), paired.optimizer.v.data(), n));
}

TEST(Trainer, MismatchedSequenceLengthIsAnError) {
  auto config = StageConfig();
  config.set_seq_len(64);
  TrainingRun run = Fresh(config);
  EXPECT_THROW(TrainStage(config, RandomMixture(3, 32), run.model.get(),
                          &run.optimizer, &run.position, {}),
               std::runtime_error);
}

TEST(Trainer, NanWeightStopsTheStageNamingStepAndTensorWithoutACheckpoint) {
  const auto config = StageConfig();  // checkpoints after steps 2 and 4
  const auto mixture = RandomMixture(18, 32);
  const std::string dir = TempDir("nan_weight");
  TrainingRun run = Fresh(config);
  TrainerOptions options;
  options.checkpoint_dir = dir;
  options.stop_after_steps = 3;
  TrainStage(config, mixture, run.model.get(), &run.optimizer, &run.position,
             options);
  ASSERT_EQ(run.position.stage_step, 3);
  const std::string poisoned = "model.layers.1.mlp.down_proj.weight";
  bool found = false;
  for (const model::ParamTensor& tensor : run.model->layout()) {
    if (tensor.name != poisoned) continue;
    run.model->params()[tensor.offset + 5] =
        std::numeric_limits<float>::quiet_NaN();
    found = true;
  }
  ASSERT_TRUE(found);

  options.stop_after_steps = -1;
  EXPECT_THAT(
      [&] {
        TrainStage(config, mixture, run.model.get(), &run.optimizer,
                   &run.position, options);
      },
      ThrowsMessage<std::runtime_error>(
          AllOf(HasSubstr("non-finite loss at step 3"), HasSubstr(poisoned))));
  EXPECT_EQ(run.position.stage_step, 3);
  // Only the checkpoint from before the bad step, untouched.
  EXPECT_EQ(FilesIn(dir), std::vector<std::string>{"latest.h5"});
  EXPECT_EQ(
      model::ReadCheckpoint(LatestCheckpointPath(dir)).position.stage_step, 2);
}

TEST(Trainer, AbsurdLearningRateStopsTheStageBeforeAnyCheckpoint) {
  auto config = StageConfig();  // checkpoints after steps 2 and 4
  // Step 0 warms up at lr 0; step 1's update overflows the weights, which
  // must stop the stage before the checkpoint that follows step 2.
  config.mutable_optimizer()->set_lr(std::numeric_limits<float>::max());
  const std::string dir = TempDir("absurd_lr");
  TrainingRun run = Fresh(config);
  TrainerOptions options;
  options.checkpoint_dir = dir;
  EXPECT_THAT(
      [&] {
        TrainStage(config, RandomMixture(18, 32), run.model.get(),
                   &run.optimizer, &run.position, options);
      },
      ThrowsMessage<std::runtime_error>(
          AllOf(HasSubstr("step 1 made weights non-finite"),
                HasSubstr("in tensor model.embed_tokens.weight"))));
  EXPECT_TRUE(FilesIn(dir).empty());
}

}  // namespace
}  // namespace prolong::training
