// TrainStage with `device: CUDA` (experiments/training/cuda_step_device.h):
// the same losses as the CPU stage in fp32, bitwise-identical reruns, and
// data-parallel training through NCCL with a world of one process equal,
// byte for byte, to the single-process run. These skip without a GPU; the
// errors for a machine or build that cannot train on CUDA, and for BF16 on
// the CPU, are checked everywhere.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "data/io/atomic_file.h"
#include "data/packing/mixture.h"
#include "data/rng.h"
#include "experiments/training/trainer.h"
#include "model/checkpoint.h"
#include "model/llama.h"

#ifdef PROLONG_HAVE_CUDA
#include "ops/cuda/cuda_check.h"
#endif

namespace prolong::training {
namespace {

config::TrainStageConfig StageConfig(config::Device device,
                                     config::ComputeDtype dtype) {
  config::TrainStageConfig config;
  config.set_name("cuda_stage");
  config.set_seq_len(96);
  config.set_rope_theta(20000.0);
  config.set_steps(3);
  config.set_sequences_per_step(3);
  config.set_log_every(100);
  config.set_device(device);
  config.set_compute_dtype(dtype);
  config.mutable_optimizer()->set_lr(1e-3);
  auto* model = config.mutable_model();
  model->set_vocab_size(61);
  model->set_d_model(32);
  model->set_n_layers(2);
  model->set_n_heads(2);
  model->set_n_kv_heads(1);
  model->set_ffn_hidden(48);
  return config;
}

// Random rows with several documents each.
data::Mixture RandomMixture(int rows, int seq_len, int vocab) {
  data::Mixture mixture;
  data::Rng rng(3, 0);
  for (int r = 0; r < rows; ++r) {
    data::PackedRow row;
    row.doc_starts = {0};
    for (int t = 0; t < seq_len; ++t) {
      row.tokens.push_back(static_cast<int32_t>(rng.Below(vocab)));
      if (t > 0 && rng.Below(20) == 0) row.doc_starts.push_back(t);
    }
    row.doc_starts.push_back(seq_len);
    mixture.rows.push_back(std::move(row));
  }
  return mixture;
}

struct StageRun {
  std::unique_ptr<model::Llama> model;
  model::OptimizerState optimizer;
  model::TrainerPosition position;
  std::string log;
};

StageRun Train(const config::TrainStageConfig& config, const std::string& name,
               const DataParallelOptions& dp = {}) {
  StageRun run;
  run.model = std::make_unique<model::Llama>(config.model());
  run.model->Initialize(config.seed());
  TrainerOptions options;
  const std::string dir = std::string(std::getenv("TEST_TMPDIR"));
  options.log_path = dir + "/" + name + ".jsonl";
  options.data_parallel = dp;
  TrainStage(config, RandomMixture(9, config.seq_len(), 61), run.model.get(),
             &run.optimizer, &run.position, options);
  run.log = io::ReadFile(options.log_path);
  return run;
}

bool SameBytes(const std::vector<float>& a, const float* b) {
  return std::memcmp(a.data(), b, a.size() * sizeof(float)) == 0;
}

bool SameState(const StageRun& a, const StageRun& b) {
  const int64_t n = a.model->num_parameters();
  return std::memcmp(a.model->params(), b.model->params(), n * sizeof(float)) ==
             0 &&
         SameBytes(a.optimizer.m, b.optimizer.m.data()) &&
         SameBytes(a.optimizer.v, b.optimizer.v.data()) && a.log == b.log;
}

// The "loss" values of a JSON-lines log.
std::vector<double> Losses(const std::string& log) {
  std::vector<double> losses;
  size_t at = 0;
  while ((at = log.find("\"loss\": ", at)) != std::string::npos) {
    at += 8;
    losses.push_back(std::strtod(log.c_str() + at, nullptr));
  }
  return losses;
}

bool GpuAvailable(std::string* why) {
#ifdef PROLONG_HAVE_CUDA
  return ops::cuda::CudaDeviceAvailable(why);
#else
  *why = "built without a CUDA toolkit";
  return false;
#endif
}

class CudaTrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!GpuAvailable(&why)) GTEST_SKIP() << why;
  }
};

TEST(CudaTrainerErrors, CudaWithoutAGpuFailsSayingSo) {
  std::string why;
  if (GpuAvailable(&why)) GTEST_SKIP() << "a GPU is available";
  EXPECT_THROW(
      {
        try {
          Train(StageConfig(config::CUDA, config::BF16), "no_gpu");
        } catch (const std::runtime_error& e) {
          EXPECT_NE(std::string(e.what()).find("device: CUDA"),
                    std::string::npos)
              << e.what();
          throw;
        }
      },
      std::runtime_error);
}

TEST(CudaTrainerErrors, Bf16OnTheCpuIsRejected) {
  EXPECT_THROW(Train(StageConfig(config::CPU, config::BF16), "cpu_bf16"),
               std::invalid_argument);
}

TEST(CudaTrainerErrors, DataParallelOnTheCpuIsRejected) {
  DataParallelOptions dp;
  dp.world_size = 2;
  dp.rendezvous_file = std::string(std::getenv("TEST_TMPDIR")) + "/unused";
  EXPECT_THROW(Train(StageConfig(config::CPU, config::FP32), "cpu_dp", dp),
               std::invalid_argument);
}

// Whole-stage parity: every step's logged loss (each after the updates of
// the steps before it) within 1e-5 relative of the CPU's, fp32 rounding of
// three steps of a 2-layer model being about 1e-6.
// Also with micro-batches of 2 sequences (3 per step: 2 + 1), packed into
// one pass on the GPU, with document masking on and off.
TEST_F(CudaTrainerTest, Fp32StageLossesMatchTheCpu) {
  for (const auto& [per_micro_batch, masking] :
       {std::pair{1, true}, std::pair{2, true}, std::pair{2, false}}) {
    SCOPED_TRACE("sequences_per_micro_batch " +
                 std::to_string(per_micro_batch) +
                 (masking ? "" : ", no document masking"));
    auto cpu_config = StageConfig(config::CPU, config::FP32);
    auto gpu_config = StageConfig(config::CUDA, config::FP32);
    cpu_config.set_document_masking(masking);
    gpu_config.set_document_masking(masking);
    gpu_config.set_sequences_per_micro_batch(per_micro_batch);
    const StageRun cpu = Train(cpu_config, "cpu");
    const StageRun gpu = Train(gpu_config, "gpu");
    const std::vector<double> want = Losses(cpu.log), got = Losses(gpu.log);
    ASSERT_EQ(want.size(), 3u);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_NEAR(got[i], want[i], 1e-5 * want[i]) << "step " << i + 1;
    }
    EXPECT_EQ(gpu.position.stage_step, 3);
    EXPECT_EQ(gpu.optimizer.adam_step, 3);
  }
}

TEST_F(CudaTrainerTest, Bf16StageRerunsAreBitwiseIdentical) {
  const auto config = StageConfig(config::CUDA, config::BF16);
  EXPECT_TRUE(SameState(Train(config, "first"), Train(config, "second")));
}

TEST_F(CudaTrainerTest, DataParallelWorldOfOneEqualsTheSingleProcessRun) {
  const auto config = StageConfig(config::CUDA, config::BF16);
  DataParallelOptions dp;
  dp.rendezvous_file =
      std::string(std::getenv("TEST_TMPDIR")) + "/nccl_rendezvous";
  const StageRun single = Train(config, "single");
  const StageRun grouped = Train(config, "grouped", dp);
  EXPECT_TRUE(SameState(single, grouped));
  // Rank 0 removed the rendezvous file once the group had formed.
  EXPECT_FALSE(std::filesystem::exists(dp.rendezvous_file));
}

}  // namespace
}  // namespace prolong::training
