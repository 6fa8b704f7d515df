#!/usr/bin/env bash
# Benchmarks `polc verify` (issue 5 section 5): every built-in property on
# synthetic repositories of 1k and 10k policies over 500 namespaces, from
# bench/gen_cluster.py (default-deny namespaces, DNS egress, tier rules,
# cross-namespace rules, ipBlocks; 30% CiliumNetworkPolicy).
#
#   bench/verify_bench.sh [POLICIES...]     (default: 1000 10000)
#
# Workloads are half the policies (at least 1000). Repositories are cached in
# $POLC_BENCH_DIR (default /tmp/polc-bench-verify); uses $POLC_BUILD_DIR/polc
# (default build/). Each size is timed twice: the default command (properties
# and the analysis part: rule analysis, policy-map pressure) and
# --no-analysis (the properties only). Prints wall, CPU and peak RSS, and the
# load average before each run (others' builds make figures noisy). `polc verify`
# exits 1 when a property fails, which the generated repositories do on
# purpose (some namespaces are ingress-only); that is not an error here.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${POLC_BUILD_DIR:-build}"
work="${POLC_BENCH_DIR:-/tmp/polc-bench-verify}"
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then sizes=(1000 10000); fi
if [ ! -x "$build/polc" ]; then
  echo "verify_bench: no $build/polc; run scripts/build.sh first" >&2
  exit 1
fi
mkdir -p "$work"
printf '| policies | workloads | namespaces | results | command | wall s | CPU s | peak RSS MB | load |\n'
printf '|---:|---:|---:|---:|---|---:|---:|---:|---:|\n'
for policies in "${sizes[@]}"; do
  workloads=$((policies / 2))
  if [ "$workloads" -lt 1000 ]; then workloads=1000; fi
  dir="$work/p$policies"
  if [ ! -d "$dir" ]; then
    python3 bench/gen_cluster.py --workloads "$workloads" --policies "$policies" --namespaces 500 --seed 7 \
      --cilium-percent 30 --out "$dir" >/dev/null
  fi
  for mode in default --no-analysis; do
    flags=()
    if [ "$mode" != default ]; then flags=("$mode"); fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    set +e
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$build/polc" verify "${flags[@]}" "$dir" >"$work/out.txt" \
      2>"$work/err.txt"
    rc=$?
    set -e
    if [ "$rc" -ge 2 ]; then
      echo "verify_bench: polc verify $mode exited $rc on $dir:" >&2
      tail -5 "$work/err.txt" >&2
      exit 1
    fi
    # GNU time prefixes "Command exited with non-zero status 1" when polc exits 1.
    read -r wall user sys rss < <(tail -1 "$work/time.txt")
    results=$(tail -1 "$work/out.txt" | grep -o '^[0-9]*')
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    printf '| %s | %s | 500 | %s | %s | %s | %s | %s | %s |\n' "$policies" "$workloads" "$results" "$mode" "$wall" "$cpu" \
      $((rss / 1024)) "$load"
  done
done
