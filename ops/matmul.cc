#include "ops/matmul.h"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <cstring>
#include <vector>

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace prolong::ops {
namespace {

// Micro-tile of C kept in registers: kMr rows x kNr columns.
constexpr int kMr = 6;
constexpr int kNr = 16;
// Depth blocks are at most this long, so that a (depth, kNr) panel of B
// stays in L1 while the rows of a tile stream past it.
constexpr int kMaxDepthBlock = 256;
// GemmPackedB's tiles of C, the work items that OpenMP threads share out.
constexpr int kTileRows = 4 * kMr;
constexpr int kTileCols = 4 * kNr;

int CeilDiv(int a, int b) { return (a + b - 1) / b; }

// dst (depth, kNr) = X (depth, width), X(i, j) = src[i * i_stride + j *
// j_stride], zero in the columns [width, kNr); width in [1, kNr].
void PackPanel(const float* src, long i_stride, long j_stride, int depth,
               int width, float* dst) {
  if (j_stride == 1 && width == kNr) {
    // Whole rows of a constant size, so that the copies are inlined.
    for (int i = 0; i < depth; ++i) {
      std::memcpy(dst + i * kNr, src + i * i_stride, kNr * sizeof(float));
    }
    return;
  }
  for (int i = 0; i < depth; ++i, dst += kNr) {
    const float* row = src + i * i_stride;
    for (int j = 0; j < width; ++j) dst[j] = row[j * j_stride];
    std::fill(dst + width, dst + kNr, 0.0f);
  }
}

// Per-thread scratch buffer of at least n floats, kept across calls
// (allocating the packed operand anew each call costs page faults).
float* Scratch(size_t n) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

// Asks for x (rows, cols), row stride ld, to be cached.
void Prefetch(const float* x, long ld, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    const float* x_r = x + r * ld;
    for (int j = 0; j < cols; j += kNr) __builtin_prefetch(x_r + j, 1);
    __builtin_prefetch(x_r + cols - 1, 1);
  }
}

// A operand of TileProduct: micro-row q (its rows q * kMr + r, r < kMr) has
// A(q * kMr + r, i) = p[q * panel + r * row + i * col].
struct AOperand {
  const float* p;
  long panel, row, col;
};

#ifdef __AVX2__
// Lanes [0, n) set, n in [0, 8].
__m256i FirstLanes(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
#endif  // __AVX2__

// C (kRows, cols) = A (kRows, depth) · B (depth, kNr), keeping only the
// first cols in [1, kNr] columns (C += A · B when accumulate), with
// A(r, i) = a[r * a_row + i * a_col], B(i, j) = b[i * kNr + j] and
// C(r, j) = c[r * ldc + j]. Every entry of C is one chain of multiply-adds
// (FMAs with AVX2) over i = 0, 1, ..., depth - 1 that starts from 0 or from
// its old value.
template <int kRows>
void MicroKernel(float* c, long ldc, int cols, const float* a, long a_row,
                 long a_col, const float* b, int depth, bool accumulate) {
#ifdef __AVX2__
  const bool full = cols == kNr;
  const __m256i lanes0 = FirstLanes(std::min(8, cols));
  const __m256i lanes1 = FirstLanes(std::max(0, cols - 8));
  // Locals, so that the accumulators stay in registers.
  const float* a_r[kRows];
  __m256 acc0[kRows], acc1[kRows];
#pragma GCC unroll 6
  for (int r = 0; r < kRows; ++r) {
    a_r[r] = a + r * a_row;
    const float* c_r = c + r * ldc;
    if (!accumulate) {
      acc0[r] = acc1[r] = _mm256_setzero_ps();
    } else if (full) {
      acc0[r] = _mm256_loadu_ps(c_r);
      acc1[r] = _mm256_loadu_ps(c_r + 8);
    } else {
      acc0[r] = _mm256_maskload_ps(c_r, lanes0);
      acc1[r] = _mm256_maskload_ps(c_r + 8, lanes1);
    }
  }
  for (long i = 0, ai = 0; i < depth; ++i, ai += a_col, b += kNr) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
    for (int r = 0; r < kRows; ++r) {
      const __m256 a_ri = _mm256_broadcast_ss(a_r[r] + ai);
      acc0[r] = _mm256_fmadd_ps(a_ri, b0, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(a_ri, b1, acc1[r]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < kRows; ++r) {
    float* c_r = c + r * ldc;
    if (full) {
      _mm256_storeu_ps(c_r, acc0[r]);
      _mm256_storeu_ps(c_r + 8, acc1[r]);
    } else {
      _mm256_maskstore_ps(c_r, lanes0, acc0[r]);
      _mm256_maskstore_ps(c_r + 8, lanes1, acc1[r]);
    }
  }
#else
  float acc[kRows][kNr];
  for (int r = 0; r < kRows; ++r) {
    for (int j = 0; j < kNr; ++j) {
      acc[r][j] = accumulate && j < cols ? c[r * ldc + j] : 0.0f;
    }
  }
  for (int i = 0; i < depth; ++i, b += kNr) {
    for (int r = 0; r < kRows; ++r) {
      const float a_ri = a[r * a_row + i * a_col];
      for (int j = 0; j < kNr; ++j) acc[r][j] += a_ri * b[j];
    }
  }
  for (int r = 0; r < kRows; ++r) std::copy_n(acc[r], cols, c + r * ldc);
#endif  // __AVX2__
}

// MicroKernel<rows> by its number of rows, 1 to kMr.
static_assert(kMr == 6, "kMicroKernels lists MicroKernel<1> to <6>");
using MicroKernelFn = void (*)(float*, long, int, const float*, long, long,
                               const float*, int, bool);
constexpr MicroKernelFn kMicroKernels[kMr + 1] = {
    nullptr,        MicroKernel<1>, MicroKernel<2>, MicroKernel<3>,
    MicroKernel<4>, MicroKernel<5>, MicroKernel<6>};

// C (rows, cols) (+)= A (rows, depth) · B (depth, cols) for one tile and one
// depth block, as MicroKernel does. B is packed: panel j (columns
// [j * kNr, j * kNr + kNr)) is the (depth, kNr) block at b + j * b_panel.
void TileProduct(float* c, long ldc, int rows, int cols, const AOperand& a,
                 const float* b, long b_panel, int depth, bool accumulate) {
  for (int j = 0; j * kNr < cols; ++j) {
    const int panel_cols = std::min(kNr, cols - j * kNr);
    for (int q = 0; q * kMr < rows; ++q) {
      float* c_q = c + q * kMr * ldc + j * kNr;
      const float* a_q = a.p + q * a.panel;
      const float* b_j = b + j * b_panel;
      kMicroKernels[std::min(kMr, rows - q * kMr)](
          c_q, ldc, panel_cols, a_q, a.row, a.col, b_j, depth, accumulate);
    }
  }
}

// Splits [0, depth) into equal blocks of at most kMaxDepthBlock.
int DepthBlock(int depth) {
  return CeilDiv(depth, std::max(1, CeilDiv(depth, kMaxDepthBlock)));
}

// C (m, n) (+)= A (m, k) · B (k, n) with A(r, i) = a[r * lda + i] and
// B(i, j) = b[i * b_row + j * b_col]. B is packed into kNr-column panels
// once, then the threads share out the (kTileRows, kTileCols) tiles of C.
void GemmPackedB(float* c, long ldc, const float* a, long lda, const float* b,
                 long b_row, long b_col, int m, int n, int k, bool accumulate) {
  const int panels = CeilDiv(n, kNr);
  const long b_panel = static_cast<long>(k) * kNr;
  float* packed = Scratch(panels * b_panel);  // (panels, k, kNr)
  const int row_tiles = CeilDiv(m, kTileRows);
  const int col_tiles = CeilDiv(n, kTileCols);
  const int block = DepthBlock(k);
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (int j = 0; j < panels; ++j) {
      PackPanel(b + j * kNr * b_col, b_row, b_col, k,
                std::min(kNr, n - j * kNr), packed + j * b_panel);
    }
    // Static: consecutive tiles go to the same thread, which fetches the
    // next tile's A and C ahead; from DRAM they would stall its kernels.
#pragma omp for schedule(static)
    for (int tile = 0; tile < row_tiles * col_tiles; ++tile) {
      const int r0 = (tile / col_tiles) * kTileRows;
      const int c0 = (tile % col_tiles) * kTileCols;
      if (tile + 1 < row_tiles * col_tiles) {
        const int next_r0 = ((tile + 1) / col_tiles) * kTileRows;
        const int next_c0 = ((tile + 1) % col_tiles) * kTileCols;
        const int next_rows = std::min(kTileRows, m - next_r0);
        Prefetch(c + next_r0 * ldc + next_c0, ldc, next_rows,
                 std::min(kTileCols, n - next_c0));
        if (next_c0 == 0) {
          Prefetch(a + next_r0 * lda, lda, next_rows, std::min(k, block));
        }
      }
      for (int i0 = 0; i0 < k; i0 += block) {
        const AOperand a_tile = {a + r0 * lda + i0, kMr * lda, lda, 1};
        TileProduct(c + r0 * ldc + c0, ldc, std::min(kTileRows, m - r0),
                    std::min(kTileCols, n - c0), a_tile,
                    packed + (c0 / kNr) * b_panel + i0 * kNr, b_panel,
                    std::min(block, k - i0), accumulate || i0 > 0);
      }
    }
  }
}

}  // namespace

void MatmulForward(float* out, const float* inp, const float* weight, int N,
                   int C, int OC) {
  if (N < kMr) {
    // Too few rows to pay for packing the weight: a matrix-vector product.
    using RowMatrix =
        Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::Map<RowMatrix>(out, N, OC).noalias() =
        Eigen::Map<const RowMatrix>(inp, N, C) *
        Eigen::Map<const RowMatrix>(weight, OC, C).transpose();
    return;
  }
  // B (C, OC) = weight^T.
  GemmPackedB(out, OC, inp, C, weight, 1, C, N, OC, C, false);
}

void MatmulBackward(float* dinp, float* dweight, const float* dout,
                    const float* inp, const float* weight, int N, int C,
                    int OC) {
  if (dinp != nullptr) {
    // (N, OC) · (OC, C) -> (N, C)
    GemmPackedB(dinp, C, dout, OC, weight, C, 1, N, C, OC, true);
  }
  if (dweight == nullptr) return;
  // dweight (OC, C) += dout^T (OC, N) · inp (N, C), one depth block of rows
  // (tokens) after the other, so that the block of dout stays cached. Each
  // thread owns a fixed range of kNr-column panels of dweight: per block, it
  // packs its panels of inp and runs them against dout^T, read in place (the
  // rows of a micro-tile are adjacent floats of a dout row). No thread
  // touches another's columns, so the blocks need no barrier between them.
  const int block = DepthBlock(N);
  const int panels = CeilDiv(C, kNr);
#pragma omp parallel
  {
    const int threads = omp_get_num_threads();
    const int thread = omp_get_thread_num();
    const int c0 = std::min(C, panels * thread / threads * kNr);
    const int c1 = std::min(C, panels * (thread + 1) / threads * kNr);
    float* packed = Scratch(static_cast<size_t>(block) * kNr);  // (depth, kNr)
    for (int t0 = 0; t0 < N; t0 += block) {
      const int depth = std::min(block, N - t0);
      for (int c = c0; c < c1; c += kNr) {
        const int cols = std::min(kNr, c1 - c);
        PackPanel(inp + static_cast<long>(t0) * C + c, C, 1, depth, cols,
                  packed);
        TileProduct(dweight + c, C, OC, cols,
                    {dout + static_cast<long>(t0) * OC, kMr, 1, OC}, packed, 0,
                    depth, true);
      }
    }
  }
}

}  // namespace prolong::ops
