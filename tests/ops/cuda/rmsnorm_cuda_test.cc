// Parity of ops/cuda/rmsnorm.cu with the CPU op in fp32 and bf16, and
// run-to-run determinism; tolerance rule in cuda_test_util.h.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ops/cuda/cuda_check.h"
#include "ops/cuda/rmsnorm.h"
#include "ops/rmsnorm.h"
#include "tests/ops/cuda/cuda_test_util.h"

namespace prolong::ops::cuda {
namespace {

using test_util::Convert;
using test_util::DeviceArray;
using test_util::ExpectWithinTolerance;
using test_util::RandomVector;
using test_util::RoundTo;
using test_util::ToFloats;

constexpr float kEps = 1e-5f;

// Inputs of one forward + backward (rounded to Float), and the
// accumulators' initial values (dinp0 rounded to Float; dweight0 is fp32).
template <typename Float>
struct Problem {
  Problem(int n, int c, unsigned seed) : N(n), C(c) {
    std::mt19937 rng(seed);
    const std::size_t size = static_cast<std::size_t>(N) * C;
    inp = RoundTo<Float>(RandomVector(size, 0.0f, 1.0f, &rng));
    weight = RoundTo<Float>(RandomVector(C, 1.0f, 0.1f, &rng));
    dout = RoundTo<Float>(RandomVector(size, 0.0f, 1.0f, &rng));
    dinp0 = RoundTo<Float>(RandomVector(size, 0.0f, 1.0f, &rng));
    dweight0 = RandomVector(C, 0.0f, 1.0f, &rng);
  }
  int N, C;
  std::vector<float> inp, weight, dout, dinp0, dweight0;
};

// Float64 reference: the same math as ops/rmsnorm.cc, in double throughout.
struct Reference {
  std::vector<double> out, rstd, dinp, dweight;
};

template <typename Float>
Reference RmsNormReference(const Problem<Float>& p) {
  const int N = p.N, C = p.C;
  Reference ref;
  ref.out.resize(static_cast<std::size_t>(N) * C);
  ref.rstd.resize(N);
  ref.dinp.assign(p.dinp0.begin(), p.dinp0.end());
  ref.dweight.assign(p.dweight0.begin(), p.dweight0.end());
  for (int n = 0; n < N; ++n) {
    const std::size_t row = static_cast<std::size_t>(n) * C;
    double sum_sq = 0.0;
    for (int c = 0; c < C; ++c) {
      sum_sq += double{p.inp[row + c]} * p.inp[row + c];
    }
    const double r = 1.0 / std::sqrt(sum_sq / C + kEps);
    ref.rstd[n] = r;
    double dot = 0.0;
    for (int c = 0; c < C; ++c) {
      ref.out[row + c] = p.inp[row + c] * r * p.weight[c];
      dot += double{p.dout[row + c]} * p.weight[c] * p.inp[row + c] * r;
    }
    const double mean_dot = dot / C;
    for (int c = 0; c < C; ++c) {
      const double xhat = p.inp[row + c] * r;
      ref.dweight[c] += p.dout[row + c] * xhat;
      ref.dinp[row + c] +=
          r * (double{p.dout[row + c]} * p.weight[c] - xhat * mean_dot);
    }
  }
  return ref;
}

struct Outputs {
  std::vector<float> out, rstd, dinp, dweight;
};

// The CPU op on the same inputs; Float-typed results rounded to Float.
template <typename Float>
Outputs RunNaive(const Problem<Float>& p) {
  Outputs o{std::vector<float>(p.inp.size()), std::vector<float>(p.N), p.dinp0,
            p.dweight0};
  ops::RmsNormForward(o.out.data(), o.rstd.data(), p.inp.data(),
                      p.weight.data(), p.N, p.C, kEps);
  ops::RmsNormBackward(o.dinp.data(), o.dweight.data(), p.dout.data(),
                       p.inp.data(), p.weight.data(), o.rstd.data(), p.N, p.C);
  o.out = RoundTo<Float>(o.out);
  o.dinp = RoundTo<Float>(o.dinp);
  return o;
}

template <typename Float>
Outputs RunGpu(const Problem<Float>& p) {
  const DeviceArray<Float> inp(Convert<Float>(p.inp));
  const DeviceArray<Float> weight(Convert<Float>(p.weight));
  const DeviceArray<Float> dout(Convert<Float>(p.dout));
  const DeviceArray<Float> dinp(Convert<Float>(p.dinp0));
  const DeviceArray<float> dweight(p.dweight0);
  const DeviceArray<Float> out(p.inp.size());
  const DeviceArray<float> rstd(p.N);
  const DeviceArray<float> scratch(RmsNormBackwardScratchFloats(p.N, p.C));
  const test_util::Stream stream;
  RmsNormForward(out.get(), rstd.get(), inp.get(), weight.get(), p.N, p.C, kEps,
                 stream.get());
  RmsNormBackward(dinp.get(), dweight.get(), scratch.get(), dout.get(),
                  inp.get(), weight.get(), rstd.get(), p.N, p.C, stream.get());
  stream.Synchronize();
  return {ToFloats<Float>(out.ToHost()), rstd.ToHost(),
          ToFloats<Float>(dinp.ToHost()), dweight.ToHost()};
}

TEST(CudaCheckTest, ThrowsWithLocationAndMessage) {
  try {
    CUDA_CHECK(cudaErrorInvalidValue);
    FAIL() << "CUDA_CHECK did not throw";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rmsnorm_cuda_test.cc:"), std::string::npos) << what;
    EXPECT_NE(what.find(cudaGetErrorString(cudaErrorInvalidValue)),
              std::string::npos)
        << what;
  }
}

template <typename Float>
class RmsNormCudaTest : public test_util::CudaTypedTest<Float> {};
TYPED_TEST_SUITE(RmsNormCudaTest, test_util::FloatTypes,
                 test_util::FloatTypeNames);

TYPED_TEST(RmsNormCudaTest, MatchesCpuForwardAndBackward) {
  using Float = TypeParam;
  // (N, C): C below, at and off multiples of 32; N past the backward's
  // 512-block cap so blocks stride over several rows.
  const std::vector<std::pair<int, int>> shapes = {
      {1, 1}, {3, 31}, {7, 32}, {64, 100}, {513, 768}, {1100, 257}, {17, 4099}};
  for (const auto& [N, C] : shapes) {
    SCOPED_TRACE("N=" + std::to_string(N) + " C=" + std::to_string(C));
    const Problem<Float> p(N, C, /*seed=*/1000 * N + C);
    const Reference ref = RmsNormReference(p);
    const Outputs naive = RunNaive(p);
    const Outputs gpu = RunGpu(p);
    ExpectWithinTolerance<Float>("out", gpu.out, naive.out, ref.out);
    ExpectWithinTolerance<Float>("rstd", gpu.rstd, naive.rstd, ref.rstd);
    ExpectWithinTolerance<Float>("dinp", gpu.dinp, naive.dinp, ref.dinp);
    ExpectWithinTolerance<Float>("dweight", gpu.dweight, naive.dweight,
                                 ref.dweight);
  }
}

TYPED_TEST(RmsNormCudaTest, TwoRunsAreBitwiseIdentical) {
  const Problem<TypeParam> p(/*n=*/2048, /*c=*/1000, /*seed=*/7);
  const Outputs first = RunGpu(p);
  const Outputs second = RunGpu(p);
  EXPECT_TRUE(test_util::BitwiseEqual(first.out, second.out));
  EXPECT_TRUE(test_util::BitwiseEqual(first.rstd, second.rstd));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dinp, second.dinp));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dweight, second.dweight));
}

}  // namespace
}  // namespace prolong::ops::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(RmsNormCudaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "ops/cuda kernels were not compiled";
}

#endif  // PROLONG_HAVE_CUDA
