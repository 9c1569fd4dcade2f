#!/usr/bin/env bash
# Builds every GPU test (Bazel tag "gpu" under //tests/...) and the GPU
# benchmarks, and copies them into a folder that runs on a GPU machine with
# no Bazel and none of the build's Debian libraries:
#   DIR/bin/NAME     the executables (NAME: the label's path, '/' -> '_')
#   DIR/lib/         every shared library they load except the C and C++
#                    runtimes and CUDA's own libraries (cudart, cuBLAS,
#                    NCCL), which the GPU machine's toolkit provides
#   DIR/tests.txt    one line per test: its label and NAME
#   DIR/benchmarks.txt  likewise for the benchmarks
#   DIR/commit.txt   the commit built (git describe --always --dirty)
# Needs Bazel and the CUDA toolkit, not a GPU: build here, run there with
# tests/gpu/run_all.sh --bundle DIR.
#
# Usage: tests/gpu/bundle.sh DIR
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
out="$(realpath -m "$1")"
cd "$(dirname "$0")/../.."

mapfile -t tests < <(bazel query 'attr(tags, "\bgpu\b", tests(//tests/...))' 2>/dev/null)
benchmarks=(//ops/cuda/benchmarks:attention_benchmark
  //model/cuda/benchmarks:train_throughput)
if [[ ${#tests[@]} -eq 0 ]]; then
  echo "$0: bazel query found no test tagged gpu" >&2
  exit 1
fi
bazel build "${tests[@]}" "${benchmarks[@]}"
bin="$(bazel info bazel-bin 2>/dev/null)"

rm -rf "${out}"
mkdir -p "${out}/bin" "${out}/lib"
# Libraries every Linux with a C++ toolchain has, and CUDA's, which must
# match the machine's driver: left to the GPU machine.
provided='^(ld-linux.*|libc|libm|libdl|libpthread|librt|libresolv|libstdc\+\+|libgcc_s|libcuda|libcudart|libcublas|libcublasLt|libnccl)\.so'
copy_target() {  # label, list file
  local label="$1" path name
  path="${label#//}"
  path="${path/://}"
  name="${path//\//_}"
  cp "${bin}/${path}" "${out}/bin/${name}"
  printf '%s\t%s\n' "${label}" "${name}" >>"$2"
  ldd "${bin}/${path}" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' |
    while read -r soname file; do
      if [[ ! ${soname} =~ ${provided} && ! -e "${out}/lib/${soname}" ]]; then
        cp -L "${file}" "${out}/lib/${soname}"
      fi
    done
}
for label in "${tests[@]}"; do copy_target "${label}" "${out}/tests.txt"; done
for label in "${benchmarks[@]}"; do
  copy_target "${label}" "${out}/benchmarks.txt"
done
cp tests/gpu/sdpa_benchmark.py "${out}/bin/"
git describe --always --dirty >"${out}/commit.txt" 2>/dev/null ||
  echo unknown >"${out}/commit.txt"
echo "Bundled ${#tests[@]} tests and ${#benchmarks[@]} benchmarks in ${out}" \
  "($(du -sh "${out}" | cut -f1))"
