#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "ops/cuda/attention.h"
#include "ops/cuda/attention_documents.cuh"
#include "ops/cuda/attention_tensor_core.h"
#include "ops/cuda/cuda_check.h"
#include "ops/cuda/device_math.cuh"

namespace prolong::ops::cuda {
namespace {

// Tiles are kTile query rows by kTile key rows. A block's kThreads threads
// form a kThreadGrid x kThreadGrid grid (ty, tx) = (thread / 16, thread % 16):
// - in a (kTile, kTile) score tile, thread (ty, tx) owns rows ty + 16 i and
//   columns tx + 16 j, for i, j < kPerThread;
// - in a (kTile, head_dim) accumulator it owns rows ty + 16 i and head-dim
//   columns tx + 16 jj, for jj < kMaxDimsPerThread and tx + 16 jj < head_dim.
// A warp holds two values of ty, so the 16 threads that share a row are 16
// consecutive lanes of one warp: row reductions are 16-lane shuffles.
constexpr int kTile = 64;
constexpr int kThreadGrid = 16;
constexpr int kThreads = kThreadGrid * kThreadGrid;
constexpr int kPerThread = kTile / kThreadGrid;
constexpr int kMaxDimsPerThread = kAttentionMaxHeadDim / kThreadGrid;
static_assert(kAttentionMaxHeadDim % kThreadGrid == 0);
constexpr int kWarpsPerBlock = kThreads / kWarpSize;

// Shared-memory tiles are fp32 with row strides that are odd (for even
// head_dim), so that walking along a row or down a column of a tile touches
// 32 different banks:
// - row tile (kTile, head_dim + 1): rows of Q, dO or V;
// - column tile (head_dim, kTile + 1): K^T or V^T;
// - score tile (kTile, kTile + 1): P or dS.
constexpr int kColumnStride = kTile + 1;
__host__ __device__ constexpr int RowStride(int head_dim) {
  return head_dim + 1;
}
__host__ __device__ constexpr int RowTileFloats(int head_dim) {
  return kTile * RowStride(head_dim);
}
__host__ __device__ constexpr int ColumnTileFloats(int head_dim) {
  return head_dim * kColumnStride;
}
constexpr int kScoreTileFloats = kTile * kColumnStride;

// Whether query t, whose document starts at first_key, sees key s.
__device__ __forceinline__ bool Visible(int t, int s, int first_key, int T) {
  return t < T && s <= t && s >= first_key;
}

// tile (kTile, head_dim + 1) <- rows [t0, t0 + kTile) of x, one head of a
// (T, heads, head_dim) tensor (x points at the head, `stride` floats between
// tokens); rows at or past T are 0. Every thread of the block calls it.
template <typename Float>
__device__ void LoadRowTile(float* tile, const Float* x, std::int64_t stride,
                            int t0, int T, int head_dim) {
  for (int e = threadIdx.x; e < kTile * head_dim; e += kThreads) {
    const int r = e / head_dim;
    const int c = e % head_dim;
    const int t = t0 + r;
    tile[r * RowStride(head_dim) + c] =
        t < T ? ToFloat(x[t * stride + c]) : 0.0f;
  }
}

// As LoadRowTile, transposed: tile (head_dim, kTile + 1).
template <typename Float>
__device__ void LoadColumnTile(float* tile, const Float* x, std::int64_t stride,
                               int t0, int T, int head_dim) {
  for (int e = threadIdx.x; e < kTile * head_dim; e += kThreads) {
    const int r = e / head_dim;
    const int c = e % head_dim;
    const int t = t0 + r;
    tile[c * kColumnStride + r] = t < T ? ToFloat(x[t * stride + c]) : 0.0f;
  }
}

// product[i][j] = sum_c rows[ty + 16 i][c] * columns[c][tx + 16 j], the
// thread's entries of rows (kTile, head_dim + 1) · columns (head_dim,
// kTile + 1); one FMA chain per entry, c = 0, 1, ..., head_dim - 1.
__device__ void TileProduct(float (&product)[kPerThread][kPerThread],
                            const float* rows, const float* columns,
                            int head_dim, int ty, int tx) {
#pragma unroll
  for (int i = 0; i < kPerThread; ++i) {
#pragma unroll
    for (int j = 0; j < kPerThread; ++j) product[i][j] = 0.0f;
  }
  for (int c = 0; c < head_dim; ++c) {
    float a[kPerThread], b[kPerThread];
#pragma unroll
    for (int i = 0; i < kPerThread; ++i) {
      a[i] = rows[(ty + kThreadGrid * i) * RowStride(head_dim) + c];
      b[i] = columns[c * kColumnStride + tx + kThreadGrid * i];
    }
#pragma unroll
    for (int i = 0; i < kPerThread; ++i) {
#pragma unroll
      for (int j = 0; j < kPerThread; ++j) {
        product[i][j] = fmaf(a[i], b[j], product[i][j]);
      }
    }
  }
}

// Sizes every kernel derives from the shapes.
struct Geometry {
  int group;               // query heads per key/value head
  int tiles;               // query (and key) tiles
  float scale;             // 1 / sqrt(head_dim)
  std::int64_t q_stride;   // floats between tokens of q, out, dq: Hq * d
  std::int64_t kv_stride;  // floats between tokens of k, v: Hkv * d
};

__host__ __device__ Geometry MakeGeometry(int T, int Hq, int Hkv,
                                          int head_dim) {
  return {Hq / Hkv, static_cast<int>(CeilDiv(T, kTile)),
          1.0f / sqrtf(static_cast<float>(head_dim)),
          static_cast<std::int64_t>(Hq) * head_dim,
          static_cast<std::int64_t>(Hkv) * head_dim};
}

// ---------------------------------------------------------------- forward

std::size_t ForwardSharedBytes(int head_dim) {
  return sizeof(float) * (2 * RowTileFloats(head_dim) +
                          ColumnTileFloats(head_dim) + kScoreTileFloats);
}

// Grid (tiles, Hq), block (kThreads): the query tile, last tile first (it
// has the most key tiles), of head blockIdx.y. Online softmax over the key
// tiles from the document start of the tile's first query to the tile's
// last query.
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    ForwardKernel(Float* out, float* lse, const Float* q, const Float* k,
                  const Float* v, const int32_t* doc_starts, int num_docs,
                  bool document_masking, int T, int Hq, int Hkv, int head_dim) {
  extern __shared__ float shared[];
  const int d = head_dim;
  float* q_rows = shared;                           // (kTile, d + 1)
  float* k_columns = q_rows + RowTileFloats(d);     // (d, kTile + 1): K^T
  float* v_rows = k_columns + ColumnTileFloats(d);  // (kTile, d + 1)
  float* probs = v_rows + RowTileFloats(d);         // (kTile, kTile + 1)

  const Geometry g = MakeGeometry(T, Hq, Hkv, d);
  const int h = blockIdx.y;
  const int kv_head = h / g.group;
  const int m0 = (g.tiles - 1 - static_cast<int>(blockIdx.x)) * kTile;
  const int m_end = min(T, m0 + kTile);
  const int ty = threadIdx.x / kThreadGrid;
  const int tx = threadIdx.x % kThreadGrid;

  LoadRowTile(q_rows, q + h * d, g.q_stride, m0, T, d);
  int first_key[kPerThread];  // document start of each of my rows
  float row_max[kPerThread];  // max of the scaled scores seen so far
  float row_sum[kPerThread];  // sum of exp(score - row_max)
  float accum[kPerThread][kMaxDimsPerThread];  // unnormalised output
#pragma unroll
  for (int i = 0; i < kPerThread; ++i) {
    const int t = m0 + ty + kThreadGrid * i;
    first_key[i] =
        t < T ? DocumentOf(doc_starts, num_docs, document_masking, T, t).begin
              : T;
    row_max[i] = -INFINITY;
    row_sum[i] = 0.0f;
#pragma unroll
    for (int jj = 0; jj < kMaxDimsPerThread; ++jj) accum[i][jj] = 0.0f;
  }

  const int key_begin =
      DocumentOf(doc_starts, num_docs, document_masking, T, m0).begin;
  for (int n0 = key_begin / kTile * kTile; n0 < m_end; n0 += kTile) {
    __syncthreads();  // Every read of the previous key tile is done.
    LoadColumnTile(k_columns, k + kv_head * d, g.kv_stride, n0, T, d);
    LoadRowTile(v_rows, v + kv_head * d, g.kv_stride, n0, T, d);
    __syncthreads();
    float scores[kPerThread][kPerThread];
    TileProduct(scores, q_rows, k_columns, d, ty, tx);
#pragma unroll
    for (int i = 0; i < kPerThread; ++i) {
      const int r = ty + kThreadGrid * i;
      float tile_max = -INFINITY;
#pragma unroll
      for (int j = 0; j < kPerThread; ++j) {
        const int s = n0 + tx + kThreadGrid * j;
        scores[i][j] = Visible(m0 + r, s, first_key[i], T)
                           ? scores[i][j] * g.scale
                           : -INFINITY;
        tile_max = fmaxf(tile_max, scores[i][j]);
      }
      const float new_max = fmaxf(row_max[i], WarpMax<kThreadGrid>(tile_max));
      // While a row has seen no key new_max is -inf; subtracting 0 instead
      // keeps every exp(-inf - 0) at 0 rather than NaN.
      const float offset = new_max == -INFINITY ? 0.0f : new_max;
      const float rescale = expf(row_max[i] - offset);  // 0 from -inf
      float tile_sum = 0.0f;
#pragma unroll
      for (int j = 0; j < kPerThread; ++j) {
        const float p = expf(scores[i][j] - offset);
        tile_sum += p;
        probs[r * kColumnStride + tx + kThreadGrid * j] = p;
      }
      row_sum[i] = rescale * row_sum[i] + WarpSum<kThreadGrid>(tile_sum);
      row_max[i] = new_max;
#pragma unroll
      for (int jj = 0; jj < kMaxDimsPerThread; ++jj) accum[i][jj] *= rescale;
    }
    __syncthreads();  // probs is complete.
    // accum += P V.
    for (int c = 0; c < kTile; ++c) {
      float p[kPerThread];
#pragma unroll
      for (int i = 0; i < kPerThread; ++i) {
        p[i] = probs[(ty + kThreadGrid * i) * kColumnStride + c];
      }
#pragma unroll
      for (int jj = 0; jj < kMaxDimsPerThread; ++jj) {
        const int col = tx + kThreadGrid * jj;
        if (col >= d) continue;
        const float value = v_rows[c * RowStride(d) + col];
#pragma unroll
        for (int i = 0; i < kPerThread; ++i) {
          accum[i][jj] = fmaf(p[i], value, accum[i][jj]);
        }
      }
    }
  }
  // Every query sees at least itself, so row_sum >= 1 for t < T.
#pragma unroll
  for (int i = 0; i < kPerThread; ++i) {
    const int t = m0 + ty + kThreadGrid * i;
    if (t >= T) continue;
    Float* out_row = out + t * g.q_stride + h * d;  // (d)
#pragma unroll
    for (int jj = 0; jj < kMaxDimsPerThread; ++jj) {
      const int col = tx + kThreadGrid * jj;
      if (col < d) out_row[col] = FromFloat<Float>(accum[i][jj] / row_sum[i]);
    }
    if (tx == 0) {
      lse[static_cast<std::int64_t>(h) * T + t] = row_max[i] + logf(row_sum[i]);
    }
  }
}

// --------------------------------------------------------------- backward

// Grid (ceil(T * Hq / kWarpsPerBlock)), block (kThreads): one warp per
// (t, h) row of dout, out (T, Hq, d): delta[h][t] = sum_c dout * out.
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    DeltaKernel(float* delta, const Float* dout, const Float* out, int T,
                int Hq, int head_dim) {
  const std::int64_t row =
      static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock +
      threadIdx.x / kWarpSize;
  const int lane = threadIdx.x % kWarpSize;
  if (row >= static_cast<std::int64_t>(T) * Hq) return;  // warp-uniform
  const Float* dy = dout + row * head_dim;               // (d)
  const Float* y = out + row * head_dim;                 // (d)
  float sum = 0.0f;
  for (int c = lane; c < head_dim; c += kWarpSize) {
    sum += ToFloat(dy[c]) * ToFloat(y[c]);
  }
  sum = WarpSum<kWarpSize>(sum);
  if (lane == 0) delta[(row % Hq) * T + row / Hq] = sum;
}

std::size_t KeyValueGradSharedBytes(int head_dim) {
  return sizeof(float) *
             (2 * ColumnTileFloats(head_dim) + 2 * RowTileFloats(head_dim) +
              2 * kScoreTileFloats + 2 * kTile) +
         sizeof(int) * kTile;
}

// Grid (tiles, Hkv), block (kThreads): dK, dV of key tile blockIdx.x (the
// first tiles, with the most query tiles, start first) of kv head
// blockIdx.y, summed over the group's query heads and the query tiles
// [n0, end of the document of the tile's last key), in that order.
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    KeyValueGradKernel(Float* dk, Float* dv, const Float* dout, const Float* q,
                       const Float* k, const Float* v, const float* lse,
                       const float* delta, const int32_t* doc_starts,
                       int num_docs, bool document_masking, int T, int Hq,
                       int Hkv, int head_dim) {
  extern __shared__ float shared[];
  const int d = head_dim;
  float* k_columns = shared;                           // (d, kTile + 1): K^T
  float* v_columns = k_columns + ColumnTileFloats(d);  // (d, kTile + 1): V^T
  float* q_rows = v_columns + ColumnTileFloats(d);     // (kTile, d + 1)
  float* dout_rows = q_rows + RowTileFloats(d);        // (kTile, d + 1)
  float* probs = dout_rows + RowTileFloats(d);         // (kTile, kTile + 1)
  float* dscores = probs + kScoreTileFloats;           // (kTile, kTile + 1)
  float* row_lse = dscores + kScoreTileFloats;         // (kTile)
  float* row_delta = row_lse + kTile;                  // (kTile)
  int* row_first_key = reinterpret_cast<int*>(row_delta + kTile);  // (kTile)

  const Geometry g = MakeGeometry(T, Hq, Hkv, d);
  const int kv_head = blockIdx.y;
  const int n0 = blockIdx.x * kTile;
  const int n_end = min(T, n0 + kTile);
  const int ty = threadIdx.x / kThreadGrid;
  const int tx = threadIdx.x % kThreadGrid;

  LoadColumnTile(k_columns, k + kv_head * d, g.kv_stride, n0, T, d);
  LoadColumnTile(v_columns, v + kv_head * d, g.kv_stride, n0, T, d);
  // Queries that may see a key of this tile: [n0, query_end).
  const int query_end =
      DocumentOf(doc_starts, num_docs, document_masking, T, n_end - 1).end;
  // Thread rows here are key rows ty + 16 i of the tile.
  float dk_accum[kPerThread][kMaxDimsPerThread];
  float dv_accum[kPerThread][kMaxDimsPerThread];
#pragma unroll
  for (int i = 0; i < kPerThread; ++i) {
#pragma unroll
    for (int jj = 0; jj < kMaxDimsPerThread; ++jj) {
      dk_accum[i][jj] = 0.0f;
      dv_accum[i][jj] = 0.0f;
    }
  }
  for (int h = kv_head * g.group; h < (kv_head + 1) * g.group; ++h) {
    for (int m0 = n0; m0 < query_end; m0 += kTile) {
      __syncthreads();  // Every read of the previous query tile is done.
      LoadRowTile(q_rows, q + h * d, g.q_stride, m0, T, d);
      LoadRowTile(dout_rows, dout + h * d, g.q_stride, m0, T, d);
      for (int r = threadIdx.x; r < kTile; r += kThreads) {
        const int t = m0 + r;
        const std::int64_t index = static_cast<std::int64_t>(h) * T + t;
        row_lse[r] = t < T ? lse[index] : 0.0f;
        row_delta[r] = t < T ? delta[index] : 0.0f;
        row_first_key[r] =
            t < T
                ? DocumentOf(doc_starts, num_docs, document_masking, T, t).begin
                : T;
      }
      __syncthreads();
      float scores[kPerThread][kPerThread];  // S = Q K^T
      float dprobs[kPerThread][kPerThread];  // dP = dO V^T
      TileProduct(scores, q_rows, k_columns, d, ty, tx);
      TileProduct(dprobs, dout_rows, v_columns, d, ty, tx);
#pragma unroll
      for (int i = 0; i < kPerThread; ++i) {
        const int r = ty + kThreadGrid * i;
#pragma unroll
        for (int j = 0; j < kPerThread; ++j) {
          const int c = tx + kThreadGrid * j;
          // P = exp(S * scale - lse); dS = P * (dP - delta).
          const float p = Visible(m0 + r, n0 + c, row_first_key[r], T)
                              ? expf(scores[i][j] * g.scale - row_lse[r])
                              : 0.0f;
          probs[r * kColumnStride + c] = p;
          dscores[r * kColumnStride + c] = p * (dprobs[i][j] - row_delta[r]);
        }
      }
      __syncthreads();  // probs and dscores are complete.
      // dV += P^T dO and dK += dS^T Q, over the tile's query rows r.
      for (int r = 0; r < kTile; ++r) {
        float p[kPerThread], ds[kPerThread];
#pragma unroll
        for (int i = 0; i < kPerThread; ++i) {
          p[i] = probs[r * kColumnStride + ty + kThreadGrid * i];
          ds[i] = dscores[r * kColumnStride + ty + kThreadGrid * i];
        }
#pragma unroll
        for (int jj = 0; jj < kMaxDimsPerThread; ++jj) {
          const int col = tx + kThreadGrid * jj;
          if (col >= d) continue;
          const float dy = dout_rows[r * RowStride(d) + col];
          const float x = q_rows[r * RowStride(d) + col];
#pragma unroll
          for (int i = 0; i < kPerThread; ++i) {
            dv_accum[i][jj] = fmaf(p[i], dy, dv_accum[i][jj]);
            dk_accum[i][jj] = fmaf(ds[i], x, dk_accum[i][jj]);
          }
        }
      }
    }
  }
#pragma unroll
  for (int i = 0; i < kPerThread; ++i) {
    const int s = n0 + ty + kThreadGrid * i;
    if (s >= T) continue;
    const std::int64_t row = s * g.kv_stride + kv_head * d;
#pragma unroll
    for (int jj = 0; jj < kMaxDimsPerThread; ++jj) {
      const int col = tx + kThreadGrid * jj;
      if (col >= d) continue;
      dk[row + col] =
          FromFloat<Float>(ToFloat(dk[row + col]) + g.scale * dk_accum[i][jj]);
      dv[row + col] =
          FromFloat<Float>(ToFloat(dv[row + col]) + dv_accum[i][jj]);
    }
  }
}

std::size_t QueryGradSharedBytes(int head_dim) {
  return sizeof(float) * (2 * RowTileFloats(head_dim) +
                          2 * ColumnTileFloats(head_dim) + kScoreTileFloats);
}

// Grid (tiles, Hq), block (kThreads): dQ of query tile blockIdx.x (last tile
// first) of head blockIdx.y, summed over the key tiles it sees, in order.
template <typename Float>
__global__ void __launch_bounds__(kThreads)
    QueryGradKernel(Float* dq, const Float* dout, const Float* q,
                    const Float* k, const Float* v, const float* lse,
                    const float* delta, const int32_t* doc_starts, int num_docs,
                    bool document_masking, int T, int Hq, int Hkv,
                    int head_dim) {
  extern __shared__ float shared[];
  const int d = head_dim;
  float* q_rows = shared;                              // (kTile, d + 1)
  float* dout_rows = q_rows + RowTileFloats(d);        // (kTile, d + 1)
  float* k_columns = dout_rows + RowTileFloats(d);     // (d, kTile + 1): K^T
  float* v_columns = k_columns + ColumnTileFloats(d);  // (d, kTile + 1): V^T
  float* dscores = v_columns + ColumnTileFloats(d);    // (kTile, kTile + 1)

  const Geometry g = MakeGeometry(T, Hq, Hkv, d);
  const int h = blockIdx.y;
  const int kv_head = h / g.group;
  const int m0 = (g.tiles - 1 - static_cast<int>(blockIdx.x)) * kTile;
  const int m_end = min(T, m0 + kTile);
  const int ty = threadIdx.x / kThreadGrid;
  const int tx = threadIdx.x % kThreadGrid;

  LoadRowTile(q_rows, q + h * d, g.q_stride, m0, T, d);
  LoadRowTile(dout_rows, dout + h * d, g.q_stride, m0, T, d);
  int first_key[kPerThread];
  float row_lse[kPerThread], row_delta[kPerThread];
  float dq_accum[kPerThread][kMaxDimsPerThread];
#pragma unroll
  for (int i = 0; i < kPerThread; ++i) {
    const int t = m0 + ty + kThreadGrid * i;
    const std::int64_t index = static_cast<std::int64_t>(h) * T + t;
    first_key[i] =
        t < T ? DocumentOf(doc_starts, num_docs, document_masking, T, t).begin
              : T;
    row_lse[i] = t < T ? lse[index] : 0.0f;
    row_delta[i] = t < T ? delta[index] : 0.0f;
#pragma unroll
    for (int jj = 0; jj < kMaxDimsPerThread; ++jj) dq_accum[i][jj] = 0.0f;
  }

  const int key_begin =
      DocumentOf(doc_starts, num_docs, document_masking, T, m0).begin;
  for (int n0 = key_begin / kTile * kTile; n0 < m_end; n0 += kTile) {
    __syncthreads();  // Every read of the previous key tile is done.
    LoadColumnTile(k_columns, k + kv_head * d, g.kv_stride, n0, T, d);
    LoadColumnTile(v_columns, v + kv_head * d, g.kv_stride, n0, T, d);
    __syncthreads();
    float scores[kPerThread][kPerThread];  // S = Q K^T
    float dprobs[kPerThread][kPerThread];  // dP = dO V^T
    TileProduct(scores, q_rows, k_columns, d, ty, tx);
    TileProduct(dprobs, dout_rows, v_columns, d, ty, tx);
#pragma unroll
    for (int i = 0; i < kPerThread; ++i) {
      const int r = ty + kThreadGrid * i;
#pragma unroll
      for (int j = 0; j < kPerThread; ++j) {
        const int c = tx + kThreadGrid * j;
        const float p = Visible(m0 + r, n0 + c, first_key[i], T)
                            ? expf(scores[i][j] * g.scale - row_lse[i])
                            : 0.0f;
        dscores[r * kColumnStride + c] = p * (dprobs[i][j] - row_delta[i]);
      }
    }
    __syncthreads();  // dscores is complete.
    // dQ += dS K, with K[c][col] = k_columns[col][c].
    for (int c = 0; c < kTile; ++c) {
      float ds[kPerThread];
#pragma unroll
      for (int i = 0; i < kPerThread; ++i) {
        ds[i] = dscores[(ty + kThreadGrid * i) * kColumnStride + c];
      }
#pragma unroll
      for (int jj = 0; jj < kMaxDimsPerThread; ++jj) {
        const int col = tx + kThreadGrid * jj;
        if (col >= d) continue;
        const float key = k_columns[col * kColumnStride + c];
#pragma unroll
        for (int i = 0; i < kPerThread; ++i) {
          dq_accum[i][jj] = fmaf(ds[i], key, dq_accum[i][jj]);
        }
      }
    }
  }
#pragma unroll
  for (int i = 0; i < kPerThread; ++i) {
    const int t = m0 + ty + kThreadGrid * i;
    if (t >= T) continue;
    const std::int64_t row = t * g.q_stride + h * d;
#pragma unroll
    for (int jj = 0; jj < kMaxDimsPerThread; ++jj) {
      const int col = tx + kThreadGrid * jj;
      if (col >= d) continue;
      dq[row + col] =
          FromFloat<Float>(ToFloat(dq[row + col]) + g.scale * dq_accum[i][jj]);
    }
  }
}

// ------------------------------------------------------------------ host

void CheckShapes(int num_docs, bool document_masking, int T, int Hq, int Hkv,
                 int head_dim) {
  if (T < 0 || Hq < 1 || Hkv < 1 || Hq % Hkv != 0) {
    throw std::invalid_argument(
        "attention needs T >= 0 and Hq a positive multiple of Hkv >= 1; got "
        "T=" +
        std::to_string(T) + " Hq=" + std::to_string(Hq) +
        " Hkv=" + std::to_string(Hkv));
  }
  if (head_dim < 1 || head_dim > kAttentionMaxHeadDim) {
    throw std::invalid_argument("attention head_dim must be in [1, " +
                                std::to_string(kAttentionMaxHeadDim) +
                                "], got " + std::to_string(head_dim));
  }
  if (document_masking && T > 0 && num_docs < 1) {
    throw std::invalid_argument(
        "attention with document masking needs num_docs >= 1");
  }
}

// Lets `kernel` use `bytes` of dynamic shared memory (above the default
// 48 KiB, up to the device's opt-in limit).
template <typename Kernel>
void AllowSharedBytes(Kernel kernel, std::size_t bytes) {
  CUDA_CHECK(cudaFuncSetAttribute(kernel,
                                  cudaFuncAttributeMaxDynamicSharedMemorySize,
                                  static_cast<int>(bytes)));
}

}  // namespace

template <typename Float>
void AttentionForward(Float* out, float* lse, const Float* q, const Float* k,
                      const Float* v, const int32_t* doc_starts, int num_docs,
                      bool document_masking, int T, int Hq, int Hkv,
                      int head_dim, cudaStream_t stream) {
  CheckShapes(num_docs, document_masking, T, Hq, Hkv, head_dim);
  if (T == 0) return;
  if constexpr (std::is_same_v<Float, bf16>) {
    if (TensorCoreAttentionSupports({q, k, v}, head_dim)) {
      TensorCoreAttentionForward(out, lse, q, k, v, doc_starts, num_docs,
                                 document_masking, T, Hq, Hkv, head_dim,
                                 stream);
      return;
    }
  }
  const Geometry g = MakeGeometry(T, Hq, Hkv, head_dim);
  const std::size_t shared_bytes = ForwardSharedBytes(head_dim);
  AllowSharedBytes(ForwardKernel<Float>, shared_bytes);
  ForwardKernel<Float><<<dim3(g.tiles, Hq), kThreads, shared_bytes, stream>>>(
      out, lse, q, k, v, doc_starts, num_docs, document_masking, T, Hq, Hkv,
      head_dim);
  CUDA_CHECK(cudaGetLastError());
}

namespace {

// Floats of scratch that delta (Hq, T) takes: rounded up to 16 bytes, so
// that what follows it stays aligned.
std::size_t DeltaFloats(int T, int Hq) {
  return static_cast<std::size_t>(
             CeilDiv(static_cast<std::int64_t>(T) * Hq, 4)) *
         4;
}

}  // namespace

std::size_t AttentionBackwardScratchFloats(int T, int Hq, int Hkv,
                                           int head_dim) {
  // delta, then the tensor-core backward's partial sums (bf16 only; sized
  // for it whatever the type).
  return DeltaFloats(T, Hq) +
         TensorCoreAttentionScratchFloats(T, Hq, Hkv, head_dim);
}

template <typename Float>
void AttentionBackward(Float* dq, Float* dk, Float* dv, float* scratch,
                       const Float* dout, const Float* q, const Float* k,
                       const Float* v, const Float* out, const float* lse,
                       const int32_t* doc_starts, int num_docs,
                       bool document_masking, int T, int Hq, int Hkv,
                       int head_dim, cudaStream_t stream) {
  CheckShapes(num_docs, document_masking, T, Hq, Hkv, head_dim);
  if (T == 0) return;
  const Geometry g = MakeGeometry(T, Hq, Hkv, head_dim);
  float* delta = scratch;  // (Hq, T)
  const std::int64_t rows = static_cast<std::int64_t>(T) * Hq;
  DeltaKernel<Float>
      <<<static_cast<unsigned>(CeilDiv(rows, kWarpsPerBlock)), kThreads, 0,
         stream>>>(delta, dout, out, T, Hq, head_dim);
  CUDA_CHECK(cudaGetLastError());
  if constexpr (std::is_same_v<Float, bf16>) {
    if (TensorCoreAttentionSupports({dout, q, k, v}, head_dim)) {
      TensorCoreAttentionBackward(
          dq, dk, dv, delta + DeltaFloats(T, Hq), delta, dout, q, k, v, lse,
          doc_starts, num_docs, document_masking, T, Hq, Hkv, head_dim, stream);
      return;
    }
  }

  const std::size_t kv_bytes = KeyValueGradSharedBytes(head_dim);
  AllowSharedBytes(KeyValueGradKernel<Float>, kv_bytes);
  KeyValueGradKernel<Float><<<dim3(g.tiles, Hkv), kThreads, kv_bytes, stream>>>(
      dk, dv, dout, q, k, v, lse, delta, doc_starts, num_docs, document_masking,
      T, Hq, Hkv, head_dim);
  CUDA_CHECK(cudaGetLastError());

  const std::size_t q_bytes = QueryGradSharedBytes(head_dim);
  AllowSharedBytes(QueryGradKernel<Float>, q_bytes);
  QueryGradKernel<Float><<<dim3(g.tiles, Hq), kThreads, q_bytes, stream>>>(
      dq, dout, q, k, v, lse, delta, doc_starts, num_docs, document_masking, T,
      Hq, Hkv, head_dim);
  CUDA_CHECK(cudaGetLastError());
}

template void AttentionForward<float>(float*, float*, const float*,
                                      const float*, const float*,
                                      const int32_t*, int, bool, int, int, int,
                                      int, cudaStream_t);
template void AttentionForward<bf16>(bf16*, float*, const bf16*, const bf16*,
                                     const bf16*, const int32_t*, int, bool,
                                     int, int, int, int, cudaStream_t);
template void AttentionBackward<float>(float*, float*, float*, float*,
                                       const float*, const float*, const float*,
                                       const float*, const float*, const float*,
                                       const int32_t*, int, bool, int, int, int,
                                       int, cudaStream_t);
template void AttentionBackward<bf16>(bf16*, bf16*, bf16*, float*, const bf16*,
                                      const bf16*, const bf16*, const bf16*,
                                      const bf16*, const float*, const int32_t*,
                                      int, bool, int, int, int, int,
                                      cudaStream_t);

}  // namespace prolong::ops::cuda
