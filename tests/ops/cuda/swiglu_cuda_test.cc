// Parity of ops/cuda/swiglu.cu with the CPU op in fp32 and bf16, and
// run-to-run determinism; tolerance rule in cuda_test_util.h.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ops/cuda/swiglu.h"
#include "ops/swiglu.h"
#include "tests/ops/cuda/cuda_test_util.h"

namespace prolong::ops::cuda {
namespace {

using test_util::Convert;
using test_util::DeviceArray;
using test_util::ExpectWithinTolerance;
using test_util::RandomVector;
using test_util::RoundTo;
using test_util::ToFloats;

// Inputs (rounded to Float) and the accumulators' initial values.
template <typename Float>
struct Problem {
  Problem(int64_t size, unsigned seed) : n(size) {
    std::mt19937 rng(seed);
    gate = RoundTo<Float>(RandomVector(n, 0.0f, 3.0f, &rng));
    up = RoundTo<Float>(RandomVector(n, 0.0f, 1.0f, &rng));
    dout = RoundTo<Float>(RandomVector(n, 0.0f, 1.0f, &rng));
    dgate0 = RoundTo<Float>(RandomVector(n, 0.0f, 1.0f, &rng));
    dup0 = RoundTo<Float>(RandomVector(n, 0.0f, 1.0f, &rng));
  }
  int64_t n;
  std::vector<float> gate, up, dout, dgate0, dup0;
};

struct Outputs {
  std::vector<float> out, dgate, dup;
};

struct Reference {
  std::vector<double> out, dgate, dup;
};

template <typename Float>
Reference SwiGluReference(const Problem<Float>& p) {
  Reference ref{std::vector<double>(p.n),
                std::vector<double>(p.dgate0.begin(), p.dgate0.end()),
                std::vector<double>(p.dup0.begin(), p.dup0.end())};
  for (int64_t i = 0; i < p.n; ++i) {
    const double x = p.gate[i];
    const double sigmoid = 1.0 / (1.0 + std::exp(-x));
    const double silu = x * sigmoid;
    ref.out[i] = silu * p.up[i];
    ref.dgate[i] +=
        p.dout[i] * double{p.up[i]} * sigmoid * (1.0 + x * (1.0 - sigmoid));
    ref.dup[i] += p.dout[i] * silu;
  }
  return ref;
}

template <typename Float>
Outputs RunNaive(const Problem<Float>& p) {
  Outputs o{std::vector<float>(p.n), p.dgate0, p.dup0};
  ops::SwiGluForward(o.out.data(), p.gate.data(), p.up.data(), p.n);
  ops::SwiGluBackward(o.dgate.data(), o.dup.data(), p.dout.data(),
                      p.gate.data(), p.up.data(), p.n);
  return {RoundTo<Float>(o.out), RoundTo<Float>(o.dgate),
          RoundTo<Float>(o.dup)};
}

// x with `shift` zeros in front.
std::vector<float> Shifted(const std::vector<float>& x, int shift) {
  std::vector<float> shifted(shift, 0.0f);
  shifted.insert(shifted.end(), x.begin(), x.end());
  return shifted;
}

// shift > 0 puts every array `shift` elements past a 16-byte boundary, off
// the kernels' 16-byte vector path.
template <typename Float>
Outputs RunGpu(const Problem<Float>& p, int shift = 0) {
  const DeviceArray<Float> gate(Convert<Float>(Shifted(p.gate, shift)));
  const DeviceArray<Float> up(Convert<Float>(Shifted(p.up, shift)));
  const DeviceArray<Float> dout(Convert<Float>(Shifted(p.dout, shift)));
  const DeviceArray<Float> dgate(Convert<Float>(Shifted(p.dgate0, shift)));
  const DeviceArray<Float> dup(Convert<Float>(Shifted(p.dup0, shift)));
  const DeviceArray<Float> out(p.n + shift);
  const test_util::Stream stream;
  SwiGluForward(out.get() + shift, gate.get() + shift, up.get() + shift, p.n,
                stream.get());
  SwiGluBackward(dgate.get() + shift, dup.get() + shift, dout.get() + shift,
                 gate.get() + shift, up.get() + shift, p.n, stream.get());
  stream.Synchronize();
  auto unshifted = [&](const DeviceArray<Float>& x) {
    std::vector<float> values = ToFloats<Float>(x.ToHost());
    return std::vector<float>(values.begin() + shift, values.end());
  };
  return {unshifted(out), unshifted(dgate), unshifted(dup)};
}

template <typename Float>
class SwiGluCudaTest : public test_util::CudaTypedTest<Float> {};
TYPED_TEST_SUITE(SwiGluCudaTest, test_util::FloatTypes,
                 test_util::FloatTypeNames);

TYPED_TEST(SwiGluCudaTest, MatchesCpuForwardAndBackward) {
  using Float = TypeParam;
  for (const int64_t n : {1, 255, 256, 257, 100003}) {
    for (const int shift : {0, 1}) {
      SCOPED_TRACE("n=" + std::to_string(n) +
                   (shift == 0 ? "" : ", unaligned arrays"));
      const Problem<Float> p(n, /*seed=*/static_cast<unsigned>(n));
      const Reference ref = SwiGluReference(p);
      const Outputs naive = RunNaive(p);
      const Outputs gpu = RunGpu(p, shift);
      ExpectWithinTolerance<Float>("out", gpu.out, naive.out, ref.out);
      ExpectWithinTolerance<Float>("dgate", gpu.dgate, naive.dgate, ref.dgate);
      ExpectWithinTolerance<Float>("dup", gpu.dup, naive.dup, ref.dup);
    }
  }
}

TYPED_TEST(SwiGluCudaTest, TwoRunsAreBitwiseIdentical) {
  const Problem<TypeParam> p(/*size=*/70000, /*seed=*/3);
  const Outputs first = RunGpu(p);
  const Outputs second = RunGpu(p);
  EXPECT_TRUE(test_util::BitwiseEqual(first.out, second.out));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dgate, second.dgate));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dup, second.dup));
}

}  // namespace
}  // namespace prolong::ops::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(SwiGluCudaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "ops/cuda kernels were not compiled";
}

#endif  // PROLONG_HAVE_CUDA
