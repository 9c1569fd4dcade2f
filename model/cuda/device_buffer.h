// An owned array in device memory (cudaMalloc / cudaFree), move-only, with
// host copies on a stream. Include only where PROLONG_HAVE_CUDA is defined.
#ifndef PROLONG_MODEL_CUDA_DEVICE_BUFFER_H_
#define PROLONG_MODEL_CUDA_DEVICE_BUFFER_H_

#include <cuda_runtime_api.h>

#include <cstddef>
#include <utility>

#include "ops/cuda/cuda_check.h"

namespace prolong::model::cuda {

template <typename Value>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t size) { Allocate(size); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept { Swap(other); }
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    Swap(other);
    return *this;
  }
  ~DeviceBuffer() { cudaFree(data_); }

  Value* get() const { return data_; }
  std::size_t size() const { return size_; }

  // Makes room for at least `size` elements; contents are lost if it grows.
  void Reserve(std::size_t size) {
    if (size > size_) Allocate(size);
  }

  // The first n elements <- host (n), and host (n) <- the first n elements;
  // both wait for the copy to finish.
  void CopyFromHost(const Value* host, std::size_t n, cudaStream_t stream) {
    CUDA_CHECK(cudaMemcpyAsync(data_, host, n * sizeof(Value),
                               cudaMemcpyHostToDevice, stream));
    CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  void CopyToHost(Value* host, std::size_t n, cudaStream_t stream) const {
    CUDA_CHECK(cudaMemcpyAsync(host, data_, n * sizeof(Value),
                               cudaMemcpyDeviceToHost, stream));
    CUDA_CHECK(cudaStreamSynchronize(stream));
  }

 private:
  void Allocate(std::size_t size) {
    CUDA_CHECK(cudaFree(data_));
    data_ = nullptr;
    size_ = 0;
    CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_),
                          (size > 0 ? size : 1) * sizeof(Value)));
    size_ = size;
  }
  void Swap(DeviceBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
  }

  Value* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace prolong::model::cuda

#endif  // PROLONG_MODEL_CUDA_DEVICE_BUFFER_H_
