// What the CUDA model tests share: a small model, packed sequences with
// several documents and a loss mask, one training step run the trainer's
// way on the CPU (experiments/training/cpu_step_device.h) and on the GPU
// (model/cuda: CudaLlama + DeviceOptimizer), and the fp32 tolerance rule.
//
// The fp32 rule is FlashAttention's (tests/ops/cuda/cuda_test_util.h),
// lifted from one op to a whole step:
//   max |gpu - cpu| <= kStepErrorFactor * fp32_noise + floor,
// where fp32_noise is how far the CPU's own step moves when every weight is
// moved by one or two fp32 ulps (max over kNoiseRuns random sign patterns):
// the error any fp32 implementation of the step commits, since a
// backward-stable fp32 computation returns the exact result of inputs off
// by about one rounding. It passes through the same amplifications as the
// GPU's rounding differences (AdamW's m / (sqrt(v) + eps) near g = 0,
// cancellation in norm-weight gradients), so one rule fits every tensor.
// floor = 8 fp32 epsilons of max |cpu|, against a noise that happens to be
// ~0. kStepErrorFactor is 4, not FlashAttention's 2: the step chains ~25
// ops, and the noise estimate perturbs weights only, not activations.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_TESTS_MODEL_CUDA_TRAINING_STEP_H_
#define PROLONG_TESTS_MODEL_CUDA_TRAINING_STEP_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/config/config.pb.h"
#include "model/llama.h"
#include "ops/cuda/dtype.h"

namespace prolong::model::cuda::test_util {

inline constexpr double kStepErrorFactor = 4.0;
inline constexpr int kNoiseRuns = 3;

// Skips every test of the suite (in SetUp) when no usable GPU is visible.
class CudaModelTest : public ::testing::Test {
 protected:
  void SetUp() override;
};

// 2 layers, d_model 64, 4 query heads of 16 over 2 kv heads, untied head.
config::ModelConfig TestModelConfig();
// lr 1e-3, weight decay 0.1, grad_clip 0.5 (a fresh test model's gradient
// norm is about 0.75, so the step clips).
config::OptimizerConfig TestOptimizerConfig();
// Two sequences of 150 tokens (tiles of 64 do not divide them): one of
// five documents, one of two documents with a loss mask.
std::vector<PackedSequence> TestSequences();
// The test model's initial weights (Initialize(seed)), flat.
std::vector<float> InitialParams(uint64_t seed);
// params with each weight multiplied by 1 +- 2^-23 (sign from `seed`),
// which moves it by one or two ulps.
std::vector<float> PerturbedByUlps(const std::vector<float>& params,
                                   uint64_t seed);

// One optimizer step over TestSequences(), each sequence weighted by
// 1 / (its targets * 2) (the micro-batch mean), as TrainStage runs it.
struct StepResult {
  double loss_sum = 0.0;      // summed over the sequences
  double forward_loss = 0.0;  // Forward() of the first sequence
  double grad_norm = 0.0;     // before clipping
  std::vector<float> grads;   // (num_parameters) before clipping
  std::vector<float> params;  // (num_parameters) after the update
};
StepResult CpuStep(const std::vector<float>& params, bool document_masking);
// recompute: activation recomputation on the device; batched: all the
// sequences in one CudaLlama::ForwardBackwardBatch instead of one
// ForwardBackward each.
StepResult CudaStep(const std::vector<float>& params,
                    config::ComputeDtype dtype, bool document_masking,
                    bool recompute = false, bool batched = false);

// x rounded to the nearest bf16 (ties to even), as floats.
std::vector<float> RoundedToBf16(const std::vector<float>& x);
std::vector<float> Bf16ToFloats(const std::vector<ops::cuda::bf16>& x);
bool BitwiseEqual(const std::vector<float>& a, const std::vector<float>& b);

// The rule above for one tensor (or all of a vector); `noise` holds the
// CPU's results from perturbed weights.
void ExpectWithinFp32Noise(const std::string& name,
                           const std::vector<float>& gpu,
                           const std::vector<float>& cpu,
                           const std::vector<std::vector<float>>& noise);
void ExpectWithinFp32Noise(const std::string& name, double gpu, double cpu,
                           const std::vector<double>& noise);

}  // namespace prolong::model::cuda::test_util

#endif  // PROLONG_TESTS_MODEL_CUDA_TRAINING_STEP_H_
