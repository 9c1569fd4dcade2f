// Helpers for checking fp32 ops against float64 references: random inputs,
// central finite differences, and closeness with a readable failure.
#ifndef PROLONG_TESTS_OPS_GRADIENT_CHECK_H_
#define PROLONG_TESTS_OPS_GRADIENT_CHECK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace prolong::testing {

// n values uniform in [-scale, scale), a pure function of seed.
std::vector<float> RandomFloats(int64_t n, uint64_t seed, float scale = 1.0f);
std::vector<double> ToDouble(const std::vector<float>& values);

// d loss / d x[i] by central differences of the float64 `loss`, evaluated
// at x with x[i] moved by +-eps.
double CentralDifference(
    const std::function<double(const std::vector<double>&)>& loss,
    std::vector<double> x, int64_t i, double eps = 1e-6);

// The same for every index in `indices`.
std::vector<double> CentralDifferences(
    const std::function<double(const std::vector<double>&)>& loss,
    const std::vector<double>& x, const std::vector<int64_t>& indices,
    double eps = 1e-6);

// All indices of an n-element tensor, or `count` distinct ones drawn with
// `seed` when n is larger.
std::vector<int64_t> SampleIndices(int64_t n, int64_t count, uint64_t seed);

// EXPECTs |actual[i] - expected[i]| <= atol + rtol * |expected[i]| for every
// i in `indices`, reporting at most a few failures by name.
void ExpectClose(const std::string& what, const std::vector<float>& actual,
                 const std::vector<double>& expected,
                 const std::vector<int64_t>& indices, double atol, double rtol);
// ... for every index.
void ExpectAllClose(const std::string& what, const std::vector<float>& actual,
                    const std::vector<double>& expected, double atol,
                    double rtol);

}  // namespace prolong::testing

#endif  // PROLONG_TESTS_OPS_GRADIENT_CHECK_H_
