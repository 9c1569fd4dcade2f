// Parity of ops/cuda/rmsnorm.cu with the CPU op, and run-to-run determinism.
// Tolerance follows FlashAttention's rule: the GPU's max error against a
// float64 reference may be at most kErrorFactor times the max error of a naive
// fp32 implementation (the CPU op) against that reference, plus a tiny floor
// of kFloorUlps fp32 ulps of the tensor's largest reference magnitude.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ops/cuda/cuda_check.h"
#include "ops/cuda/rmsnorm.h"
#include "ops/rmsnorm.h"

namespace prolong::ops::cuda {
namespace {

constexpr float kEps = 1e-5f;
constexpr double kErrorFactor = 2.0;
constexpr double kFloorUlps = 8.0;

std::vector<float> RandomVector(std::size_t size, float mean, float stddev,
                                std::mt19937* rng) {
  std::normal_distribution<float> dist(mean, stddev);
  std::vector<float> v(size);
  for (float& x : v) x = dist(*rng);
  return v;
}

// Float64 reference: the same math as ops/rmsnorm.cc, in double throughout.
struct Reference {
  std::vector<double> out, rstd, dinp, dweight;
};

Reference RmsNormReference(const std::vector<float>& inp,
                           const std::vector<float>& weight,
                           const std::vector<float>& dout,
                           const std::vector<float>& dinp0,
                           const std::vector<float>& dweight0, int N, int C) {
  Reference ref;
  ref.out.resize(static_cast<std::size_t>(N) * C);
  ref.rstd.resize(N);
  ref.dinp.assign(dinp0.begin(), dinp0.end());
  ref.dweight.assign(dweight0.begin(), dweight0.end());
  for (int n = 0; n < N; ++n) {
    const std::size_t row = static_cast<std::size_t>(n) * C;
    double sum_sq = 0.0;
    for (int c = 0; c < C; ++c) sum_sq += double{inp[row + c]} * inp[row + c];
    const double r = 1.0 / std::sqrt(sum_sq / C + kEps);
    ref.rstd[n] = r;
    double dot = 0.0;
    for (int c = 0; c < C; ++c) {
      ref.out[row + c] = inp[row + c] * r * weight[c];
      dot += double{dout[row + c]} * weight[c] * inp[row + c] * r;
    }
    const double mean_dot = dot / C;
    for (int c = 0; c < C; ++c) {
      const double xhat = inp[row + c] * r;
      ref.dweight[c] += dout[row + c] * xhat;
      ref.dinp[row + c] +=
          r * (double{dout[row + c]} * weight[c] - xhat * mean_dot);
    }
  }
  return ref;
}

double MaxAbs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

double MaxAbsError(const std::vector<float>& got,
                   const std::vector<double>& want) {
  double err = 0.0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    err = std::max(err, std::abs(got[i] - want[i]));
  }
  return err;
}

// Owns a device buffer of floats; copies in from / out to host vectors.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t size) : size_(size) {
    CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_),
                          std::max<std::size_t>(size, 1) * sizeof(float)));
  }
  explicit DeviceBuffer(const std::vector<float>& host)
      : DeviceBuffer(host.size()) {
    CUDA_CHECK(cudaMemcpy(data_, host.data(), size_ * sizeof(float),
                          cudaMemcpyHostToDevice));
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { cudaFree(data_); }

  float* get() const { return data_; }
  std::vector<float> ToHost() const {
    std::vector<float> host(size_);
    CUDA_CHECK(cudaMemcpy(host.data(), data_, size_ * sizeof(float),
                          cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  float* data_ = nullptr;
  std::size_t size_;
};

// Inputs of one forward + backward, and the accumulators' initial values.
struct Problem {
  Problem(int n, int c, unsigned seed) : N(n), C(c) {
    std::mt19937 rng(seed);
    const std::size_t size = static_cast<std::size_t>(N) * C;
    inp = RandomVector(size, 0.0f, 1.0f, &rng);
    weight = RandomVector(C, 1.0f, 0.1f, &rng);
    dout = RandomVector(size, 0.0f, 1.0f, &rng);
    dinp0 = RandomVector(size, 0.0f, 1.0f, &rng);
    dweight0 = RandomVector(C, 0.0f, 1.0f, &rng);
  }
  int N, C;
  std::vector<float> inp, weight, dout, dinp0, dweight0;
};

struct Outputs {
  std::vector<float> out, rstd, dinp, dweight;
};

Outputs RunCpu(const Problem& p) {
  Outputs o{std::vector<float>(p.inp.size()), std::vector<float>(p.N), p.dinp0,
            p.dweight0};
  ops::RmsNormForward(o.out.data(), o.rstd.data(), p.inp.data(),
                      p.weight.data(), p.N, p.C, kEps);
  ops::RmsNormBackward(o.dinp.data(), o.dweight.data(), p.dout.data(),
                       p.inp.data(), p.weight.data(), o.rstd.data(), p.N, p.C);
  return o;
}

Outputs RunGpu(const Problem& p) {
  const DeviceBuffer inp(p.inp), weight(p.weight), dout(p.dout);
  const DeviceBuffer dinp(p.dinp0), dweight(p.dweight0);
  const DeviceBuffer out(p.inp.size()), rstd(p.N);
  const DeviceBuffer scratch(RmsNormBackwardScratchFloats(p.N, p.C));
  cudaStream_t stream;
  CUDA_CHECK(cudaStreamCreate(&stream));
  RmsNormForward(out.get(), rstd.get(), inp.get(), weight.get(), p.N, p.C, kEps,
                 stream);
  RmsNormBackward(dinp.get(), dweight.get(), scratch.get(), dout.get(),
                  inp.get(), weight.get(), rstd.get(), p.N, p.C, stream);
  CUDA_CHECK(cudaStreamSynchronize(stream));
  CUDA_CHECK(cudaStreamDestroy(stream));
  return {out.ToHost(), rstd.ToHost(), dinp.ToHost(), dweight.ToHost()};
}

void ExpectWithinTolerance(const char* name, const std::vector<float>& gpu,
                           const std::vector<float>& cpu,
                           const std::vector<double>& ref) {
  const double gpu_err = MaxAbsError(gpu, ref);
  const double cpu_err = MaxAbsError(cpu, ref);
  const double error_floor = kFloorUlps * FLT_EPSILON * MaxAbs(ref);
  EXPECT_LE(gpu_err, kErrorFactor * cpu_err + error_floor)
      << name << ": GPU max error " << gpu_err << ", fp32 CPU max error "
      << cpu_err << ", floor " << error_floor;
}

TEST(CudaCheckTest, ThrowsWithLocationAndMessage) {
  try {
    CUDA_CHECK(cudaErrorInvalidValue);
    FAIL() << "CUDA_CHECK did not throw";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rmsnorm_cuda_test.cc:"), std::string::npos) << what;
    EXPECT_NE(what.find(cudaGetErrorString(cudaErrorInvalidValue)),
              std::string::npos)
        << what;
  }
}

class RmsNormCudaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!CudaDeviceAvailable(&why)) GTEST_SKIP() << why;
  }
};

TEST_F(RmsNormCudaTest, MatchesCpuForwardAndBackward) {
  // (N, C): C below, at and off multiples of 32; N past the backward's
  // 512-block cap so blocks stride over several rows.
  const std::vector<std::pair<int, int>> shapes = {
      {1, 1}, {3, 31}, {7, 32}, {64, 100}, {513, 768}, {1100, 257}, {17, 4099}};
  for (const auto& [N, C] : shapes) {
    SCOPED_TRACE("N=" + std::to_string(N) + " C=" + std::to_string(C));
    const Problem p(N, C, /*seed=*/1000 * N + C);
    const Reference ref =
        RmsNormReference(p.inp, p.weight, p.dout, p.dinp0, p.dweight0, N, C);
    const Outputs cpu = RunCpu(p);
    const Outputs gpu = RunGpu(p);
    ExpectWithinTolerance("out", gpu.out, cpu.out, ref.out);
    ExpectWithinTolerance("rstd", gpu.rstd, cpu.rstd, ref.rstd);
    ExpectWithinTolerance("dinp", gpu.dinp, cpu.dinp, ref.dinp);
    ExpectWithinTolerance("dweight", gpu.dweight, cpu.dweight, ref.dweight);
  }
}

bool BitwiseEqual(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST_F(RmsNormCudaTest, TwoRunsAreBitwiseIdentical) {
  const Problem p(/*n=*/2048, /*c=*/1000, /*seed=*/7);
  const Outputs first = RunGpu(p);
  const Outputs second = RunGpu(p);
  EXPECT_TRUE(BitwiseEqual(first.out, second.out));
  EXPECT_TRUE(BitwiseEqual(first.rstd, second.rstd));
  EXPECT_TRUE(BitwiseEqual(first.dinp, second.dinp));
  EXPECT_TRUE(BitwiseEqual(first.dweight, second.dweight));
}

}  // namespace
}  // namespace prolong::ops::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(RmsNormCudaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "ops/cuda kernels were not compiled";
}

#endif  // PROLONG_HAVE_CUDA
