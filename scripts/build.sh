#!/usr/bin/env bash
# Configures and builds polc into build/ (binary: build/polc).
# Extra arguments are passed to cmake, e.g. -DPOLC_WERROR=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "${POLC_BUILD_DIR:-build}" -G Ninja "${launcher[@]}" "$@" >/dev/null
cmake --build "${POLC_BUILD_DIR:-build}"
