#!/usr/bin/env bash
# Benchmarks `polc connectivity` and `polc diff` (issue 4 section 4) on
# synthetic clusters from bench/gen_cluster.py.
#
#   bench/connectivity_bench.sh [WORKLOADS...]     (default: 1000 5000 20000)
#
# For each size N: a cluster of N workloads and N policies (OLD, seed 1,
# 10% of the per-workload policies as CiliumNetworkPolicy) and the same
# cluster with 3% of its policies changed (NEW: deleted, moved to another
# port, or widened), cached in $POLC_BENCH_DIR (default /tmp/polc-bench).
# Then, under /usr/bin/time -v: `polc connectivity OLD -o FILE` and
# `polc diff OLD NEW -o FILE`, each $RUNS times (default 1; the median wall
# time is reported with the CPU time and peak RSS of that run), and prints a
# table. Uses the polc build in $POLC_BUILD_DIR (default build/).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${POLC_BUILD_DIR:-build}"
work="${POLC_BENCH_DIR:-/tmp/polc-bench}"
runs="${RUNS:-1}"
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then sizes=(1000 5000 20000); fi

if [ ! -x "$build/polc" ]; then
  echo "connectivity_bench: no $build/polc; run scripts/build.sh first" >&2
  exit 1
fi
if [ ! -x /usr/bin/time ]; then
  echo "connectivity_bench: /usr/bin/time missing (Debian package 'time')" >&2
  exit 1
fi
polc="$(cd "$build" && pwd)/polc"
mkdir -p "$work"
stamp_id="$(sha1sum bench/gen_cluster.py bench/gen_policies.py | sha1sum | cut -c1-12)"

generate() {  # N DIR [extra args...]
  local n="$1" dir="$2"
  shift 2
  if [ ! -f "$dir/.generator-$stamp_id" ]; then
    rm -rf "$dir"
    python3 bench/gen_cluster.py --workloads "$n" --policies "$n" --seed 1 --cilium-percent 10 --out "$dir" "$@" >/dev/null
    touch "$dir/.generator-$stamp_id"
  fi
}

# Runs "$@" under /usr/bin/time -v; prints "wall cpu rss_mb exit".
measure() {
  local log="$work/time.log" rc=0
  /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$work/stderr.log" || rc=$?
  awk -v rc="$rc" '
    /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
    /User time/ { user = $NF } /System time/ { sys = $NF }
    /Maximum resident set size/ { rss = $NF / 1024 }
    END { printf "%.2f %.2f %.0f %d\n", wall, user + sys, rss, rc }' "$log"
}

# The median run (by wall time) of $runs runs of "$@".
median() {
  local i
  for ((i = 0; i < runs; i++)); do measure "$@"; done | sort -n | sed -n "$(((runs + 1) / 2))p"
}

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- compiler verifier ir cli || echo ' (+ uncommitted changes)')"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GB, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

rows=()
for n in "${sizes[@]}"; do
  old="$work/cluster-$n-old"
  new="$work/cluster-$n-new"
  generate "$n" "$old"
  generate "$n" "$new" --change-percent 3
  files=$(find "$old" -name '*.yaml' | wc -l)
  mb=$(du -sm "$old" | cut -f1)
  read -r cw cc cr crc < <(median "$polc" connectivity "$old" -o "$work/connlist-$n.txt")
  lines=$(wc -l <"$work/connlist-$n.txt" 2>/dev/null || echo 0)
  read -r dw dc dr drc < <(median "$polc" diff "$old" "$new" --lockout none -o "$work/diff-$n.txt")
  dlines=$(grep -c '^diff-type' "$work/diff-$n.txt" 2>/dev/null || true)
  rows+=("$(printf '| %9s | %8s | %5s | %4s | %8s | %7s | %7s | %6s | %8s | %7s | %7s | %6s |' \
    "$n" "$n" "$files" "$mb" "$lines" "$cw" "$cc" "$cr" "${dlines:-0}" "$dw" "$dc" "$dr")")
  if [ "$crc" != 0 ] || [ "$drc" != 0 ]; then
    echo "warning: size $n: connectivity exit $crc, diff exit $drc (see $work/stderr.log)" >&2
  fi
done

echo "| workloads | policies | files |   MB |    pairs | conn wall s | conn CPU s | conn RSS MB | diff lines | diff wall s | diff CPU s | diff RSS MB |"
echo "|----------:|---------:|------:|-----:|---------:|--------:|--------:|-------:|---------:|--------:|--------:|-------:|"
for row in "${rows[@]}"; do echo "$row"; done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "outputs: $work/connlist-N.txt, $work/diff-N.txt"
