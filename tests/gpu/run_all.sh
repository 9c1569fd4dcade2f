#!/usr/bin/env bash
# Builds and runs every GPU test (Bazel tag "gpu" under //tests/...) and writes
# a Markdown report: the GPU name, Bazel's test summary, and each test's gtest
# summary (a test that skips still passes, so the skip reasons are listed).
#
# Usage: tests/gpu/run_all.sh [RESULTS_FILE]   (default tests/gpu/RESULTS.md)
# Exits with Bazel's status.
set -uo pipefail

results="$(realpath -m "${1:-$(dirname "$0")/RESULTS.md}")"
cd "$(dirname "$0")/../.." || exit 1
log="$(mktemp)"
trap 'rm -f "${log}"' EXIT

# One GPU: run its tests one at a time, and always rerun them (no cache).
bazel test //tests/... --test_tag_filters=gpu --test_summary=short \
  --cache_test_results=no --local_test_jobs=1 2>&1 | tee "${log}"
status=${PIPESTATUS[0]}

testlogs="$(bazel info bazel-testlogs 2>/dev/null)"
{
  echo "# GPU test results"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- Bazel exit status: ${status}"
  echo
  echo "## GPU"
  echo
  echo '```'
  nvidia-smi --query-gpu=name --format=csv 2>&1 || echo "(nvidia-smi failed)"
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
} >"${results}"

echo "Wrote ${results}"
exit "${status}"
