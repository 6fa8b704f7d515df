// The manifest of a built object (docs/MANIFEST.md, schemaVersion 1): what
// the loader needs besides the object (every map's entries as key/value
// bytes, with a readable decoding), and what `polc monitor` and a reviewer
// need to explain a verdict (identities with labels, rules with policy name
// and file:line, endpoints with addresses, the features compiled in, FQDN
// names without addresses). Deterministic JSON: the same plan gives the
// same bytes.
#pragma once

#include <string>

#include "codegen-bpf/build_object.h"
#include "ir/datapath_plan.h"
#include "ir/source_location.h"

namespace polc::codegen {

inline constexpr int kManifestSchemaVersion = 1;

// `files` names the rules' source files (nullptr: locations are left out).
// `object_name` is the object's file name as written (e.g. "out.bpf.o").
std::string RenderManifest(const ir::Plan& plan, const BuildResult& built, const ir::FileTable* files,
                           const std::string& object_name);

// "10.0.0.1" / "fd00::1".
std::string AddressText(const ir::PlanAddress& address);

}  // namespace polc::codegen
