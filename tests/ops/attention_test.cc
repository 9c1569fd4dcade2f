#include "ops/attention.h"

#include <omp.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "data/rng.h"
#include "gtest/gtest.h"
#include "tests/ops/gradient_check.h"

namespace prolong::ops {
namespace {

using testing::CentralDifferences;
using testing::ExpectAllClose;
using testing::ExpectClose;
using testing::RandomFloats;
using testing::SampleIndices;
using testing::ToDouble;

struct Heads {
  int Hq, Hkv, head_dim, block;
};

struct Inputs {
  std::vector<float> q, k, v, dout;  // (T, Hq|Hkv, head_dim)
};

Inputs MakeInputs(int T, const Heads& heads, uint64_t seed) {
  const int64_t q_size = static_cast<int64_t>(T) * heads.Hq * heads.head_dim;
  const int64_t kv_size = static_cast<int64_t>(T) * heads.Hkv * heads.head_dim;
  return {RandomFloats(q_size, seed, 1.5f),
          RandomFloats(kv_size, seed + 1, 1.5f),
          RandomFloats(kv_size, seed + 2), RandomFloats(q_size, seed + 3)};
}

// Naive float64 attention: out (T, Hq, d) and lse (Hq, T).
void ReferenceAttention(std::vector<double>* out, std::vector<double>* lse,
                        const std::vector<double>& q,
                        const std::vector<double>& k,
                        const std::vector<double>& v,
                        const std::vector<int32_t>& doc_starts, bool masking,
                        int T, const Heads& heads) {
  const int d = heads.head_dim;
  const int group = heads.Hq / heads.Hkv;
  std::vector<int> first_key(T, 0);
  if (masking) {
    for (size_t i = 0; i + 1 < doc_starts.size(); ++i) {
      for (int t = doc_starts[i]; t < doc_starts[i + 1]; ++t) {
        first_key[t] = doc_starts[i];
      }
    }
  }
  out->assign(static_cast<size_t>(T) * heads.Hq * d, 0.0);
  lse->assign(static_cast<size_t>(heads.Hq) * T, 0.0);
  std::vector<double> scores(T);
  for (int h = 0; h < heads.Hq; ++h) {
    const int kv_head = h / group;
    for (int t = 0; t < T; ++t) {
      const double* qt = &q[(static_cast<size_t>(t) * heads.Hq + h) * d];
      double max_score = -INFINITY;
      for (int s = first_key[t]; s <= t; ++s) {
        const double* ks =
            &k[(static_cast<size_t>(s) * heads.Hkv + kv_head) * d];
        double dot = 0.0;
        for (int i = 0; i < d; ++i) dot += qt[i] * ks[i];
        scores[s] = dot / std::sqrt(static_cast<double>(d));
        max_score = std::max(max_score, scores[s]);
      }
      double sum = 0.0;
      for (int s = first_key[t]; s <= t; ++s)
        sum += std::exp(scores[s] - max_score);
      double* ot = &(*out)[(static_cast<size_t>(t) * heads.Hq + h) * d];
      for (int s = first_key[t]; s <= t; ++s) {
        const double p = std::exp(scores[s] - max_score) / sum;
        const double* vs =
            &v[(static_cast<size_t>(s) * heads.Hkv + kv_head) * d];
        for (int i = 0; i < d; ++i) ot[i] += p * vs[i];
      }
      (*lse)[static_cast<size_t>(h) * T + t] = max_score + std::log(sum);
    }
  }
}

double Dot(const std::vector<double>& a, const std::vector<float>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// Forward vs the float64 reference, and the backward vs central differences
// of sum(dout * reference(q, k, v)) on a sample of q, k and v entries.
void CheckAgainstReference(const std::vector<int32_t>& doc_starts, bool masking,
                           const Heads& heads) {
  const int T = doc_starts.back();
  const int num_docs = static_cast<int>(doc_starts.size()) - 1;
  SCOPED_TRACE("T=" + std::to_string(T) + " docs=" + std::to_string(num_docs) +
               " masking=" + std::to_string(masking) + " Hq=" +
               std::to_string(heads.Hq) + " Hkv=" + std::to_string(heads.Hkv) +
               " block=" + std::to_string(heads.block));
  const Inputs in = MakeInputs(T, heads, 7 * T + num_docs);
  std::vector<float> out(in.q.size()), lse(static_cast<size_t>(heads.Hq) * T);
  AttentionForward(out.data(), lse.data(), in.q.data(), in.k.data(),
                   in.v.data(), doc_starts.data(), num_docs, masking, T,
                   heads.Hq, heads.Hkv, heads.head_dim, heads.block);
  std::vector<double> ref_out, ref_lse;
  ReferenceAttention(&ref_out, &ref_lse, ToDouble(in.q), ToDouble(in.k),
                     ToDouble(in.v), doc_starts, masking, T, heads);
  ExpectAllClose("out", out, ref_out, 2e-5, 1e-4);
  ExpectAllClose("lse", lse, ref_lse, 2e-5, 1e-5);

  // Gradients accumulate onto what is already there.
  constexpr float kPrior = 0.25f;
  std::vector<float> dq(in.q.size(), kPrior), dk(in.k.size(), kPrior),
      dv(in.v.size(), kPrior);
  AttentionBackward(dq.data(), dk.data(), dv.data(), in.dout.data(),
                    in.q.data(), in.k.data(), in.v.data(), out.data(),
                    lse.data(), doc_starts.data(), num_docs, masking, T,
                    heads.Hq, heads.Hkv, heads.head_dim, heads.block);
  std::vector<double> q = ToDouble(in.q), k = ToDouble(in.k),
                      v = ToDouble(in.v);
  auto loss = [&](const std::vector<double>& qq, const std::vector<double>& kk,
                  const std::vector<double>& vv) {
    std::vector<double> o, l;
    ReferenceAttention(&o, &l, qq, kk, vv, doc_starts, masking, T, heads);
    return Dot(o, in.dout);
  };
  auto check = [&](const std::string& name, const std::vector<float>& grad,
                   const std::function<double(const std::vector<double>&)>& f,
                   const std::vector<double>& x) {
    const std::vector<int64_t> indices = SampleIndices(x.size(), 40, x.size());
    std::vector<double> expected = CentralDifferences(f, x, indices);
    for (double& value : expected) value += kPrior;
    ExpectClose(name, grad, expected, indices, 1e-4, 1e-3);
  };
  check(
      "dq", dq, [&](const std::vector<double>& x) { return loss(x, k, v); }, q);
  check(
      "dk", dk, [&](const std::vector<double>& x) { return loss(q, x, v); }, k);
  check(
      "dv", dv, [&](const std::vector<double>& x) { return loss(q, k, x); }, v);
}

std::vector<int32_t> ShortDocuments(int T, uint64_t seed) {
  data::Rng rng(seed, 0);
  std::vector<int32_t> starts = {0};
  while (starts.back() < T) {
    starts.push_back(std::min<int32_t>(T, starts.back() + 1 + rng.Below(7)));
  }
  return starts;
}

const std::vector<Heads> kHeadConfigs = {
    {4, 2, 8, 16},   // GQA, many small tiles
    {3, 3, 6, 64},   // MHA, tiles larger than documents
    {2, 1, 16, 32},  // MQA
};

TEST(AttentionTest, OneLongDocument) {
  for (const Heads& heads : kHeadConfigs) {
    for (bool masking : {true, false}) {
      CheckAgainstReference({0, 100}, masking, heads);
    }
  }
}

TEST(AttentionTest, ManyShortDocuments) {
  for (const Heads& heads : kHeadConfigs) {
    for (bool masking : {true, false}) {
      CheckAgainstReference(ShortDocuments(100, heads.block), masking, heads);
    }
  }
}

TEST(AttentionTest, EmptyAndOneTokenDocuments) {
  const std::vector<int32_t> starts = {0, 0,  1,  1,  2,   9,
                                       9, 40, 41, 97, 100, 100};
  for (const Heads& heads : kHeadConfigs) {
    for (bool masking : {true, false}) {
      CheckAgainstReference(starts, masking, heads);
    }
  }
}

TEST(AttentionTest, SequenceShorterThanOneTile) {
  CheckAgainstReference({0, 2, 3, 5}, true, {4, 2, 8, 64});
  CheckAgainstReference({0, 1}, true, {4, 2, 8, 64});
}

TEST(AttentionTest, DocumentMaskingChangesOnlyLaterDocuments) {
  // The first document's rows are the same with and without masking; rows of
  // later documents are not (their keys differ).
  const std::vector<int32_t> starts = {0, 30, 70};
  const Heads heads = {4, 2, 8, 16};
  const int T = 70;
  const Inputs in = MakeInputs(T, heads, 3);
  std::vector<float> masked(in.q.size()), unmasked(in.q.size());
  std::vector<float> lse(static_cast<size_t>(heads.Hq) * T);
  AttentionForward(masked.data(), lse.data(), in.q.data(), in.k.data(),
                   in.v.data(), starts.data(), 2, true, T, heads.Hq, heads.Hkv,
                   heads.head_dim, heads.block);
  AttentionForward(unmasked.data(), lse.data(), in.q.data(), in.k.data(),
                   in.v.data(), starts.data(), 2, false, T, heads.Hq, heads.Hkv,
                   heads.head_dim, heads.block);
  const size_t row = static_cast<size_t>(heads.Hq) * heads.head_dim;
  for (size_t i = 0; i < 30 * row; ++i) ASSERT_EQ(masked[i], unmasked[i]) << i;
  for (int t = 30; t < T; ++t) {
    double diff = 0.0;
    for (size_t i = t * row; i < (t + 1) * row; ++i) {
      diff += std::abs(masked[i] - unmasked[i]);
    }
    EXPECT_GT(diff, 1e-3) << "row " << t;
  }
}

TEST(AttentionTest, ManyBackwardTasks) {
  // 13 tiles of 16: the backward's tasks of 4 x 4 tile pairs span four key
  // and four query tile groups (the last one ragged), so dq, dk and dv each
  // sum over several tasks, in the order their dependences fix.
  const Heads heads = {4, 2, 8, 16};
  CheckAgainstReference({0, 200}, false, heads);
  CheckAgainstReference({0, 45, 46, 200}, true, heads);
}

// Runs forward and backward with `threads` threads; returns every output.
std::vector<float> RunAll(int threads, const std::vector<int32_t>& starts,
                          const Heads& heads, const Inputs& in,
                          bool masking = true) {
  omp_set_num_threads(threads);
  const int T = starts.back();
  const int num_docs = static_cast<int>(starts.size()) - 1;
  std::vector<float> out(in.q.size()), lse(static_cast<size_t>(heads.Hq) * T);
  std::vector<float> dq(in.q.size()), dk(in.k.size()), dv(in.v.size());
  AttentionForward(out.data(), lse.data(), in.q.data(), in.k.data(),
                   in.v.data(), starts.data(), num_docs, masking, T, heads.Hq,
                   heads.Hkv, heads.head_dim, heads.block);
  AttentionBackward(dq.data(), dk.data(), dv.data(), in.dout.data(),
                    in.q.data(), in.k.data(), in.v.data(), out.data(),
                    lse.data(), starts.data(), num_docs, masking, T, heads.Hq,
                    heads.Hkv, heads.head_dim, heads.block);
  std::vector<float> all = out;
  for (const auto* part : {&lse, &dq, &dk, &dv}) {
    all.insert(all.end(), part->begin(), part->end());
  }
  return all;
}

TEST(AttentionTest, ByteIdenticalForAnyThreadCount) {
  const std::vector<int32_t> starts = {0, 3, 150, 151, 300};
  const Heads heads = {4, 2, 16, 32};
  const Inputs in = MakeInputs(300, heads, 11);
  const std::vector<float> one = RunAll(1, starts, heads, in);
  const std::vector<float> two = RunAll(2, starts, heads, in);
  const std::vector<float> two_again = RunAll(2, starts, heads, in);
  const std::vector<float> three = RunAll(3, starts, heads, in);
  ASSERT_EQ(one.size(), two.size());
  EXPECT_EQ(0, std::memcmp(two.data(), two_again.data(), two.size() * 4));
  EXPECT_EQ(0, std::memcmp(one.data(), two.data(), one.size() * 4));
  EXPECT_EQ(0, std::memcmp(one.data(), three.data(), one.size() * 4));
}

TEST(AttentionTest, ByteIdenticalForAnyThreadCountWithManyTasks) {
  // One causal document of 20 tiles: 5 x 5 tile groups of backward tasks,
  // whose order of execution varies with the threads.
  const std::vector<int32_t> starts = {0, 20 * kAttentionBlock - 7};
  const Heads heads = {4, 2, 16, kAttentionBlock};
  const Inputs in = MakeInputs(starts.back(), heads, 13);
  const std::vector<float> one = RunAll(1, starts, heads, in, false);
  for (int threads : {2, 3, 4}) {
    const std::vector<float> many = RunAll(threads, starts, heads, in, false);
    ASSERT_EQ(one.size(), many.size());
    EXPECT_EQ(0, std::memcmp(one.data(), many.data(), one.size() * 4))
        << threads << " threads";
  }
}

}  // namespace
}  // namespace prolong::ops
