#!/usr/bin/env bash
# Sets everything up and runs the whole test suite:
#   1. warnings-as-errors build + every ctest test,
#   2. the unit tests again under AddressSanitizer + UBSan,
#   3. the frontend fuzzer for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

# The [kernel] tests load BPF programs and run BPF_PROG_TEST_RUN: they need
# root (or CAP_BPF). Elsewhere they skip with a warning; under CI=true a
# missing privilege is a failure, since CI runs as root.
if [ "$(id -u)" -ne 0 ]; then
  echo "note: not root: the [kernel] tests will skip (and fail if CI=true)"
fi

echo "== build (warnings as errors) and test"
scripts/build.sh -DPOLC_WERROR=ON
ctest --test-dir build --output-on-failure -j2

echo "== unit tests under ASan+UBSan"
POLC_BUILD_DIR=build-asan scripts/build.sh -DPOLC_WERROR=ON -DPOLC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2 -L unit

if [ -x scripts/fuzz.sh ]; then
  echo "== fuzzing the frontend (bounded)"
  scripts/fuzz.sh "${POLC_FUZZ_SECONDS:-60}"
fi
