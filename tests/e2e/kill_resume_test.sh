#!/usr/bin/env bash
# Kills a real training stage with SIGKILL at random moments, runs it again
# each time, and checks that the final checkpoint and log are byte-identical
# to those of a run that was never stopped.
#
#   kill_resume_test.sh TRAIN_MAIN MIXTURE.h5 TOKENIZER.json
set -uo pipefail
train=$1 mixture=$2 tokenizer=$3
work=$TEST_TMPDIR
config=$work/stage.textproto
cat >"$config" <<'CONFIG'
name: "kill_resume"
seq_len: 256
rope_theta: 10000
steps: 40
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

mkdir -p "$work/checkpoints"
RANDOM=20261125
kills=0
for attempt in 1 2 3 4 5 6; do
  # Started directly (not through `run`, whose subshell would be the one
  # killed) so that SIGKILL hits the training process itself.
  "$train" --config="$config" --mixture="$mixture" --tokenizer="$tokenizer" \
    --out="$work/resumed.h5" --log="$work/resumed.jsonl" \
    --checkpoint_dir="$work/checkpoints" 2>>"$work/stderr.txt" &
  pid=$!
  delay_ms=$(( (RANDOM % (whole_ms > 50 ? whole_ms : 50)) ))
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then
    kills=$((kills + 1))
    echo "attempt $attempt: killed after ${delay_ms} ms"
  fi
  wait "$pid" 2>/dev/null
  if [[ -e "$work/resumed.h5" ]]; then
    echo "attempt $attempt: the stage finished before the kill"
    break
  fi
done
run "$work/resumed.h5" "$work/resumed.jsonl" "$work/checkpoints" || {
  cat "$work/stderr.txt"; exit 1; }

grep -h "resuming from" "$work/stderr.txt" || true
status=0
if [[ $kills -eq 0 ]]; then
  echo "FAIL: no run was killed (the stage is too fast for this test)"
  status=1
fi
if ! grep -q "resuming from" "$work/stderr.txt"; then
  echo "FAIL: no run resumed from a checkpoint"
  status=1
fi
cmp "$work/whole.h5" "$work/resumed.h5" || { echo "FAIL: checkpoints differ"; status=1; }
cmp "$work/whole.jsonl" "$work/resumed.jsonl" || { echo "FAIL: logs differ"; status=1; }
ls "$work"/checkpoints | grep -q '\.tmp\.' && { echo "FAIL: temporary files left"; status=1; }
[[ $status -eq 0 ]] && echo "OK: $kills kills, resumed output identical"
exit $status
