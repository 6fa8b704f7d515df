// Which Cilium versions have which policy fields (cilium-semantics.md section
// 10), written once as a table so that lowering never grows scattered version
// ifs. Versions before polc's oldest supported one (1.16) are not listed.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "compiler/field_reader.h"
#include "ir/settings.h"

namespace polc::compiler {

struct FieldVersion {
  std::string_view field;  // the name users write, e.g. "log", "fromRequires"
  ir::CiliumVersion since;
  std::optional<ir::CiliumVersion> deprecated;  // still works, warn from here
  std::optional<ir::CiliumVersion> removed;     // rejected from here on
  std::string_view note;                        // why / what to use instead
};

// The whole table (for docs and tests).
std::span<const FieldVersion> FieldVersions();

// Looks `field` up; nullptr when it is not version dependent.
const FieldVersion* FindFieldVersion(std::string_view field);

// True when `field` exists in ctx.settings.version. Reports
// unsupported-in-version (not yet / removed) or deprecated-field at
// `location`. `shown` is how the field is named in the message (defaults to
// `field`).
bool CheckFieldVersion(std::string_view field, ir::SourceLocation location, LowerContext& ctx,
                       std::string_view shown = {});

}  // namespace polc::compiler
