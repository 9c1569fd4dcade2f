// Shared pieces of the CUDA parity tests: fixtures that skip without a GPU,
// device buffers, bf16 rounding, and FlashAttention's tolerance rule.
//
// Tolerance (tests/test_flash_attn.py in Dao-AILab/flash-attention): with
// `ref` a float64 reference computed from the same inputs (already rounded
// to the storage type) and `naive` the same-dtype straightforward
// implementation (the CPU op in fp32; in bf16 mode the CPU op with its
// bf16-stored results rounded to bf16, as a bf16 implementation stores
// them), the GPU must satisfy
//   max |gpu - ref| <= kErrorFactor * max |naive - ref| + floor,
//   floor = FloorFraction<Float>() * max |ref|,
// the floor guarding against a naive error that happens to be ~0. The floor
// is 8 fp32 epsilons in fp32 mode and half a bf16 epsilon (one bf16
// rounding) in bf16 mode.
// Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_TESTS_OPS_CUDA_CUDA_TEST_UTIL_H_
#define PROLONG_TESTS_OPS_CUDA_CUDA_TEST_UTIL_H_

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "ops/cuda/cuda_check.h"
#include "ops/cuda/dtype.h"

namespace prolong::ops::cuda::test_util {

inline constexpr double kErrorFactor = 2.0;

template <typename Float>
constexpr double FloorFraction() {
  return std::is_same_v<Float, float> ? 8.0 * 0x1p-23 : 0x1p-8;
}

// Skips every test of the suite (in SetUp) when no usable GPU is visible.
class CudaTest : public ::testing::Test {
 protected:
  void SetUp() override;
};

// As CudaTest, for suites typed over the storage type.
template <typename Float>
class CudaTypedTest : public CudaTest {};

using FloatTypes = ::testing::Types<float, bf16>;

// Names typed tests "fp32" and "bf16" instead of 0 and 1.
struct FloatTypeNames {
  template <typename Float>
  static std::string GetName(int) {
    return std::is_same_v<Float, float> ? "fp32" : "bf16";
  }
};

// Owns `size` device elements of type Value; copies in from / out to host.
template <typename Value>
class DeviceArray {
 public:
  explicit DeviceArray(std::size_t size) : size_(size) {
    CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_),
                          std::max<std::size_t>(size, 1) * sizeof(Value)));
  }
  explicit DeviceArray(const std::vector<Value>& host)
      : DeviceArray(host.size()) {
    CUDA_CHECK(cudaMemcpy(data_, host.data(), size_ * sizeof(Value),
                          cudaMemcpyHostToDevice));
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() { cudaFree(data_); }

  Value* get() const { return data_; }
  std::size_t size() const { return size_; }
  std::vector<Value> ToHost() const {
    std::vector<Value> host(size_);
    CUDA_CHECK(cudaMemcpy(host.data(), data_, size_ * sizeof(Value),
                          cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  Value* data_ = nullptr;
  std::size_t size_;
};

// A cuBLAS handle for the life of a test.
class CublasHandle {
 public:
  CublasHandle();
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  ~CublasHandle();
  cublasHandle_t get() const { return handle_; }

 private:
  cublasHandle_t handle_ = nullptr;
};

// A CUDA stream for the life of a test.
class Stream {
 public:
  Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream();
  cudaStream_t get() const { return stream_; }
  void Synchronize() const;

 private:
  cudaStream_t stream_ = nullptr;
};

std::vector<float> RandomVector(std::size_t size, float mean, float stddev,
                                std::mt19937* rng);

// The values of x stored as Float: the nearest bf16 (round to nearest even)
// for bf16, x itself for float.
template <typename Float>
std::vector<float> RoundTo(const std::vector<float>& x);

// x (exactly representable as Float, e.g. from RoundTo) as Float.
template <typename Float>
std::vector<Float> Convert(const std::vector<float>& x);

// Float values as float (exact).
template <typename Float>
std::vector<float> ToFloats(const std::vector<Float>& x);

// The tolerance rule above, for tensors and for scalars.
template <typename Float>
void ExpectWithinTolerance(const std::string& name,
                           const std::vector<float>& gpu,
                           const std::vector<float>& naive,
                           const std::vector<double>& ref);
template <typename Float>
void ExpectWithinTolerance(const std::string& name, double gpu, double naive,
                           double ref);

template <typename Value>
bool BitwiseEqual(const std::vector<Value>& a, const std::vector<Value>& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(Value)) == 0;
}

}  // namespace prolong::ops::cuda::test_util

#endif  // PROLONG_TESTS_OPS_CUDA_CUDA_TEST_UTIL_H_
