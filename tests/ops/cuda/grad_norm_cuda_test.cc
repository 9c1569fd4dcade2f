// ops/cuda/grad_norm.cu: the global norm against a long-double reference
// (squares of floats are exact in double, so only the summation order
// differs), clipping exactly as the CPU trainer clips, non-finite gradients,
// and run-to-run determinism.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "ops/cuda/grad_norm.h"
#include "tests/ops/cuda/cuda_test_util.h"

namespace prolong::ops::cuda {
namespace {

using test_util::DeviceArray;

// Relative error allowed on the norm: summation error of n <= 3M doubles.
constexpr double kRelativeTolerance = 1e-9;

double GpuNorm(const std::vector<float>& grads) {
  const DeviceArray<float> device_grads(grads);
  const DeviceArray<double> norm(1), partials(kGradNormBlocks);
  const test_util::Stream stream;
  GlobalGradNorm(norm.get(), partials.get(), device_grads.get(),
                 static_cast<int64_t>(grads.size()), stream.get());
  stream.Synchronize();
  return norm.ToHost()[0];
}

// Returns the clipped gradients; *norm receives the GPU's norm.
std::vector<float> GpuClip(const std::vector<float>& grads, double max_norm,
                           double* norm) {
  const DeviceArray<float> device_grads(grads);
  const DeviceArray<double> device_norm(1), partials(kGradNormBlocks);
  const test_util::Stream stream;
  const int64_t n = static_cast<int64_t>(grads.size());
  GlobalGradNorm(device_norm.get(), partials.get(), device_grads.get(), n,
                 stream.get());
  ClipGradNorm(device_grads.get(), n, device_norm.get(), max_norm,
               stream.get());
  stream.Synchronize();
  *norm = device_norm.ToHost()[0];
  return device_grads.ToHost();
}

double ReferenceNorm(const std::vector<float>& grads) {
  long double sum = 0.0L;
  for (float g : grads) sum += static_cast<long double>(g) * g;
  return static_cast<double>(std::sqrt(sum));
}

std::vector<float> Gradients(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  return test_util::RandomVector(n, 0.0f, 0.01f, &rng);
}

class GradNormCudaTest : public test_util::CudaTest {};

TEST_F(GradNormCudaTest, MatchesReference) {
  // n = 0, below one block, below and past one grid stride (512 * 256).
  for (const std::size_t n : {0, 1, 1000, 131072, 131073, 3000001}) {
    SCOPED_TRACE("n=" + std::to_string(n));
    const std::vector<float> grads = Gradients(n, static_cast<unsigned>(n));
    const double want = ReferenceNorm(grads);
    EXPECT_NEAR(GpuNorm(grads), want, kRelativeTolerance * want);
  }
}

TEST_F(GradNormCudaTest, ClipsAsTheCpuTrainer) {
  const std::vector<float> grads = Gradients(200000, 1);
  double norm = 0.0;
  // max_norm below the norm: scaled by float(max_norm / norm).
  const double max_norm = ReferenceNorm(grads) / 3.0;
  const std::vector<float> clipped = GpuClip(grads, max_norm, &norm);
  const float scale = static_cast<float>(max_norm / norm);
  std::vector<float> want = grads;
  for (float& g : want) g *= scale;
  EXPECT_TRUE(test_util::BitwiseEqual(clipped, want));
  // max_norm above the norm, or 0 (no clipping): unchanged.
  EXPECT_TRUE(
      test_util::BitwiseEqual(GpuClip(grads, 3.0 * norm, &norm), grads));
  EXPECT_TRUE(test_util::BitwiseEqual(GpuClip(grads, 0.0, &norm), grads));
}

TEST_F(GradNormCudaTest, NonFiniteGradientGivesNonFiniteNorm) {
  std::vector<float> grads = Gradients(10000, 2);
  grads[777] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(std::isfinite(GpuNorm(grads)));
  grads[777] = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(std::isfinite(GpuNorm(grads)));
}

TEST_F(GradNormCudaTest, TwoRunsAreBitwiseIdentical) {
  const std::vector<float> grads = Gradients(3000001, 3);
  const double first = GpuNorm(grads);
  const double second = GpuNorm(grads);
  EXPECT_TRUE(test_util::BitwiseEqual(std::vector<double>{first},
                                      std::vector<double>{second}));
}

}  // namespace
}  // namespace prolong::ops::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(GradNormCudaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "ops/cuda kernels were not compiled";
}

#endif  // PROLONG_HAVE_CUDA
