#include "compiler/polc_document.h"

#include <fmt/format.h>

namespace polc::compiler {

const YamlNode* ReadPolcDocumentSpec(const KubeObject& object, std::string_view kind, LowerContext& ctx) {
  if (object.api_version != kPolcApiVersion) {
    const YamlNode* node = object.root->Find("apiVersion");
    ctx.Report(ir::RuleId::kInvalidValue, node != nullptr ? node->location : object.location,
               fmt::format("{} apiVersion '{}' is not known", kind, object.api_version),
               fmt::format("use apiVersion: {}", kPolcApiVersion));
  }
  FieldReader root(*object.root, fmt::format("a {}", kind), {"apiVersion", "kind", "metadata", "spec"}, ctx);
  if (!root.Require("metadata")) return nullptr;
  if (const YamlNode* metadata = root.Map("metadata")) {
    FieldReader meta(*metadata, fmt::format("the {} metadata", kind), {"name", "namespace", "labels", "annotations"},
                     ctx);
    if (meta.Require("name")) meta.String("name");
    meta.StringMap("labels");
    meta.StringMap("annotations");
  }
  if (!root.Require("spec")) return nullptr;
  return root.Map("spec");
}

}  // namespace polc::compiler
