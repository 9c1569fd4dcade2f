#include "ops/rope.h"

#include <cmath>

namespace prolong::ops {
namespace {

// Rotates every (i, i + half) pair of x (T, H, head_dim) by +angle
// (direction = 1) or -angle (direction = -1).
void Rotate(float* x, const float* cos, const float* sin,
            const int32_t* positions, int T, int H, int head_dim,
            float direction) {
  const int half = head_dim / 2;
#pragma omp parallel for schedule(static)
  for (int t = 0; t < T; ++t) {
    const float* c = cos + static_cast<long>(positions[t]) * half;
    const float* s = sin + static_cast<long>(positions[t]) * half;
    for (int h = 0; h < H; ++h) {
      float* head = x + (static_cast<long>(t) * H + h) * head_dim;
      for (int i = 0; i < half; ++i) {
        const float x1 = head[i];
        const float x2 = head[i + half];
        const float sn = direction * s[i];
        head[i] = x1 * c[i] - x2 * sn;
        head[i + half] = x2 * c[i] + x1 * sn;
      }
    }
  }
}

}  // namespace

void RopeTables(float* cos, float* sin, int max_positions, int head_dim,
                double theta) {
  const int half = head_dim / 2;
  for (int i = 0; i < half; ++i) {
    const double inv_freq = std::pow(theta, -2.0 * i / head_dim);
    for (int p = 0; p < max_positions; ++p) {
      const double angle = p * inv_freq;
      cos[static_cast<long>(p) * half + i] =
          static_cast<float>(std::cos(angle));
      sin[static_cast<long>(p) * half + i] =
          static_cast<float>(std::sin(angle));
    }
  }
}

void RopeForward(float* x, const float* cos, const float* sin,
                 const int32_t* positions, int T, int H, int head_dim) {
  Rotate(x, cos, sin, positions, T, H, head_dim, 1.0f);
}

void RopeBackward(float* dx, const float* cos, const float* sin,
                  const int32_t* positions, int T, int H, int head_dim) {
  Rotate(dx, cos, sin, positions, T, H, head_dim, -1.0f);
}

}  // namespace prolong::ops
