#!/usr/bin/env bash
# Sets everything up on a fresh machine and runs polc's main job on the
# bundled example: lint the zero-trust policy repository (from inside it, so
# its .polc.yaml is found), then the folder of common mistakes, which is
# expected to report findings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
echo "== polc lint examples/zero-trust"
(cd examples/zero-trust && ../../build/polc lint .)
echo "== polc lint examples/mistakes (findings expected, so exit code 1)"
build/polc lint examples/mistakes || true
