#!/usr/bin/env bash
# train_main with `device: CUDA` where no GPU can be used (no GPU, or a
# build without the CUDA toolkit) must stop before reading any input, with
# an error that says so: the inputs given here do not exist, so an error
# about them would mean it started work first. On a machine with a GPU the
# binary gets past that check, so the test reports a skip.
#
#   train_main_without_gpu_test.sh TRAIN_MAIN
set -uo pipefail
binary=$1
config="${TEST_TMPDIR}/cuda_stage.textproto"
printf 'name: "cuda_stage"\ndevice: CUDA\ncompute_dtype: BF16\n' >"${config}"

output=$("${binary}" --config="${config}" --mixture=missing_mixture.h5 \
  --tokenizer=missing_tokenizer.json --out="${TEST_TMPDIR}/out.h5" 2>&1)
status=$?
echo "${output}"
if [[ "${output}" != *"device: CUDA"* ]]; then
  if [[ "${output}" == *missing_mixture.h5* ]]; then
    echo "SKIPPED: a usable GPU is visible, so train_main went on to its inputs"
    exit 0
  fi
  echo "FAIL: expected an error naming 'device: CUDA'"
  exit 1
fi
if [[ ${status} -eq 0 ]]; then
  echo "FAIL: train_main succeeded"
  exit 1
fi
if [[ -e "${TEST_TMPDIR}/out.h5" ]]; then
  echo "FAIL: train_main left an output behind"
  exit 1
fi
echo "ok"
