#!/usr/bin/env bash
# Installs the Debian packages prolong needs, if any is missing. Idempotent
# and quiet when everything is there. Needs root (or sudo) only to install.
set -euo pipefail

PACKAGES=(
  # Build: Bazel 4.2.3 and the rule repositories it needs offline.
  bazel-bootstrap bazel-skylib bazel-platforms
  g++ clang-format
  # System libraries (third_party/system/*.BUILD).
  libeigen3-dev libhdf5-dev libprotobuf-dev protobuf-compiler
  libgoogle-glog-dev libgflags-dev googletest zlib1g-dev
  # Benchmark peer (data/benchmarks): SentencePiece's library.
  libsentencepiece-dev
  # Corpora (third_party/corpora/corpora.bzl; data/sources/CORPORA.md).
  libpython3.11-stdlib golang-1.19-src perl-doc debian-handbook
  debian-reference-en texlive-science-doc maxima-doc dict-foldoc fortunes
  manpages-dev
)

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "prolong setup: installing ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    echo "prolong setup: missing packages (${missing[*]}); run as root" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q >&2
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
