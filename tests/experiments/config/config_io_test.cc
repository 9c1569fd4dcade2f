#include "experiments/config/config_io.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace prolong::config {
namespace {

using ::testing::HasSubstr;

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string ErrorOf(const std::function<void()>& body) {
  try {
    body();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(LoadConfig, DefaultsAreTheDocumentedOnes) {
  const auto path = WriteTemp("stage.textproto", "name: \"s\"\n");
  const auto config = LoadConfig<TrainStageConfig>(path);
  EXPECT_EQ(config.seq_len(), 512);
  EXPECT_TRUE(config.document_masking());
  EXPECT_DOUBLE_EQ(config.optimizer().beta2(), 0.95);
  EXPECT_DOUBLE_EQ(config.optimizer().weight_decay(), 0.1);
  EXPECT_DOUBLE_EQ(config.optimizer().min_lr_ratio(), 0.1);
  EXPECT_EQ(config.loss_reduction(), MICRO_BATCH_MEAN);
}

TEST(LoadConfig, UnknownFieldNamesFileLineAndField) {
  const auto path = WriteTemp("bad.textproto", "name: \"s\"\nsq_len: 5\n");
  EXPECT_THAT(ErrorOf([&] { LoadConfig<TrainStageConfig>(path); }),
              HasSubstr("bad.textproto:2:7: Message type "
                        "\"prolong.config.TrainStageConfig\" has no field "
                        "named \"sq_len\""));
}

TEST(LoadConfig, NegativeLengthNamesFileAndField) {
  const auto path = WriteTemp(
      "neg.textproto",
      "name: \"s\"\nseq_len: -8\nsteps: 0\nsequences_per_micro_batch: 0\n");
  const std::string error =
      ErrorOf([&] { LoadConfig<TrainStageConfig>(path); });
  EXPECT_THAT(
      error,
      HasSubstr("neg.textproto: field seq_len: must be positive, got -8"));
  EXPECT_THAT(error, HasSubstr("neg.textproto: field steps: must be positive"));
  EXPECT_THAT(error,
              HasSubstr("neg.textproto: field sequences_per_micro_batch: "
                        "must be positive"));
}

TEST(LoadConfig, LaterFilesOverrideEarlierOnes) {
  const auto base = WriteTemp(
      "base.textproto", "name: \"s\"\nseq_len: 64\noptimizer { lr: 0.1 }\n");
  const auto overrides =
      WriteTemp("over.textproto", "seq_len: 128\noptimizer { beta1: 0.5 }\n");
  const auto config = LoadConfig<TrainStageConfig>(base + "," + overrides);
  EXPECT_EQ(config.seq_len(), 128);
  EXPECT_DOUBLE_EQ(config.optimizer().lr(), 0.1);
  EXPECT_DOUBLE_EQ(config.optimizer().beta1(), 0.5);
}

TEST(Validate, MixtureProportionsMustSumToOne) {
  MixtureConfig config;
  auto* a = config.add_domains();
  a->set_domain("code");
  a->set_proportion(0.3);
  a->set_role(LONG);
  auto* b = config.add_domains();
  b->set_domain("code");
  b->set_proportion(0.3);
  b->set_role(LONG);
  const auto problems = Validate(config);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_THAT(problems[0], HasSubstr("field domains[1].domain: \"code\" "
                                     "repeats with role LONG"));
  EXPECT_THAT(problems[1],
              HasSubstr("field domains: proportions must sum to 1, got 0.6"));
  // The same domain may serve as long and as short data.
  b->set_role(SHORT);
  b->set_proportion(0.7);
  EXPECT_TRUE(Validate(config).empty());
  // ... and as long data of two chunk lengths (the stage-2 mix).
  config.set_seq_len(512);
  b->set_role(LONG);
  b->set_chunk_len(64);
  EXPECT_TRUE(Validate(config).empty());
}

TEST(Validate, ModelShapesMustAgree) {
  ModelConfig config;
  config.set_d_model(60);
  config.set_n_heads(8);
  config.set_n_kv_heads(3);
  const auto problems = Validate(config, "model.");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_THAT(problems[0], HasSubstr("field model.d_model: must be divisible"));
  EXPECT_THAT(problems[1], HasSubstr("field model.n_kv_heads: must divide"));
}

TEST(Validate, Bfloat16TrainingNeedsAGpu) {
  TrainStageConfig config;
  config.set_name("stage");
  config.set_compute_dtype(BF16);
  auto problems = Validate(config, "");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("field compute_dtype: BF16 needs device"));
  config.set_device(CUDA);
  EXPECT_TRUE(Validate(config, "").empty());
}

}  // namespace
}  // namespace prolong::config
