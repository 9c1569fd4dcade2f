// Parity of ops/cuda/matmul.cu (cuBLAS) with the CPU op in fp32 and bf16,
// and run-to-run determinism; tolerance rule in cuda_test_util.h. In bf16
// mode the fp32 dweight comes from bf16 inputs through tensor cores, and the
// bf16 floor (half a bf16 epsilon of the largest value) covers the
// accumulation order of the tensor-core GEMM.
#include <gtest/gtest.h>

#ifdef PROLONG_HAVE_CUDA

#include <random>
#include <string>
#include <vector>

#include "ops/cuda/matmul.h"
#include "ops/matmul.h"
#include "tests/ops/cuda/cuda_test_util.h"

namespace prolong::ops::cuda {
namespace {

using test_util::Convert;
using test_util::DeviceArray;
using test_util::ExpectWithinTolerance;
using test_util::RandomVector;
using test_util::RoundTo;
using test_util::ToFloats;

struct Shape {
  int N, C, OC;
};

template <typename Float>
struct Problem {
  Problem(Shape s, unsigned seed) : shape(s) {
    std::mt19937 rng(seed);
    const std::size_t nc = static_cast<std::size_t>(s.N) * s.C;
    const std::size_t noc = static_cast<std::size_t>(s.N) * s.OC;
    const std::size_t occ = static_cast<std::size_t>(s.OC) * s.C;
    inp = RoundTo<Float>(RandomVector(nc, 0.0f, 1.0f, &rng));
    weight = RoundTo<Float>(RandomVector(occ, 0.0f, 0.1f, &rng));
    dout = RoundTo<Float>(RandomVector(noc, 0.0f, 1.0f, &rng));
    dinp0 = RoundTo<Float>(RandomVector(nc, 0.0f, 1.0f, &rng));
    dweight0 = RandomVector(occ, 0.0f, 1.0f, &rng);
  }
  Shape shape;
  std::vector<float> inp, weight, dout, dinp0, dweight0;
};

struct Outputs {
  std::vector<float> out, dinp, dweight;
};

struct Reference {
  std::vector<double> out, dinp, dweight;
};

template <typename Float>
Reference MatmulReference(const Problem<Float>& p) {
  const auto [N, C, OC] = p.shape;
  Reference ref{std::vector<double>(static_cast<std::size_t>(N) * OC),
                std::vector<double>(p.dinp0.begin(), p.dinp0.end()),
                std::vector<double>(p.dweight0.begin(), p.dweight0.end())};
  for (int n = 0; n < N; ++n) {
    for (int o = 0; o < OC; ++o) {
      double sum = 0.0;
      for (int c = 0; c < C; ++c) {
        sum += double{p.inp[n * C + c]} * p.weight[o * C + c];
      }
      ref.out[n * OC + o] = sum;
      const double dy = p.dout[n * OC + o];
      for (int c = 0; c < C; ++c) {
        ref.dinp[n * C + c] += dy * p.weight[o * C + c];
        ref.dweight[o * C + c] += dy * p.inp[n * C + c];
      }
    }
  }
  return ref;
}

template <typename Float>
Outputs RunNaive(const Problem<Float>& p) {
  const auto [N, C, OC] = p.shape;
  Outputs o{std::vector<float>(static_cast<std::size_t>(N) * OC), p.dinp0,
            p.dweight0};
  ops::MatmulForward(o.out.data(), p.inp.data(), p.weight.data(), N, C, OC);
  ops::MatmulBackward(o.dinp.data(), o.dweight.data(), p.dout.data(),
                      p.inp.data(), p.weight.data(), N, C, OC);
  return {RoundTo<Float>(o.out), RoundTo<Float>(o.dinp), o.dweight};
}

template <typename Float>
Outputs RunGpu(const Problem<Float>& p) {
  const auto [N, C, OC] = p.shape;
  const DeviceArray<Float> inp(Convert<Float>(p.inp));
  const DeviceArray<Float> weight(Convert<Float>(p.weight));
  const DeviceArray<Float> dout(Convert<Float>(p.dout));
  const DeviceArray<Float> dinp(Convert<Float>(p.dinp0));
  const DeviceArray<float> dweight(p.dweight0);
  const DeviceArray<Float> out(static_cast<std::size_t>(N) * OC);
  const test_util::CublasHandle handle;
  const test_util::Stream stream;
  MatmulForward<Float, Float>(out.get(), inp.get(), weight.get(), N, C, OC,
                              handle.get(), stream.get());
  MatmulBackward<Float>(dinp.get(), dweight.get(), dout.get(), inp.get(),
                        weight.get(), N, C, OC, handle.get(), stream.get());
  stream.Synchronize();
  return {ToFloats<Float>(out.ToHost()), ToFloats<Float>(dinp.ToHost()),
          dweight.ToHost()};
}

template <typename Float>
class MatmulCudaTest : public test_util::CudaTypedTest<Float> {};
TYPED_TEST_SUITE(MatmulCudaTest, test_util::FloatTypes,
                 test_util::FloatTypeNames);

TYPED_TEST(MatmulCudaTest, MatchesCpuForwardAndBackward) {
  using Float = TypeParam;
  for (const Shape shape : {Shape{1, 1, 1}, Shape{3, 5, 7}, Shape{64, 96, 80},
                            Shape{300, 257, 129}}) {
    SCOPED_TRACE("N=" + std::to_string(shape.N) + " C=" +
                 std::to_string(shape.C) + " OC=" + std::to_string(shape.OC));
    const Problem<Float> p(shape, /*seed=*/static_cast<unsigned>(shape.N));
    const Reference ref = MatmulReference(p);
    const Outputs naive = RunNaive(p);
    const Outputs gpu = RunGpu(p);
    ExpectWithinTolerance<Float>("out", gpu.out, naive.out, ref.out);
    ExpectWithinTolerance<Float>("dinp", gpu.dinp, naive.dinp, ref.dinp);
    ExpectWithinTolerance<Float>("dweight", gpu.dweight, naive.dweight,
                                 ref.dweight);
  }
}

TYPED_TEST(MatmulCudaTest, TwoRunsAreBitwiseIdentical) {
  const Problem<TypeParam> p({512, 384, 256}, /*seed=*/4);
  const Outputs first = RunGpu(p);
  const Outputs second = RunGpu(p);
  EXPECT_TRUE(test_util::BitwiseEqual(first.out, second.out));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dinp, second.dinp));
  EXPECT_TRUE(test_util::BitwiseEqual(first.dweight, second.dweight));
}

}  // namespace
}  // namespace prolong::ops::cuda

#else  // !PROLONG_HAVE_CUDA

TEST(MatmulCudaTest, SkippedWithoutCudaToolkit) {
  GTEST_SKIP() << "built without a CUDA toolkit (PROLONG_HAVE_CUDA undefined); "
                  "ops/cuda kernels were not compiled";
}

#endif  // PROLONG_HAVE_CUDA
