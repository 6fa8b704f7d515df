#!/usr/bin/env bash
# Benchmarks `polc lint` on synthetic policy repositories.
#
#   bench/lint_bench.sh [N...]          (default: 1000 10000 50000)
#
# For each N: generates N policies with bench/gen_policies.py (seeded, cached
# in $POLC_BENCH_DIR), runs `polc lint` on them three times under
# /usr/bin/time and reports the median wall time and the peak RSS, then runs
# bench/stage_times once to split the time between reading, YAML parsing,
# lowering + Sanitize and lints. Uses the polc build in $POLC_BUILD_DIR
# (default build/, a RelWithDebInfo -O2 build from scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${POLC_BUILD_DIR:-build}"
work="${POLC_BENCH_DIR:-/tmp/polc-bench}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)

if [ ! -x "$build/polc" ]; then
  echo "lint_bench: no $build/polc; run scripts/build.sh first" >&2
  exit 1
fi
if [ ! -x /usr/bin/time ]; then
  echo "lint_bench: /usr/bin/time missing (Debian package 'time'; scripts/setup.sh installs it)" >&2
  exit 1
fi
mkdir -p "$work"

# The stage timer links the same libraries as the polc binary.
c++ -std=c++20 -O2 -DNDEBUG -I. bench/stage_times.cc "$build/libpolc_verifier.a" "$build/libpolc_compiler.a" \
  "$build/libpolc_ir.a" -lyaml-cpp -lfmt -lre2 -o "$work/stage_times"

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- compiler verifier ir cli || echo ' (+ uncommitted changes)')"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %8s | %6s | %9s | %8s | %12s | %13s |\n' policies files "size (MB)" "wall (s)" "CPU user+sys" "peak RSS (MB)"
printf '|---------:|-------:|----------:|---------:|-------------:|--------------:|\n'
stages=""
for n in "${sizes[@]}"; do
  dir="$work/policies-$n"
  stamp="$dir/.generator-$(sha1sum bench/gen_policies.py | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    rm -rf "$dir"
    python3 bench/gen_policies.py "$n" "$dir" >/dev/null
    touch "$stamp"
  fi
  files=$(find "$dir" -name '*.yaml' | wc -l)
  megabytes=$(find "$dir" -name '*.yaml' -printf '%s\n' | awk '{s += $1} END {printf "%.1f", s / 1048576}')
  runs=()
  rss=0
  for _ in 1 2 3; do
    # Exit code 1 (findings) is expected; anything above is a failure.
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" "$build/polc" lint "$dir" >/dev/null || [ $? -le 1 ]
    # time(1) puts "Command exited with non-zero status" first; the figures are last.
    read -r wall user sys kb < <(tail -n 1 "$work/time.out")
    runs+=("$wall $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  read -r median cpu < <(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
  printf '| %8s | %6s | %9s | %8s | %12s | %13s |\n' "$n" "$files" "$megabytes" "$median" "$cpu" "$((rss / 1024))"
  stages+=$'\n'"stages for $n policies (bench/stage_times):"$'\n'"$("$work/stage_times" "$dir")"$'\n'
done
echo "$stages"
