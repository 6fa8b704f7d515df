#!/usr/bin/env bash
# The eBPF backend's bench (issue 6), in one command. Needs root.
#
#   bench/datapath_bench.sh            # everything
#   bench/datapath_bench.sh --no-build # only ns per packet
#
# 1. ns per packet, measured by the kernel with BPF_PROG_TEST_RUN and a
#    repeat count (tests/kernel_bench_test.cc, hidden tag [datapath-bench]):
#    polc's program on an established connection and on a new one, and the
#    three baselines (codegen-bpf/generate_baselines.h), at 10, 1k, 10k and
#    100k rules. Targets: established within 1.2x of floor+lookup, new within
#    3x, both within 10 % from 10 to 100k rules.
# 2. `polc build` wall time, peak RSS and object size for synthetic clusters
#    with 1k and 10k policies (bench/gen_cluster.py, as verify_bench.sh
#    makes them). Target: 10k policies in under 10 s.
#
# Uses the binaries of $POLC_BUILD_DIR (default build/).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${POLC_BUILD_DIR:-build}"
if [ ! -x "$build/tests/polc_tests" ] || [ ! -x "$build/polc" ]; then
  echo "datapath_bench: no $build/tests/polc_tests or $build/polc; run scripts/build.sh first" >&2
  exit 1
fi
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load:$(uptime | sed 's/.*load average://')"
"$build/tests/polc_tests" "[datapath-bench]" 2>&1 | sed -n '/^  datapath-bench$/,/^  spread/s/^  //p' | tail -n +2
[ "${1:-}" = "--no-build" ] && exit 0

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '\n| policies | workloads | polc build wall | peak RSS | object bytes | policy map entries |\n'
printf '|---:|---:|---:|---:|---:|---:|\n'
for policies in 1000 10000; do
  dir="$tmp/cluster-$policies"
  python3 bench/gen_cluster.py --workloads "$policies" --policies "$policies" --namespaces 500 --seed 7 \
    --cilium-percent 30 --out "$dir" >/dev/null
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$build/polc" build "$dir" -o "$tmp/o.bpf.o" --manifest "$tmp/m.json" \
    --rejected-policies drop 2>/dev/null
  read -r wall rss <"$tmp/time"
  entries="$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(sum(len(x["entries"]) for x in m["maps"] if x["name"] in ("polc_policy", "polc_policy_exact")))' "$tmp/m.json" 2>/dev/null || echo '?')"
  printf '| %s | %s | %s s | %s MB | %s | %s |\n' "$policies" "$policies" "$wall" "$((rss / 1024))" \
    "$(stat -c %s "$tmp/o.bpf.o")" "$entries"
done
