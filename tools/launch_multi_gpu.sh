#!/usr/bin/env bash
# Launches one process per GPU for data-parallel training
# (experiments/stages/train_main with `device: CUDA`; docs/multi_gpu.md).
#
#   tools/launch_multi_gpu.sh --gpus N COMMAND [ARG...]
#       One node: starts N copies of COMMAND with RANK = LOCAL_RANK = 0..N-1
#       and WORLD_SIZE = N, waits for them all, and stops the others as
#       soon as one fails (a rank left alone would wait in NCCL forever).
#       Exits with the first failing rank's status, or 0.
#
#   srun --ntasks=M --gpus-per-task=1 tools/launch_multi_gpu.sh --slurm \
#       COMMAND [ARG...]
#       Under Slurm, once per task: RANK, WORLD_SIZE and LOCAL_RANK come
#       from SLURM_PROCID, SLURM_NTASKS and SLURM_LOCALID, then COMMAND
#       replaces the script.
#
# Every rank gets PROLONG_RENDEZVOUS_FILE, fresh for each launch: rank 0
# writes the NCCL id there and removes it once all ranks have joined. On
# one node it lies in a new temporary directory; under Slurm it must be on
# a file system every node sees: ${PROLONG_RENDEZVOUS_DIR:-$PWD}, named by
# the job and step ids.
set -euo pipefail

usage() {
  sed -n '4,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
mode=$1
shift
case "${mode}" in
  --gpus)
    gpus=$1
    shift
    [[ "${gpus}" =~ ^[1-9][0-9]*$ && $# -ge 1 ]] || usage
    rendezvous_dir="$(mktemp -d "${TMPDIR:-/tmp}/prolong-nccl.XXXXXXXX")"
    pids=()
    stop_all() {
      for pid in "${pids[@]}"; do kill "${pid}" 2>/dev/null || true; done
    }
    trap 'stop_all; rm -rf "${rendezvous_dir}"' EXIT
    trap 'exit 130' INT TERM
    for ((rank = 0; rank < gpus; ++rank)); do
      RANK=${rank} LOCAL_RANK=${rank} WORLD_SIZE=${gpus} \
        PROLONG_RENDEZVOUS_FILE="${rendezvous_dir}/nccl_id" "$@" &
      pids+=($!)
    done
    status=0
    for ((left = gpus; left > 0; --left)); do
      # The next rank to finish (all children are ranks); a failure stops
      # the rest.
      wait -n && continue
      status=$?
      echo "launch_multi_gpu: a rank exited with status ${status};" \
        "stopping the others" >&2
      break
    done
    exit "${status}"
    ;;
  --slurm)
    : "${SLURM_PROCID:?--slurm runs inside srun (SLURM_PROCID is unset)}"
    export RANK=${SLURM_PROCID}
    export WORLD_SIZE=${SLURM_NTASKS:?}
    export LOCAL_RANK=${SLURM_LOCALID:-0}
    export PROLONG_RENDEZVOUS_FILE="${PROLONG_RENDEZVOUS_DIR:-${PWD}}/.prolong-nccl-${SLURM_JOB_ID:?}.${SLURM_STEP_ID:-0}"
    exec "$@"
    ;;
  *)
    usage
    ;;
esac
