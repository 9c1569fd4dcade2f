#!/usr/bin/env bash
# Builds and runs every GPU test (Bazel tag "gpu" under //tests/...) and the
# attention benchmark, and writes a Markdown report: the GPU name, Bazel's
# test summary, each test's gtest summary (a test that skips still passes,
# so the skip reasons are listed), and attention forward + backward TFLOP/s
# at L = 4K, 16K, 64K (ops/cuda/benchmarks/attention_benchmark) next to
# PyTorch's scaled_dot_product_attention on the same GPU
# (tests/gpu/sdpa_benchmark.py; skipped if torch with CUDA is not importable),
# and the `small` preset's training throughput: tokens/s and MFU against the
# H100's dense bf16 peak of 989 TFLOP/s, over a few whole optimizer steps
# (model/cuda/benchmarks/train_throughput).
# On one H100 the whole script takes a few minutes, most of it the build.
#
# Usage: tests/gpu/run_all.sh [RESULTS_FILE]   (default tests/gpu/RESULTS.md)
# Exits non-zero if a test failed or a benchmark failed (a benchmark that
# skips for want of a GPU, status 77, does not count as failing).
set -uo pipefail

results="$(realpath -m "${1:-$(dirname "$0")/RESULTS.md}")"
cd "$(dirname "$0")/../.." || exit 1
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
log="${work}/bazel.log"
ours="${work}/attention.csv"
sdpa="${work}/sdpa.csv"
training="${work}/training.csv"

# One GPU: run its tests one at a time, and always rerun them (no cache).
bazel test //tests/... --test_tag_filters=gpu --test_summary=short \
  --cache_test_results=no --local_test_jobs=1 2>&1 | tee "${log}"
status=${PIPESTATUS[0]}

bazel build //ops/cuda/benchmarks:attention_benchmark \
  //model/cuda/benchmarks:train_throughput 2>&1 | tee -a "${log}"
build_status=${PIPESTATUS[0]}
bench_status=${build_status}
training_status=${build_status}
bin="$(bazel info bazel-bin 2>/dev/null)"
if [[ ${build_status} -eq 0 ]]; then
  timeout 300 "${bin}/ops/cuda/benchmarks/attention_benchmark" \
    >"${ours}" 2>"${work}/attention.err"
  bench_status=$?
  cat "${ours}" "${work}/attention.err"
  timeout 240 "${bin}/model/cuda/benchmarks/train_throughput" \
    >"${training}" 2>"${work}/training.err"
  training_status=$?
  cat "${training}" "${work}/training.err"
fi
timeout 300 python3 tests/gpu/sdpa_benchmark.py >"${sdpa}" 2>"${work}/sdpa.err"
sdpa_status=$?
cat "${sdpa}" "${work}/sdpa.err"
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

testlogs="$(bazel info bazel-testlogs 2>/dev/null)"
{
  echo "# GPU test results"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- Bazel test exit status: ${status}"
  echo
  echo "## GPU"
  echo
  echo '```'
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 ||
    echo "(nvidia-smi failed)"
  echo '```'
  echo
  echo "## Bazel summary"
  echo
  echo '```'
  grep -E '^//|^Executed|^INFO: Build completed|^FAILED|^ERROR' "${log}" |
    awk '!seen[$0]++'
  echo '```'
  echo
  echo "## gtest results and skip reasons"
  bazel query 'attr(tags, "\bgpu\b", tests(//tests/...))' 2>/dev/null |
    while read -r label; do
      test_log="${testlogs}/${label#//}"
      test_log="${test_log/://}/test.log"
      echo
      echo "### ${label}"
      echo
      echo '```'
      if [[ -f "${test_log}" ]]; then
        grep -E '^\[(==========|  PASSED  |  SKIPPED |  FAILED  )\] ' \
          "${test_log}"
        grep -A1 ': Skipped$' "${test_log}" | grep -vE ': Skipped$|^--$' |
          sort | uniq -c | sed -E 's/^ *([0-9]+) (.*)/skip reason (x\1): \2/'
      else
        echo "(no test log)"
      fi
      echo '```'
    done
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
    cat "${work}/attention.err"
    echo '```'
  fi
  if [[ ${sdpa_status} -ne 0 ]]; then
    echo "PyTorch SDPA: not run (status ${sdpa_status}):"
    echo '```'
    cat "${work}/sdpa.err"
    echo '```'
  else
    grep '^sdpa_benchmark: torch' "${work}/sdpa.err"
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
  echo "32768 (tied), bf16; whole optimizer steps (micro-batches of one"
  echo "sequence of one causal document, gradient norm, clipping, AdamW), 2"
  echo "warm-up steps then 5 timed. Model FLOPs per token: 6 N_matmul +"
  echo "12 n_layers d_model (L + 1) / 2; MFU against 989 TFLOP/s (H100 SXM"
  echo "dense bf16)."
  echo
  if [[ ${training_status} -eq 0 ]]; then
    awk -F, 'NR == 1 {
        print "| preset | dtype | L | sequences / step | step ms | tokens/s | model TFLOP/s | MFU % |"
        print "| --- | --- | --- | --- | --- | --- | --- | --- |"
        next
      }
      { printf "|"; for (i = 1; i <= NF; ++i) printf " %s |", $i; print "" }' \
      "${training}"
  else
    echo "train_throughput: status ${training_status}:"
    echo '```'
    cat "${work}/training.err"
    echo '```'
  fi
} >"${results}"

echo "Wrote ${results}"
exit "${status}"
