#!/usr/bin/env bash
# Rewrites the expected outputs of the golden tests from the current build
# (WABT's run-tests.py --rebase): testdata/ir/*.ir and the other goldens that
# read POLC_REBASE. Review the resulting `git diff` like code before committing.
#
#   scripts/rebase-goldens.sh              # all golden tests
#   scripts/rebase-goldens.sh '[golden-ir]' # only the IR dumps
#   scripts/rebase-goldens.sh '[rules-doc]' # only docs/RULES.md (from the rule table)
#
# Uses the build in ${POLC_BUILD_DIR:-build}; build it first (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${POLC_BUILD_DIR:-build}"
tests="$build/tests/polc_tests"
if [[ ! -x "$tests" ]]; then
  echo "rebase-goldens: $tests not found; run POLC_BUILD_DIR=$build scripts/build.sh first" >&2
  exit 2
fi
filter="${1:-[golden-ir],[corpus],[examples],[rules-doc]}"
POLC_REBASE=1 "$tests" "$filter"
git status --short -- testdata examples docs/RULES.md
