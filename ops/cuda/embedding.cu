#include <cstdint>
#include <cub/device/device_radix_sort.cuh>

#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"
#include "ops/cuda/embedding.h"

namespace prolong::ops::cuda {
namespace {

constexpr int kThreads = 256;
// Sub-buffers of the backward's scratch start at multiples of this.
constexpr std::size_t kScratchAlignment = 256;

std::size_t AlignUp(std::size_t bytes) {
  return (bytes + kScratchAlignment - 1) / kScratchAlignment *
         kScratchAlignment;
}

// The backward's scratch, carved out of one allocation.
struct SortBuffers {
  int32_t* positions;         // (T): 0, 1, ..., T - 1
  int32_t* sorted_tokens;     // (T)
  int32_t* sorted_positions;  // (T): positions, stably sorted by token
  void* sort_storage;         // CUB's temporary storage
  std::size_t sort_storage_bytes;
};

std::size_t SortStorageBytes(int T) {
  std::size_t bytes = 0;
  CUDA_CHECK(cub::DeviceRadixSort::SortPairs(
      nullptr, bytes, static_cast<const int32_t*>(nullptr),
      static_cast<int32_t*>(nullptr), static_cast<const int32_t*>(nullptr),
      static_cast<int32_t*>(nullptr), T));
  return bytes;
}

SortBuffers CarveScratch(void* scratch, int T) {
  char* base = static_cast<char*>(scratch);
  const std::size_t ids =
      AlignUp(sizeof(int32_t) * static_cast<std::size_t>(T));
  return {reinterpret_cast<int32_t*>(base),
          reinterpret_cast<int32_t*>(base + ids),
          reinterpret_cast<int32_t*>(base + 2 * ids), base + 3 * ids,
          SortStorageBytes(T)};
}

// Grid (ceil(T * C / kThreads)), block (kThreads): one thread per element of
// out (T, C).
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    ForwardKernel(Float* out, const int32_t* tokens, const Float* table, int T,
                  int C, int V) {
  const std::int64_t i =
      static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (i >= static_cast<std::int64_t>(T) * C) return;
  const int t = static_cast<int>(i / C);
  const int c = static_cast<int>(i % C);
  const int32_t token = tokens[t];
  out[i] = (token >= 0 && token < V)
               ? table[static_cast<std::int64_t>(token) * C + c]
               : FromFloat<Float>(NAN);
}

// Grid (ceil(T / kThreads)), block (kThreads): positions[t] = t.
__global__ void __launch_bounds__(kThreads)
    IotaKernel(int32_t* positions, int T) {
  const int t = blockIdx.x * kThreads + threadIdx.x;
  if (t < T) positions[t] = t;
}

// Grid (T, ceil(C / kThreads)), block (kThreads). Block (i, b) works only if
// sorted index i starts a run of equal tokens: its thread for column c adds
// the run's dout rows, in position order, into dtable[token][c].
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    AccumulateRunsKernel(float* dtable, const Float* dout,
                         const int32_t* sorted_tokens,
                         const int32_t* sorted_positions, int T, int C, int V) {
  const int i = blockIdx.x;
  const int c = blockIdx.y * kThreads + threadIdx.x;
  const int32_t token = sorted_tokens[i];
  if (i > 0 && sorted_tokens[i - 1] == token) return;  // not a run start
  if (token < 0 || token >= V || c >= C) return;
  float* row = dtable + static_cast<std::int64_t>(token) * C;
  float sum = row[c];
  for (int j = i; j < T && sorted_tokens[j] == token; ++j) {
    sum +=
        ToFloat(dout[static_cast<std::int64_t>(sorted_positions[j]) * C + c]);
  }
  row[c] = sum;
}

}  // namespace

template <typename Float>
void EmbeddingForward(Float* out, const int32_t* tokens, const Float* table,
                      int T, int C, int V, cudaStream_t stream) {
  const std::int64_t n = static_cast<std::int64_t>(T) * C;
  if (n == 0) return;
  ForwardKernel<Float>
      <<<static_cast<unsigned>(CeilDiv(n, kThreads)), kThreads, 0, stream>>>(
          out, tokens, table, T, C, V);
  CUDA_CHECK(cudaGetLastError());
}

std::size_t EmbeddingBackwardScratchBytes(int T) {
  return 3 * AlignUp(sizeof(int32_t) * static_cast<std::size_t>(T)) +
         SortStorageBytes(T);
}

template <typename Float>
void EmbeddingBackward(float* dtable, void* scratch, const Float* dout,
                       const int32_t* tokens, int T, int C, int V,
                       cudaStream_t stream) {
  if (T == 0 || C == 0) return;
  SortBuffers buffers = CarveScratch(scratch, T);
  IotaKernel<<<static_cast<unsigned>(CeilDiv(T, kThreads)), kThreads, 0,
               stream>>>(buffers.positions, T);
  CUDA_CHECK(cudaGetLastError());
  // Radix sort is stable: equal tokens keep their positions ascending.
  CUDA_CHECK(cub::DeviceRadixSort::SortPairs(
      buffers.sort_storage, buffers.sort_storage_bytes, tokens,
      buffers.sorted_tokens, buffers.positions, buffers.sorted_positions, T, 0,
      32, stream));
  const dim3 grid(T, static_cast<unsigned>(CeilDiv(C, kThreads)));
  AccumulateRunsKernel<Float><<<grid, kThreads, 0, stream>>>(
      dtable, dout, buffers.sorted_tokens, buffers.sorted_positions, T, C, V);
  CUDA_CHECK(cudaGetLastError());
}

template void EmbeddingForward<float>(float*, const int32_t*, const float*, int,
                                      int, int, cudaStream_t);
template void EmbeddingForward<bf16>(bf16*, const int32_t*, const bf16*, int,
                                     int, int, cudaStream_t);
template void EmbeddingBackward<float>(float*, void*, const float*,
                                       const int32_t*, int, int, int,
                                       cudaStream_t);
template void EmbeddingBackward<bf16>(float*, void*, const bf16*,
                                      const int32_t*, int, int, int,
                                      cudaStream_t);

}  // namespace prolong::ops::cuda
