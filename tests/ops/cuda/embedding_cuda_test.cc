// ops/cuda/embedding.cu against the CPU op. The forward is a copy and the
// backward adds the same fp32 values in the same (position) order as the
// CPU op, so both match the CPU op bitwise, in fp32 and in bf16 mode (bf16
// gradients are exact in fp32). Also: out-of-range token ids.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ops/cuda/embedding.h"
#include "ops/embedding.h"
#include "tests/ops/cuda/cuda_test_util.h"

namespace prolong::ops::cuda {
namespace {

using test_util::Convert;
using test_util::DeviceArray;
using test_util::RandomVector;
using test_util::RoundTo;
using test_util::ToFloats;

struct Shape {
  int T, C, V;
};

// Token ids drawn from a small vocabulary so that most ids repeat, table and
// dout rounded to Float, dtable0 fp32.
template <typename Float>
struct Problem {
  Problem(Shape s, unsigned seed) : shape(s) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int32_t> id(0, s.V - 1);
    tokens.resize(s.T);
    for (int32_t& token : tokens) token = id(rng);
    table = RoundTo<Float>(
        RandomVector(static_cast<std::size_t>(s.V) * s.C, 0.0f, 1.0f, &rng));
    dout = RoundTo<Float>(
        RandomVector(static_cast<std::size_t>(s.T) * s.C, 0.0f, 1.0f, &rng));
    dtable0 =
        RandomVector(static_cast<std::size_t>(s.V) * s.C, 0.0f, 1.0f, &rng);
  }
  Shape shape;
  std::vector<int32_t> tokens;
  std::vector<float> table, dout, dtable0;
};

struct Outputs {
  std::vector<float> out, dtable;
};

template <typename Float>
Outputs RunCpu(const Problem<Float>& p) {
  const auto [T, C, V] = p.shape;
  Outputs o{std::vector<float>(static_cast<std::size_t>(T) * C), p.dtable0};
  ops::EmbeddingForward(o.out.data(), p.tokens.data(), p.table.data(), T, C);
  ops::EmbeddingBackward(o.dtable.data(), p.dout.data(), p.tokens.data(), T, C);
  return o;
}

template <typename Float>
Outputs RunGpu(const Problem<Float>& p, const std::vector<int32_t>& tokens) {
  const auto [T, C, V] = p.shape;
  const DeviceArray<int32_t> device_tokens(tokens);
  const DeviceArray<Float> table(Convert<Float>(p.table));
  const DeviceArray<Float> dout(Convert<Float>(p.dout));
  const DeviceArray<float> dtable(p.dtable0);
  const DeviceArray<Float> out(static_cast<std::size_t>(T) * C);
  const DeviceArray<char> scratch(EmbeddingBackwardScratchBytes(T));
  const test_util::Stream stream;
  EmbeddingForward(out.get(), device_tokens.get(), table.get(), T, C, V,
                   stream.get());
  EmbeddingBackward(dtable.get(), scratch.get(), dout.get(),
                    device_tokens.get(), T, C, V, stream.get());
  stream.Synchronize();
  return {ToFloats<Float>(out.ToHost()), dtable.ToHost()};
}

template <typename Float>
class EmbeddingCudaTest : public test_util::CudaTypedTest<Float> {};
TYPED_TEST_SUITE(EmbeddingCudaTest, test_util::FloatTypes,
                 test_util::FloatTypeNames);

TYPED_TEST(EmbeddingCudaTest, MatchesCpuBitwise) {
  // C below, at and past the 256-column block; T with long runs of one id.
  for (const Shape shape : {Shape{1, 1, 1}, Shape{7, 3, 2}, Shape{300, 64, 50},
                            Shape{2000, 300, 17}, Shape{5000, 32, 1000}}) {
    SCOPED_TRACE("T=" + std::to_string(shape.T) + " C=" +
                 std::to_string(shape.C) + " V=" + std::to_string(shape.V));
    const Problem<TypeParam> p(shape, /*seed=*/static_cast<unsigned>(shape.T));
    const Outputs cpu = RunCpu(p);
    const Outputs gpu = RunGpu(p, p.tokens);
    EXPECT_TRUE(test_util::BitwiseEqual(gpu.out, cpu.out));
    EXPECT_TRUE(test_util::BitwiseEqual(gpu.dtable, cpu.dtable));
  }
}

TYPED_TEST(EmbeddingCudaTest, TwoRunsAreBitwiseIdentical) {
  const Problem<TypeParam> p({4096, 200, 300}, /*seed=*/9);
  const Outputs first = RunGpu(p, p.tokens);
  const Outputs second = RunGpu(p, p.tokens);
  EXPECT_TRUE(test_util::BitwiseEqual(first.out, second.out));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dtable, second.dtable));
}

TYPED_TEST(EmbeddingCudaTest, OutOfRangeTokenGivesNaNRowAndNoGradient) {
  const Shape shape{4, 8, 5};
  const Problem<TypeParam> p(shape, /*seed=*/2);
  const std::vector<int32_t> tokens = {2, 5, -1, 2};  // positions 1, 2 bad
  const Outputs gpu = RunGpu(p, tokens);
  for (int t = 0; t < shape.T; ++t) {
    for (int c = 0; c < shape.C; ++c) {
      const float value = gpu.out[t * shape.C + c];
      if (t == 1 || t == 2) {
        EXPECT_TRUE(std::isnan(value)) << "t=" << t;
      } else {
        EXPECT_EQ(value, p.table[tokens[t] * shape.C + c]) << "t=" << t;
      }
    }
  }
  // Only row 2 receives gradient: dout rows 0 and 3, in that order.
  std::vector<float> want = p.dtable0;
  for (int c = 0; c < shape.C; ++c) {
    want[2 * shape.C + c] += p.dout[0 * shape.C + c];
    want[2 * shape.C + c] += p.dout[3 * shape.C + c];
  }
  EXPECT_TRUE(test_util::BitwiseEqual(gpu.dtable, want));
}

}  // namespace
}  // namespace prolong::ops::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(EmbeddingCudaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "ops/cuda kernels were not compiled";
}

#endif  // PROLONG_HAVE_CUDA
