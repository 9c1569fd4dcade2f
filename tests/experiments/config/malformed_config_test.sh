#!/usr/bin/env bash
# Runs a stage binary on malformed configs; each run must fail before doing
# any work, with an error naming the config file and the offending field.
set -uo pipefail
binary=$1
dir=tests/experiments/config/testdata
failures=0

expect_error() {
  local config=$1 expected=$2 output
  if output=$("$binary" --config="$config" --shards=unused.h5 \
      --tokenizer=unused.json --out="$TEST_TMPDIR/out.h5" 2>&1); then
    echo "FAIL: $config was accepted"
    failures=$((failures + 1))
  elif [[ "$output" != *"$expected"* ]]; then
    echo "FAIL: $config: expected '$expected' in: $output"
    failures=$((failures + 1))
  else
    echo "ok: $output"
  fi
  if [[ -e "$TEST_TMPDIR/out.h5" ]]; then
    echo "FAIL: $config left an output behind"
    failures=$((failures + 1))
  fi
}

expect_error "$dir/mixture_negative_length.textproto" \
  "$dir/mixture_negative_length.textproto: field seq_len: must be positive, got -512"
expect_error "$dir/mixture_unknown_field.textproto" \
  "$dir/mixture_unknown_field.textproto:3:16"
expect_error "$dir/mixture_unknown_field.textproto" \
  'has no field named "sequence_length"'
exit $failures
