#!/usr/bin/env bash
# Fuzzes the frontend (fuzz/frontend_fuzz.cc) for SECONDS (default 60).
#
# Builds build-fuzz/ with clang-19 and libFuzzer + ASan/UBSan if needed, seeds
# a working corpus from every .yaml/.json policy we have (the real-world corpus
# in ../shared/corpus/cilium, examples/, testdata/), then runs. The working
# corpus (build-fuzz/fuzz-corpus) is kept between runs, so coverage
# accumulates. Exits non-zero when libFuzzer finds a crash, a timeout or an
# out-of-memory input; the input is saved under build-fuzz/fuzz-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build="${POLC_FUZZ_BUILD_DIR:-build-fuzz}"

if [ ! -f "$build/build.ninja" ]; then
  CC=clang-19 CXX=clang++-19 cmake -S . -B "$build" -G Ninja -DPOLC_FUZZ=ON -DPOLC_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target frontend_fuzz -- -j2

seeds="$build/fuzz-seeds"
corpus="$build/fuzz-corpus"
artifacts="$build/fuzz-artifacts"
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$artifacts"
n=0
for dir in ../shared/corpus/cilium examples testdata; do
  [ -d "$dir" ] || continue
  while IFS= read -r -d '' file; do
    cp "$file" "$seeds/seed-$n-$(basename "$file")"
    n=$((n + 1))
  done < <(find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0)
done
echo "fuzz: $n seed files, running for ${seconds}s"

# Sanitizer reports abort, so libFuzzer saves the input and exits non-zero.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
"$build/fuzz/frontend_fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
  -dict=fuzz/yaml.dict -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" "$seeds"
