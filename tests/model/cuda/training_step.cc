#ifdef PROLONG_HAVE_CUDA

#include "tests/model/cuda/training_step.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "data/rng.h"
#include "experiments/training/cpu_step_device.h"
#include "model/checkpoint.h"
#include "model/cuda/device_optimizer.h"
#include "model/cuda/llama_cuda.h"
#include "ops/cuda/cuda_check.h"

namespace prolong::model::cuda::test_util {
namespace {

constexpr bool kDocumentMaskingForForward = true;

// weight_per_target of sequence `seq` in a step of `count` sequences.
float MicroBatchMeanWeight(const PackedSequence& seq, int count) {
  return 1.0f / (static_cast<float>(CountTargets(seq)) * count);
}

double MaxAbs(const std::vector<float>& v) {
  double m = 0.0;
  for (float x : v) m = std::max(m, std::abs(static_cast<double>(x)));
  return m;
}

// NaN where a difference is NaN.
double MaxAbsDifference(const std::vector<float>& a,
                        const std::vector<float>& b) {
  double m = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(static_cast<double>(a[i]) - b[i]);
    if (std::isnan(d)) return d;
    m = std::max(m, d);
  }
  return m;
}

std::unique_ptr<Llama> ModelWith(const std::vector<float>& params) {
  auto model = std::make_unique<Llama>(TestModelConfig());
  std::copy(params.begin(), params.end(), model->params());
  return model;
}

}  // namespace

void CudaModelTest::SetUp() {
  std::string why;
  if (!ops::cuda::CudaDeviceAvailable(&why)) GTEST_SKIP() << why;
}

std::vector<float> RoundedToBf16(const std::vector<float>& x) {
  std::vector<float> rounded(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    rounded[i] = __bfloat162float(__float2bfloat16_rn(x[i]));
  }
  return rounded;
}

std::vector<float> Bf16ToFloats(const std::vector<ops::cuda::bf16>& x) {
  std::vector<float> floats(x.size());
  for (size_t i = 0; i < x.size(); ++i) floats[i] = __bfloat162float(x[i]);
  return floats;
}

bool BitwiseEqual(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

config::ModelConfig TestModelConfig() {
  config::ModelConfig config;
  config.set_vocab_size(97);
  config.set_d_model(64);
  config.set_n_layers(2);
  config.set_n_heads(4);
  config.set_n_kv_heads(2);
  config.set_ffn_hidden(96);
  config.set_tie_embeddings(false);
  return config;
}

config::OptimizerConfig TestOptimizerConfig() {
  config::OptimizerConfig optimizer;
  optimizer.set_lr(1e-3);
  optimizer.set_weight_decay(0.1);
  optimizer.set_grad_clip(0.5);
  return optimizer;
}

std::vector<PackedSequence> TestSequences() {
  constexpr int T = 150;
  const int vocab = TestModelConfig().vocab_size();
  data::Rng rng(11, 0);
  std::vector<PackedSequence> sequences(2);
  for (PackedSequence& seq : sequences) {
    for (int t = 0; t < T; ++t) {
      seq.tokens.push_back(static_cast<int32_t>(rng.Below(vocab)));
    }
  }
  sequences[0].doc_starts = {0, 17, 64, 65, 130, T};
  sequences[1].doc_starts = {0, 90, T};
  sequences[1].loss_mask.assign(T, 1);
  std::fill(sequences[1].loss_mask.begin(), sequences[1].loss_mask.begin() + 40,
            0);
  return sequences;
}

std::vector<float> InitialParams(uint64_t seed) {
  Llama model(TestModelConfig());
  model.Initialize(seed);
  return std::vector<float>(model.params(),
                            model.params() + model.num_parameters());
}

std::vector<float> PerturbedByUlps(const std::vector<float>& params,
                                   uint64_t seed) {
  data::Rng rng(seed, 1);
  std::vector<float> perturbed(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const double sign = rng.Below(2) == 0 ? -1.0 : 1.0;
    perturbed[i] =
        static_cast<float>(params[i] * (1.0 + sign * std::ldexp(1.0, -23)));
  }
  return perturbed;
}

StepResult CpuStep(const std::vector<float>& params, bool document_masking) {
  std::unique_ptr<Llama> model = ModelWith(params);
  const int64_t n = model->num_parameters();
  OptimizerState optimizer;
  optimizer.m.assign(n, 0.0f);
  optimizer.v.assign(n, 0.0f);
  training::CpuStepDevice device(model.get(), &optimizer);
  const std::vector<PackedSequence> sequences = TestSequences();
  StepResult result;
  result.forward_loss =
      model->Forward(sequences[0], kDocumentMaskingForForward).loss_sum;
  device.ZeroGrads();
  for (const PackedSequence& seq : sequences) {
    result.loss_sum +=
        device
            .ForwardBackwardBatch({&seq}, document_masking,
                                  {MicroBatchMeanWeight(seq, sequences.size())})
            .front()
            .loss_sum;
  }
  result.grads.assign(model->grads(), model->grads() + n);
  const config::OptimizerConfig opt = TestOptimizerConfig();
  result.grad_norm = device.ClipGradients(opt.grad_clip(), /*step=*/0);
  device.AdamW(opt, opt.lr(), /*adam_step=*/1);
  result.params.assign(model->params(), model->params() + n);
  return result;
}

StepResult CudaStep(const std::vector<float>& params,
                    config::ComputeDtype dtype, bool document_masking,
                    bool recompute, bool batched) {
  const std::unique_ptr<Llama> host = ModelWith(params);
  CudaLlama model(*host, dtype);
  model.SetActivationRecomputation(recompute);
  DeviceOptimizer optimizer(OptimizerState{}, &model);
  const std::vector<PackedSequence> sequences = TestSequences();
  const int64_t n = model.num_parameters();
  StepResult result;
  result.forward_loss =
      model.Forward(sequences[0], kDocumentMaskingForForward).loss_sum;
  model.ZeroGrads();
  if (batched) {
    std::vector<const PackedSequence*> all;
    std::vector<float> weights;
    for (const PackedSequence& seq : sequences) {
      all.push_back(&seq);
      weights.push_back(MicroBatchMeanWeight(seq, sequences.size()));
    }
    for (const LossSum& loss :
         model.ForwardBackwardBatch(all, document_masking, weights)) {
      result.loss_sum += loss.loss_sum;
    }
  } else {
    for (const PackedSequence& seq : sequences) {
      result.loss_sum +=
          model
              .ForwardBackward(seq, document_masking,
                               MicroBatchMeanWeight(seq, sequences.size()))
              .loss_sum;
    }
  }
  result.grads.resize(n);
  model.DownloadGrads(result.grads.data());
  const config::OptimizerConfig opt = TestOptimizerConfig();
  result.grad_norm = optimizer.GradNorm();
  optimizer.ClipGradients(opt.grad_clip());
  optimizer.Step(opt, opt.lr(), /*step=*/1);
  result.params.resize(n);
  model.DownloadParams(result.params.data());
  return result;
}

void ExpectWithinFp32Noise(const std::string& name,
                           const std::vector<float>& gpu,
                           const std::vector<float>& cpu,
                           const std::vector<std::vector<float>>& noise) {
  ASSERT_EQ(gpu.size(), cpu.size()) << name;
  double noise_error = 0.0;
  for (const std::vector<float>& run : noise) {
    ASSERT_EQ(run.size(), cpu.size()) << name;
    noise_error = std::max(noise_error, MaxAbsDifference(run, cpu));
  }
  const double gpu_error = MaxAbsDifference(gpu, cpu);
  const double floor = 8.0 * 0x1p-23 * MaxAbs(cpu);
  EXPECT_LE(gpu_error, kStepErrorFactor * noise_error + floor)
      << name << ": GPU max error " << gpu_error << ", fp32 noise "
      << noise_error << ", floor " << floor;
}

void ExpectWithinFp32Noise(const std::string& name, double gpu, double cpu,
                           const std::vector<double>& noise) {
  double noise_error = 0.0;
  for (double run : noise)
    noise_error = std::max(noise_error, std::abs(run - cpu));
  const double gpu_error = std::abs(gpu - cpu);
  const double floor = 8.0 * 0x1p-23 * std::abs(cpu);
  EXPECT_LE(gpu_error, kStepErrorFactor * noise_error + floor)
      << name << ": GPU " << gpu << ", CPU " << cpu << ", fp32 noise "
      << noise_error;
}

}  // namespace prolong::model::cuda::test_util

#endif  // PROLONG_HAVE_CUDA
