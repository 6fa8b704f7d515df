#!/usr/bin/env bash
# ns per packet of the generated eBPF program (issue 6), measured by the
# kernel with BPF_PROG_TEST_RUN and a repeat count of 200000 per case
# (tests/kernel_bench_test.cc, hidden tag [datapath-bench]). Needs root.
#
#   bench/datapath_bench.sh
#
# Uses the test binary of $POLC_BUILD_DIR (default build/).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${POLC_BUILD_DIR:-build}"
if [ ! -x "$build/tests/polc_tests" ]; then
  echo "datapath_bench: no $build/tests/polc_tests; run scripts/build.sh first" >&2
  exit 1
fi
"$build/tests/polc_tests" "[datapath-bench]" 2>&1 | grep "ns/packet"
