// Sanitize checks of L3 peers: CIDRs (pkg/policy/api/rule_validation.go
// CIDR/CIDRRule), entities (entity.go), FQDN selectors (fqdn.go and
// pkg/fqdn/matchpattern) and ICMP rules (icmp.go). cilium-semantics.md 1.4,
// 1.10, 1.11, 5.1, 6.5.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>
#include <re2/re2.h>

#include "compiler/sanitize_internal.h"

namespace polc::compiler::sanitize {
namespace {

// An address as Go's net/netip parses it (no zones: callers strip them).
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  int BitLength() const { return v6 ? 128 : 32; }
};

std::optional<IpAddress> ParseAddress(std::string_view text) {
  std::string copy(text);
  IpAddress address;
  if (copy.find(':') != std::string::npos) {
    address.v6 = true;
    if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) != 1) return std::nullopt;
    return address;
  }
  // glibc's inet_pton, like Go, accepts only four decimal parts and rejects
  // leading zeros ("010.0.0.1").
  if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) != 1) return std::nullopt;
  return address;
}

// netip.ParseAddr: an address, IPv6 with an optional %zone.
std::optional<IpAddress> ParseGoAddr(std::string_view text) {
  size_t percent = text.find('%');
  if (percent != std::string_view::npos) {
    if (percent + 1 == text.size()) return std::nullopt;  // empty zone
    std::optional<IpAddress> address = ParseAddress(text.substr(0, percent));
    if (!address || !address->v6) return std::nullopt;
    return address;
  }
  return ParseAddress(text);
}

struct IpPrefix {
  IpAddress address;
  int bits = 0;
};

// netip.ParsePrefix: "addr/bits", no zone, bits decimal without sign or
// leading zeros, at most the address length. Host bits may be set.
std::optional<IpPrefix> ParseGoPrefix(std::string_view text) {
  size_t slash = text.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view addr = text.substr(0, slash);
  std::string_view bits = text.substr(slash + 1);
  if (addr.find('%') != std::string_view::npos) return std::nullopt;
  std::optional<IpAddress> address = ParseAddress(addr);
  if (!address || bits.empty() || bits.size() > 3) return std::nullopt;
  if (bits.size() > 1 && bits.front() == '0') return std::nullopt;
  int value = 0;
  for (char c : bits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > address->BitLength()) return std::nullopt;
  return IpPrefix{*address, value};
}

// netip.Prefix.Contains: same family and the first `bits` bits agree.
bool Contains(const IpPrefix& prefix, const IpAddress& address) {
  if (prefix.address.v6 != address.v6) return false;
  int full = prefix.bits / 8;
  if (!std::equal(prefix.address.bytes.begin(), prefix.address.bytes.begin() + full, address.bytes.begin())) {
    return false;
  }
  int rest = prefix.bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (prefix.address.bytes[full] & mask) == (address.bytes[full] & mask);
}

constexpr std::string_view kCidrHint = "write an address or a prefix such as 10.0.0.0/8 or 2001:db8::/32";

}  // namespace

void CheckCidr(const ir::Cidr& cidr, LowerContext& ctx) {
  if (cidr.text.empty()) {
    ctx.Report(ir::RuleId::kInvalidCidr, cidr.location, fmt::format("empty CIDR: IP must be specified; {}", kRejected),
               std::string(kCidrHint));
    return;
  }
  if (ParseGoPrefix(cidr.text) || ParseGoAddr(cidr.text)) return;
  ctx.Report(ir::RuleId::kInvalidCidr, cidr.location,
             fmt::format("unable to parse CIDR '{}' as a prefix or an IP address; {}", cidr.text, kRejected),
             std::string(kCidrHint));
}

void CheckCidrRule(const ir::CidrRule& rule, LowerContext& ctx) {
  const ir::Settings& settings = ctx.settings;
  bool has_cidr = rule.cidr && !rule.cidr->text.empty();
  bool has_ref = rule.cidr_group_ref && !rule.cidr_group_ref->empty();
  bool has_selector = rule.cidr_group_selector.has_value();
  int sources = int{has_cidr} + int{has_ref} + int{has_selector};
  if (has_selector) CheckSelector(*rule.cidr_group_selector, "cidrGroupSelector", ctx);
  if (sources == 0) {
    ctx.Report(ir::RuleId::kInvalidCidr, rule.location,
               fmt::format("a CIDR set entry needs one of cidr, cidrGroupRef or cidrGroupSelector; {}", kRejected),
               "add `cidr: <prefix>` or reference a CiliumCIDRGroup");
    return;
  }
  // 1.16 silently ignores cidr when cidrGroupRef is set; the exactly-one rule
  // came with cidrGroupSelector in 1.17.
  if (sources > 1 && settings.version.AtLeast(1, 17)) {
    ctx.Report(ir::RuleId::kInvalidCidr, rule.location,
               fmt::format("more than one of cidr, cidrGroupRef and cidrGroupSelector is set; {}", kRejected),
               "keep one of them; use separate CIDR set entries for the others");
    return;
  }
  if (has_ref || has_selector) return;  // group references are not parsed

  std::optional<IpPrefix> prefix = ParseGoPrefix(rule.cidr->text);
  if (!prefix) {
    bool bare_ip = ParseGoAddr(rule.cidr->text).has_value();
    ctx.Report(ir::RuleId::kInvalidCidr, rule.cidr->location,
               bare_ip ? fmt::format("'{}' is an address, but CIDR set entries need prefix notation (unlike "
                                     "fromCIDR/toCIDR); {}",
                                     rule.cidr->text, kRejected)
                       : fmt::format("unable to parse CIDR '{}'; {}", rule.cidr->text, kRejected),
               bare_ip ? fmt::format("write {}/{}", rule.cidr->text, rule.cidr->text.find(':') == std::string::npos
                                                                        ? 32
                                                                        : 128)
                       : std::string(kCidrHint));
    return;
  }
  for (const ir::Cidr& except : rule.except) {
    std::optional<IpPrefix> excluded = ParseGoPrefix(except.text);
    if (!excluded) {
      ctx.Report(ir::RuleId::kInvalidCidr, except.location,
                 fmt::format("unable to parse except '{}' as a prefix (prefix notation is required); {}", except.text,
                             kRejected),
                 std::string(kCidrHint));
      continue;
    }
    // Since 1.20 an except may also not be shorter than its cidr.
    bool too_short = settings.version.AtLeast(1, 20) && excluded->bits < prefix->bits;
    if (too_short || !Contains(*prefix, excluded->address)) {
      std::string why = prefix->address.v6 != excluded->address.v6 ? "it is of the other address family"
                        : too_short ? "it is shorter than the cidr"
                                    : "it lies outside the cidr";
      ctx.Report(ir::RuleId::kInvalidCidr, except.location,
                 fmt::format("allow CIDR prefix {} does not contain exclude CIDR prefix {} ({}); {}", rule.cidr->text,
                             except.text, why, kRejected),
                 "each except must be a sub-range of the cidr it belongs to");
    }
  }
}

// Unknown entities ("unsupported entity" in Sanitize) are reported once, by
// the unknown-entity lint in verifier/lint_entities.cc, which also knows the
// CRD enum and suggests the nearest name.

namespace {

bool AllOf(std::string_view text, std::string_view extra) {
  return std::all_of(text.begin(), text.end(), [extra](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || extra.find(c) != std::string_view::npos;
  });
}

// The regex Cilium <= 1.18 builds from a matchPattern (matchpattern.go
// ToAnchoredRegexp); it must compile.
bool LegacyPatternCompiles(std::string_view pattern) {
  std::string lower;
  for (char c : pattern) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string regex = "^";
  for (char c : lower) {
    if (c == '*') {
      regex += "[-a-zA-Z0-9_]*";
    } else if (c == '.') {
      regex += "[.]";
    } else {
      regex += c;
    }
  }
  regex += "$";
  RE2::Options options;
  options.set_log_errors(false);
  return RE2(regex, options).ok();
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

void CheckFqdnSelector(const ir::FqdnSelector& selector, LowerContext& ctx) {
  const std::string name = selector.match_name.value_or("");
  const std::string pattern = selector.match_pattern.value_or("");
  if (!name.empty() && !AllOf(name, ".")) {
    ctx.Report(ir::RuleId::kInvalidFqdn, selector.location,
               fmt::format("invalid characters in matchName '{}'; {}", name, kRejected),
               "matchName allows letters, digits, '-', '_' and '.' only; use matchPattern for wildcards");
  }
  if (pattern.empty()) return;
  if (ctx.settings.version.AtLeast(1, 19)) {
    if (Trim(pattern).size() > 255) {
      ctx.Report(ir::RuleId::kInvalidFqdn, selector.location,
                 fmt::format("matchPattern is longer than 255 characters; {}", kRejected), {});
    } else if (!AllOf(pattern, ".*")) {
      ctx.Report(ir::RuleId::kInvalidFqdn, selector.location,
                 fmt::format("invalid characters in matchPattern '{}' (Cilium 1.19+ allows only letters, digits, "
                             "'-', '_', '.' and '*'); {}",
                             pattern, kRejected),
                 {});
    }
    return;
  }
  std::string_view trimmed = Trim(pattern);
  if (trimmed.find_first_of("[]+{},") != std::string_view::npos || !LegacyPatternCompiles(trimmed)) {
    ctx.Report(ir::RuleId::kInvalidFqdn, selector.location,
               fmt::format("matchPattern '{}' contains characters Cilium rejects (such as '[', ']', '+', '{{', "
                           "'}}', ','); {}",
                           pattern, kRejected),
               {});
  }
}

namespace {

// pkg/policy/api/icmp.go icmpIpv4TypeNameToCode / icmpIpv6TypeNameToCode.
constexpr std::array<std::string_view, 14> kIcmpV4Names = {
    "EchoReply",        "DestinationUnreachable", "Redirect",  "Echo",           "EchoRequest",
    "RouterAdvertisement", "RouterSelection",     "TimeExceeded", "ParameterProblem", "Timestamp",
    "TimestampReply",   "Photuris",               "ExtendedEchoRequest", "ExtendedEchoReply"};
constexpr std::array<std::string_view, 27> kIcmpV6Names = {
    "DestinationUnreachable",
    "PacketTooBig",
    "TimeExceeded",
    "ParameterProblem",
    "EchoRequest",
    "EchoReply",
    "MulticastListenerQuery",
    "MulticastListenerReport",
    "MulticastListenerDone",
    "RouterSolicitation",
    "RouterAdvertisement",
    "NeighborSolicitation",
    "NeighborAdvertisement",
    "RedirectMessage",
    "RouterRenumbering",
    "ICMPNodeInformationQuery",
    "ICMPNodeInformationResponse",
    "InverseNeighborDiscoverySolicitation",
    "InverseNeighborDiscoveryAdvertisement",
    "HomeAgentAddressDiscoveryRequest",
    "HomeAgentAddressDiscoveryReply",
    "MobilePrefixSolicitation",
    "MobilePrefixAdvertisement",
    "DuplicateAddressRequestCodeSuffix",
    "DuplicateAddressConfirmationCodeSuffix",
    "ExtendedEchoRequest",
    "ExtendedEchoReply"};

template <size_t N>
bool Has(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

void CheckIcmpRule(const ir::IcmpRule& rule, LowerContext& ctx) {
  if (rule.fields.size() > 40) {
    ctx.Report(ir::RuleId::kTooManyPorts, rule.fields.front().location,
               fmt::format("too many ICMP types ({}), the max is 40 per icmps entry; {}", rule.fields.size(),
                           kRejected),
               "split the fields over several icmps entries");
  }
  for (const ir::IcmpField& field : rule.fields) {
    const std::string& name = field.type_name;
    if (name.empty() || std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    bool v6 = field.family == ir::IcmpFamily::kIPv6;
    if (v6 ? Has(kIcmpV6Names, name) : Has(kIcmpV4Names, name)) continue;
    bool other = v6 ? Has(kIcmpV4Names, name) : Has(kIcmpV6Names, name);
    ctx.Report(ir::RuleId::kInvalidIcmp, field.location,
               fmt::format("ICMP type '{}' is not defined for family {}{}; {}", name, v6 ? "IPv6" : "IPv4",
                           other ? fmt::format(" (it is an {} type name)", v6 ? "IPv4" : "IPv6") : "", kRejected),
               other ? fmt::format("set `family: {}`, or use the number of the type", v6 ? "IPv4" : "IPv6")
                     : "use a number 0-255 or a type name of the field's family (names are case-sensitive)");
  }
}

}  // namespace polc::compiler::sanitize
