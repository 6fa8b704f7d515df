#!/usr/bin/env bash
# Installs every Debian package polc needs to build and test. Idempotent and
# quick when everything is present: apt is only called for missing packages.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ccache
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libre2-dev catch2
  clang-19 libclang-rt-19-dev   # libFuzzer target and sanitizer runtime
  time                          # /usr/bin/time -v for bench/lint_bench.sh (peak RSS)
  libbdd-dev                    # BuDDy BDDs for polc verify (verifier/pod_space)
  llvm-19-dev libclang-19-dev libclang-cpp19-dev  # in-process BPF compilation (codegen-bpf/)
  libbpf-dev                    # loading BPF objects, kernel tests (loader/)
  iproute2 python3              # veth/netns end-to-end test (tests/kernel_veth_test.cc)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
