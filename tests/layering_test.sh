#!/usr/bin/env bash
# Fails when a layer includes a header of a layer it must not depend on
# (docs/DESIGN.md "Layers"). ir/ depends on nothing of ours; compiler/ on ir/;
# verifier/ and codegen-bpf/ read IR and never parse YAML; loader/ reads only
# what codegen-bpf/ writes (and shares its one map header,
# codegen-bpf/bpf/polc_maps.h); cli/ may use everything.
set -euo pipefail
root=${1:-.}
status=0
check() {
  local layer=$1 allowed=$2 allowed_headers=${3:-}
  [ -d "$root/$layer" ] || return 0
  while IFS= read -r line; do
    file=${line%%:*}
    header=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$line")
    dir=${header%%/*}
    if [[ " $allowed_headers " == *" $header "* ]]; then continue; fi
    if [[ " $allowed " != *" $dir "* ]]; then
      echo "layering violation: $file includes $header ($layer/ may include: $allowed)"
      status=1
    fi
  done < <(grep -rHn --include='*.h' --include='*.cc' -E '^#include "[a-z-]+/' "$root/$layer" | grep -v '_test\.cc:' || true)
}
check ir "ir"
check compiler "ir compiler"
check verifier "ir verifier"
check codegen-bpf "ir codegen-bpf"
# The loader shares exactly one header with codegen-bpf/: the map layouts.
check loader "loader" "codegen-bpf/bpf/polc_maps.h"
check cli "ir compiler verifier codegen-bpf loader cli"
if [ $status -eq 0 ]; then echo "layering: ok"; fi
exit $status
