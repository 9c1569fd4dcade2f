#include "ops/cross_entropy.h"

#include <cmath>
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

// 300 rows: more than one 256-row chunk even after ignored rows are dropped.
constexpr int T = 300, C = 6, V = 11;

std::vector<int32_t> Targets() {
  std::vector<int32_t> targets(T);
  for (int t = 0; t < T; ++t) targets[t] = t % 7 == 3 ? -1 : (t * 5) % V;
  return targets;
}

// Sum over target rows of -log softmax(hidden · weight^T)[target], float64.
double ReferenceLoss(const std::vector<double>& hidden,
                     const std::vector<double>& weight,
                     const std::vector<int32_t>& targets) {
  double loss = 0.0;
  std::vector<double> logits(V);
  for (int t = 0; t < T; ++t) {
    if (targets[t] < 0) continue;
    double max_logit = -INFINITY;
    for (int v = 0; v < V; ++v) {
      logits[v] = 0.0;
      for (int c = 0; c < C; ++c)
        logits[v] += hidden[t * C + c] * weight[v * C + c];
      max_logit = std::max(max_logit, logits[v]);
    }
    double sum = 0.0;
    for (int v = 0; v < V; ++v) sum += std::exp(logits[v] - max_logit);
    loss += max_logit + std::log(sum) - logits[targets[t]];
  }
  return loss;
}

TEST(CrossEntropyTest, LossAndGradientsMatchReference) {
  const std::vector<int32_t> targets = Targets();
  const std::vector<float> hidden = RandomFloats(T * C, 1, 2.0f);
  const std::vector<float> weight = RandomFloats(V * C, 2, 2.0f);
  const std::vector<double> h = ToDouble(hidden), w = ToDouble(weight);
  const double expected_loss = ReferenceLoss(h, w, targets);
  EXPECT_NEAR(FusedCrossEntropyForward(hidden.data(), weight.data(),
                                       targets.data(), T, C, V),
              expected_loss, 1e-6 * std::abs(expected_loss));

  constexpr float kScale = 0.7f, kPrior = 0.125f;
  std::vector<float> dhidden(T * C, kPrior), dweight(V * C, kPrior);
  const double loss = FusedCrossEntropyForwardBackward(
      dhidden.data(), dweight.data(), hidden.data(), weight.data(),
      targets.data(), T, C, V, kScale);
  EXPECT_NEAR(loss, expected_loss, 1e-6 * std::abs(expected_loss));

  const std::vector<int64_t> hidden_indices = SampleIndices(T * C, 200, 3);
  std::vector<double> expected = CentralDifferences(
      [&](const std::vector<double>& x) {
        return kScale * ReferenceLoss(x, w, targets);
      },
      h, hidden_indices);
  for (double& value : expected) value += kPrior;
  ExpectClose("dhidden", dhidden, expected, hidden_indices, 1e-5, 1e-4);

  expected = CentralDifferences(
      [&](const std::vector<double>& x) {
        return kScale * ReferenceLoss(h, x, targets);
      },
      w, SampleIndices(V * C, V * C, 0));
  for (double& value : expected) value += kPrior;
  ExpectAllClose("dweight", dweight, expected, 1e-4, 1e-4);

  // Rows without a target receive no gradient.
  for (int t = 0; t < T; ++t) {
    if (targets[t] >= 0) continue;
    for (int c = 0; c < C; ++c) EXPECT_EQ(dhidden[t * C + c], kPrior);
  }
}

TEST(CrossEntropyTest, NoTargetsGivesZero) {
  const std::vector<int32_t> targets(4, -1);
  const std::vector<float> hidden = RandomFloats(4 * C, 4);
  const std::vector<float> weight = RandomFloats(V * C, 5);
  std::vector<float> dhidden(4 * C, 0.0f), dweight(V * C, 0.0f);
  EXPECT_EQ(FusedCrossEntropyForwardBackward(dhidden.data(), dweight.data(),
                                             hidden.data(), weight.data(),
                                             targets.data(), 4, C, V, 1.0f),
            0.0);
  EXPECT_EQ(dhidden, std::vector<float>(4 * C, 0.0f));
  EXPECT_EQ(dweight, std::vector<float>(V * C, 0.0f));
}

}  // namespace
}  // namespace prolong::ops
