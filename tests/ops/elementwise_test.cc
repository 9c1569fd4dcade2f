// Embedding, RoPE, SwiGLU and RMSNorm against float64 references and
// float64 central differences.
#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "ops/embedding.h"
#include "ops/rmsnorm.h"
#include "ops/rope.h"
#include "ops/swiglu.h"
#include "tests/ops/gradient_check.h"

namespace prolong::ops {
namespace {

using testing::CentralDifferences;
using testing::ExpectAllClose;
using testing::RandomFloats;
using testing::SampleIndices;
using testing::ToDouble;

double WeightedSum(const std::vector<double>& values,
                   const std::vector<float>& weights) {
  double sum = 0.0;
  for (size_t i = 0; i < values.size(); ++i) sum += values[i] * weights[i];
  return sum;
}

std::vector<double> AllFiniteDifferences(
    const std::function<double(const std::vector<double>&)>& loss,
    const std::vector<double>& x) {
  return CentralDifferences(loss, x, SampleIndices(x.size(), x.size(), 0));
}

TEST(EmbeddingTest, GatherAndScatterAdd) {
  constexpr int T = 9, C = 70, V = 5;  // C crosses the column chunk
  const std::vector<int32_t> tokens = {3, 0, 3, 4, 3, 1, 0, 2, 3};
  const std::vector<float> table = RandomFloats(V * C, 1);
  std::vector<float> out(T * C);
  EmbeddingForward(out.data(), tokens.data(), table.data(), T, C);
  auto reference = [&](const std::vector<double>& tab) {
    std::vector<double> rows(T * C);
    for (int t = 0; t < T; ++t) {
      for (int c = 0; c < C; ++c) rows[t * C + c] = tab[tokens[t] * C + c];
    }
    return rows;
  };
  ExpectAllClose("out", out, reference(ToDouble(table)), 0.0, 0.0);
  const std::vector<float> dout = RandomFloats(T * C, 2);
  std::vector<float> dtable(V * C, 1.0f);
  EmbeddingBackward(dtable.data(), dout.data(), tokens.data(), T, C);
  std::vector<double> expected = AllFiniteDifferences(
      [&](const std::vector<double>& tab) {
        return WeightedSum(reference(tab), dout);
      },
      ToDouble(table));
  for (double& value : expected) value += 1.0;
  ExpectAllClose("dtable", dtable, expected, 1e-5, 1e-5);
}

constexpr int kT = 6, kH = 3, kHeadDim = 8;
constexpr double kTheta = 500.0;

// Hugging Face's rotate-half RoPE in float64.
std::vector<double> ReferenceRope(const std::vector<double>& x,
                                  const std::vector<int32_t>& positions) {
  std::vector<double> out(x.size());
  const int half = kHeadDim / 2;
  for (int t = 0; t < kT; ++t) {
    for (int h = 0; h < kH; ++h) {
      const int base = (t * kH + h) * kHeadDim;
      for (int i = 0; i < kHeadDim; ++i) {
        const int pair = i % half;
        const double angle =
            positions[t] * std::pow(kTheta, -2.0 * pair / kHeadDim);
        // rotate_half(x) = [-x2, x1]
        const double rotated =
            i < half ? -x[base + i + half] : x[base + i - half];
        out[base + i] =
            x[base + i] * std::cos(angle) + rotated * std::sin(angle);
      }
    }
  }
  return out;
}

TEST(RopeTest, ForwardAndBackwardMatchReference) {
  const int max_positions = 64;
  std::vector<float> cos(max_positions * kHeadDim / 2),
      sin(max_positions * kHeadDim / 2);
  RopeTables(cos.data(), sin.data(), max_positions, kHeadDim, kTheta);
  const std::vector<int32_t> positions = {0, 1, 2, 17, 40, 63};
  const std::vector<float> x = RandomFloats(kT * kH * kHeadDim, 3);
  std::vector<float> rotated = x;
  RopeForward(rotated.data(), cos.data(), sin.data(), positions.data(), kT, kH,
              kHeadDim);
  ExpectAllClose("rotated", rotated, ReferenceRope(ToDouble(x), positions),
                 1e-6, 1e-6);
  // Position 0 is the identity.
  for (int i = 0; i < kH * kHeadDim; ++i) EXPECT_EQ(rotated[i], x[i]);

  const std::vector<float> dout = RandomFloats(x.size(), 4);
  std::vector<float> dx = dout;
  RopeBackward(dx.data(), cos.data(), sin.data(), positions.data(), kT, kH,
               kHeadDim);
  ExpectAllClose("dx", dx,
                 AllFiniteDifferences(
                     [&](const std::vector<double>& v) {
                       return WeightedSum(ReferenceRope(v, positions), dout);
                     },
                     ToDouble(x)),
                 1e-6, 1e-5);
}

TEST(SwiGluTest, ForwardAndBackwardMatchReference) {
  constexpr int n = 50;
  const std::vector<float> gate = RandomFloats(n, 5, 4.0f);
  const std::vector<float> up = RandomFloats(n, 6, 2.0f);
  std::vector<float> out(n);
  SwiGluForward(out.data(), gate.data(), up.data(), n);
  auto reference = [](const std::vector<double>& g,
                      const std::vector<double>& u) {
    std::vector<double> result(g.size());
    for (size_t i = 0; i < g.size(); ++i) {
      result[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
    }
    return result;
  };
  const std::vector<double> g = ToDouble(gate), u = ToDouble(up);
  ExpectAllClose("out", out, reference(g, u), 1e-6, 1e-5);
  const std::vector<float> dout = RandomFloats(n, 7);
  std::vector<float> dgate(n, 0.0f), dup(n, 0.0f);
  SwiGluBackward(dgate.data(), dup.data(), dout.data(), gate.data(), up.data(),
                 n);
  ExpectAllClose("dgate", dgate,
                 AllFiniteDifferences(
                     [&](const std::vector<double>& x) {
                       return WeightedSum(reference(x, u), dout);
                     },
                     g),
                 1e-5, 1e-4);
  ExpectAllClose("dup", dup,
                 AllFiniteDifferences(
                     [&](const std::vector<double>& x) {
                       return WeightedSum(reference(g, x), dout);
                     },
                     u),
                 1e-5, 1e-4);
}

// Gates far out in both tails (sigmoid's power is capped at 2^126) stay
// finite and close to float64; an element's result does not depend on where
// it sits (vector body or padded tail) or on n.
TEST(SwiGluTest, ExtremeGatesAndAnyPosition) {
  const std::vector<float> extremes = {-1e4f,  -200.0f, -88.0f, -87.0f, -30.0f,
                                       -1e-3f, 0.0f,    1e-3f,  30.0f,  88.0f,
                                       200.0f, 1e4f,    -0.5f};
  const int n = extremes.size();
  const std::vector<float> up(n, 1.5f), dout(n, -0.75f);
  std::vector<float> out(n), dgate(n, 0.0f), dup(n, 0.0f);
  SwiGluForward(out.data(), extremes.data(), up.data(), n);
  SwiGluBackward(dgate.data(), dup.data(), dout.data(), extremes.data(),
                 up.data(), n);
  for (int i = 0; i < n; ++i) {
    const double x = extremes[i];
    const double sigmoid = 1.0 / (1.0 + std::exp(-x));
    const double silu = x * sigmoid;
    const double dsilu = sigmoid * (1.0 + x * (1.0 - sigmoid));
    // Relative error only: the tails' values are tiny, not zero.
    auto tolerance = [](double value) {
      return 1e-30 + 1e-5 * std::abs(value);
    };
    EXPECT_NEAR(out[i], silu * 1.5, tolerance(silu * 1.5)) << x;
    EXPECT_NEAR(dgate[i], -0.75 * 1.5 * dsilu, tolerance(1.125 * dsilu)) << x;
    EXPECT_NEAR(dup[i], -0.75 * silu, tolerance(0.75 * silu)) << x;
  }
  for (int shift = 1; shift < 9; ++shift) {
    std::vector<float> gate(shift, 0.25f);
    gate.insert(gate.end(), extremes.begin(), extremes.end());
    const std::vector<float> shifted_up(gate.size(), 1.5f);
    std::vector<float> shifted_out(gate.size());
    SwiGluForward(shifted_out.data(), gate.data(), shifted_up.data(),
                  gate.size());
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(shifted_out[shift + i], out[i]) << "shift " << shift;
    }
  }
}

TEST(RmsNormTest, ForwardAndBackwardMatchReference) {
  constexpr int N = 5, C = 70;  // C crosses the column chunk
  constexpr float kEps = 1e-5f;
  const std::vector<float> inp = RandomFloats(N * C, 8, 2.0f);
  const std::vector<float> weight = RandomFloats(C, 9);
  auto reference = [&](const std::vector<double>& x,
                       const std::vector<double>& w) {
    std::vector<double> out(N * C);
    for (int n = 0; n < N; ++n) {
      double sum_sq = 0.0;
      for (int c = 0; c < C; ++c) sum_sq += x[n * C + c] * x[n * C + c];
      const double r = 1.0 / std::sqrt(sum_sq / C + kEps);
      for (int c = 0; c < C; ++c) out[n * C + c] = x[n * C + c] * r * w[c];
    }
    return out;
  };
  std::vector<float> out(N * C), rstd(N);
  RmsNormForward(out.data(), rstd.data(), inp.data(), weight.data(), N, C,
                 kEps);
  const std::vector<double> x = ToDouble(inp), w = ToDouble(weight);
  ExpectAllClose("out", out, reference(x, w), 1e-5, 1e-5);
  const std::vector<float> dout = RandomFloats(N * C, 10);
  std::vector<float> dinp(N * C, 0.0f), dweight(C, 0.0f);
  RmsNormBackward(dinp.data(), dweight.data(), dout.data(), inp.data(),
                  weight.data(), rstd.data(), N, C);
  ExpectAllClose("dinp", dinp,
                 AllFiniteDifferences(
                     [&](const std::vector<double>& v) {
                       return WeightedSum(reference(v, w), dout);
                     },
                     x),
                 1e-5, 1e-4);
  ExpectAllClose("dweight", dweight,
                 AllFiniteDifferences(
                     [&](const std::vector<double>& v) {
                       return WeightedSum(reference(x, v), dout);
                     },
                     w),
                 1e-5, 1e-4);
}

}  // namespace
}  // namespace prolong::ops
