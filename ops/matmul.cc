#include "ops/matmul.h"

#include <Eigen/Core>
#include <algorithm>

namespace prolong::ops {
namespace {

using RowMatrix =
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstView =
    Eigen::Map<const RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using View = Eigen::Map<RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;

// Output tiles: kTileRows x kTileCols of the result, each one GEMM.
constexpr int kTileRows = 64;
constexpr int kTileCols = 256;

int CeilDiv(int a, int b) { return (a + b - 1) / b; }

}  // namespace

void MatmulForward(float* out, const float* inp, const float* weight, int N,
                   int C, int OC) {
  const int row_tiles = CeilDiv(N, kTileRows);
  const int col_tiles = CeilDiv(OC, kTileCols);
#pragma omp parallel for schedule(static)
  for (int tile = 0; tile < row_tiles * col_tiles; ++tile) {
    const int r0 = (tile / col_tiles) * kTileRows;
    const int c0 = (tile % col_tiles) * kTileCols;
    const int rows = std::min(kTileRows, N - r0);
    const int cols = std::min(kTileCols, OC - c0);
    // (rows, C) · (cols, C)^T -> (rows, cols)
    ConstView x(inp + static_cast<long>(r0) * C, rows, C,
                Eigen::OuterStride<>(C));
    ConstView w(weight + static_cast<long>(c0) * C, cols, C,
                Eigen::OuterStride<>(C));
    View y(out + static_cast<long>(r0) * OC + c0, rows, cols,
           Eigen::OuterStride<>(OC));
    y.noalias() = x * w.transpose();
  }
}

void MatmulBackward(float* dinp, float* dweight, const float* dout,
                    const float* inp, const float* weight, int N, int C,
                    int OC) {
  const int c_tiles = CeilDiv(C, kTileCols);
  if (dinp != nullptr) {
    const int row_tiles = CeilDiv(N, kTileRows);
#pragma omp parallel for schedule(static)
    for (int tile = 0; tile < row_tiles * c_tiles; ++tile) {
      const int r0 = (tile / c_tiles) * kTileRows;
      const int c0 = (tile % c_tiles) * kTileCols;
      const int rows = std::min(kTileRows, N - r0);
      const int cols = std::min(kTileCols, C - c0);
      // (rows, OC) · (OC, cols) -> (rows, cols)
      ConstView dy(dout + static_cast<long>(r0) * OC, rows, OC,
                   Eigen::OuterStride<>(OC));
      ConstView w(weight + c0, OC, cols, Eigen::OuterStride<>(C));
      View dx(dinp + static_cast<long>(r0) * C + c0, rows, cols,
              Eigen::OuterStride<>(C));
      dx.noalias() += dy * w;
    }
  }
  if (dweight != nullptr) {
    const int oc_tiles = CeilDiv(OC, kTileRows);
#pragma omp parallel for schedule(static)
    for (int tile = 0; tile < oc_tiles * c_tiles; ++tile) {
      const int o0 = (tile / c_tiles) * kTileRows;
      const int c0 = (tile % c_tiles) * kTileCols;
      const int rows = std::min(kTileRows, OC - o0);
      const int cols = std::min(kTileCols, C - c0);
      // (N, rows)^T · (N, cols) -> (rows, cols)
      ConstView dy(dout + o0, N, rows, Eigen::OuterStride<>(OC));
      ConstView x(inp + c0, N, cols, Eigen::OuterStride<>(C));
      View dw(dweight + static_cast<long>(o0) * C + c0, rows, cols,
              Eigen::OuterStride<>(C));
      dw.noalias() += dy.transpose() * x;
    }
  }
}

}  // namespace prolong::ops
