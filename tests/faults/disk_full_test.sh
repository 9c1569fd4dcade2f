#!/usr/bin/env bash
# Disk full at the stage level. A real training stage (its resumable
# checkpoint, then its final output) and a real data stage (a token shard)
# write into a directory that holds earlier outputs and has too little room:
#   - fsize: the directory is ordinary, and the stage runs under a file-size
#     limit (`ulimit -f`, RLIMIT_FSIZE: writes fail with EFBIG);
#   - tmpfs: the directory is a tmpfs too small for the new file (writes fail
#     with ENOSPC). It needs a user namespace (`unshare -rm`); where the
#     kernel refuses one, this mode is skipped and says so.
# Each failing stage must exit non-zero with one error line naming the file
# and the lack of space, leave no output or temporary file, and leave the
# earlier outputs byte-identical; the earlier checkpoint must still resume.
#
#   disk_full_test.sh TRAIN_MAIN SHARDS_MAIN MIXTURE.h5 TOKENIZER.json
#       CORPUS_OUTPUTS... (the corpus rule's files; the .h5 is the corpus)
set -uo pipefail

# Re-run the whole test inside a user and mount namespace, where it may mount
# a tmpfs; the mount goes away with the test.
if [[ -z ${DISK_FULL_IN_NAMESPACE:-} ]] && unshare -rm true 2>/dev/null; then
  exec unshare -rm env DISK_FULL_IN_NAMESPACE=1 "$0" "$@"
fi

train=$1 shards=$2 mixture=$3 tokenizer=$4
shift 4
corpus=""
for output in "$@"; do [[ $output == *.h5 ]] && corpus=$output; done

work=$TEST_TMPDIR
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

write_stage_config() {  # write_stage_config FILE NAME D_MODEL FFN_HIDDEN
  cat >"$1" <<CONFIG
name: "$2"
seq_len: 256
rope_theta: 10000
steps: 4
sequences_per_step: 1
threads: 1
log_every: 1
checkpoint_every: 2
model { d_model: $3 n_layers: 2 n_heads: 2 n_kv_heads: 1 ffn_hidden: $4 }
CONFIG
}
# "small" is the run whose outputs must survive; "large" writes files several
# times its size, which do not fit.
write_stage_config "$work/small.textproto" small 16 32
write_stage_config "$work/large.textproto" large 64 176

train_stage() {  # train_stage CONFIG OUT LOG [CHECKPOINT_DIR]
  "$train" --config="$1" --mixture="$mixture" --tokenizer="$tokenizer" \
    --out="$2" --log="$3" ${4:+--checkpoint_dir="$4"}
}

size_of() { stat -c %s "$1"; }

# The outputs every mode starts from, written with room to spare.
mkdir -p "$work/earlier/checkpoints" "$work/logs"
train_stage "$work/small.textproto" "$work/earlier/stage.h5" \
  "$work/logs/earlier.jsonl" "$work/earlier/checkpoints" \
  2>"$work/logs/earlier.txt" || {
  cat "$work/logs/earlier.txt"
  exit 1
}
train_stage "$work/large.textproto" "$work/large.h5" "$work/logs/large.jsonl" \
  2>"$work/logs/large.txt" || {
  cat "$work/logs/large.txt"
  exit 1
}
"$shards" --corpus="$corpus" --tokenizer="$tokenizer" \
  --out="$work/earlier/shard.h5" --manifest="$work/earlier/shard.manifest" \
  2>"$work/logs/shard.txt" || {
  cat "$work/logs/shard.txt"
  exit 1
}
checkpoint_bytes=$(size_of "$work/earlier/checkpoints/latest.h5")
large_bytes=$(size_of "$work/large.h5")
shard_bytes=$(size_of "$work/earlier/shard.h5")
echo "small checkpoint ${checkpoint_bytes} B, large ${large_bytes} B," \
  "shard ${shard_bytes} B"
if ((large_bytes < 3 * checkpoint_bytes)); then
  fail "the large checkpoint is not much larger than the small one"
  exit 1
fi

# expect_failure LABEL FILE STDERR EXIT_CODE: the stage failed, naming FILE
# and the lack of space in its one error line.
expect_failure() {
  local label=$1 file=$2 stderr=$3 code=$4 error
  error=$(grep '^error: ' "$stderr")
  if ((code == 0)); then
    fail "$label: the stage succeeded"
  elif [[ -z $error ]]; then
    fail "$label: exit code $code without an error line:"
    cat "$stderr"
  elif [[ $error != *"$file"* ]]; then
    fail "$label: the error does not name $file: $error"
  elif [[ $error != *"out of disk space or over the file-size limit"* ]]; then
    fail "$label: the error does not say the disk is full: $error"
  else
    echo "ok, $label: $error"
  fi
}

expect_no_temporaries() {  # expect_no_temporaries LABEL DIR
  local left
  left=$(find "$2" -name '*.tmp.*')
  [[ -z $left ]] || fail "$1: temporary files left behind: $left"
}

expect_same() {  # expect_same LABEL EXPECTED ACTUAL
  cmp -s "$2" "$3" || fail "$1: $3 was changed or removed"
}

# run_mode MODE DIR LIMIT_KB: DIR is the place with too little room; with
# LIMIT_KB the stages also run under that file-size limit.
run_mode() {
  local mode=$1 dir=$2 limit_kb=$3 code
  limited() {
    if [[ -n $limit_kb ]]; then
      (ulimit -f "$limit_kb" && "$@")
    else
      "$@"
    fi
  }

  # 1. The training stage's first resumable checkpoint does not fit.
  limited train_stage "$work/large.textproto" "$dir/stage.h5" \
    "$work/logs/$mode.checkpoint.jsonl" "$dir/checkpoints" \
    2>"$work/logs/$mode.checkpoint.txt"
  code=$?
  expect_failure "$mode, checkpoint" "$dir/checkpoints/latest.h5" \
    "$work/logs/$mode.checkpoint.txt" $code
  expect_same "$mode, checkpoint" "$work/earlier/checkpoints/latest.h5" \
    "$dir/checkpoints/latest.h5"
  expect_same "$mode, checkpoint" "$work/earlier/stage.h5" "$dir/stage.h5"
  expect_no_temporaries "$mode, checkpoint" "$dir"

  # 2. The training stage's final output does not fit.
  limited train_stage "$work/large.textproto" "$dir/stage.h5" \
    "$work/logs/$mode.final.jsonl" 2>"$work/logs/$mode.final.txt"
  code=$?
  expect_failure "$mode, final output" "$dir/stage.h5" \
    "$work/logs/$mode.final.txt" $code
  expect_same "$mode, final output" "$work/earlier/stage.h5" "$dir/stage.h5"
  expect_no_temporaries "$mode, final output" "$dir"

  # 3. The earlier checkpoint still loads: the small stage resumes from it
  # and ends with the bytes of the run that wrote it.
  if train_stage "$work/small.textproto" "$work/$mode.resumed.h5" \
    "$work/logs/$mode.resumed.jsonl" "$dir/checkpoints" \
    2>"$work/logs/$mode.resumed.txt"; then
    grep -q "resuming from $dir/checkpoints/latest.h5 at step 2" \
      "$work/logs/$mode.resumed.txt" ||
      fail "$mode: the small stage did not resume from its checkpoint"
    expect_same "$mode, resumed" "$work/earlier/stage.h5" \
      "$work/$mode.resumed.h5"
  else
    fail "$mode: the small stage could not resume:"
    cat "$work/logs/$mode.resumed.txt"
  fi

  # 4. The data stage: a shard over an earlier one, and a new shard.
  for name in shard new_shard; do
    limited "$shards" --corpus="$corpus" --tokenizer="$tokenizer" \
      --out="$dir/$name.h5" --manifest="$dir/$name.manifest" \
      2>"$work/logs/$mode.$name.txt"
    code=$?
    expect_failure "$mode, $name" "$dir/$name.h5" \
      "$work/logs/$mode.$name.txt" $code
  done
  expect_same "$mode, shard" "$work/earlier/shard.h5" "$dir/shard.h5"
  expect_same "$mode, shard" "$work/earlier/shard.manifest" \
    "$dir/shard.manifest"
  [[ ! -e $dir/new_shard.h5 && ! -e $dir/new_shard.manifest ]] ||
    fail "$mode, new_shard: an output was left behind"
  expect_no_temporaries "$mode, shard" "$dir"
}

copy_earlier_outputs() { cp -r "$work/earlier/." "$1/"; }

# fsize: room for the small files, not for the large checkpoint or a shard.
mkdir -p "$work/fsize"
copy_earlier_outputs "$work/fsize"
fsize_limit_kb=$(((shard_bytes < large_bytes ? shard_bytes : large_bytes) / 2048))
run_mode fsize "$work/fsize" "$fsize_limit_kb"

if [[ -n ${DISK_FULL_IN_NAMESPACE:-} ]]; then
  # tmpfs: the earlier outputs, then room for half of the smaller new file
  # (more than the small stage's checkpoint needs to resume).
  mkdir -p "$work/tmpfs"
  spare=$(((shard_bytes < large_bytes ? shard_bytes : large_bytes) / 2))
  used=$(du -sb "$work/earlier" | cut -f1)
  size_kb=$(((used + spare) / 1024 + 64))
  if mount -t tmpfs -o "size=${size_kb}k" tmpfs "$work/tmpfs"; then
    copy_earlier_outputs "$work/tmpfs"
    run_mode tmpfs "$work/tmpfs" ""
  else
    fail "could not mount a tmpfs in the user namespace"
  fi
else
  echo "SKIPPED: tmpfs mode (no user namespace here; fsize mode ran)"
fi

((failures == 0)) && echo "OK: every full-disk write failed cleanly"
exit $((failures > 0))
