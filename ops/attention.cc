#include "ops/attention.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace prolong::ops {
namespace {

using RowMatrix =
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstView =
    Eigen::Map<const RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using View = Eigen::Map<RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Which keys each query may see: keys in [first_key[t], t]; and, seen from
// the key side, queries in [s, last_query[s]].
struct MaskBounds {
  std::vector<int32_t> first_key;   // (T)
  std::vector<int32_t> last_query;  // (T)

  bool Allowed(int query, int key) const {
    return key <= query && key >= first_key[query];
  }
  // True when every (query, key) of the tile is allowed.
  bool TileAllowed(int m0, int m1, int n0, int n1) const {
    return n1 - 1 <= m0 && n0 >= first_key[m1 - 1];
  }
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
ConstView HeadRows(const float* x, int r0, int rows, int head, int heads,
                   int head_dim) {
  return ConstView(x + (static_cast<long>(r0) * heads + head) * head_dim, rows,
                   head_dim, Eigen::OuterStride<>(heads * head_dim));
}
View HeadRows(float* x, int r0, int rows, int head, int heads, int head_dim) {
  return View(x + (static_cast<long>(r0) * heads + head) * head_dim, rows,
              head_dim, Eigen::OuterStride<>(heads * head_dim));
}

// Scores of query rows [m0, m0 + rows) against key rows [n0, n0 + cols),
// turned into probabilities P = exp(S * scale - lse) (0 where masked).
// scores: (rows, cols).
void RecomputeProbabilities(RowMatrix* scores, const ConstView& q_tile,
                            const ConstView& k_tile, const float* lse_row,
                            const MaskBounds& bounds, int m0, int n0,
                            float scale) {
  scores->noalias() = q_tile * k_tile.transpose();
  const int rows = static_cast<int>(scores->rows());
  const int cols = static_cast<int>(scores->cols());
  const bool all_allowed = bounds.TileAllowed(m0, m0 + rows, n0, n0 + cols);
  for (int r = 0; r < rows; ++r) {
    float* s = scores->data() + static_cast<long>(r) * cols;
    const float row_lse = lse_row[m0 + r];
    for (int c = 0; c < cols; ++c) {
      s[c] = (all_allowed || bounds.Allowed(m0 + r, n0 + c))
                 ? std::exp(s[c] * scale - row_lse)
                 : 0.0f;
    }
  }
}

// Turns dprobs = dO V^T (rows, cols) into dS = P * (dP - delta) in place,
// with P = probs (rows, cols) and delta_row[m0 + r] the correction of row r.
void SoftmaxBackward(RowMatrix* dprobs, const RowMatrix& probs,
                     const float* delta_row, int m0) {
  const long size = probs.size();
  const int cols = static_cast<int>(probs.cols());
  for (long i = 0; i < size; ++i) {
    const float correction = delta_row[m0 + i / cols];
    dprobs->data()[i] = probs.data()[i] * (dprobs->data()[i] - correction);
  }
}

int CeilDiv(int a, int b) { return (a + b - 1) / b; }

}  // namespace

void AttentionForward(float* out, float* lse, const float* q, const float* k,
                      const float* v, const int32_t* doc_starts, int num_docs,
                      bool document_masking, int T, int Hq, int Hkv,
                      int head_dim, int block) {
  const MaskBounds bounds =
      MakeMaskBounds(doc_starts, num_docs, document_masking, T);
  const int group = Hq / Hkv;
  const int tiles = CeilDiv(T, block);
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
#pragma omp parallel
  {
    RowMatrix scores(block, block);     // (Br, Bc): S, then P
    RowMatrix accum(block, head_dim);   // (Br, d): unnormalised output
    std::vector<float> row_max(block);  // (Br)
    std::vector<float> row_sum(block);  // (Br)
#pragma omp for schedule(static)
    for (int task = 0; task < Hq * tiles; ++task) {
      const int h = task / tiles;
      const int kv_head = h / group;
      const int m0 = (task % tiles) * block;
      const int m1 = std::min(T, m0 + block);
      const int rows = m1 - m0;
      const ConstView q_tile = HeadRows(q, m0, rows, h, Hq, head_dim);
      accum.resize(rows, head_dim);
      accum.setZero();
      std::fill(row_max.begin(), row_max.end(), kNegInf);
      std::fill(row_sum.begin(), row_sum.end(), 0.0f);
      for (int j = bounds.first_key[m0] / block; j * block < m1; ++j) {
        const int n0 = j * block;
        const int n1 = std::min(T, n0 + block);
        const int cols = n1 - n0;
        const ConstView k_tile = HeadRows(k, n0, cols, kv_head, Hkv, head_dim);
        const ConstView v_tile = HeadRows(v, n0, cols, kv_head, Hkv, head_dim);
        scores.resize(rows, cols);
        scores.noalias() = q_tile * k_tile.transpose();
        const bool all_allowed = bounds.TileAllowed(m0, m1, n0, n1);
        for (int r = 0; r < rows; ++r) {
          float* s = scores.data() + static_cast<long>(r) * cols;
          float tile_max = kNegInf;
          for (int c = 0; c < cols; ++c) {
            s[c] = (all_allowed || bounds.Allowed(m0 + r, n0 + c))
                       ? s[c] * scale
                       : kNegInf;
            tile_max = std::max(tile_max, s[c]);
          }
          const float new_max = std::max(row_max[r], tile_max);
          if (new_max == kNegInf) {  // nothing visible yet in this row
            std::fill_n(s, cols, 0.0f);
            continue;
          }
          const float rescale = std::exp(row_max[r] - new_max);
          float tile_sum = 0.0f;
          for (int c = 0; c < cols; ++c) {
            s[c] = std::exp(s[c] - new_max);
            tile_sum += s[c];
          }
          row_sum[r] = rescale * row_sum[r] + tile_sum;
          row_max[r] = new_max;
          accum.row(r) *= rescale;
        }
        accum.noalias() += scores * v_tile;
      }
      View out_tile = HeadRows(out, m0, rows, h, Hq, head_dim);
      for (int r = 0; r < rows; ++r) {
        // Every query sees at least itself, so row_sum > 0.
        out_tile.row(r) = accum.row(r) / row_sum[r];
        lse[static_cast<long>(h) * T + m0 + r] =
            row_max[r] + std::log(row_sum[r]);
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
  const MaskBounds bounds =
      MakeMaskBounds(doc_starts, num_docs, document_masking, T);
  const int group = Hq / Hkv;
  const int tiles = CeilDiv(T, block);
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));

  // delta (Hq, T): rowsum(dout * out), the softmax backward's correction.
  std::vector<float> delta(static_cast<size_t>(Hq) * T);
#pragma omp parallel for schedule(static)
  for (int h = 0; h < Hq; ++h) {
    for (int t = 0; t < T; ++t) {
      const long offset = (static_cast<long>(t) * Hq + h) * head_dim;
      float sum = 0.0f;
      for (int i = 0; i < head_dim; ++i) {
        sum += dout[offset + i] * out[offset + i];
      }
      delta[static_cast<size_t>(h) * T + t] = sum;
    }
  }

#pragma omp parallel
  {
    RowMatrix probs(block, block);   // (Br, Bc)
    RowMatrix dprobs(block, block);  // (Br, Bc): dP, then dS
    RowMatrix dk_accum(block, head_dim);
    RowMatrix dv_accum(block, head_dim);
    RowMatrix dq_accum(block, head_dim);
    // Pass 1: dK, dV for one (kv head, key tile), over the query heads of
    // its group and the query tiles that can see the key tile.
#pragma omp for schedule(static)
    for (int task = 0; task < Hkv * tiles; ++task) {
      const int kv_head = task / tiles;
      const int n0 = (task % tiles) * block;
      const int n1 = std::min(T, n0 + block);
      const int cols = n1 - n0;
      const ConstView k_tile = HeadRows(k, n0, cols, kv_head, Hkv, head_dim);
      const ConstView v_tile = HeadRows(v, n0, cols, kv_head, Hkv, head_dim);
      dk_accum.resize(cols, head_dim);
      dv_accum.resize(cols, head_dim);
      dk_accum.setZero();
      dv_accum.setZero();
      const int last_tile = bounds.last_query[n1 - 1] / block;
      for (int h = kv_head * group; h < (kv_head + 1) * group; ++h) {
        const float* lse_row = lse + static_cast<long>(h) * T;
        const float* delta_row = delta.data() + static_cast<long>(h) * T;
        for (int i = n0 / block; i <= last_tile; ++i) {
          const int m0 = i * block;
          const int rows = std::min(T, m0 + block) - m0;
          const ConstView q_tile = HeadRows(q, m0, rows, h, Hq, head_dim);
          const ConstView do_tile = HeadRows(dout, m0, rows, h, Hq, head_dim);
          probs.resize(rows, cols);
          RecomputeProbabilities(&probs, q_tile, k_tile, lse_row, bounds, m0,
                                 n0, scale);
          dv_accum.noalias() += probs.transpose() * do_tile;
          dprobs.resize(rows, cols);
          dprobs.noalias() = do_tile * v_tile.transpose();
          SoftmaxBackward(&dprobs, probs, delta_row, m0);
          dk_accum.noalias() += dprobs.transpose() * q_tile;
        }
      }
      HeadRows(dk, n0, cols, kv_head, Hkv, head_dim) += scale * dk_accum;
      HeadRows(dv, n0, cols, kv_head, Hkv, head_dim) += dv_accum;
    }

    // Pass 2: dQ for one (head, query tile), over the key tiles it sees.
#pragma omp for schedule(static)
    for (int task = 0; task < Hq * tiles; ++task) {
      const int h = task / tiles;
      const int kv_head = h / group;
      const int m0 = (task % tiles) * block;
      const int m1 = std::min(T, m0 + block);
      const int rows = m1 - m0;
      const float* lse_row = lse + static_cast<long>(h) * T;
      const float* delta_row = delta.data() + static_cast<long>(h) * T;
      const ConstView q_tile = HeadRows(q, m0, rows, h, Hq, head_dim);
      const ConstView do_tile = HeadRows(dout, m0, rows, h, Hq, head_dim);
      dq_accum.resize(rows, head_dim);
      dq_accum.setZero();
      for (int j = bounds.first_key[m0] / block; j * block < m1; ++j) {
        const int n0 = j * block;
        const int cols = std::min(T, n0 + block) - n0;
        const ConstView k_tile = HeadRows(k, n0, cols, kv_head, Hkv, head_dim);
        const ConstView v_tile = HeadRows(v, n0, cols, kv_head, Hkv, head_dim);
        probs.resize(rows, cols);
        RecomputeProbabilities(&probs, q_tile, k_tile, lse_row, bounds, m0, n0,
                               scale);
        dprobs.resize(rows, cols);
        dprobs.noalias() = do_tile * v_tile.transpose();
        SoftmaxBackward(&dprobs, probs, delta_row, m0);
        dq_accum.noalias() += dprobs * k_tile;
      }
      HeadRows(dq, m0, rows, h, Hq, head_dim) += scale * dq_accum;
    }
  }
}

}  // namespace prolong::ops
