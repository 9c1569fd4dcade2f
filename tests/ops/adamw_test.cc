#include "ops/adamw.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "tests/ops/gradient_check.h"

namespace prolong::ops {
namespace {

using testing::ExpectAllClose;
using testing::RandomFloats;

TEST(AdamWTest, ThreeStepsMatchFloat64Reference) {
  constexpr int n = 100;
  constexpr double lr = 0.01, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, wd = 0.1;
  std::vector<float> params = RandomFloats(n, 1);
  std::vector<float> m(n, 0.0f), v(n, 0.0f);
  std::vector<double> p_ref(params.begin(), params.end());
  std::vector<double> m_ref(n, 0.0), v_ref(n, 0.0);
  for (int step = 1; step <= 3; ++step) {
    const std::vector<float> grads = RandomFloats(n, 10 + step);
    AdamWUpdate(params.data(), grads.data(), m.data(), v.data(), n, lr, beta1,
                beta2, eps, wd, step);
    for (int i = 0; i < n; ++i) {
      m_ref[i] = beta1 * m_ref[i] + (1 - beta1) * grads[i];
      v_ref[i] = beta2 * v_ref[i] + (1 - beta2) * grads[i] * grads[i];
      const double m_hat = m_ref[i] / (1 - std::pow(beta1, step));
      const double v_hat = v_ref[i] / (1 - std::pow(beta2, step));
      p_ref[i] -= lr * (m_hat / (std::sqrt(v_hat) + eps) + wd * p_ref[i]);
    }
  }
  ExpectAllClose("m", m, m_ref, 1e-6, 1e-5);
  ExpectAllClose("v", v, v_ref, 1e-7, 1e-5);
  ExpectAllClose("params", params, p_ref, 1e-6, 1e-5);
}

TEST(AdamWTest, WeightDecayIsDecoupled) {
  // With zero gradients only the decay acts: p <- p - lr * wd * p.
  std::vector<float> params = {1.0f, -2.0f};
  const std::vector<float> grads = {0.0f, 0.0f};
  std::vector<float> m(2, 0.0f), v(2, 0.0f);
  AdamWUpdate(params.data(), grads.data(), m.data(), v.data(), 2, 0.5f, 0.9f,
              0.95f, 1e-8f, 0.1f, 1);
  EXPECT_FLOAT_EQ(params[0], 0.95f);
  EXPECT_FLOAT_EQ(params[1], -1.9f);
}

TEST(AdamWTest, FirstStepMovesByLearningRate) {
  // Bias correction makes the first update lr * sign(g) (eps aside).
  std::vector<float> params = {0.0f, 0.0f};
  const std::vector<float> grads = {3.0f, -1e-3f};
  std::vector<float> m(2, 0.0f), v(2, 0.0f);
  AdamWUpdate(params.data(), grads.data(), m.data(), v.data(), 2, 0.01f, 0.9f,
              0.95f, 1e-8f, 0.0f, 1);
  EXPECT_NEAR(params[0], -0.01f, 1e-6);
  EXPECT_NEAR(params[1], 0.01f, 1e-6);
}

}  // namespace
}  // namespace prolong::ops
