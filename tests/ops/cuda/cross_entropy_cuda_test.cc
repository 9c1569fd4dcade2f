// Parity of ops/cuda/cross_entropy.cu with the CPU op in fp32 and bf16, rows
// without targets, per-row loss weights, and run-to-run determinism;
// tolerance rule in
// cuda_test_util.h. The bf16 kernel stores the logit gradient in bf16 (the
// GEMMs read it so), so its same-dtype naive reference does too: the CPU op's
// steps, with that gradient and dhidden rounded to bf16.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "ops/cross_entropy.h"
#include "ops/cuda/cross_entropy.h"
#include "ops/matmul.h"
#include "tests/ops/cuda/cuda_test_util.h"

namespace prolong::ops::cuda {
namespace {

using test_util::Convert;
using test_util::DeviceArray;
using test_util::ExpectWithinTolerance;
using test_util::RandomVector;
using test_util::RoundTo;
using test_util::ToFloats;

struct Shape {
  int T, C, V;
};

// Targets as the model makes them: none (-1) at every 50th position (the
// first token of a document) and at the last position.
template <typename Float>
struct Problem {
  Problem(Shape s, unsigned seed) : shape(s) {
    std::mt19937 rng(seed);
    const std::size_t tc = static_cast<std::size_t>(s.T) * s.C;
    const std::size_t vc = static_cast<std::size_t>(s.V) * s.C;
    hidden = RoundTo<Float>(RandomVector(tc, 0.0f, 1.0f, &rng));
    weight = RoundTo<Float>(RandomVector(vc, 0.0f, 0.2f, &rng));
    dhidden0 = RoundTo<Float>(RandomVector(tc, 0.0f, 0.01f, &rng));
    dweight0 = RandomVector(vc, 0.0f, 0.01f, &rng);
    std::uniform_int_distribution<int32_t> id(0, s.V - 1);
    targets.resize(s.T);
    for (int t = 0; t < s.T; ++t) {
      targets[t] = (t % 50 == 0 || t == s.T - 1) ? -1 : id(rng);
    }
    const auto count = std::count_if(targets.begin(), targets.end(),
                                     [](int32_t x) { return x >= 0; });
    grad_scale = 1.0f / static_cast<float>(std::max<long>(count, 1));
  }
  Shape shape;
  std::vector<float> hidden, weight, dhidden0, dweight0;
  std::vector<int32_t> targets;
  float grad_scale;
  std::vector<float> row_scales;  // (T) or empty: every row weighs 1

  // Row t's gradient scale.
  float Scale(int t) const {
    return row_scales.empty() ? grad_scale : grad_scale * row_scales[t];
  }
};

struct Outputs {
  double loss;
  std::vector<float> dhidden, dweight;
};

struct Reference {
  double loss = 0.0;
  std::vector<double> dhidden, dweight;
};

template <typename Float>
Reference CrossEntropyReference(const Problem<Float>& p) {
  const auto [T, C, V] = p.shape;
  Reference ref{0.0, std::vector<double>(p.dhidden0.begin(), p.dhidden0.end()),
                std::vector<double>(p.dweight0.begin(), p.dweight0.end())};
  std::vector<double> logits(V);
  for (int t = 0; t < T; ++t) {
    if (p.targets[t] < 0) continue;
    for (int v = 0; v < V; ++v) {
      double sum = 0.0;
      for (int c = 0; c < C; ++c) {
        sum += double{p.hidden[t * C + c]} * p.weight[v * C + c];
      }
      logits[v] = sum;
    }
    const double max = *std::max_element(logits.begin(), logits.end());
    double sum_exp = 0.0;
    for (int v = 0; v < V; ++v) sum_exp += std::exp(logits[v] - max);
    const double lse = max + std::log(sum_exp);
    ref.loss += lse - logits[p.targets[t]];
    for (int v = 0; v < V; ++v) {
      const double dlogit = p.Scale(t) * (std::exp(logits[v] - lse) -
                                          (v == p.targets[t] ? 1.0 : 0.0));
      for (int c = 0; c < C; ++c) {
        ref.dhidden[t * C + c] += dlogit * p.weight[v * C + c];
        ref.dweight[v * C + c] += dlogit * p.hidden[t * C + c];
      }
    }
  }
  return ref;
}

// The CPU op's steps (fp32 logits, per-row sums of exp in double, the logit
// gradient, the CPU GEMMs) with per-row scales; in bf16 the logit gradient
// and dhidden are rounded to bf16, as the kernel stores them.
template <typename Float>
Outputs NaiveSteps(const Problem<Float>& p) {
  const auto [T, C, V] = p.shape;
  std::vector<float> logits(static_cast<std::size_t>(T) * V);
  ops::MatmulForward(logits.data(), p.hidden.data(), p.weight.data(), T, C, V);
  std::vector<float> dlogits(logits.size(), 0.0f);
  double loss = 0.0;
  for (int t = 0; t < T; ++t) {
    const int32_t target = p.targets[t];
    if (target < 0) continue;
    const float* row = logits.data() + static_cast<std::size_t>(t) * V;
    const float max = *std::max_element(row, row + V);
    double sum_exp = 0.0;
    for (int v = 0; v < V; ++v) sum_exp += std::exp(row[v] - max);
    const double lse = max + std::log(sum_exp);
    loss += lse - row[target];
    for (int v = 0; v < V; ++v) {
      const float scale = p.Scale(t);
      float gradient = scale * std::exp(row[v] - static_cast<float>(lse));
      if (v == target) gradient -= scale;
      dlogits[static_cast<std::size_t>(t) * V + v] = gradient;
    }
  }
  dlogits = RoundTo<Float>(dlogits);
  Outputs o{loss, p.dhidden0, p.dweight0};
  ops::MatmulBackward(o.dhidden.data(), o.dweight.data(), dlogits.data(),
                      p.hidden.data(), p.weight.data(), T, C, V);
  o.dhidden = RoundTo<Float>(o.dhidden);
  return o;
}

template <typename Float>
Outputs RunNaive(const Problem<Float>& p) {
  if (std::is_same_v<Float, bf16> || !p.row_scales.empty()) {
    return NaiveSteps(p);
  } else {
    const auto [T, C, V] = p.shape;
    Outputs o{0.0, p.dhidden0, p.dweight0};
    o.loss = ops::FusedCrossEntropyForwardBackward(
        o.dhidden.data(), o.dweight.data(), p.hidden.data(), p.weight.data(),
        p.targets.data(), T, C, V, p.grad_scale);
    return o;
  }
}

// Forward and backward on the GPU; *forward_only_loss (if not null) receives
// FusedCrossEntropyForward's loss on the same inputs.
template <typename Float>
Outputs RunGpu(const Problem<Float>& p, double* forward_only_loss = nullptr) {
  const auto [T, C, V] = p.shape;
  const DeviceArray<Float> hidden(Convert<Float>(p.hidden));
  const DeviceArray<Float> weight(Convert<Float>(p.weight));
  const DeviceArray<Float> dhidden(Convert<Float>(p.dhidden0));
  const DeviceArray<float> dweight(p.dweight0);
  const DeviceArray<int32_t> targets(p.targets);
  const DeviceArray<float> row_scales(p.row_scales);
  const std::size_t chunk =
      static_cast<std::size_t>(CrossEntropyChunkRows(T)) * V;
  const DeviceArray<float> logits(chunk);
  const DeviceArray<Float> dlogits(chunk);
  const DeviceArray<double> row_losses(T), loss(1), forward_loss(1);
  const CrossEntropyScratch<Float> scratch{logits.get(), dlogits.get(),
                                           row_losses.get()};
  const test_util::CublasHandle handle;
  const test_util::Stream stream;
  FusedCrossEntropyForward<Float>(forward_loss.get(), scratch, hidden.get(),
                                  weight.get(), targets.get(), T, C, V,
                                  handle.get(), stream.get());
  FusedCrossEntropyForwardBackward<Float>(
      loss.get(), dhidden.get(), dweight.get(), scratch, hidden.get(),
      weight.get(), targets.get(), T, C, V, p.grad_scale,
      p.row_scales.empty() ? nullptr : row_scales.get(), handle.get(),
      stream.get());
  stream.Synchronize();
  if (forward_only_loss != nullptr)
    *forward_only_loss = forward_loss.ToHost()[0];
  return {loss.ToHost()[0], ToFloats<Float>(dhidden.ToHost()),
          dweight.ToHost()};
}

template <typename Float>
class CrossEntropyCudaTest : public test_util::CudaTypedTest<Float> {};
TYPED_TEST_SUITE(CrossEntropyCudaTest, test_util::FloatTypes,
                 test_util::FloatTypeNames);

TYPED_TEST(CrossEntropyCudaTest, MatchesCpuForwardAndBackward) {
  using Float = TypeParam;
  // The last shape spans two chunks (1024 + 76 rows).
  for (const Shape shape :
       {Shape{5, 8, 11}, Shape{300, 64, 500}, Shape{1100, 32, 97}}) {
    SCOPED_TRACE("T=" + std::to_string(shape.T) + " C=" +
                 std::to_string(shape.C) + " V=" + std::to_string(shape.V));
    const Problem<Float> p(shape, /*seed=*/static_cast<unsigned>(shape.T));
    const Reference ref = CrossEntropyReference(p);
    const Outputs naive = RunNaive(p);
    double forward_only_loss = 0.0;
    const Outputs gpu = RunGpu(p, &forward_only_loss);
    ExpectWithinTolerance<Float>("loss", gpu.loss, naive.loss, ref.loss);
    ExpectWithinTolerance<Float>("dhidden", gpu.dhidden, naive.dhidden,
                                 ref.dhidden);
    ExpectWithinTolerance<Float>("dweight", gpu.dweight, naive.dweight,
                                 ref.dweight);
    // The loss kernel is the same with and without the backward.
    EXPECT_EQ(forward_only_loss, gpu.loss);
  }
}

// Several sequences in one call, each with its own loss weight.
TYPED_TEST(CrossEntropyCudaTest, RowScalesWeighEachRowsGradient) {
  using Float = TypeParam;
  Problem<Float> p({1100, 32, 97}, /*seed=*/4);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> scale(0.5f, 2.5f);
  for (std::size_t t = 0; t < p.targets.size(); ++t) {
    p.row_scales.push_back(scale(rng));
  }
  const Reference ref = CrossEntropyReference(p);
  const Outputs naive = RunNaive(p);
  const Outputs gpu = RunGpu(p);
  ExpectWithinTolerance<Float>("loss", gpu.loss, naive.loss, ref.loss);
  ExpectWithinTolerance<Float>("dhidden", gpu.dhidden, naive.dhidden,
                               ref.dhidden);
  ExpectWithinTolerance<Float>("dweight", gpu.dweight, naive.dweight,
                               ref.dweight);
}

TYPED_TEST(CrossEntropyCudaTest, RowsWithoutTargetsAddNothing) {
  Problem<TypeParam> p({70, 16, 33}, /*seed=*/6);
  std::fill(p.targets.begin(), p.targets.end(), -1);
  const Outputs gpu = RunGpu(p);
  EXPECT_EQ(gpu.loss, 0.0);
  EXPECT_TRUE(test_util::BitwiseEqual(gpu.dhidden, p.dhidden0));
  EXPECT_TRUE(test_util::BitwiseEqual(gpu.dweight, p.dweight0));
}

TYPED_TEST(CrossEntropyCudaTest, TwoRunsAreBitwiseIdentical) {
  const Problem<TypeParam> p({1500, 64, 300}, /*seed=*/12);
  const Outputs first = RunGpu(p);
  const Outputs second = RunGpu(p);
  EXPECT_TRUE(test_util::BitwiseEqual(std::vector<double>{first.loss},
                                      std::vector<double>{second.loss}));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dhidden, second.dhidden));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dweight, second.dweight));
}

}  // namespace
}  // namespace prolong::ops::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(CrossEntropyCudaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "ops/cuda kernels were not compiled";
}

#endif  // PROLONG_HAVE_CUDA
