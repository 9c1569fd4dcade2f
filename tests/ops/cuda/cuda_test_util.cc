#ifdef PROLONG_HAVE_CUDA

#include "tests/ops/cuda/cuda_test_util.h"

#include <cmath>

#include "ops/cuda/matmul.h"

namespace prolong::ops::cuda::test_util {

void CudaTest::SetUp() {
  std::string why;
  if (!CudaDeviceAvailable(&why)) GTEST_SKIP() << why;
}

CublasHandle::CublasHandle() { CUBLAS_CHECK(cublasCreate(&handle_)); }
CublasHandle::~CublasHandle() { cublasDestroy(handle_); }

Stream::Stream() { CUDA_CHECK(cudaStreamCreate(&stream_)); }
Stream::~Stream() { cudaStreamDestroy(stream_); }
void Stream::Synchronize() const { CUDA_CHECK(cudaStreamSynchronize(stream_)); }

std::vector<float> RandomVector(std::size_t size, float mean, float stddev,
                                std::mt19937* rng) {
  std::normal_distribution<float> dist(mean, stddev);
  std::vector<float> v(size);
  for (float& x : v) x = dist(*rng);
  return v;
}

template <typename Float>
std::vector<float> RoundTo(const std::vector<float>& x) {
  return ToFloats<Float>(Convert<Float>(x));
}

template <typename Float>
std::vector<Float> Convert(const std::vector<float>& x) {
  std::vector<Float> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if constexpr (std::is_same_v<Float, float>) {
      out[i] = x[i];
    } else {
      out[i] = __float2bfloat16_rn(x[i]);
    }
  }
  return out;
}

template <typename Float>
std::vector<float> ToFloats(const std::vector<Float>& x) {
  std::vector<float> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if constexpr (std::is_same_v<Float, float>) {
      out[i] = x[i];
    } else {
      out[i] = __bfloat162float(x[i]);
    }
  }
  return out;
}

namespace {

double MaxAbs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

// NaN (as an error) where got is NaN and want is not.
double MaxAbsError(const std::vector<float>& got,
                   const std::vector<double>& want) {
  double err = 0.0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double e = std::abs(got[i] - want[i]);
    if (std::isnan(e)) return e;
    err = std::max(err, e);
  }
  return err;
}

}  // namespace

template <typename Float>
void ExpectWithinTolerance(const std::string& name,
                           const std::vector<float>& gpu,
                           const std::vector<float>& naive,
                           const std::vector<double>& ref) {
  ASSERT_EQ(gpu.size(), ref.size()) << name;
  ASSERT_EQ(naive.size(), ref.size()) << name;
  const double gpu_err = MaxAbsError(gpu, ref);
  const double naive_err = MaxAbsError(naive, ref);
  const double floor = FloorFraction<Float>() * MaxAbs(ref);
  EXPECT_LE(gpu_err, kErrorFactor * naive_err + floor)
      << name << ": GPU max error " << gpu_err << ", naive max error "
      << naive_err << ", floor " << floor;
}

template <typename Float>
void ExpectWithinTolerance(const std::string& name, double gpu, double naive,
                           double ref) {
  const double gpu_err = std::abs(gpu - ref);
  const double naive_err = std::abs(naive - ref);
  const double floor = FloorFraction<Float>() * std::abs(ref);
  EXPECT_LE(gpu_err, kErrorFactor * naive_err + floor)
      << name << ": GPU " << gpu << ", naive " << naive << ", reference "
      << ref;
}

template std::vector<float> RoundTo<float>(const std::vector<float>&);
template std::vector<float> RoundTo<bf16>(const std::vector<float>&);
template std::vector<float> Convert<float>(const std::vector<float>&);
template std::vector<bf16> Convert<bf16>(const std::vector<float>&);
template std::vector<float> ToFloats<float>(const std::vector<float>&);
template std::vector<float> ToFloats<bf16>(const std::vector<bf16>&);
template void ExpectWithinTolerance<float>(const std::string&,
                                           const std::vector<float>&,
                                           const std::vector<float>&,
                                           const std::vector<double>&);
template void ExpectWithinTolerance<bf16>(const std::string&,
                                          const std::vector<float>&,
                                          const std::vector<float>&,
                                          const std::vector<double>&);
template void ExpectWithinTolerance<float>(const std::string&, double, double,
                                           double);
template void ExpectWithinTolerance<bf16>(const std::string&, double, double,
                                          double);

}  // namespace prolong::ops::cuda::test_util

#endif  // PROLONG_HAVE_CUDA
