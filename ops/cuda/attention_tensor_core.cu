#include <cuda_bf16.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "ops/cuda/attention_documents.cuh"
#include "ops/cuda/attention_tensor_core.h"
#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"

namespace prolong::ops::cuda {
namespace {

// A block works on kRows query rows (forward, dQ) or key rows (dK, dV); its
// warp w owns rows 16 w .. 16 w + 15. In an m16n8k16 accumulator, lane l
// holds rows l / 4 and l / 4 + 8 of the warp's 16, columns 2 (l % 4) and
// 2 (l % 4) + 1 of each 8-column block: entry [n][2 i + e] is row
// l / 4 + 8 i, column 8 n + 2 (l % 4) + e.
constexpr int kRows = 64;
constexpr int kWarps = kRows / 16;
constexpr int kThreads = kWarps * kWarpSize;
// The dK/dV pass splits the query heads of a group over blocks of their own
// when it would otherwise have fewer blocks than this (a fixed number, not
// the device's, so that results are the same on every GPU).
constexpr int kMinKeyValueBlocks = 512;
constexpr float kLog2e = 1.4426950408889634f;
constexpr float kLn2 = 0.6931471805599453f;

// Shared tiles are (kRows, D + 8) bf16: rows padded by 16 bytes, so that the
// eight 16-byte row reads of an ldmatrix fall in different banks.
__host__ __device__ constexpr int TileStride(int head_dim) {
  return head_dim + 8;
}
__host__ __device__ constexpr int TileElements(int head_dim) {
  return kRows * TileStride(head_dim);
}

// -------------------------------------------------------- PTX wrappers

__device__ __forceinline__ std::uint32_t SharedAddress(const void* pointer) {
  return static_cast<std::uint32_t>(__cvta_generic_to_shared(pointer));
}

// 16 bytes global -> shared without blocking; zeros when !valid (then
// `global` is not read).
__device__ __forceinline__ void CopyAsync16(void* shared, const void* global,
                                            bool valid) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(
                   SharedAddress(shared)),
               "l"(global), "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void CommitCopies() {
  asm volatile("cp.async.commit_group;\n" ::);
}
// Waits until at most kPending committed groups of copies are in flight.
template <int kPending>
__device__ __forceinline__ void WaitCopies() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending));
}

// Four 8 x 8 bf16 matrices from shared memory; lane l gives the address of
// row l % 8 of matrix l / 8, and gets in fragment[m] its share of matrix m:
// row l / 4, columns 2 (l % 4) and 2 (l % 4) + 1 (transposed: those
// entries of the matrix's transpose).
__device__ __forceinline__ void LoadMatrices(std::uint32_t (&fragment)[4],
                                             const bf16* row) {
  asm volatile(
      "ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
      : "=r"(fragment[0]), "=r"(fragment[1]), "=r"(fragment[2]),
        "=r"(fragment[3])
      : "r"(SharedAddress(row)));
}
__device__ __forceinline__ void LoadMatricesTransposed(
    std::uint32_t (&fragment)[4], const bf16* row) {
  asm volatile(
      "ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, "
      "[%4];\n"
      : "=r"(fragment[0]), "=r"(fragment[1]), "=r"(fragment[2]),
        "=r"(fragment[3])
      : "r"(SharedAddress(row)));
}

// c (16, 8) += a (16, 16) b (16, 8): bf16 inputs, fp32 accumulation.
__device__ __forceinline__ void Mma(float (&c)[4], const std::uint32_t (&a)[4],
                                    std::uint32_t b0, std::uint32_t b1) {
  asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
      "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ std::uint32_t PackBf16(float low, float high) {
  const __nv_bfloat162 pair = __floats2bfloat162_rn(low, high);
  return *reinterpret_cast<const std::uint32_t*>(&pair);
}

// The A operand for key (or query) block kb of a product whose left factor
// is a (16, 64) accumulator `c` (8 column blocks of 8): the accumulator's
// layout is the A operand's, two column blocks at a time.
__device__ __forceinline__ void AccumulatorAsOperand(std::uint32_t (&a)[4],
                                                     const float (&c)[8][4],
                                                     int kb) {
  a[0] = PackBf16(c[2 * kb][0], c[2 * kb][1]);
  a[1] = PackBf16(c[2 * kb][2], c[2 * kb][3]);
  a[2] = PackBf16(c[2 * kb + 1][0], c[2 * kb + 1][1]);
  a[3] = PackBf16(c[2 * kb + 1][2], c[2 * kb + 1][3]);
}

// Lane addresses for LoadMatrices on a (kRows, D + 8) tile:
// - A operand, rows [row0, row0 + 16) x columns [k0, k0 + 16) of a
//   row-major tile; with the transposed load the same addresses give the B
//   operands of column blocks n0 = k0 and n0 + 8 over rows (k) row0..+16 of
//   a row-major [k][n] tile.
__device__ __forceinline__ const bf16* OperandA(const bf16* tile, int head_dim,
                                                int row0, int k0) {
  const int lane = threadIdx.x % kWarpSize;
  return tile + (row0 + lane % 16) * TileStride(head_dim) + k0 +
         8 * (lane / 16);
}
// - B operands of column blocks n0 and n0 + 8 over k in [k0, k0 + 16) from a
//   row-major [n][k] tile (the product's right factor transposed): fragment
//   {0, 1} for block n0, {2, 3} for block n0 + 8.
__device__ __forceinline__ const bf16* OperandsB(const bf16* tile, int head_dim,
                                                 int n0, int k0) {
  const int lane = threadIdx.x % kWarpSize;
  return tile + (n0 + lane % 8 + 8 * (lane / 16)) * TileStride(head_dim) + k0 +
         8 * (lane / 8 % 2);
}

// c (16, 64) = rows [row0, row0 + 16) of `left` times the 64 rows of
// `right`, transposed: both (kRows, D + 8) tiles, the sum over D taken 16
// at a time in order.
template <int D>
__device__ __forceinline__ void ProductWithRows(float (&c)[8][4],
                                                const bf16* left, int row0,
                                                const bf16* right) {
#pragma unroll
  for (int n = 0; n < 8; ++n) {
#pragma unroll
    for (int e = 0; e < 4; ++e) c[n][e] = 0.0f;
  }
#pragma unroll
  for (int kb = 0; kb < D / 16; ++kb) {
    std::uint32_t a[4];
    LoadMatrices(a, OperandA(left, D, row0, 16 * kb));
#pragma unroll
    for (int np = 0; np < 4; ++np) {
      std::uint32_t b[4];
      LoadMatrices(b, OperandsB(right, D, 16 * np, 16 * kb));
      Mma(c[2 * np], a, b[0], b[1]);
      Mma(c[2 * np + 1], a, b[2], b[3]);
    }
  }
}

// accum (16, D) += left (16, 64), an accumulator rounded to bf16, times
// `right`, a (kRows, D + 8) tile; the sum over its 64 rows taken 16 at a
// time in order.
template <int D>
__device__ __forceinline__ void AccumulateProduct(float (&accum)[D / 8][4],
                                                  const float (&left)[8][4],
                                                  const bf16* right) {
#pragma unroll
  for (int kb = 0; kb < 4; ++kb) {
    std::uint32_t a[4];
    AccumulatorAsOperand(a, left, kb);
#pragma unroll
    for (int np = 0; np < D / 16; ++np) {
      std::uint32_t b[4];
      LoadMatricesTransposed(b, OperandA(right, D, 16 * kb, 16 * np));
      Mma(accum[2 * np], a, b[0], b[1]);
      Mma(accum[2 * np + 1], a, b[2], b[3]);
    }
  }
}

// ------------------------------------------------------------ helpers

// First key visible to query t: its document's start, or INT_MAX for t >= T
// (a padding row sees nothing).
__device__ int FirstKey(const int32_t* doc_starts, int num_docs,
                        bool document_masking, int T, int t) {
  return t < T ? DocumentOf(doc_starts, num_docs, document_masking, T, t).begin
               : INT_MAX;
}

// tile (kRows, D + 8) <- rows [t0, t0 + kRows) of x (rows `stride` elements
// apart), asynchronously; rows at or past T are zeros. All threads call it.
template <int D>
__device__ void LoadTile(bf16* tile, const bf16* x, std::int64_t stride, int t0,
                         int T) {
  constexpr int kChunks = D / 8;  // 16-byte chunks per row
  for (int e = threadIdx.x; e < kRows * kChunks; e += kThreads) {
    const int r = e / kChunks;
    const int c = e % kChunks;
    const int t = t0 + r;
    CopyAsync16(tile + r * TileStride(D) + 8 * c,
                t < T ? x + t * stride + 8 * c : x, t < T);
  }
}

// The key-tile pipeline of the forward and dQ kernels: starts copying key
// and value tile j + 1 (rows [next_n0, next_n0 + kRows) of k and v) into
// the buffers tile j - 1 used, if there is such a tile, then waits until
// every earlier copy, tile j's included, has landed. All threads call it.
template <int D>
__device__ __forceinline__ void NextKeyTileAndWait(bf16* k_tiles, bf16* v_tiles,
                                                   const bf16* k, const bf16* v,
                                                   std::int64_t kv_stride,
                                                   int j, int key_tiles,
                                                   int next_n0, int T) {
  if (j + 1 < key_tiles) {
    LoadTile<D>(k_tiles + (j + 1) % 2 * TileElements(D), k, kv_stride, next_n0,
                T);
    LoadTile<D>(v_tiles + (j + 1) % 2 * TileElements(D), v, kv_stride, next_n0,
                T);
    CommitCopies();
    WaitCopies<1>();
  } else {
    WaitCopies<0>();
  }
}

// Adds `scale` x the (16, D) accumulator `c` to rows row0, row0 + 8 of x
// (rows `stride` apart, columns from this lane's 2 (l % 4)) where row < T.
template <int D>
__device__ void AddToRows(bf16* x, std::int64_t stride, int row0, int T,
                          float scale, const float (&c)[D / 8][4]) {
  const int lane = threadIdx.x % kWarpSize;
#pragma unroll
  for (int i = 0; i < 2; ++i) {
    const int row = row0 + 8 * i;
    if (row >= T) continue;
#pragma unroll
    for (int n = 0; n < D / 8; ++n) {
      auto* pair = reinterpret_cast<__nv_bfloat162*>(x + row * stride + 8 * n +
                                                     2 * (lane % 4));
      const float2 old = __bfloat1622float2(*pair);
      *pair = __floats2bfloat162_rn(old.x + scale * c[n][2 * i],
                                    old.y + scale * c[n][2 * i + 1]);
    }
  }
}

// As AddToRows, but stores `scale` x c into fp32 rows.
template <int D>
__device__ void StoreRows(float* x, std::int64_t stride, int row0, int T,
                          float scale, const float (&c)[D / 8][4]) {
  const int lane = threadIdx.x % kWarpSize;
#pragma unroll
  for (int i = 0; i < 2; ++i) {
    const int row = row0 + 8 * i;
    if (row >= T) continue;
#pragma unroll
    for (int n = 0; n < D / 8; ++n) {
      *reinterpret_cast<float2*>(x + row * stride + 8 * n + 2 * (lane % 4)) =
          make_float2(scale * c[n][2 * i], scale * c[n][2 * i + 1]);
    }
  }
}

// Grid (ceil(n / kThreads)), block (kThreads): x[i] += sum of
// partials[split][i] over split = 0, 1, ..., splits - 1, in that order.
__global__ void __launch_bounds__(kThreads)
    AddPartialsKernel(bf16* x, const float* partials, int splits,
                      std::int64_t n) {
  const std::int64_t i =
      static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (i >= n) return;
  float sum = 0.0f;
  for (int split = 0; split < splits; ++split) sum += partials[split * n + i];
  x[i] = __float2bfloat16_rn(__bfloat162float(x[i]) + sum);
}

// ----------------------------------------------------------- forward

template <int D>
std::size_t ForwardSharedBytes() {
  return sizeof(bf16) * 5 * TileElements(D);  // Q, 2 x K, 2 x V
}

// Grid (query tiles, Hq), block (kThreads): query tile blockIdx.x counted
// from the last (it sees the most key tiles) of head blockIdx.y. Online
// softmax in base 2 over the key tiles from the document start of the tile's
// first query to its last query; key tile j + 1 loads while j is used.
template <int D>
__global__ void __launch_bounds__(kThreads)
    ForwardKernel(bf16* out, float* lse, const bf16* q, const bf16* k,
                  const bf16* v, const int32_t* doc_starts, int num_docs,
                  bool document_masking, int T, int Hq, int Hkv) {
  extern __shared__ __align__(16) unsigned char shared[];
  bf16* q_tile = reinterpret_cast<bf16*>(shared);  // (kRows, D + 8)
  bf16* k_tiles = q_tile + TileElements(D);        // 2 x (kRows, D + 8)
  bf16* v_tiles = k_tiles + 2 * TileElements(D);   // 2 x (kRows, D + 8)

  const int h = blockIdx.y;
  const int kv_head = h / (Hq / Hkv);
  const int tiles = static_cast<int>(CeilDiv(T, kRows));
  const int m0 = (tiles - 1 - static_cast<int>(blockIdx.x)) * kRows;
  const int m_end = min(T, m0 + kRows);
  const std::int64_t q_stride = static_cast<std::int64_t>(Hq) * D;
  const std::int64_t kv_stride = static_cast<std::int64_t>(Hkv) * D;
  const int warp = threadIdx.x / kWarpSize;
  const int lane = threadIdx.x % kWarpSize;
  const float scale_log2 = kLog2e / sqrtf(static_cast<float>(D));

  int rows[2], first_key[2];  // my two query rows
#pragma unroll
  for (int i = 0; i < 2; ++i) {
    rows[i] = m0 + 16 * warp + lane / 4 + 8 * i;
    first_key[i] = FirstKey(doc_starts, num_docs, document_masking, T, rows[i]);
  }
  const int key_begin =
      DocumentOf(doc_starts, num_docs, document_masking, T, m0).begin / kRows *
      kRows;
  const int key_tiles = static_cast<int>(CeilDiv(m_end - key_begin, kRows));

  LoadTile<D>(q_tile, q + h * D, q_stride, m0, T);
  LoadTile<D>(k_tiles, k + kv_head * D, kv_stride, key_begin, T);
  LoadTile<D>(v_tiles, v + kv_head * D, kv_stride, key_begin, T);
  CommitCopies();

  std::uint32_t q_operand[D / 16][4];
  float o[D / 8][4] = {};                     // unnormalised output
  float row_max[2] = {-INFINITY, -INFINITY};  // base-2 scores
  float row_sum[2] = {0.0f, 0.0f};            // my columns' share
  for (int j = 0; j < key_tiles; ++j) {
    const int n0 = key_begin + j * kRows;
    const bf16* k_tile = k_tiles + (j % 2) * TileElements(D);
    const bf16* v_tile = v_tiles + (j % 2) * TileElements(D);
    NextKeyTileAndWait<D>(k_tiles, v_tiles, k + kv_head * D, v + kv_head * D,
                          kv_stride, j, key_tiles, n0 + kRows, T);
    __syncthreads();  // Tile j (and Q) are in shared memory.
    if (j == 0) {
#pragma unroll
      for (int kb = 0; kb < D / 16; ++kb) {
        LoadMatrices(q_operand[kb], OperandA(q_tile, D, 16 * warp, 16 * kb));
      }
    }
    // s (16, 64) = Q K^T for my warp's rows: ProductWithRows, with Q's
    // operands loaded once for all key tiles.
    float s[8][4] = {};
#pragma unroll
    for (int kb = 0; kb < D / 16; ++kb) {
#pragma unroll
      for (int np = 0; np < 4; ++np) {
        std::uint32_t b[4];
        LoadMatrices(b, OperandsB(k_tile, D, 16 * np, 16 * kb));
        Mma(s[2 * np], q_operand[kb], b[0], b[1]);
        Mma(s[2 * np + 1], q_operand[kb], b[2], b[3]);
      }
    }
#pragma unroll
    for (int i = 0; i < 2; ++i) {
      float tile_max = -INFINITY;
#pragma unroll
      for (int n = 0; n < 8; ++n) {
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          const int key = n0 + 8 * n + 2 * (lane % 4) + e;
          float& x = s[n][2 * i + e];
          x = key <= rows[i] && key >= first_key[i] ? x * scale_log2
                                                    : -INFINITY;
          tile_max = fmaxf(tile_max, x);
        }
      }
      tile_max = WarpMax<4>(tile_max);  // the 4 lanes of the row
      const float new_max = fmaxf(row_max[i], tile_max);
      // Until a row has seen a key, subtract 0: exp2(-inf - 0) = 0, not NaN.
      const float offset = new_max == -INFINITY ? 0.0f : new_max;
      const float rescale = exp2f(row_max[i] - offset);
      row_max[i] = new_max;
      row_sum[i] *= rescale;
#pragma unroll
      for (int n = 0; n < 8; ++n) {
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          float& x = s[n][2 * i + e];
          x = exp2f(x - offset);
          row_sum[i] += x;
        }
      }
#pragma unroll
      for (int n = 0; n < D / 8; ++n) {
        o[n][2 * i] *= rescale;
        o[n][2 * i + 1] *= rescale;
      }
    }
    AccumulateProduct<D>(o, s, v_tile);  // o += P V, P in bf16
    __syncthreads();  // Tile j's buffers are free for tile j + 2.
  }
#pragma unroll
  for (int i = 0; i < 2; ++i) {
    const float sum = WarpSum<4>(row_sum[i]);
    if (rows[i] >= T) continue;
    // Every query sees at least itself, so sum >= 1.
    const float inverse = 1.0f / sum;
    bf16* out_row = out + rows[i] * q_stride + h * D;  // (D)
#pragma unroll
    for (int n = 0; n < D / 8; ++n) {
      *reinterpret_cast<__nv_bfloat162*>(out_row + 8 * n + 2 * (lane % 4)) =
          __floats2bfloat162_rn(o[n][2 * i] * inverse,
                                o[n][2 * i + 1] * inverse);
    }
    if (lane % 4 == 0) {
      lse[static_cast<std::int64_t>(h) * T + rows[i]] =
          (row_max[i] + log2f(sum)) * kLn2;
    }
  }
}

// ---------------------------------------------------------- backward

template <int D>
std::size_t KeyValueGradSharedBytes() {
  // K, V, 2 x Q, 2 x dO; 2 x (lse, delta, first key) per query row.
  return sizeof(bf16) * 6 * TileElements(D) +
         2 * kRows * (2 * sizeof(float) + sizeof(int));
}

// Grid (key tiles, Hkv * splits), block (kThreads): dK, dV of key tile
// blockIdx.x (the first tiles, with the most query tiles, start first) of kv
// head blockIdx.y / splits, summed over split blockIdx.y % splits's share of
// the group's query heads (outer) and the query tiles [n0, end of the
// document of the tile's last key) (inner), in that order; step i + 1's
// query tile loads while step i's is used. With splits == 1 the sums are
// added to dk, dv; otherwise they are stored to split's (T, Hkv, D) slice of
// dk_partials, dv_partials for AddPartialsKernel. With the block's rows
// being keys, the products are transposed: S^T = K Q^T, dP^T = V dO^T,
// dV += P^T dO, dK += dS^T Q.
template <int D>
__global__ void __launch_bounds__(kThreads)
    KeyValueGradKernel(bf16* dk, bf16* dv, float* dk_partials,
                       float* dv_partials, int splits, const bf16* dout,
                       const bf16* q, const bf16* k, const bf16* v,
                       const float* lse, const float* delta,
                       const int32_t* doc_starts, int num_docs,
                       bool document_masking, int T, int Hq, int Hkv) {
  extern __shared__ __align__(16) unsigned char shared[];
  bf16* k_tile = reinterpret_cast<bf16*>(shared);    // (kRows, D + 8)
  bf16* v_tile = k_tile + TileElements(D);           // (kRows, D + 8)
  bf16* q_tiles = v_tile + TileElements(D);          // 2 x (kRows, D + 8)
  bf16* dout_tiles = q_tiles + 2 * TileElements(D);  // 2 x (kRows, D + 8)
  float* query_lse =
      reinterpret_cast<float*>(dout_tiles + 2 * TileElements(D));  // 2 x kRows
  float* query_delta = query_lse + 2 * kRows;                      // 2 x kRows
  int* query_first_key =
      reinterpret_cast<int*>(query_delta + 2 * kRows);  // 2 x kRows

  const int kv_head = blockIdx.y / splits;
  const int split = blockIdx.y % splits;
  const int heads = Hq / Hkv / splits;  // query heads of this block
  const int first_head = kv_head * (Hq / Hkv) + split * heads;
  const int n0 = blockIdx.x * kRows;
  const int n_end = min(T, n0 + kRows);
  const std::int64_t q_stride = static_cast<std::int64_t>(Hq) * D;
  const std::int64_t kv_stride = static_cast<std::int64_t>(Hkv) * D;
  const int warp = threadIdx.x / kWarpSize;
  const int lane = threadIdx.x % kWarpSize;
  const float scale = 1.0f / sqrtf(static_cast<float>(D));
  const float scale_log2 = kLog2e * scale;
  const int query_end =
      DocumentOf(doc_starts, num_docs, document_masking, T, n_end - 1).end;
  const int query_tiles = static_cast<int>(CeilDiv(query_end - n0, kRows));
  const int steps = heads * query_tiles;
  int keys[2];  // my two key rows
#pragma unroll
  for (int i = 0; i < 2; ++i) keys[i] = n0 + 16 * warp + lane / 4 + 8 * i;

  // Step i: query head first_head + i / query_tiles, query tile
  // n0 + (i % query_tiles) * kRows, into buffer i % 2.
  auto stage = [&](int step) {
    const int h = first_head + step / query_tiles;
    const int m0 = n0 + step % query_tiles * kRows;
    const int buffer = step % 2;
    LoadTile<D>(q_tiles + buffer * TileElements(D), q + h * D, q_stride, m0, T);
    LoadTile<D>(dout_tiles + buffer * TileElements(D), dout + h * D, q_stride,
                m0, T);
    if (threadIdx.x < kRows) {
      const int t = m0 + threadIdx.x;
      const std::int64_t index = static_cast<std::int64_t>(h) * T + t;
      query_lse[buffer * kRows + threadIdx.x] = t < T ? lse[index] * kLog2e : 0;
      query_delta[buffer * kRows + threadIdx.x] = t < T ? delta[index] : 0;
      query_first_key[buffer * kRows + threadIdx.x] =
          FirstKey(doc_starts, num_docs, document_masking, T, t);
    }
  };
  LoadTile<D>(k_tile, k + kv_head * D, kv_stride, n0, T);
  LoadTile<D>(v_tile, v + kv_head * D, kv_stride, n0, T);
  stage(0);
  CommitCopies();

  float dk_accum[D / 8][4] = {};
  float dv_accum[D / 8][4] = {};
  for (int step = 0; step < steps; ++step) {
    const int m0 = n0 + step % query_tiles * kRows;
    const int buffer = step % 2;
    if (step + 1 < steps) {
      stage(step + 1);
      CommitCopies();
      WaitCopies<1>();
    } else {
      WaitCopies<0>();
    }
    __syncthreads();  // Step `step`'s tiles and row values are in place.
    const bf16* q_tile = q_tiles + buffer * TileElements(D);
    const bf16* dout_tile = dout_tiles + buffer * TileElements(D);
    // st (16 keys, 64 queries) = K Q^T; dpt = V dO^T.
    float st[8][4], dpt[8][4];
    ProductWithRows<D>(st, k_tile, 16 * warp, q_tile);
    ProductWithRows<D>(dpt, v_tile, 16 * warp, dout_tile);
    // P^T = exp(S^T scale - lse), dS^T = P^T (dP^T - delta), in place.
#pragma unroll
    for (int n = 0; n < 8; ++n) {
#pragma unroll
      for (int e = 0; e < 2; ++e) {
        const int column = 8 * n + 2 * (lane % 4) + e;
        const int t = m0 + column;
        const float row_lse = query_lse[buffer * kRows + column];
        const float row_delta = query_delta[buffer * kRows + column];
        const int first_key = query_first_key[buffer * kRows + column];
#pragma unroll
        for (int i = 0; i < 2; ++i) {
          const bool visible = keys[i] <= t && keys[i] >= first_key;
          const float p =
              visible ? exp2f(st[n][2 * i + e] * scale_log2 - row_lse) : 0.0f;
          st[n][2 * i + e] = p;
          dpt[n][2 * i + e] = p * (dpt[n][2 * i + e] - row_delta);
        }
      }
    }
    // dV += P^T dO, dK += dS^T Q over the tile's 64 queries.
    AccumulateProduct<D>(dv_accum, st, dout_tile);
    AccumulateProduct<D>(dk_accum, dpt, q_tile);
    __syncthreads();  // Step `step`'s buffers are free for step + 2.
  }
  const int row0 = n0 + 16 * warp + lane / 4;
  if (splits == 1) {
    AddToRows<D>(dk + kv_head * D, kv_stride, row0, T, scale, dk_accum);
    AddToRows<D>(dv + kv_head * D, kv_stride, row0, T, 1.0f, dv_accum);
  } else {
    const std::int64_t slice = split * T * kv_stride + kv_head * D;
    StoreRows<D>(dk_partials + slice, kv_stride, row0, T, scale, dk_accum);
    StoreRows<D>(dv_partials + slice, kv_stride, row0, T, 1.0f, dv_accum);
  }
}

template <int D>
std::size_t QueryGradSharedBytes() {
  return sizeof(bf16) * 6 * TileElements(D);  // Q, dO, 2 x K, 2 x V
}

// Grid (query tiles, Hq), block (kThreads): dQ of query tile blockIdx.x
// (last tile first) of head blockIdx.y, summed over the key tiles it sees,
// in order; key tile j + 1 loads while j is used.
template <int D>
__global__ void __launch_bounds__(kThreads)
    QueryGradKernel(bf16* dq, const bf16* dout, const bf16* q, const bf16* k,
                    const bf16* v, const float* lse, const float* delta,
                    const int32_t* doc_starts, int num_docs,
                    bool document_masking, int T, int Hq, int Hkv) {
  extern __shared__ __align__(16) unsigned char shared[];
  bf16* q_tile = reinterpret_cast<bf16*>(shared);  // (kRows, D + 8)
  bf16* dout_tile = q_tile + TileElements(D);      // (kRows, D + 8)
  bf16* k_tiles = dout_tile + TileElements(D);     // 2 x (kRows, D + 8)
  bf16* v_tiles = k_tiles + 2 * TileElements(D);   // 2 x (kRows, D + 8)

  const int h = blockIdx.y;
  const int kv_head = h / (Hq / Hkv);
  const int tiles = static_cast<int>(CeilDiv(T, kRows));
  const int m0 = (tiles - 1 - static_cast<int>(blockIdx.x)) * kRows;
  const int m_end = min(T, m0 + kRows);
  const std::int64_t q_stride = static_cast<std::int64_t>(Hq) * D;
  const std::int64_t kv_stride = static_cast<std::int64_t>(Hkv) * D;
  const int warp = threadIdx.x / kWarpSize;
  const int lane = threadIdx.x % kWarpSize;
  const float scale = 1.0f / sqrtf(static_cast<float>(D));
  const float scale_log2 = kLog2e * scale;

  int rows[2], first_key[2];
  float row_lse[2], row_delta[2];  // lse in base 2
#pragma unroll
  for (int i = 0; i < 2; ++i) {
    rows[i] = m0 + 16 * warp + lane / 4 + 8 * i;
    first_key[i] = FirstKey(doc_starts, num_docs, document_masking, T, rows[i]);
    const std::int64_t index = static_cast<std::int64_t>(h) * T + rows[i];
    row_lse[i] = rows[i] < T ? lse[index] * kLog2e : 0.0f;
    row_delta[i] = rows[i] < T ? delta[index] : 0.0f;
  }
  const int key_begin =
      DocumentOf(doc_starts, num_docs, document_masking, T, m0).begin / kRows *
      kRows;
  const int key_tiles = static_cast<int>(CeilDiv(m_end - key_begin, kRows));

  LoadTile<D>(q_tile, q + h * D, q_stride, m0, T);
  LoadTile<D>(dout_tile, dout + h * D, q_stride, m0, T);
  LoadTile<D>(k_tiles, k + kv_head * D, kv_stride, key_begin, T);
  LoadTile<D>(v_tiles, v + kv_head * D, kv_stride, key_begin, T);
  CommitCopies();

  float dq_accum[D / 8][4] = {};
  for (int j = 0; j < key_tiles; ++j) {
    const int n0 = key_begin + j * kRows;
    const bf16* k_tile = k_tiles + (j % 2) * TileElements(D);
    const bf16* v_tile = v_tiles + (j % 2) * TileElements(D);
    NextKeyTileAndWait<D>(k_tiles, v_tiles, k + kv_head * D, v + kv_head * D,
                          kv_stride, j, key_tiles, n0 + kRows, T);
    __syncthreads();  // Tile j (and Q, dO) are in shared memory.
    // s (16, 64) = Q K^T, dp = dO V^T for my warp's rows.
    float s[8][4], dp[8][4];
    ProductWithRows<D>(s, q_tile, 16 * warp, k_tile);
    ProductWithRows<D>(dp, dout_tile, 16 * warp, v_tile);
    // dS = P (dP - delta) with P = exp(S scale - lse), into dp.
#pragma unroll
    for (int n = 0; n < 8; ++n) {
#pragma unroll
      for (int i = 0; i < 2; ++i) {
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          const int key = n0 + 8 * n + 2 * (lane % 4) + e;
          const bool visible = key <= rows[i] && key >= first_key[i];
          const float p =
              visible ? exp2f(s[n][2 * i + e] * scale_log2 - row_lse[i]) : 0.0f;
          dp[n][2 * i + e] = p * (dp[n][2 * i + e] - row_delta[i]);
        }
      }
    }
    AccumulateProduct<D>(dq_accum, dp, k_tile);  // dq += dS K
    __syncthreads();  // Tile j's buffers are free for tile j + 2.
  }
  AddToRows<D>(dq + h * D, q_stride, m0 + 16 * warp + lane / 4, T, scale,
               dq_accum);
}

// ------------------------------------------------------------- host

template <typename Kernel>
void AllowSharedBytes(Kernel kernel, std::size_t bytes) {
  CUDA_CHECK(cudaFuncSetAttribute(kernel,
                                  cudaFuncAttributeMaxDynamicSharedMemorySize,
                                  static_cast<int>(bytes)));
}

template <int D>
void Forward(bf16* out, float* lse, const bf16* q, const bf16* k, const bf16* v,
             const int32_t* doc_starts, int num_docs, bool document_masking,
             int T, int Hq, int Hkv, cudaStream_t stream) {
  const std::size_t bytes = ForwardSharedBytes<D>();
  AllowSharedBytes(ForwardKernel<D>, bytes);
  const dim3 grid(static_cast<unsigned>(CeilDiv(T, kRows)), Hq);
  ForwardKernel<D><<<grid, kThreads, bytes, stream>>>(
      out, lse, q, k, v, doc_starts, num_docs, document_masking, T, Hq, Hkv);
  CUDA_CHECK(cudaGetLastError());
}

template <int D>
void Backward(bf16* dq, bf16* dk, bf16* dv, float* partials, const float* delta,
              const bf16* dout, const bf16* q, const bf16* k, const bf16* v,
              const float* lse, const int32_t* doc_starts, int num_docs,
              bool document_masking, int T, int Hq, int Hkv,
              cudaStream_t stream) {
  const unsigned tiles = static_cast<unsigned>(CeilDiv(T, kRows));
  const int splits = TensorCoreKeyValueSplits(T, Hq, Hkv);
  const std::int64_t kv_size = static_cast<std::int64_t>(T) * Hkv * D;
  float* dk_partials = partials;                     // (splits, T, Hkv, D)
  float* dv_partials = partials + splits * kv_size;  // (splits, T, Hkv, D)
  const std::size_t kv_bytes = KeyValueGradSharedBytes<D>();
  AllowSharedBytes(KeyValueGradKernel<D>, kv_bytes);
  KeyValueGradKernel<D>
      <<<dim3(tiles, Hkv * splits), kThreads, kv_bytes, stream>>>(
          dk, dv, dk_partials, dv_partials, splits, dout, q, k, v, lse, delta,
          doc_starts, num_docs, document_masking, T, Hq, Hkv);
  CUDA_CHECK(cudaGetLastError());
  if (splits > 1) {
    const unsigned blocks = static_cast<unsigned>(CeilDiv(kv_size, kThreads));
    AddPartialsKernel<<<blocks, kThreads, 0, stream>>>(dk, dk_partials, splits,
                                                       kv_size);
    CUDA_CHECK(cudaGetLastError());
    AddPartialsKernel<<<blocks, kThreads, 0, stream>>>(dv, dv_partials, splits,
                                                       kv_size);
    CUDA_CHECK(cudaGetLastError());
  }
  const std::size_t q_bytes = QueryGradSharedBytes<D>();
  AllowSharedBytes(QueryGradKernel<D>, q_bytes);
  QueryGradKernel<D><<<dim3(tiles, Hq), kThreads, q_bytes, stream>>>(
      dq, dout, q, k, v, lse, delta, doc_starts, num_docs, document_masking, T,
      Hq, Hkv);
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace

int TensorCoreKeyValueSplits(int T, int Hq, int Hkv) {
  const std::int64_t blocks = CeilDiv(T, kRows) * Hkv;
  return blocks < kMinKeyValueBlocks ? Hq / Hkv : 1;
}

std::size_t TensorCoreAttentionScratchFloats(int T, int Hq, int Hkv,
                                             int head_dim) {
  const int splits = TensorCoreKeyValueSplits(T, Hq, Hkv);
  return splits == 1
             ? 0
             : 2 * static_cast<std::size_t>(splits) * T * Hkv * head_dim;
}

bool TensorCoreAttentionSupports(std::initializer_list<const void*> tensors,
                                 int head_dim) {
  if (head_dim != 16 && head_dim != 32 && head_dim != 64 && head_dim != 128) {
    return false;
  }
  for (const void* tensor : tensors) {
    if (reinterpret_cast<std::uintptr_t>(tensor) % 16 != 0) return false;
  }
  return true;
}

void TensorCoreAttentionForward(bf16* out, float* lse, const bf16* q,
                                const bf16* k, const bf16* v,
                                const int32_t* doc_starts, int num_docs,
                                bool document_masking, int T, int Hq, int Hkv,
                                int head_dim, cudaStream_t stream) {
  switch (head_dim) {
    case 16:
      return Forward<16>(out, lse, q, k, v, doc_starts, num_docs,
                         document_masking, T, Hq, Hkv, stream);
    case 32:
      return Forward<32>(out, lse, q, k, v, doc_starts, num_docs,
                         document_masking, T, Hq, Hkv, stream);
    case 64:
      return Forward<64>(out, lse, q, k, v, doc_starts, num_docs,
                         document_masking, T, Hq, Hkv, stream);
    case 128:
      return Forward<128>(out, lse, q, k, v, doc_starts, num_docs,
                          document_masking, T, Hq, Hkv, stream);
  }
  throw std::invalid_argument("tensor-core attention: unsupported head_dim " +
                              std::to_string(head_dim));
}

void TensorCoreAttentionBackward(bf16* dq, bf16* dk, bf16* dv, float* partials,
                                 const float* delta, const bf16* dout,
                                 const bf16* q, const bf16* k, const bf16* v,
                                 const float* lse, const int32_t* doc_starts,
                                 int num_docs, bool document_masking, int T,
                                 int Hq, int Hkv, int head_dim,
                                 cudaStream_t stream) {
  switch (head_dim) {
    case 16:
      return Backward<16>(dq, dk, dv, partials, delta, dout, q, k, v, lse,
                          doc_starts, num_docs, document_masking, T, Hq, Hkv,
                          stream);
    case 32:
      return Backward<32>(dq, dk, dv, partials, delta, dout, q, k, v, lse,
                          doc_starts, num_docs, document_masking, T, Hq, Hkv,
                          stream);
    case 64:
      return Backward<64>(dq, dk, dv, partials, delta, dout, q, k, v, lse,
                          doc_starts, num_docs, document_masking, T, Hq, Hkv,
                          stream);
    case 128:
      return Backward<128>(dq, dk, dv, partials, delta, dout, q, k, v, lse,
                           doc_starts, num_docs, document_masking, T, Hq, Hkv,
                           stream);
  }
  throw std::invalid_argument("tensor-core attention: unsupported head_dim " +
                              std::to_string(head_dim));
}

}  // namespace prolong::ops::cuda
