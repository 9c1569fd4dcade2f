#include "ops/matmul.h"

#include <omp.h>

#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "tests/ops/gradient_check.h"

namespace prolong::ops {
namespace {

using testing::CentralDifferences;
using testing::ExpectAllClose;
using testing::ExpectClose;
using testing::RandomFloats;
using testing::SampleIndices;
using testing::ToDouble;

// out (N, OC) = inp (N, C) · weight (OC, C)^T in float64.
std::vector<double> ReferenceMatmul(const std::vector<double>& inp,
                                    const std::vector<double>& weight, int N,
                                    int C, int OC) {
  std::vector<double> out(static_cast<size_t>(N) * OC, 0.0);
  for (int n = 0; n < N; ++n) {
    for (int o = 0; o < OC; ++o) {
      for (int c = 0; c < C; ++c) {
        out[n * OC + o] += inp[n * C + c] * weight[o * C + c];
      }
    }
  }
  return out;
}

// Shapes that cross the 6 x 16 micro-tiles, the 24 x 64 tiles and the
// 256-long depth blocks, none of them a multiple.
constexpr int N = 70, C = 300, OC = 260;

TEST(MatmulTest, ForwardMatchesReference) {
  const std::vector<float> inp = RandomFloats(N * C, 1);
  const std::vector<float> weight = RandomFloats(OC * C, 2);
  std::vector<float> out(N * OC, -7.0f);  // overwritten
  MatmulForward(out.data(), inp.data(), weight.data(), N, C, OC);
  ExpectAllClose("out", out,
                 ReferenceMatmul(ToDouble(inp), ToDouble(weight), N, C, OC),
                 1e-4, 1e-5);
}

TEST(MatmulTest, BackwardMatchesFiniteDifferencesAndAccumulates) {
  const std::vector<float> inp = RandomFloats(N * C, 3);
  const std::vector<float> weight = RandomFloats(OC * C, 4);
  const std::vector<float> dout = RandomFloats(N * OC, 5);
  constexpr float kPrior = 0.5f;
  std::vector<float> dinp(N * C, kPrior), dweight(OC * C, kPrior);
  MatmulBackward(dinp.data(), dweight.data(), dout.data(), inp.data(),
                 weight.data(), N, C, OC);
  const std::vector<double> x = ToDouble(inp), w = ToDouble(weight);
  auto loss = [&](const std::vector<double>& a, const std::vector<double>& b) {
    const std::vector<double> out = ReferenceMatmul(a, b, N, C, OC);
    double sum = 0.0;
    for (size_t i = 0; i < out.size(); ++i) sum += out[i] * dout[i];
    return sum;
  };
  const std::vector<int64_t> inp_indices = SampleIndices(N * C, 30, 1);
  std::vector<double> expected = CentralDifferences(
      [&](const std::vector<double>& a) { return loss(a, w); }, x, inp_indices);
  for (double& value : expected) value += kPrior;
  ExpectClose("dinp", dinp, expected, inp_indices, 1e-4, 1e-4);
  const std::vector<int64_t> weight_indices = SampleIndices(OC * C, 30, 2);
  expected = CentralDifferences(
      [&](const std::vector<double>& b) { return loss(x, b); }, w,
      weight_indices);
  for (double& value : expected) value += kPrior;
  ExpectClose("dweight", dweight, expected, weight_indices, 1e-4, 1e-4);
}

TEST(MatmulTest, NullGradientIsSkipped) {
  const std::vector<float> inp = RandomFloats(N * C, 6);
  const std::vector<float> weight = RandomFloats(OC * C, 7);
  const std::vector<float> dout = RandomFloats(N * OC, 8);
  std::vector<float> dinp(N * C, 0.0f), dweight(OC * C, 0.0f);
  MatmulBackward(dinp.data(), nullptr, dout.data(), inp.data(), weight.data(),
                 N, C, OC);
  MatmulBackward(nullptr, dweight.data(), dout.data(), inp.data(),
                 weight.data(), N, C, OC);
  std::vector<float> dinp_both(N * C, 0.0f), dweight_both(OC * C, 0.0f);
  MatmulBackward(dinp_both.data(), dweight_both.data(), dout.data(), inp.data(),
                 weight.data(), N, C, OC);
  EXPECT_EQ(dinp, dinp_both);
  EXPECT_EQ(dweight, dweight_both);
}

// Shapes (N, C, OC): fewer rows than a micro-tile, fewer columns than a
// micro-tile, several depth blocks, dweight over several chunks of rows,
// and the tests' common shape (several tiles each way).
struct Shape {
  int n, c, oc;
};
constexpr Shape kShapes[] = {{1, 5, 7},     {5, 17, 3},    {7, 33, 29},
                             {25, 530, 70}, {600, 20, 13}, {6, 16, 16},
                             {N, C, OC}};

TEST(MatmulTest, RaggedShapesMatchReference) {
  for (const Shape& s : kShapes) {
    SCOPED_TRACE(::testing::Message() << s.n << " x " << s.c << " x " << s.oc);
    const std::vector<float> inp = RandomFloats(s.n * s.c, 12);
    const std::vector<float> weight = RandomFloats(s.oc * s.c, 13);
    const std::vector<float> dout = RandomFloats(s.n * s.oc, 14);
    std::vector<float> out(s.n * s.oc, -7.0f);  // overwritten
    MatmulForward(out.data(), inp.data(), weight.data(), s.n, s.c, s.oc);
    ExpectAllClose(
        "out", out,
        ReferenceMatmul(ToDouble(inp), ToDouble(weight), s.n, s.c, s.oc), 1e-4,
        1e-5);
    constexpr float kPrior = 0.5f;
    std::vector<float> dinp(s.n * s.c, kPrior), dweight(s.oc * s.c, kPrior);
    MatmulBackward(dinp.data(), dweight.data(), dout.data(), inp.data(),
                   weight.data(), s.n, s.c, s.oc);
    // dinp (N, C) = prior + dout (N, OC) · weight (OC, C),
    // dweight (OC, C) = prior + dout^T (OC, N) · inp (N, C).
    std::vector<double> expected_dinp(dinp.size(), kPrior);
    std::vector<double> expected_dweight(dweight.size(), kPrior);
    for (int n = 0; n < s.n; ++n) {
      for (int o = 0; o < s.oc; ++o) {
        const double g = dout[n * s.oc + o];
        for (int c = 0; c < s.c; ++c) {
          expected_dinp[n * s.c + c] += g * weight[o * s.c + c];
          expected_dweight[o * s.c + c] += g * inp[n * s.c + c];
        }
      }
    }
    ExpectAllClose("dinp", dinp, expected_dinp, 1e-4, 1e-5);
    ExpectAllClose("dweight", dweight, expected_dweight, 1e-4, 1e-5);
  }
}

TEST(MatmulTest, ByteIdenticalForAnyThreadCount) {
  for (const Shape& s : kShapes) {
    SCOPED_TRACE(::testing::Message() << s.n << " x " << s.c << " x " << s.oc);
    const std::vector<float> inp = RandomFloats(s.n * s.c, 15);
    const std::vector<float> weight = RandomFloats(s.oc * s.c, 16);
    const std::vector<float> dout = RandomFloats(s.n * s.oc, 17);
    const int out_size = s.n * s.oc, dinp_size = s.n * s.c;
    auto run = [&](int threads) {
      omp_set_num_threads(threads);
      std::vector<float> all(out_size + dinp_size + s.oc * s.c, 0.25f);
      MatmulForward(all.data(), inp.data(), weight.data(), s.n, s.c, s.oc);
      MatmulBackward(all.data() + out_size, all.data() + out_size + dinp_size,
                     dout.data(), inp.data(), weight.data(), s.n, s.c, s.oc);
      return all;
    };
    const std::vector<float> one = run(1), two = run(2), three = run(3);
    EXPECT_EQ(0, std::memcmp(one.data(), two.data(), one.size() * 4));
    EXPECT_EQ(0, std::memcmp(one.data(), three.data(), one.size() * 4));
  }
}

}  // namespace
}  // namespace prolong::ops
