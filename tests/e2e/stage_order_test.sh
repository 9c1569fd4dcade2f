#!/usr/bin/env bash
# A stage shorter than the stage it continues from is rejected before any
# training, with an error naming the config file and the field.
#
#   stage_order_test.sh TRAIN_MAIN MIXTURE.h5 TOKENIZER.json STAGE1_OUTPUTS...
set -uo pipefail
train=$1 mixture=$2 tokenizer=$3
shift 3
init=""
for output in "$@"; do [[ "$output" == *.h5 ]] && init=$output; done
config=$TEST_TMPDIR/short_stage.textproto
cat >"$config" <<'CONFIG'
name: "too_short"
seq_len: 256
steps: 2
sequences_per_step: 1
CONFIG
if output=$("$train" --config="$config" --init="$init" --mixture="$mixture" \
    --tokenizer="$tokenizer" --out="$TEST_TMPDIR/out.h5" 2>&1); then
  echo "FAIL: a stage shorter than its predecessor was accepted"
  exit 1
fi
expected="$config: field seq_len: 256 is shorter than the previous stage's"
if [[ "$output" != *"$expected"* ]]; then
  echo "FAIL: expected '$expected' in: $output"
  exit 1
fi
if [[ -e "$TEST_TMPDIR/out.h5" ]]; then
  echo "FAIL: an output was written"
  exit 1
fi
echo "ok: $output"
