#include "compiler/k8s_validation.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "compiler/lower_common.h"

namespace polc::compiler::k8s {
namespace {

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Dotted quad; each part 1-3 digits up to 255. Leading zeros are accepted,
// as in Go's pre-1.17 net.ParseIP that ParseCIDRSloppy keeps for
// compatibility with objects stored by older API servers.
bool ParseIpv4(std::string_view text, uint8_t* out) {
  for (int part = 0; part < 4; ++part) {
    size_t end = part < 3 ? text.find('.') : text.size();
    if (end == std::string_view::npos || end == 0 || end > 3) return false;
    int value = 0;
    for (char c : text.substr(0, end)) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    out[part] = static_cast<uint8_t>(value);
    text.remove_prefix(part < 3 ? end + 1 : end);
  }
  return true;
}

void CheckStringMap(const FieldReader& meta, std::string_view key, LowerContext& ctx) {
  meta.StringMap(key);  // reports values that are not strings
  if (key != "labels") return;
  const YamlNode* map = meta.Get(key);
  if (map == nullptr || !map->IsMapping()) return;
  for (const auto& [k, v] : map->entries) {
    if (!v->IsScalar() || v->Resolve() != ScalarType::kString || IsLabelValue(v->scalar)) continue;
    ctx.Report(ir::RuleId::kInvalidValue, v->location,
               fmt::format("'{}' is not a valid label value; the API server rejects the object", v->scalar),
               "label values are at most 63 characters of letters, digits, '-', '_' and '.', "
               "starting and ending with a letter or digit");
  }
}

}  // namespace

std::optional<Prefix> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view address = text.substr(0, slash);
  std::string_view bits_text = text.substr(slash + 1);
  Prefix prefix;
  if (address.find(':') != std::string_view::npos) {
    prefix.v6 = true;
    std::string copy(address);
    if (inet_pton(AF_INET6, copy.c_str(), prefix.bytes) != 1) return std::nullopt;
  } else if (!ParseIpv4(address, prefix.bytes)) {
    return std::nullopt;
  }
  if (bits_text.empty() || bits_text.size() > 3) return std::nullopt;
  for (char c : bits_text) {
    if (c < '0' || c > '9') return std::nullopt;
    prefix.bits = prefix.bits * 10 + (c - '0');
  }
  if (prefix.bits > (prefix.v6 ? 128 : 32)) return std::nullopt;
  for (int bit = prefix.bits; bit < 128; ++bit) {
    prefix.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return prefix;
}

bool IsStrictSubset(const Prefix& inner, const Prefix& outer) {
  if (inner.v6 != outer.v6 || inner.bits <= outer.bits) return false;
  for (int bit = 0; bit < outer.bits; ++bit) {
    uint8_t mask = static_cast<uint8_t>(0x80u >> (bit % 8));
    if ((inner.bytes[bit / 8] & mask) != (outer.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

bool IsPortName(std::string_view text) {
  if (text.empty() || text.size() > 15 || text.front() == '-' || text.back() == '-') return false;
  if (text.find("--") != std::string_view::npos) return false;
  bool letter = false;
  for (char c : text) {
    if (!IsLowerAlnum(c) && c != '-') return false;
    letter = letter || (c >= 'a' && c <= 'z');
  }
  return letter;
}

bool IsDns1123Label(std::string_view text) {
  if (text.empty() || text.size() > 63 || !IsLowerAlnum(text.front()) || !IsLowerAlnum(text.back())) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

void CheckObjectMeta(const FieldReader& root, std::string_view kind, bool namespaced, LowerContext& ctx) {
  const YamlNode* metadata = root.Get("metadata");
  if (metadata == nullptr) {
    ctx.Report(ir::RuleId::kMissingField, root.location(),
               fmt::format("the {} has no metadata; metadata.name is required and the API server rejects it", kind),
               "add `metadata: {name: <name>}`");
    return;
  }
  // The fields of metav1.ObjectMeta that may appear in a manifest.
  FieldReader meta(*metadata, "metadata",
                   {"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
                    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
                    "ownerReferences", "finalizers", "managedFields"},
                   ctx);
  if (!meta.ok()) return;
  if (meta.Require("name")) {
    if (std::optional<std::string> name = meta.String("name"); name && !IsDns1123Subdomain(*name)) {
      ctx.Report(
          ir::RuleId::kInvalidValue, meta.Get("name")->location,
          fmt::format("metadata.name '{}' is not a DNS-1123 subdomain; the API server rejects the {}", *name, kind),
          "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
  }
  if (std::optional<std::string> ns = meta.String("namespace"); ns && namespaced && !IsDns1123Label(*ns)) {
    ctx.Report(
        ir::RuleId::kInvalidValue, meta.Get("namespace")->location,
        fmt::format("metadata.namespace '{}' is not a valid namespace name; the API server rejects the {}", *ns, kind),
        "namespace names are at most 63 lower-case letters, digits and '-', starting and ending with a "
        "letter or digit");
  }
  CheckStringMap(meta, "labels", ctx);
  CheckStringMap(meta, "annotations", ctx);
}

}  // namespace polc::compiler::k8s
