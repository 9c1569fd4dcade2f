// The CUDA model (model/cuda) against the CPU model, one whole training
// step at a time (loss, every gradient, the gradient norm, the weights after
// clipping and AdamW): fp32 within the fp32 noise rule of training_step.h,
// bf16 within a looser bound below; bitwise determinism from run to run and
// with activation recomputation; checkpoints written from the GPU read on
// the CPU. Every test skips without a GPU.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "model/checkpoint.h"
#include "model/cuda/device_optimizer.h"
#include "model/cuda/llama_cuda.h"
#include "ops/cuda/cuda_check.h"
#include "tests/model/cuda/training_step.h"

namespace prolong::model::cuda {
namespace {

using test_util::CpuStep;
using test_util::CudaStep;
using test_util::StepResult;

constexpr uint64_t kSeed = 5;

// bf16 bound: bf16 keeps 8 significant bits (unit roundoff 2^-9, 0.2%), and
// in one step of the 2-layer test model each activation and activation
// gradient is rounded to bf16 some 25 times on its way through the forward
// and the backward, so errors of a few percent are expected. The reference
// is the CPU step on the bf16-rounded weights (the GPU multiplies with
// those), so weight rounding is not counted.
constexpr double kBf16LossRelativeError = 1e-2;
constexpr double kBf16GradRelativeL2Error = 1e-1;

class CudaLlamaTest : public test_util::CudaModelTest {};

// The sub-vector of `values` that holds `tensor`.
std::vector<float> Slice(const std::vector<float>& values,
                         const ParamTensor& tensor) {
  int64_t count = 1;
  for (int64_t d : tensor.shape) count *= d;
  return std::vector<float>(values.begin() + tensor.offset,
                            values.begin() + tensor.offset + count);
}

double L2(const std::vector<float>& v) {
  double sum = 0.0;
  for (float x : v) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

double L2Difference(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

std::vector<ParamTensor> Layout() {
  return Llama(test_util::TestModelConfig()).layout();
}

// Also with the sequences packed into one pass (ForwardBackwardBatch): each
// must still see only itself, at its own positions, with its own weight.
TEST_F(CudaLlamaTest, Fp32StepMatchesCpuWithinFp32Noise) {
  const std::vector<float> params = test_util::InitialParams(kSeed);
  for (const auto& [document_masking, batched] :
       {std::pair{true, false}, std::pair{false, false}, std::pair{true, true},
        std::pair{false, true}}) {
    SCOPED_TRACE(
        std::string(document_masking ? "document masking" : "causal only") +
        (batched ? ", batched" : ""));
    const StepResult cpu = CpuStep(params, document_masking);
    std::vector<StepResult> noise;
    for (int run = 0; run < test_util::kNoiseRuns; ++run) {
      noise.push_back(CpuStep(test_util::PerturbedByUlps(params, 100 + run),
                              document_masking));
    }
    const StepResult gpu = CudaStep(params, config::FP32, document_masking,
                                    /*recompute=*/false, batched);
    std::vector<double> loss_noise, forward_noise, norm_noise;
    for (const StepResult& run : noise) {
      loss_noise.push_back(run.loss_sum);
      forward_noise.push_back(run.forward_loss);
      norm_noise.push_back(run.grad_norm);
    }
    test_util::ExpectWithinFp32Noise("loss", gpu.loss_sum, cpu.loss_sum,
                                     loss_noise);
    test_util::ExpectWithinFp32Noise("forward loss", gpu.forward_loss,
                                     cpu.forward_loss, forward_noise);
    test_util::ExpectWithinFp32Noise("grad norm", gpu.grad_norm, cpu.grad_norm,
                                     norm_noise);
    // The step clipped, so the update saw scaled gradients.
    EXPECT_GT(cpu.grad_norm, test_util::TestOptimizerConfig().grad_clip());
    for (const ParamTensor& tensor : Layout()) {
      std::vector<std::vector<float>> grad_noise, param_noise;
      for (const StepResult& run : noise) {
        grad_noise.push_back(Slice(run.grads, tensor));
        param_noise.push_back(Slice(run.params, tensor));
      }
      test_util::ExpectWithinFp32Noise("d " + tensor.name,
                                       Slice(gpu.grads, tensor),
                                       Slice(cpu.grads, tensor), grad_noise);
      test_util::ExpectWithinFp32Noise("updated " + tensor.name,
                                       Slice(gpu.params, tensor),
                                       Slice(cpu.params, tensor), param_noise);
    }
  }
}

TEST_F(CudaLlamaTest, Bf16StepWithinBf16Bound) {
  const std::vector<float> params =
      test_util::RoundedToBf16(test_util::InitialParams(kSeed));
  const StepResult cpu = CpuStep(params, /*document_masking=*/true);
  const StepResult gpu =
      CudaStep(params, config::BF16, /*document_masking=*/true);
  EXPECT_NEAR(gpu.loss_sum, cpu.loss_sum,
              kBf16LossRelativeError * cpu.loss_sum);
  EXPECT_NEAR(gpu.forward_loss, cpu.forward_loss,
              kBf16LossRelativeError * cpu.forward_loss);
  EXPECT_NEAR(gpu.grad_norm, cpu.grad_norm,
              kBf16GradRelativeL2Error * cpu.grad_norm);
  for (const ParamTensor& tensor : Layout()) {
    const std::vector<float> want = Slice(cpu.grads, tensor);
    EXPECT_LE(L2Difference(Slice(gpu.grads, tensor), want),
              kBf16GradRelativeL2Error * L2(want))
        << "d " << tensor.name;
  }
}

TEST_F(CudaLlamaTest, Bf16WeightCopyFollowsTheMasterWeights) {
  Llama host(test_util::TestModelConfig());
  host.Initialize(kSeed);
  CudaLlama model(host, config::BF16);
  DeviceOptimizer optimizer(OptimizerState{}, &model);
  model.ZeroGrads();
  const PackedSequence seq = test_util::TestSequences()[0];
  model.ForwardBackward(seq, /*document_masking=*/true, 1e-2f);
  optimizer.Step(test_util::TestOptimizerConfig(), 1e-3, /*step=*/1);
  const int64_t n = model.num_parameters();
  std::vector<float> master(n);
  model.DownloadParams(master.data());
  std::vector<ops::cuda::bf16> copy(n);
  CUDA_CHECK(cudaMemcpy(copy.data(), model.params_bf16(),
                        n * sizeof(ops::cuda::bf16), cudaMemcpyDeviceToHost));
  EXPECT_TRUE(test_util::BitwiseEqual(test_util::Bf16ToFloats(copy),
                                      test_util::RoundedToBf16(master)));
  // The step moved the weights, so the copy is not the initial one.
  EXPECT_FALSE(test_util::BitwiseEqual(
      master, std::vector<float>(host.params(), host.params() + n)));
}

TEST_F(CudaLlamaTest, TwoRunsAreBitwiseIdentical) {
  const std::vector<float> params = test_util::InitialParams(kSeed);
  for (config::ComputeDtype dtype : {config::FP32, config::BF16}) {
    SCOPED_TRACE(config::ComputeDtype_Name(dtype));
    const StepResult first = CudaStep(params, dtype, true);
    const StepResult second = CudaStep(params, dtype, true);
    EXPECT_EQ(std::memcmp(&first.loss_sum, &second.loss_sum, sizeof(double)),
              0);
    EXPECT_TRUE(test_util::BitwiseEqual(first.grads, second.grads));
    EXPECT_TRUE(test_util::BitwiseEqual(first.params, second.params));
  }
}

TEST_F(CudaLlamaTest, RecomputationGivesBitwiseIdenticalSteps) {
  const std::vector<float> params = test_util::InitialParams(kSeed);
  for (config::ComputeDtype dtype : {config::FP32, config::BF16}) {
    SCOPED_TRACE(config::ComputeDtype_Name(dtype));
    const StepResult kept = CudaStep(params, dtype, true, /*recompute=*/false);
    const StepResult recomputed =
        CudaStep(params, dtype, true, /*recompute=*/true);
    EXPECT_EQ(kept.loss_sum, recomputed.loss_sum);
    EXPECT_TRUE(test_util::BitwiseEqual(kept.grads, recomputed.grads));
    EXPECT_TRUE(test_util::BitwiseEqual(kept.params, recomputed.params));
  }
}

TEST_F(CudaLlamaTest, CheckpointWrittenFromTheGpuLoadsOnTheCpu) {
  Llama host(test_util::TestModelConfig());
  host.Initialize(kSeed);
  host.SetRopeTheta(40000.0);
  CudaLlama model(host, config::BF16);
  DeviceOptimizer optimizer(OptimizerState{}, &model);
  model.ZeroGrads();
  model.ForwardBackward(test_util::TestSequences()[1], true, 1e-2f);
  optimizer.Step(test_util::TestOptimizerConfig(), 1e-3, /*step=*/1);
  // As the trainer does before a checkpoint: the device state to the host.
  OptimizerState state;
  state.adam_step = 1;
  model.DownloadParams(host.params());
  optimizer.Download(&state);
  const std::string path =
      std::string(std::getenv("TEST_TMPDIR")) + "/from_gpu.h5";
  WriteCheckpoint(path, host, state, TrainerPosition{1, 2}, "name: \"gpu\"\n");

  const Checkpoint loaded = ReadCheckpoint(path);
  const int64_t n = host.num_parameters();
  ASSERT_EQ(loaded.model->num_parameters(), n);
  EXPECT_EQ(
      std::memcmp(loaded.model->params(), host.params(), n * sizeof(float)), 0);
  EXPECT_TRUE(test_util::BitwiseEqual(loaded.optimizer.m, state.m));
  EXPECT_TRUE(test_util::BitwiseEqual(loaded.optimizer.v, state.v));
  EXPECT_EQ(loaded.model->rope_theta(), 40000.0);
  // And back onto a GPU: the same bytes, and the same loss as the CPU
  // model within fp32 rounding.
  CudaLlama reloaded(*loaded.model, config::FP32);
  std::vector<float> round_trip(n);
  reloaded.DownloadParams(round_trip.data());
  EXPECT_EQ(std::memcmp(round_trip.data(), host.params(), n * sizeof(float)),
            0);
  const PackedSequence seq = test_util::TestSequences()[0];
  const double cpu_loss = loaded.model->Forward(seq, true).loss_sum;
  EXPECT_NEAR(reloaded.Forward(seq, true).loss_sum, cpu_loss, 1e-5 * cpu_loss);
}

TEST_F(CudaLlamaTest, RejectsTokensOutsideTheVocabulary) {
  Llama host(test_util::TestModelConfig());
  CudaLlama model(host, config::FP32);
  PackedSequence seq = test_util::TestSequences()[0];
  seq.tokens[3] = test_util::TestModelConfig().vocab_size();
  EXPECT_THROW(model.Forward(seq, true), std::invalid_argument);
}

}  // namespace
}  // namespace prolong::model::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(CudaLlamaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "model/cuda was not compiled";
}

#endif  // PROLONG_HAVE_CUDA
