// Sequence lengths that are not a multiple of the attention tile need no
// config check: the last query and key tiles are simply shorter. Checked at
// the production tile size (kAttentionBlock): with causal attention the
// first T positions of a longer sequence do not see the rest, so attention
// over T tokens must equal the first T rows of attention over the same
// tokens padded to whole tiles (and, in the backward, with no gradient
// flowing from the padding). attention_test.cc checks ragged lengths
// against a float64 reference at smaller tiles.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ops/attention.h"
#include "tests/ops/gradient_check.h"

namespace prolong::ops {
namespace {

using testing::ExpectAllClose;
using testing::RandomFloats;
using testing::ToDouble;

constexpr int kHq = 4, kHkv = 2, kHeadDim = 16;

struct Attention {
  std::vector<float> out, lse, dq, dk, dv;
};

// Forward and backward over the first T positions of q, k, v and dout;
// documents start at `doc_starts`.
Attention ForwardAndBackward(int T, const std::vector<int32_t>& doc_starts,
                             const std::vector<float>& q,
                             const std::vector<float>& k,
                             const std::vector<float>& v,
                             const std::vector<float>& dout) {
  const int num_docs = static_cast<int>(doc_starts.size()) - 1;
  Attention a;
  const size_t q_size = static_cast<size_t>(T) * kHq * kHeadDim;
  const size_t kv_size = static_cast<size_t>(T) * kHkv * kHeadDim;
  a.out.assign(q_size, 0.0f);
  a.lse.assign(static_cast<size_t>(kHq) * T, 0.0f);
  AttentionForward(a.out.data(), a.lse.data(), q.data(), k.data(), v.data(),
                   doc_starts.data(), num_docs, /*document_masking=*/true, T,
                   kHq, kHkv, kHeadDim);
  a.dq.assign(q_size, 0.0f);
  a.dk.assign(kv_size, 0.0f);
  a.dv.assign(kv_size, 0.0f);
  AttentionBackward(a.dq.data(), a.dk.data(), a.dv.data(), dout.data(),
                    q.data(), k.data(), v.data(), a.out.data(), a.lse.data(),
                    doc_starts.data(), num_docs, /*document_masking=*/true, T,
                    kHq, kHkv, kHeadDim);
  return a;
}

std::vector<double> Prefix(const std::vector<float>& values, size_t n) {
  return ToDouble(std::vector<float>(values.begin(), values.begin() + n));
}

// lse is (Hq, padded): the first T columns of each head's row.
std::vector<double> LsePrefix(const std::vector<float>& lse, int padded,
                              int T) {
  std::vector<double> prefix;
  for (int h = 0; h < kHq; ++h) {
    for (int t = 0; t < T; ++t) prefix.push_back(lse[h * padded + t]);
  }
  return prefix;
}

TEST(AttentionRaggedTileTest, RaggedLengthsMatchWholeTiles) {
  ASSERT_EQ(kAttentionBlock, 64) << "update the lengths below";
  for (int T : {1, 2, 63, 65, 100, 127, 129, 191}) {
    SCOPED_TRACE("T=" + std::to_string(T));
    const int padded = (T / kAttentionBlock + 1) * kAttentionBlock;
    const auto q = RandomFloats(padded * kHq * kHeadDim, T, 1.5f);
    const auto k = RandomFloats(padded * kHkv * kHeadDim, T + 1, 1.5f);
    const auto v = RandomFloats(padded * kHkv * kHeadDim, T + 2);
    auto dout = RandomFloats(padded * kHq * kHeadDim, T + 3);
    // The padding continues the last document (which may start in an
    // earlier tile) but sends no gradient back.
    std::fill(dout.begin() + static_cast<size_t>(T) * kHq * kHeadDim,
              dout.end(), 0.0f);
    const int32_t second = std::max(1, T - T / 3);
    const Attention ragged =
        ForwardAndBackward(T, {0, second, T}, q, k, v, dout);
    const Attention whole =
        ForwardAndBackward(padded, {0, second, padded}, q, k, v, dout);

    const size_t q_rows = static_cast<size_t>(T) * kHq * kHeadDim;
    const size_t kv_rows = static_cast<size_t>(T) * kHkv * kHeadDim;
    ExpectAllClose("out", ragged.out, Prefix(whole.out, q_rows), 1e-6, 1e-6);
    ExpectAllClose("lse", ragged.lse, LsePrefix(whole.lse, padded, T), 1e-6,
                   1e-6);
    ExpectAllClose("dq", ragged.dq, Prefix(whole.dq, q_rows), 1e-6, 1e-5);
    ExpectAllClose("dk", ragged.dk, Prefix(whole.dk, kv_rows), 1e-6, 1e-5);
    ExpectAllClose("dv", ragged.dv, Prefix(whole.dv, kv_rows), 1e-6, 1e-5);
  }
}

}  // namespace
}  // namespace prolong::ops
