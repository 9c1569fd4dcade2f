// Parity of ops/cuda/adamw.cu with the CPU op (fp32 master weights and
// moments; tolerance rule in cuda_test_util.h), the bf16 copy of the updated
// weights, and run-to-run determinism.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ops/adamw.h"
#include "ops/cuda/adamw.h"
#include "tests/ops/cuda/cuda_test_util.h"

namespace prolong::ops::cuda {
namespace {

using test_util::DeviceArray;
using test_util::ExpectWithinTolerance;
using test_util::RandomVector;

struct Hyperparameters {
  float weight_decay;
  int64_t step;
  float lr = 3e-4f, beta1 = 0.9f, beta2 = 0.95f, eps = 1e-8f;
};

struct State {
  std::vector<float> params, m, v;
};

struct Problem {
  Problem(int64_t n, unsigned seed) {
    std::mt19937 rng(seed);
    state.params = RandomVector(n, 0.0f, 0.5f, &rng);
    state.m = RandomVector(n, 0.0f, 0.01f, &rng);
    state.v = RandomVector(n, 0.0f, 0.01f, &rng);
    for (float& x : state.v) x *= x;  // second moments are >= 0
    grads = RandomVector(n, 0.0f, 0.1f, &rng);
  }
  State state;
  std::vector<float> grads;
};

struct Reference {
  std::vector<double> params, m, v;
};

Reference AdamWReference(const Problem& p, const Hyperparameters& h) {
  const std::size_t n = p.grads.size();
  Reference ref{std::vector<double>(n), std::vector<double>(n),
                std::vector<double>(n)};
  const double m_correction = 1.0 - std::pow(double{h.beta1}, h.step);
  const double v_correction = 1.0 - std::pow(double{h.beta2}, h.step);
  for (std::size_t i = 0; i < n; ++i) {
    const double g = p.grads[i];
    ref.m[i] = h.beta1 * double{p.state.m[i]} + (1.0 - h.beta1) * g;
    ref.v[i] = h.beta2 * double{p.state.v[i]} + (1.0 - h.beta2) * g * g;
    const double update =
        ref.m[i] / m_correction / (std::sqrt(ref.v[i] / v_correction) + h.eps);
    ref.params[i] = p.state.params[i] -
                    h.lr * (update + h.weight_decay * p.state.params[i]);
  }
  return ref;
}

State RunCpu(const Problem& p, const Hyperparameters& h) {
  State s = p.state;
  ops::AdamWUpdate(s.params.data(), p.grads.data(), s.m.data(), s.v.data(),
                   static_cast<int64_t>(p.grads.size()), h.lr, h.beta1, h.beta2,
                   h.eps, h.weight_decay, h.step);
  return s;
}

struct GpuResult {
  State state;
  std::vector<bf16> params_bf16;
};

GpuResult RunGpu(const Problem& p, const Hyperparameters& h) {
  const int64_t n = static_cast<int64_t>(p.grads.size());
  const DeviceArray<float> params(p.state.params), m(p.state.m), v(p.state.v);
  const DeviceArray<float> grads(p.grads);
  const DeviceArray<bf16> params_bf16(n);
  const test_util::Stream stream;
  AdamWUpdate(params.get(), grads.get(), m.get(), v.get(), n, h.lr, h.beta1,
              h.beta2, h.eps, h.weight_decay, h.step, params_bf16.get(),
              stream.get());
  stream.Synchronize();
  return {{params.ToHost(), m.ToHost(), v.ToHost()}, params_bf16.ToHost()};
}

class AdamWCudaTest : public test_util::CudaTest {};

TEST_F(AdamWCudaTest, MatchesCpuUpdate) {
  for (const int64_t n : {1, 1000, 100003}) {
    // A decayed tensor at the first step, a non-decayed one later.
    for (const Hyperparameters h :
         {Hyperparameters{0.1f, 1}, Hyperparameters{0.0f, 7}}) {
      SCOPED_TRACE("n=" + std::to_string(n) +
                   " step=" + std::to_string(h.step));
      const Problem p(n, /*seed=*/static_cast<unsigned>(n + h.step));
      const Reference ref = AdamWReference(p, h);
      const State cpu = RunCpu(p, h);
      const GpuResult gpu = RunGpu(p, h);
      ExpectWithinTolerance<float>("params", gpu.state.params, cpu.params,
                                   ref.params);
      ExpectWithinTolerance<float>("m", gpu.state.m, cpu.m, ref.m);
      ExpectWithinTolerance<float>("v", gpu.state.v, cpu.v, ref.v);
      // The bf16 copy is the updated fp32 weight, rounded.
      EXPECT_TRUE(test_util::BitwiseEqual(
          gpu.params_bf16, test_util::Convert<bf16>(gpu.state.params)));
    }
  }
}

TEST_F(AdamWCudaTest, TwoRunsAreBitwiseIdentical) {
  const Problem p(50000, /*seed=*/8);
  const Hyperparameters h{0.1f, 3};
  const GpuResult first = RunGpu(p, h);
  const GpuResult second = RunGpu(p, h);
  EXPECT_TRUE(test_util::BitwiseEqual(first.state.params, second.state.params));
  EXPECT_TRUE(test_util::BitwiseEqual(first.state.m, second.state.m));
  EXPECT_TRUE(test_util::BitwiseEqual(first.state.v, second.state.v));
}

}  // namespace
}  // namespace prolong::ops::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(AdamWCudaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "ops/cuda kernels were not compiled";
}

#endif  // PROLONG_HAVE_CUDA
