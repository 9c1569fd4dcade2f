#!/usr/bin/env bash
# Runs the `score` CLI on hand-made predictions files with scores worked out
# by hand from HELMET's metric definitions (tests/eval/testdata/):
#   kilt_nq            SubEM: "the" and punctuation normalised away (1),
#                      wrong city (0), case (1), gold not a substring (0)
#   icl_trec_coarse    the first "label:" line counts (1, 0), integer gold (1)
#   msmarco_rerank_psg NDCG@10 with graded qrels {1: 1, 2: 3, 3: 0}: the
#                      ideal order (1) and 3 > 1 > 2: (1/log2 3 + 3/2) /
#                      (3 + 1/log2 3) = 0.58688
#   json_kv            HELMET's own output file (one JSON object, "data")
set -uo pipefail
score=$1
dir=tests/eval/testdata
failures=0

output=$("$score" kilt_nq=$dir/kilt_nq.jsonl \
  icl_trec_coarse=$dir/icl_trec_coarse.jsonl \
  msmarco_rerank_psg=$dir/msmarco_rerank_psg.jsonl \
  json_kv=$dir/json_kv_helmet_output.json 2>&1)
echo "$output"
expect_line() {
  if ! grep -Eq "^$1 +$2 +$3 +$4\$" <<<"$output"; then
    echo "FAIL: expected: $1 $2 $3 $4"
    failures=$((failures + 1))
  fi
}
expect_line kilt_nq SubEM 4 50.00
expect_line icl_trec_coarse accuracy 3 66.67
expect_line msmarco_rerank_psg NDCG@10 2 79.34
expect_line json_kv SubEM 2 50.00

# A task without a HELMET metric fails, naming it.
if output=$("$score" narrativeqa=$dir/kilt_nq.jsonl 2>&1); then
  echo "FAIL: narrativeqa was scored"
  failures=$((failures + 1))
elif [[ "$output" != *'no metric for task "narrativeqa"'* ]]; then
  echo "FAIL: unexpected error: $output"
  failures=$((failures + 1))
fi
# A missing file is named.
if output=$("$score" kilt_nq=$dir/missing.jsonl 2>&1) ||
    [[ "$output" != *"$dir/missing.jsonl"* ]]; then
  echo "FAIL: missing file: $output"
  failures=$((failures + 1))
fi
exit $failures
