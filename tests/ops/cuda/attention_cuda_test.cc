// Parity of ops/cuda/attention.cu with the CPU op (ops/attention.cc) in fp32
// and bf16: ragged tiles, empty and one-token documents, grouped-query heads,
// head_dim up to the maximum and off multiples of 16, with and without
// document masking; run-to-run determinism; shape validation. In bf16 the
// head dims 16, 32, 64 and 128 run the tensor-core kernels
// (attention_tensor_core.h) and 40 the fp32-FMA ones. Tolerance
// rule in cuda_test_util.h; in bf16 mode the naive reference stores out (and
// so reads it in the backward), dq, dk and dv in bf16.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/attention.h"
#include "ops/cuda/attention.h"
#include "tests/ops/cuda/cuda_test_util.h"

namespace prolong::ops::cuda {
namespace {

using test_util::Convert;
using test_util::DeviceArray;
using test_util::ExpectWithinTolerance;
using test_util::RandomVector;
using test_util::RoundTo;
using test_util::ToFloats;

struct Config {
  int T, Hq, Hkv, head_dim;
  std::vector<int32_t> doc_starts;  // (num_docs + 1)
  bool document_masking;

  int num_docs() const { return static_cast<int>(doc_starts.size()) - 1; }
  std::string Name() const {
    std::string docs;
    for (int32_t s : doc_starts) docs += " " + std::to_string(s);
    return "T=" + std::to_string(T) + " Hq=" + std::to_string(Hq) +
           " Hkv=" + std::to_string(Hkv) + " d=" + std::to_string(head_dim) +
           " docs=[" + docs + " ]" +
           (document_masking ? " masked" : " unmasked");
  }
};

// Inputs rounded to Float; the gradients' initial values small so that the
// computed part dominates what the bf16 roundings see.
template <typename Float>
struct Problem {
  Problem(Config c, unsigned seed) : config(std::move(c)) {
    std::mt19937 rng(seed);
    const std::size_t q_size =
        static_cast<std::size_t>(config.T) * config.Hq * config.head_dim;
    const std::size_t kv_size =
        static_cast<std::size_t>(config.T) * config.Hkv * config.head_dim;
    q = RoundTo<Float>(RandomVector(q_size, 0.0f, 1.0f, &rng));
    k = RoundTo<Float>(RandomVector(kv_size, 0.0f, 1.0f, &rng));
    v = RoundTo<Float>(RandomVector(kv_size, 0.0f, 1.0f, &rng));
    dout = RoundTo<Float>(RandomVector(q_size, 0.0f, 1.0f, &rng));
    dq0 = RoundTo<Float>(RandomVector(q_size, 0.0f, 0.1f, &rng));
    dk0 = RoundTo<Float>(RandomVector(kv_size, 0.0f, 0.1f, &rng));
    dv0 = RoundTo<Float>(RandomVector(kv_size, 0.0f, 0.1f, &rng));
  }
  Config config;
  std::vector<float> q, k, v, dout, dq0, dk0, dv0;
};

struct Outputs {
  std::vector<float> out, lse, dq, dk, dv;
};

struct Reference {
  std::vector<double> out, lse, dq, dk, dv;
};

// Float64 attention, one query row at a time over its visible keys
// [first key, t], with the op's fp32 scale.
template <typename Float>
Reference AttentionReference(const Problem<Float>& p) {
  const Config& c = p.config;
  const int T = c.T, d = c.head_dim, group = c.Hq / c.Hkv;
  const double scale = 1.0f / std::sqrt(static_cast<float>(d));
  Reference ref{std::vector<double>(p.q.size()),
                std::vector<double>(static_cast<std::size_t>(c.Hq) * T),
                std::vector<double>(p.dq0.begin(), p.dq0.end()),
                std::vector<double>(p.dk0.begin(), p.dk0.end()),
                std::vector<double>(p.dv0.begin(), p.dv0.end())};
  auto q_at = [&](int t, int h) {
    return (static_cast<std::size_t>(t) * c.Hq + h) * d;
  };
  auto kv_at = [&](int t, int h) {
    return (static_cast<std::size_t>(t) * c.Hkv + h) * d;
  };
  std::vector<double> probs(T), dprobs(T);
  for (int h = 0; h < c.Hq; ++h) {
    const int kv_head = h / group;
    int doc = 0;
    for (int t = 0; t < T; ++t) {
      while (c.document_masking && c.doc_starts[doc + 1] <= t) ++doc;
      const int first = c.document_masking ? c.doc_starts[doc] : 0;
      double max = -INFINITY;
      for (int s = first; s <= t; ++s) {
        double dot = 0.0;
        for (int i = 0; i < d; ++i) {
          dot += double{p.q[q_at(t, h) + i]} * p.k[kv_at(s, kv_head) + i];
        }
        probs[s] = dot * scale;
        max = std::max(max, probs[s]);
      }
      double sum = 0.0;
      for (int s = first; s <= t; ++s) sum += std::exp(probs[s] - max);
      ref.lse[static_cast<std::size_t>(h) * T + t] = max + std::log(sum);
      for (int s = first; s <= t; ++s)
        probs[s] = std::exp(probs[s] - max) / sum;
      double delta = 0.0;
      for (int i = 0; i < d; ++i) {
        double o = 0.0;
        for (int s = first; s <= t; ++s)
          o += probs[s] * p.v[kv_at(s, kv_head) + i];
        ref.out[q_at(t, h) + i] = o;
        delta += o * p.dout[q_at(t, h) + i];
      }
      for (int s = first; s <= t; ++s) {
        double dp = 0.0;
        for (int i = 0; i < d; ++i) {
          dp += double{p.dout[q_at(t, h) + i]} * p.v[kv_at(s, kv_head) + i];
        }
        const double ds = probs[s] * (dp - delta);
        for (int i = 0; i < d; ++i) {
          ref.dq[q_at(t, h) + i] += scale * ds * p.k[kv_at(s, kv_head) + i];
          ref.dk[kv_at(s, kv_head) + i] += scale * ds * p.q[q_at(t, h) + i];
          ref.dv[kv_at(s, kv_head) + i] += probs[s] * p.dout[q_at(t, h) + i];
        }
      }
    }
  }
  return ref;
}

template <typename Float>
Outputs RunNaive(const Problem<Float>& p) {
  const Config& c = p.config;
  Outputs o{std::vector<float>(p.q.size()),
            std::vector<float>(static_cast<std::size_t>(c.Hq) * c.T), p.dq0,
            p.dk0, p.dv0};
  ops::AttentionForward(o.out.data(), o.lse.data(), p.q.data(), p.k.data(),
                        p.v.data(), c.doc_starts.data(), c.num_docs(),
                        c.document_masking, c.T, c.Hq, c.Hkv, c.head_dim);
  o.out = RoundTo<Float>(o.out);
  ops::AttentionBackward(o.dq.data(), o.dk.data(), o.dv.data(), p.dout.data(),
                         p.q.data(), p.k.data(), p.v.data(), o.out.data(),
                         o.lse.data(), c.doc_starts.data(), c.num_docs(),
                         c.document_masking, c.T, c.Hq, c.Hkv, c.head_dim);
  o.dq = RoundTo<Float>(o.dq);
  o.dk = RoundTo<Float>(o.dk);
  o.dv = RoundTo<Float>(o.dv);
  return o;
}

template <typename Float>
Outputs RunGpu(const Problem<Float>& p) {
  const Config& c = p.config;
  const DeviceArray<Float> q(Convert<Float>(p.q)), k(Convert<Float>(p.k)),
      v(Convert<Float>(p.v)), dout(Convert<Float>(p.dout));
  const DeviceArray<Float> dq(Convert<Float>(p.dq0)), dk(Convert<Float>(p.dk0)),
      dv(Convert<Float>(p.dv0));
  const DeviceArray<Float> out(p.q.size());
  const DeviceArray<float> lse(static_cast<std::size_t>(c.Hq) * c.T);
  const DeviceArray<float> scratch(
      AttentionBackwardScratchFloats(c.T, c.Hq, c.Hkv, c.head_dim));
  const DeviceArray<int32_t> doc_starts(c.doc_starts);
  const test_util::Stream stream;
  AttentionForward(out.get(), lse.get(), q.get(), k.get(), v.get(),
                   doc_starts.get(), c.num_docs(), c.document_masking, c.T,
                   c.Hq, c.Hkv, c.head_dim, stream.get());
  AttentionBackward(dq.get(), dk.get(), dv.get(), scratch.get(), dout.get(),
                    q.get(), k.get(), v.get(), out.get(), lse.get(),
                    doc_starts.get(), c.num_docs(), c.document_masking, c.T,
                    c.Hq, c.Hkv, c.head_dim, stream.get());
  stream.Synchronize();
  return {ToFloats<Float>(out.ToHost()), lse.ToHost(),
          ToFloats<Float>(dq.ToHost()), ToFloats<Float>(dk.ToHost()),
          ToFloats<Float>(dv.ToHost())};
}

template <typename Float>
class AttentionCudaTest : public test_util::CudaTypedTest<Float> {};
TYPED_TEST_SUITE(AttentionCudaTest, test_util::FloatTypes,
                 test_util::FloatTypeNames);

TYPED_TEST(AttentionCudaTest, MatchesCpuForwardAndBackward) {
  using Float = TypeParam;
  const std::vector<Config> configs = {
      {1, 1, 1, 16, {0, 1}, true},
      // A ragged last tile, an empty document and one-token documents.
      {70, 4, 2, 16, {0, 1, 1, 30, 31, 70}, true},
      {70, 4, 2, 16, {0, 1, 1, 30, 31, 70}, false},
      // Documents starting on tile boundaries, one of one token.
      {200, 2, 1, 64, {0, 64, 65, 128, 200}, true},
      // head_dim off a multiple of 16; three query heads per kv head.
      {130, 3, 1, 40, {0, 100, 130}, true},
      // The largest head_dim.
      {300, 2, 2, 128, {0, 17, 150, 151, 300}, true},
      {257, 2, 1, 32, {0, 257}, false},
  };
  for (const Config& config : configs) {
    SCOPED_TRACE(config.Name());
    const Problem<Float> p(
        config, /*seed=*/static_cast<unsigned>(config.T * 7 + config.head_dim));
    const Reference ref = AttentionReference(p);
    const Outputs naive = RunNaive(p);
    const Outputs gpu = RunGpu(p);
    ExpectWithinTolerance<Float>("out", gpu.out, naive.out, ref.out);
    ExpectWithinTolerance<Float>("lse", gpu.lse, naive.lse, ref.lse);
    ExpectWithinTolerance<Float>("dq", gpu.dq, naive.dq, ref.dq);
    ExpectWithinTolerance<Float>("dk", gpu.dk, naive.dk, ref.dk);
    ExpectWithinTolerance<Float>("dv", gpu.dv, naive.dv, ref.dv);
  }
}

TYPED_TEST(AttentionCudaTest, TwoRunsAreBitwiseIdentical) {
  const Problem<TypeParam> p({1000, 4, 2, 64, {0, 300, 301, 700, 1000}, true},
                             /*seed=*/21);
  const Outputs first = RunGpu(p);
  const Outputs second = RunGpu(p);
  EXPECT_TRUE(test_util::BitwiseEqual(first.out, second.out));
  EXPECT_TRUE(test_util::BitwiseEqual(first.lse, second.lse));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dq, second.dq));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dk, second.dk));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dv, second.dv));
}

// Shapes are checked on the host before any device call, so this runs (and
// passes) without a GPU.
TEST(AttentionCudaShapeTest, RejectsBadShapes) {
  auto forward = [](int num_docs, bool masking, int T, int Hq, int Hkv,
                    int head_dim) {
    AttentionForward<float>(nullptr, nullptr, nullptr, nullptr, nullptr,
                            nullptr, num_docs, masking, T, Hq, Hkv, head_dim,
                            nullptr);
  };
  EXPECT_THROW(forward(1, true, 8, 4, 3, 16), std::invalid_argument);
  EXPECT_THROW(forward(1, true, 8, 4, 0, 16), std::invalid_argument);
  EXPECT_THROW(forward(1, true, -1, 4, 2, 16), std::invalid_argument);
  EXPECT_THROW(forward(1, true, 8, 4, 2, 0), std::invalid_argument);
  EXPECT_THROW(forward(1, true, 8, 4, 2, kAttentionMaxHeadDim + 1),
               std::invalid_argument);
  EXPECT_THROW(forward(0, true, 8, 4, 2, 16), std::invalid_argument);
  EXPECT_THROW(
      AttentionBackward<bf16>(nullptr, nullptr, nullptr, nullptr, nullptr,
                              nullptr, nullptr, nullptr, nullptr, nullptr,
                              nullptr, 1, false, 8, 2, 4, 16, nullptr),
      std::invalid_argument);
  // An empty sequence is valid and does nothing.
  EXPECT_NO_THROW(forward(0, true, 0, 4, 2, 16));
}

}  // namespace
}  // namespace prolong::ops::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(AttentionCudaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "ops/cuda kernels were not compiled";
}

#endif  // PROLONG_HAVE_CUDA
