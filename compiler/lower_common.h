// Lowering helpers shared by the CiliumNetworkPolicy and NetworkPolicy
// frontends: Kubernetes label selectors, located strings, CIDR text and the
// small string checks that CRD patterns spell as regular expressions.
//
// Each helper validates what the API server's schema validation would reject
// (types, enums, patterns) and reports at the offending node. Cilium agent
// checks (Sanitize) are not done here; they run over the IR.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/field_reader.h"
#include "compiler/yaml_tree.h"
#include "ir/policy.h"

namespace polc::compiler {

// A Kubernetes LabelSelector {matchLabels, matchExpressions}. Keys are split
// with ir::ParseLabelKey ("k8s:app" -> {k8s, app}, "app" -> {any, app}).
// Checks: value types, matchLabels values (<=63 characters, label-value
// pattern: invalid-value), matchExpressions key/operator required
// (missing-field), operator enum In|NotIn|Exists|DoesNotExist, values required
// for In/NotIn and forbidden for Exists/DoesNotExist (invalid-selector).
// Returns nullopt only when `node` is not an object (wrong-type reported).
// MatchLabel::location is the key's location; SelectorRequirement::location
// is the list item's.
std::optional<ir::LabelSelector> LowerLabelSelector(const YamlNode& node, std::string_view what, LowerContext& ctx);

// A list of label selectors (fromEndpoints, toNodes, ...). nullopt when `node`
// is not a list (wrong-type reported); items that are not objects are dropped.
// `[]` gives an empty vector: present but empty is kept.
std::optional<std::vector<ir::LabelSelector>> LowerLabelSelectorList(const YamlNode& node, std::string_view what,
                                                                     LowerContext& ctx);

// A string scalar with its location; wrong-type reported otherwise.
std::optional<ir::Located> LowerLocatedString(const YamlNode& node, std::string_view what, LowerContext& ctx);
// reader.Get(key) as a located string; nullopt when absent or not a string.
std::optional<ir::Located> LocatedField(const FieldReader& reader, std::string_view key);
// A list of strings with locations; nullopt when not a list.
std::optional<std::vector<ir::Located>> LowerLocatedStringList(const YamlNode& node, std::string_view what,
                                                               LowerContext& ctx);

// A list of CIDR strings (fromCIDR, except, ipBlock.except). Only the type is
// checked here; parsing the prefix is Sanitize's job (invalid-cidr).
std::optional<std::vector<ir::Cidr>> LowerCidrList(const YamlNode& node, std::string_view what, LowerContext& ctx);

// ---- string checks spelled as patterns in the CRDs ------------------------

// RFC 1123 subdomain: lower-case alphanumerics, '-' and '.', each label
// starting and ending alphanumeric, at most 253 characters.
bool IsDns1123Subdomain(std::string_view text);
// Kubernetes label value: empty, or <=63 of [-A-Za-z0-9_.] starting and
// ending alphanumeric.
bool IsLabelValue(std::string_view text);
// Number of Unicode code points in UTF-8 text (CRD maxLength counts these).
size_t CodePointCount(std::string_view text);

}  // namespace polc::compiler
