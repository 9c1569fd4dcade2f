#include "tests/ops/gradient_check.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "data/rng.h"
#include "gtest/gtest.h"

namespace prolong::testing {

std::vector<float> RandomFloats(int64_t n, uint64_t seed, float scale) {
  data::Rng rng(seed, /*stream=*/0);
  std::vector<float> values(n);
  for (float& value : values) {
    value = static_cast<float>((2.0 * rng.Uniform() - 1.0) * scale);
  }
  return values;
}

std::vector<double> ToDouble(const std::vector<float>& values) {
  return std::vector<double>(values.begin(), values.end());
}

double CentralDifference(
    const std::function<double(const std::vector<double>&)>& loss,
    std::vector<double> x, int64_t i, double eps) {
  const double original = x[i];
  x[i] = original + eps;
  const double plus = loss(x);
  x[i] = original - eps;
  const double minus = loss(x);
  return (plus - minus) / (2.0 * eps);
}

std::vector<double> CentralDifferences(
    const std::function<double(const std::vector<double>&)>& loss,
    const std::vector<double>& x, const std::vector<int64_t>& indices,
    double eps) {
  std::vector<double> gradient(x.size(), 0.0);
  for (int64_t i : indices) gradient[i] = CentralDifference(loss, x, i, eps);
  return gradient;
}

std::vector<int64_t> SampleIndices(int64_t n, int64_t count, uint64_t seed) {
  std::vector<int64_t> indices(n);
  std::iota(indices.begin(), indices.end(), 0);
  if (count >= n) return indices;
  data::Rng rng(seed, /*stream=*/1);
  rng.Shuffle(&indices);
  indices.resize(count);
  std::sort(indices.begin(), indices.end());
  return indices;
}

void ExpectClose(const std::string& what, const std::vector<float>& actual,
                 const std::vector<double>& expected,
                 const std::vector<int64_t>& indices, double atol,
                 double rtol) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  int failures = 0;
  for (int64_t i : indices) {
    const double error = std::abs(actual[i] - expected[i]);
    if (error <= atol + rtol * std::abs(expected[i])) continue;
    if (++failures <= 5) {
      ADD_FAILURE() << what << "[" << i << "] = " << actual[i] << ", expected "
                    << expected[i] << " (error " << error << ")";
    }
  }
  EXPECT_EQ(failures, 0) << what << ": " << failures << " of " << indices.size()
                         << " values out of tolerance";
}

void ExpectAllClose(const std::string& what, const std::vector<float>& actual,
                    const std::vector<double>& expected, double atol,
                    double rtol) {
  ExpectClose(what, actual, expected,
              SampleIndices(static_cast<int64_t>(expected.size()),
                            static_cast<int64_t>(expected.size()), 0),
              atol, rtol);
}

}  // namespace prolong::testing
