// Forward and backward throughput of ops/cuda/attention.cu on one GPU: bf16,
// causal, one document (document masking on), Hq = Hkv = 16 heads of 128
// dimensions (hidden 2048, the FlashAttention papers' setting), at each
// sequence length L (default 4096, 16384, 65536).
//
// FLOPs are counted as the FlashAttention papers count them: forward
// 4 L^2 head_dim heads / 2 (causal: half the score matrix), backward 2.5x
// the forward. Times are CUDA-event averages over enough iterations to fill
// about kMinSeconds after one warm-up iteration.
//
// Prints one CSV line per length, after a header:
//   impl,L,heads,head_dim,fwd_ms,bwd_ms,fwd_tflops,bwd_tflops,fwd_bwd_tflops
// tests/gpu/sdpa_benchmark.py prints PyTorch's numbers in the same format.
// Exits with status 77 ("skipped") and a message on stderr when no usable
// GPU is visible or the binary was built without a CUDA toolkit.
//
// Usage: attention_benchmark [L ...]
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#ifdef PROLONG_HAVE_CUDA

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>

#include "ops/cuda/attention.h"
#include "ops/cuda/cuda_check.h"

namespace prolong::ops::cuda {
namespace {

constexpr int kHeads = 16;
constexpr int kHeadDim = 128;
constexpr double kMinSeconds = 1.0;
constexpr int kMaxIterations = 20;

// Owns `size` device elements of type Value.
template <typename Value>
class DeviceArray {
 public:
  explicit DeviceArray(std::size_t size) {
    CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_),
                          std::max<std::size_t>(size, 1) * sizeof(Value)));
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() { cudaFree(data_); }
  Value* get() const { return data_; }

 private:
  Value* data_ = nullptr;
};

// Deterministic values uniform in [-1, 1), by SplitMix64 of the index.
std::vector<bf16> UniformValues(std::size_t size, std::uint64_t seed) {
  std::vector<bf16> values(size);
  for (std::size_t i = 0; i < size; ++i) {
    std::uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    values[i] =
        __float2bfloat16_rn(static_cast<float>(z >> 40) * 0x1p-23f - 1.0f);
  }
  return values;
}

void Upload(bf16* device, const std::vector<bf16>& host) {
  CUDA_CHECK(cudaMemcpy(device, host.data(), host.size() * sizeof(bf16),
                        cudaMemcpyHostToDevice));
}

// Milliseconds per call of `run` on `stream`, averaged over `iterations`.
template <typename Run>
double MillisecondsPerCall(const Run& run, int iterations,
                           cudaStream_t stream) {
  cudaEvent_t start, stop;
  CUDA_CHECK(cudaEventCreate(&start));
  CUDA_CHECK(cudaEventCreate(&stop));
  CUDA_CHECK(cudaEventRecord(start, stream));
  for (int i = 0; i < iterations; ++i) run();
  CUDA_CHECK(cudaEventRecord(stop, stream));
  CUDA_CHECK(cudaEventSynchronize(stop));
  float ms = 0.0f;
  CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
  CUDA_CHECK(cudaEventDestroy(start));
  CUDA_CHECK(cudaEventDestroy(stop));
  return ms / iterations;
}

void BenchmarkLength(int L, cudaStream_t stream) {
  const std::size_t size = static_cast<std::size_t>(L) * kHeads * kHeadDim;
  DeviceArray<bf16> q(size), k(size), v(size), out(size), dout(size);
  DeviceArray<bf16> dq(size), dk(size), dv(size);
  DeviceArray<float> lse(static_cast<std::size_t>(kHeads) * L);
  DeviceArray<float> scratch(
      AttentionBackwardScratchFloats(L, kHeads, kHeads, kHeadDim));
  DeviceArray<int32_t> doc_starts(2);
  const int32_t one_document[2] = {0, L};
  CUDA_CHECK(cudaMemcpy(doc_starts.get(), one_document, sizeof(one_document),
                        cudaMemcpyHostToDevice));
  Upload(q.get(), UniformValues(size, 1));
  Upload(k.get(), UniformValues(size, 2));
  Upload(v.get(), UniformValues(size, 3));
  Upload(dout.get(), UniformValues(size, 4));
  for (bf16* grad : {dq.get(), dk.get(), dv.get()}) {
    CUDA_CHECK(cudaMemset(grad, 0, size * sizeof(bf16)));
  }

  auto forward = [&] {
    AttentionForward(out.get(), lse.get(), q.get(), k.get(), v.get(),
                     doc_starts.get(), 1, true, L, kHeads, kHeads, kHeadDim,
                     stream);
  };
  auto backward = [&] {
    AttentionBackward(dq.get(), dk.get(), dv.get(), scratch.get(), dout.get(),
                      q.get(), k.get(), v.get(), out.get(), lse.get(),
                      doc_starts.get(), 1, true, L, kHeads, kHeads, kHeadDim,
                      stream);
  };
  const double warmup_ms = MillisecondsPerCall(
      [&] {
        forward();
        backward();
      },
      1, stream);
  const int iterations = std::clamp(
      static_cast<int>(kMinSeconds * 1e3 / std::max(warmup_ms, 1e-3)), 1,
      kMaxIterations);
  const double forward_ms = MillisecondsPerCall(forward, iterations, stream);
  const double backward_ms = MillisecondsPerCall(backward, iterations, stream);

  const double forward_flops =
      4.0 * L * static_cast<double>(L) * kHeadDim * kHeads / 2.0;
  const double backward_flops = 2.5 * forward_flops;
  auto tflops = [](double flops, double ms) {
    return flops / (ms * 1e-3) / 1e12;
  };
  std::printf("prolong,%d,%d,%d,%.3f,%.3f,%.2f,%.2f,%.2f\n", L, kHeads,
              kHeadDim, forward_ms, backward_ms,
              tflops(forward_flops, forward_ms),
              tflops(backward_flops, backward_ms),
              tflops(forward_flops + backward_flops, forward_ms + backward_ms));
  std::fflush(stdout);
}

}  // namespace
}  // namespace prolong::ops::cuda

int main(int argc, char** argv) {
  std::vector<int> lengths;
  for (int i = 1; i < argc; ++i) {
    lengths.push_back(std::atoi(argv[i]));
    if (lengths.back() <= 0) {
      std::fprintf(stderr, "usage: attention_benchmark [L ...], L > 0\n");
      return 2;
    }
  }
  if (lengths.empty()) lengths = {4096, 16384, 65536};
  try {
    std::string why;
    if (!prolong::ops::cuda::CudaDeviceAvailable(&why)) {
      std::fprintf(stderr, "attention_benchmark: skipped: %s\n", why.c_str());
      return 77;
    }
    cudaStream_t stream;
    CUDA_CHECK(cudaStreamCreate(&stream));
    std::printf(
        "impl,L,heads,head_dim,fwd_ms,bwd_ms,fwd_tflops,bwd_tflops,"
        "fwd_bwd_tflops\n");
    for (int L : lengths) prolong::ops::cuda::BenchmarkLength(L, stream);
    CUDA_CHECK(cudaStreamDestroy(stream));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "attention_benchmark: %s\n", e.what());
    return 1;
  }
  return 0;
}

#else  // !PROLONG_HAVE_CUDA

int main() {
  std::fprintf(stderr,
               "attention_benchmark: skipped: built without a CUDA toolkit "
               "(PROLONG_HAVE_CUDA undefined)\n");
  return 77;
}

#endif  // PROLONG_HAVE_CUDA
