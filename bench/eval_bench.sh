#!/usr/bin/env bash
# Benchmarks the reference evaluator and `polc test` (issue 3 section 6).
#
#   bench/eval_bench.sh [POLICIES [CASES]]     (default: 5000 10000)
#
# Generates POLICIES policies (bench/gen_policies.py) and an inventory plus a
# PolicyTest of CASES cases (bench/gen_flows.py), cached in $POLC_BENCH_DIR.
# Then:
#   1. bench/eval_bench (compiled here against the build's static libraries)
#      evaluates the flows with one Evaluator for at least 2 s: flows/s;
#   2. `polc test POLICYDIR FLOWDIR` once to learn the verdicts, rewrites the
#      cases' expectations to them (so the timed run passes, as a real suite
#      would), then times three runs: median wall time, CPU and peak RSS.
# Uses the polc build in $POLC_BUILD_DIR (default build/).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${POLC_BUILD_DIR:-build}"
work="${POLC_BENCH_DIR:-/tmp/polc-bench}"
policies="${1:-5000}"
cases="${2:-10000}"

if [ ! -x "$build/polc" ]; then
  echo "eval_bench: no $build/polc; run scripts/build.sh first" >&2
  exit 1
fi
if [ ! -x /usr/bin/time ]; then
  echo "eval_bench: /usr/bin/time missing (Debian package 'time')" >&2
  exit 1
fi
mkdir -p "$work"

policy_dir="$work/policies-$policies"
stamp="$policy_dir/.generator-$(sha1sum bench/gen_policies.py | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  rm -rf "$policy_dir"
  python3 bench/gen_policies.py "$policies" "$policy_dir" >/dev/null
  touch "$stamp"
fi
flow_dir="$work/flows-$cases"
rm -rf "$flow_dir"
python3 bench/gen_flows.py "$cases" "$flow_dir" >/dev/null

c++ -std=c++20 -O2 -DNDEBUG -I. bench/eval_bench.cc "$build/libpolc_cli.a" "$build/libpolc_verifier.a" "$build/libpolc_compiler.a" \
  "$build/libpolc_ir.a" -lyaml-cpp -lfmt -lre2 -o "$work/eval_bench"

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- compiler verifier ir cli || echo ' (+ uncommitted changes)')"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## evaluator ($policies policies, $cases flows)"
"$work/eval_bench" "$policy_dir" "$flow_dir"
echo

# Expectations from a first run, so the timed runs pass like a real suite.
"$build/polc" test --format json "$policy_dir" "$flow_dir" 2>/dev/null >"$work/first.json" || [ $? -le 1 ]
python3 - "$work/first.json" "$flow_dir/cases.yaml" <<'PY'
import json, re, sys
report = json.load(open(sys.argv[1]))
verdicts = [c["verdict"] for t in report["tests"] for c in t["cases"]]
text = open(sys.argv[2]).read()
it = iter(verdicts)
def replace(match):
    verdict = next(it)
    if verdict == "audit":
        return match.group(1) + "expect: deny\n" + match.group(1) + "expectAudit: true"
    return match.group(1) + "expect: " + ("allow" if verdict == "allow" else "deny")
text = re.sub(r"^(\s*)expect: allow$", replace, text, flags=re.M)
open(sys.argv[2], "w").write(text)
print("expectations rewritten:", {v: verdicts.count(v) for v in sorted(set(verdicts))})
PY

echo "## polc test ($policies policies, $cases cases)"
runs=()
rss=0
for _ in 1 2 3; do
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" "$build/polc" test "$policy_dir" "$flow_dir" \
    >"$work/test.out" 2>/dev/null || [ $? -le 1 ]
  read -r wall user sys kb < <(tail -n 1 "$work/time.out")
  runs+=("$wall $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')")
  [ "$kb" -gt "$rss" ] && rss=$kb
done
read -r median cpu < <(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
echo "summary line: $(tail -n 1 "$work/test.out")"
echo "wall (median of 3): $median s, CPU user+sys: $cpu s, peak RSS: $((rss / 1024)) MB"
