#include "ops/attention.h"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "ops/vector_exp.h"

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace prolong::ops {
namespace {

using RowMatrix =
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using View = Eigen::Map<RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

int CeilDiv(int a, int b) { return (a + b - 1) / b; }

// Which keys each query may see: keys in [first_key[t], t]; and, seen from
// the key side, queries in [s, last_query[s]].
struct MaskBounds {
  std::vector<int32_t> first_key;   // (T)
  std::vector<int32_t> last_query;  // (T)
};

MaskBounds MakeMaskBounds(const int32_t* doc_starts, int num_docs,
                          bool document_masking, int T) {
  MaskBounds bounds{std::vector<int32_t>(T, 0), std::vector<int32_t>(T, T - 1)};
  if (!document_masking) return bounds;
  for (int d = 0; d < num_docs; ++d) {
    for (int t = doc_starts[d]; t < doc_starts[d + 1]; ++t) {
      bounds.first_key[t] = doc_starts[d];
      bounds.last_query[t] = doc_starts[d + 1] - 1;
    }
  }
  return bounds;
}

// Rows [r0, r0 + rows) of head `head` of a (T, heads, head_dim) tensor.
View HeadRows(float* x, int r0, int rows, int head, int heads, int head_dim) {
  return View(x + (static_cast<long>(r0) * heads + head) * head_dim, rows,
              head_dim, Eigen::OuterStride<>(heads * head_dim));
}

// Columns [lo, hi) of a key tile starting at key n0 with `cols` keys that
// query `query` may see (empty when hi <= lo).
struct ColumnRange {
  int lo, hi;
};
ColumnRange VisibleColumns(const MaskBounds& bounds, int query, int n0,
                           int cols) {
  return {std::max(0, bounds.first_key[query] - n0),
          std::min(cols, query - n0 + 1)};
}

#ifdef __AVX2__
// Lanes [0, n) set, n in [0, 8].
__m256i FirstLanes(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

float HorizontalMax(__m256 x) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  return _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
}

float HorizontalSum(__m256 x) {
  __m128 m = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
  m = _mm_add_ps(m, _mm_movehl_ps(m, m));
  return _mm_cvtss_f32(_mm_add_ss(m, _mm_movehdup_ps(m)));
}
#endif  // __AVX2__

// C (m, n) = A (m, k) B (k, n), or C += A B when kAccumulate, with
// A(r, i) = a[r * a_row + i * a_col], B(i, c) = b[i * ldb + c] and
// C(r, c) = c[r * ldc + c]. Every C entry is one FMA chain over i = 0, 1,
// ..., k - 1 (starting from its old value when accumulating), whatever m
// and n: results do not depend on the blocking.
struct GemmArgs {
  float* c;
  long ldc;
  const float* a;
  long a_row, a_col;
  const float* b;
  long ldb;
  int m, n, k;
};

#ifdef __AVX2__
// Rows [r0, r0 + kRows) and columns [c0, c0 + 16) of C; columns past n are
// neither read nor written.
template <bool kAccumulate, int kRows, bool kFullWidth>
void GemmTile(const GemmArgs& g, int r0, int c0) {
  const __m256i lanes0 = FirstLanes(std::min(8, g.n - c0));
  const __m256i lanes1 = FirstLanes(std::max(0, std::min(8, g.n - c0 - 8)));
  auto load = [&](const float* p, const __m256i& lanes) {
    return kFullWidth ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, lanes);
  };
  // Locals, so that the accumulators stay in registers.
  const float* a[kRows];
  __m256 acc0[kRows], acc1[kRows];
#pragma GCC unroll 6
  for (int r = 0; r < kRows; ++r) {
    a[r] = g.a + (r0 + r) * g.a_row;
    const float* c = g.c + (r0 + r) * g.ldc + c0;
    acc0[r] = kAccumulate ? load(c, lanes0) : _mm256_setzero_ps();
    acc1[r] = kAccumulate ? load(c + 8, lanes1) : _mm256_setzero_ps();
  }
  const float* b = g.b + c0;
  const long a_col = g.a_col, ldb = g.ldb;
  for (int i = 0; i < g.k; ++i, b += ldb) {
    const __m256 b0 = load(b, lanes0);
    const __m256 b1 = load(b + 8, lanes1);
#pragma GCC unroll 6
    for (int r = 0; r < kRows; ++r) {
      const __m256 a_ri = _mm256_broadcast_ss(a[r] + i * a_col);
      acc0[r] = _mm256_fmadd_ps(a_ri, b0, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(a_ri, b1, acc1[r]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < kRows; ++r) {
    float* c = g.c + (r0 + r) * g.ldc + c0;
    if (kFullWidth) {
      _mm256_storeu_ps(c, acc0[r]);
      _mm256_storeu_ps(c + 8, acc1[r]);
    } else {
      _mm256_maskstore_ps(c, lanes0, acc0[r]);
      _mm256_maskstore_ps(c + 8, lanes1, acc1[r]);
    }
  }
}

template <bool kAccumulate, int kRows>
void GemmRows(const GemmArgs& g, int r0) {
  int c0 = 0;
  for (; c0 + 16 <= g.n; c0 += 16)
    GemmTile<kAccumulate, kRows, true>(g, r0, c0);
  if (c0 < g.n) GemmTile<kAccumulate, kRows, false>(g, r0, c0);
}
#endif  // __AVX2__

template <bool kAccumulate>
void Gemm(const GemmArgs& g) {
#ifdef __AVX2__
  int r0 = 0;
  for (; r0 + 6 <= g.m; r0 += 6) GemmRows<kAccumulate, 6>(g, r0);
  switch (g.m - r0) {
    case 5:
      GemmRows<kAccumulate, 5>(g, r0);
      break;
    case 4:
      GemmRows<kAccumulate, 4>(g, r0);
      break;
    case 3:
      GemmRows<kAccumulate, 3>(g, r0);
      break;
    case 2:
      GemmRows<kAccumulate, 2>(g, r0);
      break;
    case 1:
      GemmRows<kAccumulate, 1>(g, r0);
      break;
  }
#else
  for (int r = 0; r < g.m; ++r) {
    for (int col = 0; col < g.n; ++col) {
      float* c = g.c + r * g.ldc + col;
      float sum = kAccumulate ? *c : 0.0f;
      for (int i = 0; i < g.k; ++i) {
        sum =
            std::fma(g.a[r * g.a_row + i * g.a_col], g.b[i * g.ldb + col], sum);
      }
      *c = sum;
    }
  }
#endif
}

// x (T, heads, head_dim) -> xt (heads, tiles, head_dim, block), tiles =
// ceil(T / block): each tile of `block` rows transposed, contiguous (rows
// past T are left as they are). A work-shared loop: call it from inside a
// parallel region; it returns after the barrier that ends the loop.
void TransposeTiles(const float* x, int T, int heads, int head_dim, int block,
                    float* xt) {
  const int tiles = CeilDiv(T, block);
#pragma omp for schedule(static)
  for (int task = 0; task < heads * tiles; ++task) {
    const int h = task / tiles;
    const int t0 = (task % tiles) * block;
    float* tile = xt + static_cast<long>(task) * head_dim * block;
    for (int t = t0; t < std::min(T, t0 + block); ++t) {
      const float* row = x + (static_cast<long>(t) * heads + h) * head_dim;
      for (int i = 0; i < head_dim; ++i) tile[i * block + t - t0] = row[i];
    }
  }
}

// max(s[lo, hi)), hi > lo. s: (>= hi).
float RowMax(const float* s, int lo, int hi) {
#ifdef __AVX2__
  __m256 max = _mm256_set1_ps(kNegInf);
  int c = lo;
  for (; c + 8 <= hi; c += 8) max = _mm256_max_ps(max, _mm256_loadu_ps(s + c));
  if (c < hi) {
    const __m256i lanes = FirstLanes(hi - c);
    max = _mm256_max_ps(max, _mm256_blendv_ps(_mm256_set1_ps(kNegInf),
                                              _mm256_maskload_ps(s + c, lanes),
                                              _mm256_castsi256_ps(lanes)));
  }
  return HorizontalMax(max);
#else
  return *std::max_element(s + lo, s + hi);
#endif
}

// s[c] = 2^(s[c] * scale - offset) for c in [lo, hi) and 0 for the other c
// in [0, cols); returns the sum of s. s: (cols).
float ExpRow(float* s, int cols, ColumnRange range, float scale, float offset) {
  const int lo = std::clamp(range.lo, 0, cols);
  const int hi = std::clamp(range.hi, lo, cols);
  std::fill(s, s + lo, 0.0f);
  std::fill(s + hi, s + cols, 0.0f);
#ifdef __AVX2__
  const __m256 scale8 = _mm256_set1_ps(scale);
  const __m256 offset8 = _mm256_set1_ps(-offset);
  __m256 sum = _mm256_setzero_ps();
  int c = lo;
  for (; c + 8 <= hi; c += 8) {
    const __m256 p =
        Exp2x8(_mm256_fmadd_ps(_mm256_loadu_ps(s + c), scale8, offset8));
    _mm256_storeu_ps(s + c, p);
    sum = _mm256_add_ps(sum, p);
  }
  if (c < hi) {
    const __m256i lanes = FirstLanes(hi - c);
    const __m256 p =
        _mm256_and_ps(Exp2x8(_mm256_fmadd_ps(_mm256_maskload_ps(s + c, lanes),
                                             scale8, offset8)),
                      _mm256_castsi256_ps(lanes));
    _mm256_maskstore_ps(s + c, lanes, p);
    sum = _mm256_add_ps(sum, p);
  }
  return HorizontalSum(sum);
#else
  float sum = 0.0f;
  for (int c = lo; c < hi; ++c) {
    s[c] = Exp2(std::fma(s[c], scale, -offset));
    sum += s[c];
  }
  return sum;
#endif
}

// P = exp(S * scale - lse) (0 where masked) of query rows [m0, m0 + rows)
// against key rows [n0, n0 + cols), S = Q K^T, as 2^(S * log2_scale -
// lse * log2(e)) with log2_scale = scale * log2(e). q_tile: (rows, head_dim)
// with row stride ldq; kt_tile: (head_dim, cols) with row stride ldkt;
// probs: (rows, cols).
void RecomputeProbabilities(RowMatrix* probs, const float* q_tile, long ldq,
                            const float* kt_tile, long ldkt, int head_dim,
                            const float* lse_row, const MaskBounds& bounds,
                            int m0, int n0, float log2_scale) {
  const int rows = static_cast<int>(probs->rows());
  const int cols = static_cast<int>(probs->cols());
  Gemm<false>({probs->data(), cols, q_tile, ldq, 1, kt_tile, ldkt, rows, cols,
               head_dim});
  for (int r = 0; r < rows; ++r) {
    ExpRow(probs->data() + static_cast<long>(r) * cols, cols,
           VisibleColumns(bounds, m0 + r, n0, cols), log2_scale,
           lse_row[m0 + r] * kLog2e);
  }
}

// Turns dprobs = dO V^T (rows, cols) into dS * scale = P * (dP - delta) *
// scale in place, with P = probs (rows, cols) and delta_row[m0 + r] the
// correction of row r.
void SoftmaxBackward(RowMatrix* dprobs, const RowMatrix& probs,
                     const float* delta_row, int m0, float scale) {
  for (int r = 0; r < probs.rows(); ++r) {
    dprobs->row(r).array() = probs.row(r).array() *
                             (dprobs->row(r).array() - delta_row[m0 + r]) *
                             scale;
  }
}

// Sizes shared by the forward and the backward.
struct TileGeometry {
  int group;       // query heads per key/value head
  int tiles;       // key (and query) tiles of `block` rows
  float scale;     // softmax scale 1/sqrt(d)
  long q_stride;   // floats between tokens in q, out, dq: Hq * d
  long kv_stride;  // floats between tokens in k, v: Hkv * d
  long tile_size;  // floats in one transposed key tile: d * block
};

TileGeometry MakeTileGeometry(int T, int Hq, int Hkv, int head_dim, int block) {
  return {Hq / Hkv,
          CeilDiv(T, block),
          1.0f / std::sqrt(static_cast<float>(head_dim)),
          static_cast<long>(Hq) * head_dim,
          static_cast<long>(Hkv) * head_dim,
          static_cast<long>(head_dim) * block};
}

}  // namespace

void AttentionForward(float* out, float* lse, const float* q, const float* k,
                      const float* v, const int32_t* doc_starts, int num_docs,
                      bool document_masking, int T, int Hq, int Hkv,
                      int head_dim, int block) {
  const MaskBounds bounds =
      MakeMaskBounds(doc_starts, num_docs, document_masking, T);
  const auto [group, tiles, scale, q_stride, kv_stride, tile_size] =
      MakeTileGeometry(T, Hq, Hkv, head_dim, block);
  const float log2_scale = scale * kLog2e;
  std::vector<float> kt(Hkv * tiles * tile_size);  // (Hkv, tiles, d, block)
#pragma omp parallel
  {
    TransposeTiles(k, T, Hkv, head_dim, block, kt.data());
    RowMatrix scores(block, block);  // (Br, Bc): S, then P
    // Per query head of the group: (Br, d) unnormalised output; (Br) max of
    // S * log2_scale so far; (Br) sum of P.
    std::vector<RowMatrix> accum(group, RowMatrix(block, head_dim));
    std::vector<float> row_max(group * block);
    std::vector<float> row_sum(group * block);
    // Tasks (query tile, kv head), last query tile (the most key tiles)
    // first, over the group's query heads, which share each key tile. Each
    // task writes only its own rows, so which thread runs it does not
    // matter.
#pragma omp for schedule(dynamic, 1)
    for (int task = 0; task < Hkv * tiles; ++task) {
      const int kv_head = task % Hkv;
      const int m0 = (tiles - 1 - task / Hkv) * block;
      const int m1 = std::min(T, m0 + block);
      const int rows = m1 - m0;
      for (RowMatrix& a : accum) {
        a.resize(rows, head_dim);
        a.setZero();
      }
      std::fill(row_max.begin(), row_max.end(), kNegInf);
      std::fill(row_sum.begin(), row_sum.end(), 0.0f);
      for (int j = bounds.first_key[m0] / block; j * block < m1; ++j) {
        const int n0 = j * block;
        const int cols = std::min(T, n0 + block) - n0;
        for (int g = 0; g < group; ++g) {
          const int h = kv_head * group + g;
          scores.resize(rows, cols);
          Gemm<false>({scores.data(), cols, q + m0 * q_stride + h * head_dim,
                       q_stride, 1,
                       kt.data() + (kv_head * tiles + j) * tile_size, block,
                       rows, cols, head_dim});
          for (int r = 0; r < rows; ++r) {
            float* s = scores.data() + static_cast<long>(r) * cols;
            const ColumnRange range = VisibleColumns(bounds, m0 + r, n0, cols);
            if (range.hi <= range.lo) {  // the row sees no key of this tile
              std::fill_n(s, cols, 0.0f);
              continue;
            }
            // log2_scale > 0, so max(S) * log2_scale rounds to
            // max(S * log2_scale).
            float& max = row_max[g * block + r];
            const float new_max =
                std::max(max, RowMax(s, range.lo, range.hi) * log2_scale);
            const float rescale = Exp2(max - new_max);  // 0 when -inf
            float& sum = row_sum[g * block + r];
            sum = rescale * sum + ExpRow(s, cols, range, log2_scale, new_max);
            max = new_max;
            if (rescale != 1.0f) accum[g].row(r) *= rescale;
          }
          Gemm<true>({accum[g].data(), head_dim, scores.data(), cols, 1,
                      v + n0 * kv_stride + kv_head * head_dim, kv_stride, rows,
                      head_dim, cols});
        }
      }
      for (int g = 0; g < group; ++g) {
        const int h = kv_head * group + g;
        View out_tile = HeadRows(out, m0, rows, h, Hq, head_dim);
        for (int r = 0; r < rows; ++r) {
          // Every query sees at least itself, so row_sum > 0.
          const float sum = row_sum[g * block + r];
          out_tile.row(r) = accum[g].row(r) / sum;
          lse[static_cast<long>(h) * T + m0 + r] =
              row_max[g * block + r] * kLn2 + std::log(sum);
        }
      }
    }
  }
}

void AttentionBackward(float* dq, float* dk, float* dv, const float* dout,
                       const float* q, const float* k, const float* v,
                       const float* out, const float* lse,
                       const int32_t* doc_starts, int num_docs,
                       bool document_masking, int T, int Hq, int Hkv,
                       int head_dim, int block) {
  // A task covers up to kTaskTiles x kTaskTiles tile pairs: each query and
  // key tile it reads is reused kTaskTiles times while cached.
  constexpr int kTaskTiles = 4;
  const MaskBounds bounds =
      MakeMaskBounds(doc_starts, num_docs, document_masking, T);
  const auto [group, tiles, scale, q_stride, kv_stride, tile_size] =
      MakeTileGeometry(T, Hq, Hkv, head_dim, block);
  const int tile_groups = CeilDiv(tiles, kTaskTiles);
  // The last query tile that can see each key tile. (tiles)
  std::vector<int> last_tile(tiles);
  for (int j = 0; j < tiles; ++j) {
    last_tile[j] = bounds.last_query[std::min(T, (j + 1) * block) - 1] / block;
  }
  // (Hkv, tiles, d, block): K^T and V^T of each key tile.
  std::vector<float> kt(Hkv * tiles * tile_size), vt(kt.size());
  // delta (Hq, T): rowsum(dout * out), the softmax backward's correction.
  std::vector<float> delta(static_cast<size_t>(Hq) * T);
  // Dependence tokens (Hkv, tile_groups): dk, dv rows of a key tile group;
  // dq rows of a query tile group (for the kv head's query heads).
  std::vector<char> key_tokens(Hkv * tile_groups);
  std::vector<char> query_tokens(Hkv * tile_groups);
  // [[maybe_unused]]: GCC does not count their use in the depend clauses.
  [[maybe_unused]] char* key_token = key_tokens.data();
  [[maybe_unused]] char* query_token = query_tokens.data();
  // Per-thread scratch, (Br, Bc): P, and dP then dS * scale.
  std::vector<RowMatrix> probs(omp_get_max_threads(), RowMatrix(block, block));
  std::vector<RowMatrix> dprobs(probs);
#pragma omp parallel
  {
    TransposeTiles(k, T, Hkv, head_dim, block, kt.data());
    TransposeTiles(v, T, Hkv, head_dim, block, vt.data());
#pragma omp for schedule(static)
    for (int h = 0; h < Hq; ++h) {
      for (int t = 0; t < T; ++t) {
        const long offset = t * q_stride + h * head_dim;
        float sum = 0.0f;
        for (int i = 0; i < head_dim; ++i) {
          sum += dout[offset + i] * out[offset + i];
        }
        delta[static_cast<size_t>(h) * T + t] = sum;
      }
    }
    // Tasks (kv head, key tile group, query tile group): every tile pair
    // (query tile i, key tile j) of the two groups with j <= i <=
    // last_tile[j], for the kv head's query heads; i, then j, then the
    // head in increasing order. A task adds to the dk, dv rows of its key
    // tiles and the dq rows of its query tiles; its dependences order the
    // tasks that add to the same rows as they are created (query groups
    // increasing for a key group, key groups increasing for a query
    // group). So every sum is in a fixed order, the same for any task size
    // and whichever thread runs which task. One explicit task creates them
    // and waits for them: libgomp frees its dependence table when it ends
    // (an implicit task's leaks, which LeakSanitizer reports).
#pragma omp single
#pragma omp task
    {
      for (int key_group = 0; key_group < tile_groups; ++key_group) {
        const int j0 = key_group * kTaskTiles;
        const int j1 = std::min(tiles, j0 + kTaskTiles);
        const int last =
            *std::max_element(&last_tile[j0], &last_tile[j1 - 1] + 1);
        for (int kv_head = 0; kv_head < Hkv; ++kv_head) {
          for (int query_group = key_group; query_group <= last / kTaskTiles;
               ++query_group) {
#pragma omp task depend(inout                                           \
                        : key_token[kv_head * tile_groups + key_group]) \
    depend(inout                                                        \
           : query_token[kv_head * tile_groups + query_group])
            {
              RowMatrix& p = probs[omp_get_thread_num()];
              RowMatrix& ds = dprobs[omp_get_thread_num()];
              const int i0 = query_group * kTaskTiles;
              for (int i = i0; i < std::min(tiles, i0 + kTaskTiles); ++i) {
                const int m0 = i * block;
                const int rows = std::min(T, m0 + block) - m0;
                for (int j = j0; j < std::min(j1, i + 1); ++j) {
                  if (i > last_tile[j]) continue;
                  const int n0 = j * block;
                  const int cols = std::min(T, n0 + block) - n0;
                  const long tile_offset = (kv_head * tiles + j) * tile_size;
                  const long kv_offset = n0 * kv_stride + kv_head * head_dim;
                  for (int h = kv_head * group; h < (kv_head + 1) * group;
                       ++h) {
                    const long q_offset = m0 * q_stride + h * head_dim;
                    p.resize(rows, cols);
                    RecomputeProbabilities(
                        &p, q + q_offset, q_stride, kt.data() + tile_offset,
                        block, head_dim, lse + static_cast<long>(h) * T, bounds,
                        m0, n0, scale * kLog2e);
                    // dV += P^T dO.
                    Gemm<true>({dv + kv_offset, kv_stride, p.data(), 1, cols,
                                dout + q_offset, q_stride, cols, head_dim,
                                rows});
                    // dP = dO V^T, then dS * scale.
                    ds.resize(rows, cols);
                    Gemm<false>({ds.data(), cols, dout + q_offset, q_stride, 1,
                                 vt.data() + tile_offset, block, rows, cols,
                                 head_dim});
                    SoftmaxBackward(&ds, p,
                                    delta.data() + static_cast<long>(h) * T, m0,
                                    scale);
                    // dK += dS^T Q * scale; dQ += dS K * scale.
                    Gemm<true>({dk + kv_offset, kv_stride, ds.data(), 1, cols,
                                q + q_offset, q_stride, cols, head_dim, rows});
                    Gemm<true>({dq + q_offset, q_stride, ds.data(), cols, 1,
                                k + kv_offset, kv_stride, rows, head_dim,
                                cols});
                  }
                }
              }
            }
          }
        }
      }
#pragma omp taskwait  // for its tasks, before it ends
    }
  }
}

}  // namespace prolong::ops
