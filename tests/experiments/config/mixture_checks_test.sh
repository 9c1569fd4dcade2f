#!/usr/bin/env bash
# The mixture stage rejects inconsistent mixtures before doing any work
# (its tokenizer is never read: the path given does not exist), naming the
# config file and the field: proportions that do not sum to 1, and a domain
# that no shard provides.
#
#   mixture_checks_test.sh MIXTURE_MAIN SHARD.h5 (a shard of domain "books")
set -uo pipefail
binary=$1 shard=$2
failures=0

expect_error() {  # expect_error NAME CONFIG_TEXT EXPECTED
  local config=$TEST_TMPDIR/$1.textproto output
  printf '%s\n' "$2" >"$config"
  local expected=${3//CONFIG/$config}
  if output=$("$binary" --config="$config" --shards="$shard" \
    --tokenizer="$TEST_TMPDIR/never_read.json" \
    --out="$TEST_TMPDIR/$1.h5" 2>&1); then
    echo "FAIL: $1 was accepted"
    failures=$((failures + 1))
  elif [[ $output != *"$expected"* ]]; then
    echo "FAIL: $1: expected '$expected' in: $output"
    failures=$((failures + 1))
  else
    echo "ok: $output"
  fi
  if [[ -e $TEST_TMPDIR/$1.h5 ]]; then
    echo "FAIL: $1 left an output behind"
    failures=$((failures + 1))
  fi
}

expect_error proportions '
seq_len: 64
num_sequences: 4
domains { domain: "books" role: LONG proportion: 0.6 }
domains { domain: "books" role: SHORT proportion: 0.3 }' \
  'CONFIG: field domains: proportions must sum to 1, got 0.9'

expect_error unknown_domain '
seq_len: 64
num_sequences: 4
domains { domain: "books" role: SHORT proportion: 0.5 }
domains { domain: "wikipedia" role: SHORT proportion: 0.5 }' \
  'CONFIG: field domains[1].domain: unknown domain "wikipedia" (no shard provides it)'
exit $failures
