#!/usr/bin/env bash
# Kills a real training stage with SIGKILL at several random points, runs it
# again each time, and checks that the final checkpoint and log are
# byte-identical to those of a run that was never stopped. There is one kill
# in each third of the run: at a random step (seeded, so the same steps each
# time, whatever the machine's speed), found by watching the per-step log,
# plus a random part of a step, so that a kill may land mid-step or in the
# middle of writing a checkpoint.
#
#   kill_resume_test.sh TRAIN_MAIN MIXTURE.h5 TOKENIZER.json
set -uo pipefail
train=$1 mixture=$2 tokenizer=$3
work=$TEST_TMPDIR
config=$work/stage.textproto
steps=40
cat >"$config" <<CONFIG
name: "kill_resume"
seq_len: 256
rope_theta: 10000
steps: $steps
sequences_per_step: 2
threads: 2
log_every: 10
checkpoint_every: 3
model { d_model: 32 n_layers: 2 n_heads: 2 n_kv_heads: 1 ffn_hidden: 64 }
CONFIG

run() {  # run OUT LOG [CHECKPOINT_DIR]
  "$train" --config="$config" --mixture="$mixture" --tokenizer="$tokenizer" \
    --out="$1" --log="$2" ${3:+--checkpoint_dir="$3"} 2>>"$work/stderr.txt"
}

start=$(date +%s%N)
run "$work/whole.h5" "$work/whole.jsonl" || { cat "$work/stderr.txt"; exit 1; }
whole_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "uninterrupted run: ${whole_ms} ms"

# wait_for_step PID LOG STEP: waits until LOG has STEP lines (steps done);
# fails if PID exits first.
wait_for_step() {
  while kill -0 "$1" 2>/dev/null; do
    [[ -f $2 ]] && (($(wc -l <"$2") >= $3)) && return 0
    sleep 0.01
  done
  return 1
}

step_ms=$((whole_ms / steps))
mkdir -p "$work/checkpoints"
RANDOM=20261125
kills=0
for third in 0 1 2; do
  kill_step=$((third * steps / 3 + 1 + RANDOM % (steps / 3)))
  extra_ms=$((RANDOM % (step_ms > 0 ? step_ms : 1)))
  # Started directly (not through `run`, whose subshell would be the one
  # killed) so that SIGKILL hits the training process itself.
  "$train" --config="$config" --mixture="$mixture" --tokenizer="$tokenizer" \
    --out="$work/resumed.h5" --log="$work/resumed.jsonl" \
    --checkpoint_dir="$work/checkpoints" 2>>"$work/stderr.txt" &
  pid=$!
  if wait_for_step "$pid" "$work/resumed.jsonl" "$kill_step"; then
    sleep "$(printf '%d.%03d' $((extra_ms / 1000)) $((extra_ms % 1000)))"
  fi
  if kill -9 "$pid" 2>/dev/null; then
    kills=$((kills + 1))
    echo "killed after step $kill_step and ${extra_ms} ms more"
  fi
  wait "$pid" 2>/dev/null
  if [[ -e "$work/resumed.h5" ]]; then
    echo "the stage finished before the kill after step $kill_step"
    break
  fi
done
run "$work/resumed.h5" "$work/resumed.jsonl" "$work/checkpoints" || {
  cat "$work/stderr.txt"; exit 1; }

grep -h "resuming from" "$work/stderr.txt" || true
status=0
if [[ $kills -lt 3 ]]; then
  echo "FAIL: only $kills of 3 runs were killed"
  status=1
fi
if ! grep -q "resuming from" "$work/stderr.txt"; then
  echo "FAIL: no run resumed from a checkpoint"
  status=1
fi
cmp "$work/whole.h5" "$work/resumed.h5" || { echo "FAIL: checkpoints differ"; status=1; }
cmp "$work/whole.jsonl" "$work/resumed.jsonl" || { echo "FAIL: logs differ"; status=1; }
[[ -n $(find "$work/checkpoints" -name '*.tmp.*') ]] && {
  echo "FAIL: temporary files left"
  status=1
}
[[ $status -eq 0 ]] && echo "OK: $kills kills, resumed output identical"
exit $status
