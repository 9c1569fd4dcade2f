// Training throughput of the CUDA model at the `small` preset's shape
// (experiments/presets/presets.bzl: d_model 768, 12 layers, 12 query heads
// over 4 kv heads, ffn 2048, vocabulary 32768, tied embeddings; about 100M
// parameters), bf16, on one GPU: whole optimizer steps (micro-batches of
// one sequence, gradient norm, clipping, AdamW) as the trainer runs them.
// Each sequence is one document of random tokens (document masking on).
//
// Model FLOPs per token, counted as the PaLM paper counts them but with the
// causal mask's exact key count:
//   6 N_matmul + 12 n_layers (n_heads head_dim) keys_per_query,
// N_matmul = the parameters of every GEMM (q, k, v, o, gate, up, down and
// the LM head; not the embedding gather nor the norms), keys_per_query =
// (L + 1) / 2 for one causal document of L tokens. MFU is those FLOPs per
// second over the GPU's dense bf16 peak (H100 SXM: 989 TFLOP/s; set
// another with --peak_tflops=).
//
// For each SEQ_LEN:SEQUENCES[:PER_MICRO_BATCH] (default 1024:16 and
// 1024:16:16, the base stage's length, and 8192:2 and 8192:2:2, stage 1's;
// PER_MICRO_BATCH sequences go through the model in one pass, as the
// trainer's sequences_per_micro_batch, default 1), runs kWarmupSteps steps,
// then times kTimedSteps, and prints one CSV line after a header:
//   preset,dtype,seq_len,sequences_per_step,sequences_per_micro_batch,
//   step_ms,tokens_per_s,model_tflops,mfu_percent
// Exits with status 77 ("skipped") when no usable GPU is visible or the
// binary was built without a CUDA toolkit.
//
// Usage: train_throughput [--peak_tflops=989]
//                         [SEQ_LEN:SEQUENCES[:PER_MICRO_BATCH] ...]
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#ifdef PROLONG_HAVE_CUDA

#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "data/rng.h"
#include "experiments/config/config.pb.h"
#include "model/checkpoint.h"
#include "model/cuda/device_optimizer.h"
#include "model/cuda/llama_cuda.h"
#include "model/llama.h"
#include "ops/cuda/cuda_check.h"

namespace prolong::model::cuda {
namespace {

constexpr int kWarmupSteps = 2;
constexpr int kTimedSteps = 5;

config::ModelConfig SmallPreset() {
  config::ModelConfig config;
  config.set_vocab_size(32768);
  config.set_d_model(768);
  config.set_n_layers(12);
  config.set_n_heads(12);
  config.set_n_kv_heads(4);
  config.set_ffn_hidden(2048);
  config.set_tie_embeddings(true);
  return config;
}

// Model FLOPs per token of a training step over sequences of one causal
// document of seq_len tokens (the formula above).
double FlopsPerToken(const config::ModelConfig& c, int seq_len) {
  const double d = c.d_model(), f = c.ffn_hidden();
  const double head_dim = d / c.n_heads();
  const double kv_dim = c.n_kv_heads() * head_dim;
  const double per_layer = d * d * 2 + 2 * d * kv_dim + 3 * d * f;
  const double n_matmul = c.n_layers() * per_layer + c.vocab_size() * d;
  const double keys_per_query = (seq_len + 1) / 2.0;
  return 6 * n_matmul + 12.0 * c.n_layers() * d * keys_per_query;
}

struct Shape {
  int seq_len, sequences, per_micro_batch;
};

void Benchmark(const Shape& shape, double peak_tflops) {
  const auto [seq_len, sequences, per_micro_batch] = shape;
  const config::ModelConfig config = SmallPreset();
  Llama host(config);
  host.Initialize(1);
  host.SetRopeTheta(500000.0);
  CudaLlama model(host, config::BF16);
  DeviceOptimizer optimizer(OptimizerState{}, &model);
  config::OptimizerConfig hyper;
  hyper.set_lr(1e-5);

  data::Rng rng(2, 0);
  std::vector<PackedSequence> batch(sequences);
  for (PackedSequence& seq : batch) {
    for (int t = 0; t < seq_len; ++t) {
      seq.tokens.push_back(
          static_cast<int32_t>(rng.Below(config.vocab_size())));
    }
    seq.doc_starts = {0, seq_len};
  }
  int64_t step = 0;
  auto run_step = [&] {
    model.ZeroGrads();
    for (int first = 0; first < sequences; first += per_micro_batch) {
      std::vector<const PackedSequence*> micro_batch;
      for (int i = first; i < std::min(sequences, first + per_micro_batch);
           ++i) {
        micro_batch.push_back(&batch[i]);
      }
      model.ForwardBackwardBatch(
          micro_batch, /*document_masking=*/true,
          std::vector<float>(micro_batch.size(),
                             1.0f / (seq_len - 1) / sequences));
    }
    optimizer.GradNorm();
    optimizer.ClipGradients(hyper.grad_clip());
    optimizer.Step(hyper, hyper.lr(), ++step);
  };
  for (int i = 0; i < kWarmupSteps; ++i) run_step();
  CUDA_CHECK(cudaDeviceSynchronize());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kTimedSteps; ++i) run_step();
  CUDA_CHECK(cudaDeviceSynchronize());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  const double tokens = static_cast<double>(kTimedSteps) * sequences * seq_len;
  const double tokens_per_s = tokens / seconds;
  const double tflops = tokens_per_s * FlopsPerToken(config, seq_len) / 1e12;
  std::printf("small,bf16,%d,%d,%d,%.1f,%.0f,%.1f,%.1f\n", seq_len, sequences,
              per_micro_batch, 1e3 * seconds / kTimedSteps, tokens_per_s,
              tflops, 100.0 * tflops / peak_tflops);
  std::fflush(stdout);
}

}  // namespace
}  // namespace prolong::model::cuda

int main(int argc, char** argv) {
  double peak_tflops = 989.0;
  std::vector<prolong::model::cuda::Shape> shapes;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::string peak_flag = "--peak_tflops=";
    if (arg.rfind(peak_flag, 0) == 0) {
      peak_tflops = std::atof(arg.c_str() + peak_flag.size());
      continue;
    }
    prolong::model::cuda::Shape shape{0, 0, 1};
    const int fields = std::sscanf(arg.c_str(), "%d:%d:%d", &shape.seq_len,
                                   &shape.sequences, &shape.per_micro_batch);
    if (fields < 2 || shape.seq_len <= 1 || shape.sequences <= 0 ||
        shape.per_micro_batch <= 0 || peak_tflops <= 0) {
      std::fprintf(stderr,
                   "usage: train_throughput [--peak_tflops=989] "
                   "[SEQ_LEN:SEQUENCES[:PER_MICRO_BATCH] ...]\n");
      return 2;
    }
    shapes.push_back(shape);
  }
  if (shapes.empty()) {
    shapes = {{1024, 16, 1}, {1024, 16, 16}, {8192, 2, 1}, {8192, 2, 2}};
  }
  try {
    std::string why;
    if (!prolong::ops::cuda::CudaDeviceAvailable(&why)) {
      std::fprintf(stderr, "train_throughput: skipped: %s\n", why.c_str());
      return 77;
    }
    std::printf(
        "preset,dtype,seq_len,sequences_per_step,sequences_per_micro_batch,"
        "step_ms,tokens_per_s,model_tflops,mfu_percent\n");
    for (const auto& shape : shapes) {
      prolong::model::cuda::Benchmark(shape, peak_tflops);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_throughput: %s\n", e.what());
    return 1;
  }
  return 0;
}

#else  // !PROLONG_HAVE_CUDA

int main() {
  std::fprintf(stderr,
               "train_throughput: skipped: built without a CUDA toolkit "
               "(PROLONG_HAVE_CUDA undefined)\n");
  return 77;
}

#endif  // PROLONG_HAVE_CUDA
