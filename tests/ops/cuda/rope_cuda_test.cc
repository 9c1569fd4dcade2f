// Parity of ops/cuda/rope.cu with the CPU op in fp32 and bf16, run-to-run
// determinism, and the NaN rows of out-of-range positions; tolerance rule in
// cuda_test_util.h.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ops/cuda/rope.h"
#include "ops/rope.h"
#include "tests/ops/cuda/cuda_test_util.h"

namespace prolong::ops::cuda {
namespace {

using test_util::Convert;
using test_util::DeviceArray;
using test_util::ExpectWithinTolerance;
using test_util::RandomVector;
using test_util::RoundTo;
using test_util::ToFloats;

constexpr double kTheta = 500000.0;

struct Shape {
  int T, H, head_dim, max_positions;
};

// x (rotated by the forward) and dx (by the backward), rounded to Float;
// positions restart at 0 every 37 tokens, as at document starts.
template <typename Float>
struct Problem {
  Problem(Shape s, unsigned seed) : shape(s) {
    std::mt19937 rng(seed);
    const std::size_t size = static_cast<std::size_t>(s.T) * s.H * s.head_dim;
    x = RoundTo<Float>(RandomVector(size, 0.0f, 1.0f, &rng));
    dx = RoundTo<Float>(RandomVector(size, 0.0f, 1.0f, &rng));
    positions.resize(s.T);
    for (int t = 0; t < s.T; ++t) positions[t] = (t % 37) % s.max_positions;
    const std::size_t table_size =
        static_cast<std::size_t>(s.max_positions) * (s.head_dim / 2);
    cos.resize(table_size);
    sin.resize(table_size);
    ops::RopeTables(cos.data(), sin.data(), s.max_positions, s.head_dim,
                    kTheta);
  }
  Shape shape;
  std::vector<float> x, dx, cos, sin;
  std::vector<int32_t> positions;
};

struct Outputs {
  std::vector<float> x, dx;
};

// Rotation in double with the same fp32 tables (direction 1 or -1).
template <typename Float>
std::vector<double> Rotated(const Problem<Float>& p,
                            const std::vector<float>& x, double direction) {
  const auto [T, H, head_dim, max_positions] = p.shape;
  const int half = head_dim / 2;
  std::vector<double> out(x.begin(), x.end());
  for (int t = 0; t < T; ++t) {
    for (int h = 0; h < H; ++h) {
      const std::size_t head = (static_cast<std::size_t>(t) * H + h) * head_dim;
      for (int i = 0; i < half; ++i) {
        const std::size_t table =
            static_cast<std::size_t>(p.positions[t]) * half + i;
        const double c = p.cos[table], s = direction * p.sin[table];
        out[head + i] = x[head + i] * c - double{x[head + i + half]} * s;
        out[head + i + half] = x[head + i + half] * c + double{x[head + i]} * s;
      }
    }
  }
  return out;
}

template <typename Float>
Outputs RunNaive(const Problem<Float>& p) {
  const auto [T, H, head_dim, max_positions] = p.shape;
  Outputs o{p.x, p.dx};
  ops::RopeForward(o.x.data(), p.cos.data(), p.sin.data(), p.positions.data(),
                   T, H, head_dim);
  ops::RopeBackward(o.dx.data(), p.cos.data(), p.sin.data(), p.positions.data(),
                    T, H, head_dim);
  return {RoundTo<Float>(o.x), RoundTo<Float>(o.dx)};
}

template <typename Float>
Outputs RunGpu(const Problem<Float>& p, const std::vector<int32_t>& positions) {
  const auto [T, H, head_dim, max_positions] = p.shape;
  const DeviceArray<Float> x(Convert<Float>(p.x));
  const DeviceArray<Float> dx(Convert<Float>(p.dx));
  const DeviceArray<float> cos(p.cos), sin(p.sin);
  const DeviceArray<int32_t> device_positions(positions);
  const test_util::Stream stream;
  RopeForward(x.get(), cos.get(), sin.get(), device_positions.get(), T, H,
              head_dim, max_positions, stream.get());
  RopeBackward(dx.get(), cos.get(), sin.get(), device_positions.get(), T, H,
               head_dim, max_positions, stream.get());
  stream.Synchronize();
  return {ToFloats<Float>(x.ToHost()), ToFloats<Float>(dx.ToHost())};
}

template <typename Float>
class RopeCudaTest : public test_util::CudaTypedTest<Float> {};
TYPED_TEST_SUITE(RopeCudaTest, test_util::FloatTypes,
                 test_util::FloatTypeNames);

TYPED_TEST(RopeCudaTest, MatchesCpuForwardAndBackward) {
  using Float = TypeParam;
  for (const Shape shape : {Shape{1, 1, 2, 1}, Shape{5, 3, 16, 8},
                            Shape{100, 4, 64, 64}, Shape{300, 2, 128, 300}}) {
    SCOPED_TRACE("T=" + std::to_string(shape.T) +
                 " H=" + std::to_string(shape.H) +
                 " head_dim=" + std::to_string(shape.head_dim));
    const Problem<Float> p(shape, /*seed=*/static_cast<unsigned>(shape.T));
    const Outputs naive = RunNaive(p);
    const Outputs gpu = RunGpu(p, p.positions);
    ExpectWithinTolerance<Float>("forward", gpu.x, naive.x,
                                 Rotated(p, p.x, 1.0));
    ExpectWithinTolerance<Float>("backward", gpu.dx, naive.dx,
                                 Rotated(p, p.dx, -1.0));
  }
}

TYPED_TEST(RopeCudaTest, TwoRunsAreBitwiseIdentical) {
  const Problem<TypeParam> p({500, 4, 64, 64}, /*seed=*/11);
  const Outputs first = RunGpu(p, p.positions);
  const Outputs second = RunGpu(p, p.positions);
  EXPECT_TRUE(test_util::BitwiseEqual(first.x, second.x));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dx, second.dx));
}

TYPED_TEST(RopeCudaTest, OutOfRangePositionGivesNaNOnlyForItsToken) {
  const Shape shape{4, 2, 8, 16};
  const Problem<TypeParam> p(shape, /*seed=*/5);
  const std::vector<int32_t> positions = {0, 16, 3, -1};  // tokens 1, 3 bad
  const Outputs gpu = RunGpu(p, positions);
  const int token_size = shape.H * shape.head_dim;
  for (int t = 0; t < shape.T; ++t) {
    const bool bad = t == 1 || t == 3;
    for (int e = 0; e < token_size; ++e) {
      EXPECT_EQ(std::isnan(gpu.x[t * token_size + e]), bad) << "t=" << t;
      EXPECT_EQ(std::isnan(gpu.dx[t * token_size + e]), bad) << "t=" << t;
    }
  }
}

}  // namespace
}  // namespace prolong::ops::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(RopeCudaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "ops/cuda kernels were not compiled";
}

#endif  // PROLONG_HAVE_CUDA
