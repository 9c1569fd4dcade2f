#!/usr/bin/env bash
# Runs every GPU test (Bazel tag "gpu" under //tests/...) and the GPU
# benchmarks, and writes a Markdown report: the GPU name, each test's status
# and gtest summary (a test that skips still passes, so the skip reasons are
# listed, and a failing test's failure lines are quoted), attention
# forward + backward TFLOP/s at L = 4K, 16K, 64K
# (ops/cuda/benchmarks/attention_benchmark) next to PyTorch's
# scaled_dot_product_attention on the same GPU (tests/gpu/sdpa_benchmark.py;
# skipped if torch with CUDA is not importable), and the `small` preset's
# training throughput: tokens/s and MFU against the H100's dense bf16 peak of
# 989 TFLOP/s, over a few whole optimizer steps
# (model/cuda/benchmarks/train_throughput).
#
# The binaries come from tests/gpu/bundle.sh: built here with Bazel, or, with
# --bundle DIR, from a bundle built on another machine (a GPU machine often
# has neither Bazel nor the build's libraries). CUDA's own libraries (cudart,
# cuBLAS, NCCL) come from the GPU machine: ${CUDA_HOME:-/usr/local/cuda}/lib64,
# or wherever else on it they are installed (PyTorch's wheels carry them).
#
# Usage: tests/gpu/run_all.sh [--bundle DIR] [--logs DIR] [RESULTS_FILE]
#   RESULTS_FILE defaults to tests/gpu/RESULTS.md; --logs keeps every test's
#   and benchmark's full output in DIR. Each test may take
#   GPU_TEST_TIMEOUT seconds (default 300) before it is stopped and failed.
# Exits non-zero if a test failed or a benchmark failed (a benchmark that
# skips for want of a GPU, status 77, does not count as failing).
set -uo pipefail

bundle=""
logs=""
results=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bundle) bundle="$(realpath "$2")" && shift 2 || exit 2 ;;
    --logs) logs="$(realpath -m "$2")" && shift 2 || exit 2 ;;
    -*) echo "usage: $0 [--bundle DIR] [--logs DIR] [RESULTS_FILE]" >&2; exit 2 ;;
    *) results="$(realpath -m "$1")" && shift ;;
  esac
done
cd "$(dirname "$0")/../.." || exit 1
results="${results:-$(realpath -m tests/gpu/RESULTS.md)}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
logs="${logs:-${work}/logs}"
mkdir -p "${logs}"
ours="${work}/attention.csv"
sdpa="${work}/sdpa.csv"
training="${work}/training.csv"

if [[ -z "${bundle}" ]]; then
  bundle="${work}/bundle"
  tests/gpu/bundle.sh "${bundle}" 2>&1 | tee "${logs}/bundle.log" ||
    { echo "$0: building the bundle failed" >&2; exit 1; }
fi

# CUDA's libraries: the toolkit's, else the first copy found elsewhere.
library_path="${bundle}/lib:${CUDA_HOME:-/usr/local/cuda}/lib64"
for soname in libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libnccl.so.2; do
  if [[ ! -e "${CUDA_HOME:-/usr/local/cuda}/lib64/${soname}" ]]; then
    found="$(find /usr /opt -name "${soname}" 2>/dev/null | head -n 1)"
    [[ -n "${found}" ]] && library_path="${library_path}:$(dirname "${found}")"
  fi
done
export LD_LIBRARY_PATH="${library_path}${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}"

# Each test on its own (one GPU), with its own TEST_TMPDIR, as Bazel would.
status=0
: >"${work}/tests.tsv"  # label, name, exit status, seconds
while IFS=$'\t' read -r label name; do
  echo "=== ${label}"
  test_tmp="$(mktemp -d)"
  start=${SECONDS}
  TEST_TMPDIR="${test_tmp}" timeout "${GPU_TEST_TIMEOUT:-300}" "${bundle}/bin/${name}" \
    >"${logs}/${name}.log" 2>&1
  test_status=$?
  rm -rf "${test_tmp}"
  printf '%s\t%s\t%s\t%s\n' "${label}" "${name}" "${test_status}" \
    "$((SECONDS - start))" >>"${work}/tests.tsv"
  grep -E '^\[(==========|  PASSED  |  FAILED  )\] ' "${logs}/${name}.log"
  if [[ ${test_status} -ne 0 ]]; then
    echo "${label}: FAILED (status ${test_status})"
    status=1
  fi
done <"${bundle}/tests.txt"

benchmark="${bundle}/bin/ops_cuda_benchmarks_attention_benchmark"
timeout 300 "${benchmark}" >"${ours}" 2>"${logs}/attention_benchmark.err"
bench_status=$?
cat "${ours}" "${logs}/attention_benchmark.err"
timeout 240 "${bundle}/bin/model_cuda_benchmarks_train_throughput" \
  >"${training}" 2>"${logs}/train_throughput.err"
training_status=$?
cat "${training}" "${logs}/train_throughput.err"
timeout 300 python3 "${bundle}/bin/sdpa_benchmark.py" >"${sdpa}" \
  2>"${logs}/sdpa.err"
sdpa_status=$?
cat "${sdpa}" "${logs}/sdpa.err"
for benchmark_status in ${bench_status} ${training_status}; do
  if [[ ${status} -eq 0 && ${benchmark_status} -ne 0 &&
    ${benchmark_status} -ne 77 ]]; then
    status=${benchmark_status}
  fi
done

# A CSV of attention_benchmark / sdpa_benchmark as a Markdown table.
csv_table() {
  awk -F, 'NR == 1 {
      print "| impl | L | heads | head_dim | fwd ms | bwd ms | fwd TFLOP/s | bwd TFLOP/s | fwd+bwd TFLOP/s |"
      print "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
      next
    }
    { printf "| %s |", $1; for (i = 2; i <= NF; ++i) printf " %s |", $i; print "" }' "$1"
}

{
  echo "# GPU test results"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- Commit built: $(cat "${bundle}/commit.txt" 2>/dev/null || echo unknown)"
  echo "- Exit status: ${status}"
  echo
  echo "## GPU"
  echo
  echo '```'
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 ||
    echo "(nvidia-smi failed)"
  echo '```'
  echo
  echo "## Tests"
  echo
  echo "| test | result | seconds |"
  echo "| --- | --- | --- |"
  while IFS=$'\t' read -r label name test_status seconds; do
    result="passed"
    [[ ${test_status} -ne 0 ]] && result="FAILED (status ${test_status})"
    echo "| ${label} | ${result} | ${seconds} |"
  done <"${work}/tests.tsv"
  echo
  echo "## gtest results, skip reasons and failures"
  while IFS=$'\t' read -r label name test_status seconds; do
    test_log="${logs}/${name}.log"
    echo
    echo "### ${label}"
    echo
    echo '```'
    grep -E '^\[(==========|  PASSED  |  SKIPPED |  FAILED  )\] ' "${test_log}"
    grep -A1 ': Skipped$' "${test_log}" | grep -vE ': Skipped$|^--$' |
      sort | uniq -c | sed -E 's/^ *([0-9]+) (.*)/skip reason (x\1): \2/'
    if [[ ${test_status} -ne 0 ]]; then
      grep -E -A6 'Failure$|error:|what\(\)|terminate|Segmentation' \
        "${test_log}" | head -n 60
      tail -n 5 "${test_log}"
    fi
    echo '```'
  done <"${work}/tests.tsv"
  echo
  echo "## Attention forward + backward throughput"
  echo
  echo "bf16, causal, one document, 16 heads of 128 dims; FLOPs: forward"
  echo "4 L^2 d H / 2, backward 2.5x forward (the FlashAttention papers' count)."
  echo
  {
    echo "impl,L,heads,head_dim,fwd_ms,bwd_ms,fwd_tflops,bwd_tflops,fwd_bwd_tflops"
    [[ ${bench_status} -eq 0 ]] && tail -n +2 "${ours}"
    [[ ${sdpa_status} -eq 0 ]] && tail -n +2 "${sdpa}"
  } >"${work}/combined.csv"
  csv_table "${work}/combined.csv"
  echo
  if [[ ${bench_status} -ne 0 ]]; then
    echo "attention_benchmark: status ${bench_status}:"
    echo '```'
    cat "${logs}/attention_benchmark.err"
    echo '```'
  fi
  if [[ ${sdpa_status} -ne 0 ]]; then
    echo "PyTorch SDPA: not run (status ${sdpa_status}):"
    echo '```'
    cat "${logs}/sdpa.err"
    echo '```'
  else
    grep '^sdpa_benchmark: torch' "${logs}/sdpa.err"
  fi
  if [[ ${bench_status} -eq 0 && ${sdpa_status} -eq 0 ]]; then
    echo
    echo "prolong / PyTorch SDPA, forward + backward TFLOP/s:"
    awk -F, 'FNR == 1 { next }
      FILENAME == ARGV[1] { ours[$2] = $9; next }
      ($2 in ours) && $9 > 0 { printf "- L = %s: %.1f%%\n", $2, 100 * ours[$2] / $9 }' \
      "${ours}" "${sdpa}"
  fi
  echo
  echo "## Training throughput, small preset"
  echo
  echo "d_model 768, 12 layers, 12 query / 4 kv heads, ffn 2048, vocabulary"
  echo "32768 (tied), bf16; whole optimizer steps (sequences of one causal"
  echo "document, run one at a time or several packed into one pass, gradient"
  echo "norm, clipping, AdamW), 2 warm-up steps then 5 timed. Model FLOPs"
  echo "per token: 6 N_matmul +"
  echo "12 n_layers d_model (L + 1) / 2; MFU against 989 TFLOP/s (H100 SXM"
  echo "dense bf16)."
  echo
  if [[ ${training_status} -eq 0 ]]; then
    awk -F, 'NR == 1 {
        print "| preset | dtype | L | sequences / step | sequences / micro-batch | step ms | tokens/s | model TFLOP/s | MFU % |"
        print "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        next
      }
      { printf "|"; for (i = 1; i <= NF; ++i) printf " %s |", $i; print "" }' \
      "${training}"
  else
    echo "train_throughput: status ${training_status}:"
    echo '```'
    cat "${logs}/train_throughput.err"
    echo '```'
  fi
} >"${results}"

echo "Wrote ${results}"
exit "${status}"
