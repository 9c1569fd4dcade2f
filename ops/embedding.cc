#include "ops/embedding.h"

#include <algorithm>

namespace prolong::ops {
namespace {

constexpr int kColumnChunk = 64;

}  // namespace

void EmbeddingForward(float* out, const int32_t* tokens, const float* table,
                      int T, int C) {
#pragma omp parallel for schedule(static)
  for (int t = 0; t < T; ++t) {
    std::copy_n(table + static_cast<long>(tokens[t]) * C, C,
                out + static_cast<long>(t) * C);
  }
}

void EmbeddingBackward(float* dtable, const float* dout, const int32_t* tokens,
                       int T, int C) {
  const int chunks = (C + kColumnChunk - 1) / kColumnChunk;
#pragma omp parallel for schedule(static)
  for (int chunk = 0; chunk < chunks; ++chunk) {
    const int c0 = chunk * kColumnChunk;
    const int c1 = std::min(C, c0 + kColumnChunk);
    for (int t = 0; t < T; ++t) {
      float* row = dtable + static_cast<long>(tokens[t]) * C;
      const float* grad = dout + static_cast<long>(t) * C;
      for (int c = c0; c < c1; ++c) row[c] += grad[c];
    }
  }
}

}  // namespace prolong::ops
