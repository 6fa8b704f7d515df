// What polc's own document kinds (PolicyTest, PropertySet) share: the
// apiVersion, the top-level fields and the metadata, read strictly.
#pragma once

#include <array>
#include <string_view>

#include "compiler/field_reader.h"
#include "compiler/loader.h"

namespace polc::compiler {

inline constexpr std::string_view kPolcApiVersion = "polc.io/v1alpha1";

// The entity names a PolicyTest peer or a PropertySet statement may use.
inline constexpr std::array<std::string_view, 8> kPolcEntities = {
    "host", "remote-node", "world", "kube-apiserver", "health", "init", "ingress", "unmanaged"};

// Checks apiVersion, the top-level fields and metadata of a polc document
// of `kind`; returns its `spec` map, or nullptr when it is missing or not a
// map (each reported).
const YamlNode* ReadPolcDocumentSpec(const KubeObject& object, std::string_view kind, LowerContext& ctx);

}  // namespace polc::compiler
