// PropertySet lowering (see lower_property_set.h and docs/PROPERTIES.md).
#include "compiler/lower_property_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include "compiler/lower_common.h"
#include "compiler/polc_document.h"
#include "compiler/suggest.h"

namespace polc::compiler {
namespace {

std::string Join(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view name : names) out += fmt::format("{}{}", out.empty() ? "" : ", ", name);
  return out;
}

// A plain syntactic check ("10.0.0.0/8", "fd00::/64", or a bare address);
// the verifier parses it for real and skips what it cannot parse.
bool LooksLikeCidr(std::string_view text) {
  size_t slash = text.find('/');
  std::string_view address = text.substr(0, slash);
  bool v6 = address.find(':') != std::string_view::npos;
  if (address.empty() || !std::all_of(address.begin(), address.end(), [&](char c) {
        return (c >= '0' && c <= '9') || c == '.' || (v6 && (c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
      })) {
    return false;
  }
  if (!v6 && std::count(address.begin(), address.end(), '.') != 3) return false;
  if (slash == std::string_view::npos) return true;
  std::string_view bits = text.substr(slash + 1);
  int n = -1;
  auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
  return ec == std::errc() && ptr == bits.data() + bits.size() && n >= 0 && n <= (v6 ? 128 : 32);
}

std::optional<ir::PodSetSpec> LowerPodSet(const FieldReader& reader, std::string_view what, LowerContext& ctx) {
  ir::PodSetSpec pods;
  pods.location = reader.location();
  bool by_name = reader.Has("namespace");
  bool by_selector = reader.Has("namespaceSelector");
  if (by_name && by_selector) {
    ctx.Report(ir::RuleId::kConflictingFields, reader.KeyLocation("namespaceSelector"),
               fmt::format("{} has both 'namespace' and 'namespaceSelector'", what), "keep one of them");
    return std::nullopt;
  }
  if (!by_name && !by_selector) {
    ctx.Report(ir::RuleId::kMissingField, reader.location(), fmt::format("{} names no namespace", what),
               "add namespace: NAME or namespaceSelector: {matchLabels: {...}}");
    return std::nullopt;
  }
  bool ok = true;
  if (by_name) {
    std::optional<std::string> name = reader.String("namespace");
    if (!name) return std::nullopt;
    if (!IsDns1123Subdomain(*name)) {
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get("namespace")->location,
                 fmt::format("'{}' is not a namespace name", *name), "use a lower-case DNS name such as shop");
      return std::nullopt;
    }
    pods.namespace_ = *name;
  } else {
    const YamlNode* node = reader.Map("namespaceSelector");
    std::optional<ir::LabelSelector> selector =
        node != nullptr ? LowerLabelSelector(*node, "namespaceSelector", ctx) : std::nullopt;
    if (!selector) ok = false;
    pods.namespace_selector = selector;
  }
  if (const YamlNode* node = reader.Map("podSelector")) {
    std::optional<ir::LabelSelector> selector = LowerLabelSelector(*node, "podSelector", ctx);
    if (!selector) ok = false;
    if (selector) pods.pod_selector = *selector;
  } else if (reader.Has("podSelector")) {
    ok = false;
  }
  if (!ok) return std::nullopt;
  return pods;
}

std::optional<ir::PodSetSpec> LowerFrom(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "'from'", {"namespace", "namespaceSelector", "podSelector"}, ctx);
  if (!reader.ok()) return std::nullopt;
  return LowerPodSet(reader, "'from'", ctx);
}

std::optional<ir::PeerSetSpec> LowerTo(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "'to'", {"namespace", "namespaceSelector", "podSelector", "entities", "cidrs", "fqdns"},
                     ctx);
  if (!reader.ok()) return std::nullopt;
  ir::PeerSetSpec to;
  to.location = reader.location();
  bool pods = reader.Has("namespace") || reader.Has("namespaceSelector") || reader.Has("podSelector");
  bool others = reader.Has("entities") || reader.Has("cidrs") || reader.Has("fqdns");
  if (pods && others) {
    ctx.Report(ir::RuleId::kConflictingFields, reader.location(),
               "'to' names both pods (namespace, namespaceSelector, podSelector) and other peers (entities, cidrs, "
               "fqdns)",
               "write two statements, one for the pods and one for the other peers");
    return std::nullopt;
  }
  if (!pods && !others) {
    ctx.Report(ir::RuleId::kMissingField, reader.location(), "'to' names no peer",
               "add namespace or namespaceSelector (pods), or entities, cidrs, fqdns");
    return std::nullopt;
  }
  if (pods) {
    std::optional<ir::PodSetSpec> set = LowerPodSet(reader, "'to'", ctx);
    if (!set) return std::nullopt;
    to.pods = std::move(*set);
    return to;
  }
  bool ok = true;
  auto list = [&](std::string_view key, std::vector<std::string>& out, auto&& valid, std::string_view noun,
                  auto&& hint) {
    const YamlNode* items = reader.List(key);
    if (items == nullptr) {
      ok = ok && !reader.Has(key);
      return;
    }
    for (const YamlNode* item : items->items) {
      std::optional<std::string> text = ScalarString(*item, fmt::format("an item of '{}'", key), ctx);
      if (!text) {
        ok = false;
        continue;
      }
      if (!valid(*text)) {
        ctx.Report(ir::RuleId::kInvalidValue, item->location, fmt::format("'{}' is not {}", *text, noun),
                   hint(*text));
        ok = false;
        continue;
      }
      out.push_back(*text);
    }
  };
  list(
      "entities", to.entities,
      [](const std::string& t) { return std::find(kPolcEntities.begin(), kPolcEntities.end(), t) != kPolcEntities.end(); },
      "an entity", [](const std::string& t) {
        std::optional<std::string> s = Suggest(t, kPolcEntities);
        return s ? fmt::format("did you mean '{}'?", *s) : fmt::format("use one of: {}", Join(kPolcEntities));
      });
  list("cidrs", to.cidrs, LooksLikeCidr, "a CIDR",
       [](const std::string&) { return std::string("write an address prefix such as 10.0.0.0/8 or fd00::/64"); });
  list(
      "fqdns", to.fqdns,
      [](const std::string& t) {
        std::string plain = t;
        std::replace(plain.begin(), plain.end(), '*', 'x');
        return !t.empty() && IsDns1123Subdomain(plain);
      },
      "a DNS name or pattern", [](const std::string&) {
        return std::string("write a name such as api.stripe.com or a pattern such as *.stripe.com");
      });
  if (!ok) return std::nullopt;
  return to;
}

std::optional<uint16_t> PortNumber(const YamlNode& value, std::string_view key, LowerContext& ctx) {
  if (!value.IsScalar() || (value.Resolve() != ScalarType::kInt && value.Resolve() != ScalarType::kString)) {
    ctx.Report(ir::RuleId::kWrongType, value.location, fmt::format("'{}' must be a number, not {}", key, value.TypeName()));
    return std::nullopt;
  }
  const std::string& text = value.scalar;
  int n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size() || n < 1 || n > 65535) {
    ctx.Report(ir::RuleId::kInvalidValue, value.location, fmt::format("{} '{}' is not a port number 1-65535", key, text),
               "named ports are not supported in assertions; write the number");
    return std::nullopt;
  }
  return static_cast<uint16_t>(n);
}

std::optional<std::vector<ir::AssertionPort>> LowerPorts(const YamlNode& list, LowerContext& ctx) {
  if (!ExpectList(list, "'ports'", ctx)) return std::nullopt;
  std::vector<ir::AssertionPort> out;
  bool ok = true;
  static constexpr std::array<std::string_view, 4> kProtocols = {"TCP", "UDP", "SCTP", "ANY"};
  for (const YamlNode* item : list.items) {
    FieldReader reader(*item, "a 'ports' entry", {"port", "endPort", "protocol"}, ctx);
    if (!reader.ok()) {
      ok = false;
      continue;
    }
    ir::AssertionPort port;
    port.location = item->location;
    if (std::optional<std::string> protocol = reader.String("protocol")) {
      if (std::find(kProtocols.begin(), kProtocols.end(), *protocol) == kProtocols.end()) {
        std::optional<std::string> s = Suggest(*protocol, kProtocols);
        ctx.Report(ir::RuleId::kInvalidValue, reader.Get("protocol")->location,
                   fmt::format("'{}' is not a protocol of an assertion", *protocol),
                   s ? fmt::format("did you mean '{}'?", *s) : fmt::format("use one of: {}", Join(kProtocols)));
        ok = false;
        continue;
      }
      port.protocol = *ir::ParseProtocol(*protocol);
    } else if (reader.Has("protocol")) {
      ok = false;
      continue;
    }
    if (const YamlNode* value = reader.Get("port")) {
      std::optional<uint16_t> n = PortNumber(*value, "port", ctx);
      if (!n) {
        ok = false;
        continue;
      }
      port.port = *n;
    }
    if (const YamlNode* value = reader.Get("endPort")) {
      std::optional<uint16_t> n = PortNumber(*value, "endPort", ctx);
      if (!n) {
        ok = false;
        continue;
      }
      if (port.port == 0 || *n < port.port) {
        ctx.Report(ir::RuleId::kInvalidValue, value->location,
                   port.port == 0 ? std::string("'endPort' needs 'port'")
                                  : fmt::format("endPort {} is below port {}", *n, port.port),
                   "write port: FIRST and endPort: LAST");
        ok = false;
        continue;
      }
      if (*n != port.port) port.end_port = *n;
    }
    out.push_back(port);
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<ir::Assertion> LowerAssertion(const YamlNode& node, std::set<std::string>& names, LowerContext& ctx) {
  FieldReader reader(node, "an assertion", {"name", "from", "to", "ports", "expect", "only"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::Assertion assertion;
  assertion.location = node.location;
  bool ok = reader.Require("name") && reader.Require("from");
  if (std::optional<std::string> name = reader.String("name")) {
    if (name->empty()) {
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get("name")->location, "an assertion's name is empty");
      ok = false;
    } else if (!names.insert(*name).second) {
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get("name")->location,
                 fmt::format("two assertions are named '{}'", *name), "give each assertion its own name");
      ok = false;
    }
    assertion.name = *name;
  } else {
    ok = false;
  }
  if (const YamlNode* from = reader.Get("from")) {
    std::optional<ir::PodSetSpec> set = LowerFrom(*from, ctx);
    ok = ok && set.has_value();
    if (set) assertion.from = std::move(*set);
  }
  const YamlNode* only = reader.Get("only");
  if (only != nullptr) {
    for (std::string_view key : {std::string_view("to"), std::string_view("ports"), std::string_view("expect")}) {
      if (!reader.Has(key)) continue;
      ctx.Report(ir::RuleId::kConflictingFields, reader.KeyLocation(key),
                 fmt::format("'{}' does not go with 'only'", key),
                 "an 'only' statement lists its allowed peers and ports under 'only'; remove it");
      ok = false;
    }
    assertion.expect = ir::AssertionExpect::kOnly;
    if (!ExpectList(*only, "'only'", ctx)) return std::nullopt;
    for (const YamlNode* item : only->items) {
      FieldReader allowed(*item, "an 'only' entry", {"to", "ports"}, ctx);
      if (!allowed.ok() || !allowed.Require("to")) {
        ok = false;
        continue;
      }
      ir::AllowedPeer peer;
      peer.location = item->location;
      std::optional<ir::PeerSetSpec> to = LowerTo(*allowed.Get("to"), ctx);
      ok = ok && to.has_value();
      if (to) peer.to = std::move(*to);
      if (const YamlNode* ports = allowed.Get("ports")) {
        std::optional<std::vector<ir::AssertionPort>> list = LowerPorts(*ports, ctx);
        ok = ok && list.has_value();
        if (list) peer.ports = std::move(*list);
      }
      assertion.only.push_back(std::move(peer));
    }
  } else {
    ok = reader.Require("to") && reader.Require("expect") && ok;
    if (const YamlNode* to = reader.Get("to")) {
      std::optional<ir::PeerSetSpec> set = LowerTo(*to, ctx);
      ok = ok && set.has_value();
      if (set) assertion.to = std::move(*set);
    }
    if (const YamlNode* ports = reader.Get("ports")) {
      std::optional<std::vector<ir::AssertionPort>> list = LowerPorts(*ports, ctx);
      ok = ok && list.has_value();
      if (list) assertion.ports = std::move(*list);
    }
    if (std::optional<std::string> expect = reader.String("expect")) {
      static constexpr std::array<std::string_view, 2> kExpect = {"allow", "deny"};
      if (*expect == "allow" || *expect == "deny") {
        assertion.expect = *expect == "allow" ? ir::AssertionExpect::kAllow : ir::AssertionExpect::kDeny;
      } else {
        std::optional<std::string> s = Suggest(*expect, kExpect);
        ctx.Report(ir::RuleId::kInvalidValue, reader.Get("expect")->location,
                   fmt::format("'{}' is not an expectation", *expect),
                   s ? fmt::format("did you mean '{}'?", *s)
                     : std::string("use allow or deny (or list the allowed peers under 'only' instead)"));
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return assertion;
}

}  // namespace

ir::PropertySet LowerPropertySet(const KubeObject& object, LowerContext& ctx) {
  ir::PropertySet set;
  set.name = object.meta.name;
  set.location = object.location;
  const YamlNode* spec_node = ReadPolcDocumentSpec(object, "PropertySet", ctx);
  if (spec_node == nullptr) return set;
  FieldReader spec(*spec_node, "the PropertySet spec", {"assertions"}, ctx);
  if (!spec.Require("assertions")) return set;
  const YamlNode* assertions = spec.List("assertions");
  if (assertions == nullptr) return set;
  std::set<std::string> names;
  for (const YamlNode* item : assertions->items) {
    if (std::optional<ir::Assertion> assertion = LowerAssertion(*item, names, ctx)) {
      set.assertions.push_back(std::move(*assertion));
    }
  }
  return set;
}

}  // namespace polc::compiler
