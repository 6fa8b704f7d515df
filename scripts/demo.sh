#!/usr/bin/env bash
# Sets everything up on a fresh machine and runs polc's main job on the
# bundled example: lint the zero-trust policy repository (from inside it, so
# its .polc.yaml is found), run its policy unit tests and one query, print
# the connectivity map of one workload with its rules, prove its properties,
# compile it to an eBPF object, then lint the folder of common mistakes, which is expected to report findings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
echo "== polc lint examples/zero-trust"
(cd examples/zero-trust && ../../build/polc lint .)
echo "== polc test examples/zero-trust (its policy unit tests, tests/connectivity.yaml)"
build/polc test examples/zero-trust
echo "== polc query: may the storefront read the product API, and by which rules?"
build/polc query examples/zero-trust --from shop/frontend --to shop/backend --port 8080 --http 'GET /api/v1/products'
echo "== polc connectivity: everything the shop's backend may talk to, with the rules behind each pair"
build/polc connectivity examples/zero-trust --focus-workload shop/backend --format text --explain
echo "== polc verify: default deny, DNS, API server and host flows hold for every possible pod"
(cd examples/zero-trust && ../../build/polc verify .)
echo "== polc build: compile the example to an eBPF object and map manifest (--check loads it into the kernel when root)"
check=()
if [ "$(id -u)" -eq 0 ]; then check=(--check); fi
build/polc build examples/zero-trust -o build/zero-trust.bpf.o --manifest build/zero-trust.manifest.json "${check[@]}"
ls -l build/zero-trust.bpf.o build/zero-trust.manifest.json
echo "== polc lint examples/mistakes (findings expected, so exit code 1)"
build/polc lint examples/mistakes || true
