// The typed policy IR: what CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy,
// Kubernetes NetworkPolicy and CiliumCIDRGroup objects say, field for field,
// with the source location of every node.
//
// Design notes
// * Plain value types joined by std::variant/std::optional; no inheritance.
//   Every type compares with operator== and has a deterministic text dump
//   (ir/dump.h) used by golden tests.
// * "Absent" and "present but empty" are different in Cilium (an absent
//   fromEndpoints means no L3 constraint, `fromEndpoints: []` selects
//   nothing; cilium-semantics.md 3.2/3.3), so list fields whose presence
//   matters are std::optional<std::vector<...>>.
// * Values are kept as the author wrote them after schema checks (ports as
//   text, protocols as an enum, label keys split into source and name). The
//   meaning Cilium gives them (namespace scoping, ANY expansion, named-port
//   resolution) belongs to verifier/, so the IR stays a faithful record.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ir/source_location.h"

namespace polc::ir {

// ---- labels and selectors ------------------------------------------------

// A label key as Cilium parses it: "k8s:app" is {k8s, app}; a key without a
// source prefix is {any, key}; "$host" is {reserved, host}.
struct LabelKey {
  std::string source;
  std::string name;
  std::string ToString() const;  // "source:name"
  bool operator==(const LabelKey&) const = default;
  auto operator<=>(const LabelKey&) const = default;
};
LabelKey ParseLabelKey(std::string_view text);

enum class SelectorOperator { kIn, kNotIn, kExists, kDoesNotExist };

struct SelectorRequirement {
  LabelKey key;
  SelectorOperator op = SelectorOperator::kIn;
  std::vector<std::string> values;
  SourceLocation location;
  bool operator==(const SelectorRequirement&) const = default;
};

struct MatchLabel {
  LabelKey key;
  std::string value;
  SourceLocation location;
  bool operator==(const MatchLabel&) const = default;
};

// A Kubernetes LabelSelector (Cilium's EndpointSelector). Both lists empty is
// the wildcard `{}`.
struct LabelSelector {
  std::vector<MatchLabel> match_labels;  // in source order
  std::vector<SelectorRequirement> match_expressions;
  SourceLocation location;
  bool IsWildcard() const { return match_labels.empty() && match_expressions.empty(); }
  bool operator==(const LabelSelector&) const = default;
};

// A label as used in rule `labels` ("[source:]key[=value]" or {key,value,source}).
struct Label {
  std::string source;
  std::string key;
  std::string value;
  SourceLocation location;
  bool operator==(const Label&) const = default;
};

// ---- L3 peers ---------------------------------------------------------------

struct Cidr {  // fromCIDR/toCIDR item: a prefix or a bare IP
  std::string text;
  SourceLocation location;
  bool operator==(const Cidr&) const = default;
};

struct CidrRule {  // fromCIDRSet/toCIDRSet item; exactly one of the three sources
  std::optional<Cidr> cidr;
  std::optional<std::string> cidr_group_ref;
  std::optional<LabelSelector> cidr_group_selector;
  std::vector<Cidr> except;
  SourceLocation location;
  bool operator==(const CidrRule&) const = default;
};

struct Entity {
  std::string name;
  SourceLocation location;
  bool operator==(const Entity&) const = default;
};

struct AwsGroup {  // fromGroups/toGroups item
  std::vector<std::string> security_group_ids;
  std::vector<std::string> security_group_names;
  std::string region;
  std::map<std::string, std::string> labels;
  SourceLocation location;
  bool operator==(const AwsGroup&) const = default;
};

struct ServiceReference {  // toServices k8sService
  std::string name;
  std::string namespace_;  // empty: the policy's namespace
  bool operator==(const ServiceReference&) const = default;
};
struct ServiceSelector {  // toServices k8sServiceSelector
  LabelSelector selector;
  std::string namespace_;
  bool operator==(const ServiceSelector&) const = default;
};
struct Service {
  std::variant<ServiceReference, ServiceSelector> target;
  SourceLocation location;
  bool operator==(const Service&) const = default;
};

struct FqdnSelector {  // exactly one of match_name / match_pattern
  std::optional<std::string> match_name;
  std::optional<std::string> match_pattern;
  SourceLocation location;
  bool operator==(const FqdnSelector&) const = default;
};

// ---- L4 ---------------------------------------------------------------------

enum class Protocol { kAny, kTcp, kUdp, kSctp, kIcmp, kIcmpv6, kVrrp, kIgmp, kGre, kIpip, kIpv6, kEsp, kAh };
std::string_view ProtocolName(Protocol protocol);  // "ANY", "TCP", ...
std::optional<Protocol> ParseProtocol(std::string_view upper_case_name);

struct PortProtocol {
  std::string port;      // number text or IANA service name (lower-cased); empty = all
  int32_t end_port = 0;  // 0 = not a range
  Protocol protocol = Protocol::kAny;
  bool protocol_given = false;  // false when `protocol` was omitted (means ANY)
  SourceLocation location;
  SourceLocation port_location;      // unset when `port` is absent
  SourceLocation end_port_location;  // unset when `endPort` is absent
  SourceLocation protocol_location;  // unset when `protocol` is absent
  bool operator==(const PortProtocol&) const = default;
};

struct SecretRef {
  std::string namespace_;
  std::string name;
  bool operator==(const SecretRef&) const = default;
};

struct TlsContext {
  std::optional<SecretRef> secret;
  std::string trusted_ca;
  std::string certificate;
  std::string private_key;
  SourceLocation location;
  bool operator==(const TlsContext&) const = default;
};

struct Listener {
  std::string envoy_config_kind;  // CiliumEnvoyConfig | CiliumClusterwideEnvoyConfig
  std::string envoy_config_name;
  std::string name;
  int32_t priority = 0;  // 0 = unset; 1..100
  SourceLocation location;
  bool operator==(const Listener&) const = default;
};

enum class HeaderMismatch { kNone, kLog, kAdd, kDelete, kReplace };

struct HeaderMatch {
  std::string name;
  std::string value;
  std::optional<SecretRef> secret;
  HeaderMismatch mismatch = HeaderMismatch::kNone;
  SourceLocation location;
  bool operator==(const HeaderMatch&) const = default;
};

struct Located {  // a string with the location it was written at
  std::string text;
  SourceLocation location;
  bool operator==(const Located&) const = default;
};

struct HttpRule {
  std::optional<Located> path;
  std::optional<Located> method;
  std::optional<Located> host;
  std::vector<Located> headers;
  std::vector<HeaderMatch> header_matches;
  SourceLocation location;
  bool operator==(const HttpRule&) const = default;
};

struct KafkaRule {
  std::string role;
  std::string api_key;
  std::string api_version;
  std::string client_id;
  std::string topic;
  SourceLocation location;
  bool operator==(const KafkaRule&) const = default;
};

struct GenericL7Rule {  // `l7` item: free key/value pairs
  std::map<std::string, std::string> fields;
  SourceLocation location;
  bool operator==(const GenericL7Rule&) const = default;
};

struct L7Rules {
  std::optional<std::vector<HttpRule>> http;
  std::optional<std::vector<KafkaRule>> kafka;
  std::optional<std::vector<FqdnSelector>> dns;
  std::optional<std::string> l7_proto;
  std::optional<std::vector<GenericL7Rule>> l7;
  SourceLocation location;
  bool operator==(const L7Rules&) const = default;
};

struct PortRule {
  std::vector<PortProtocol> ports;
  std::optional<TlsContext> terminating_tls;
  std::optional<TlsContext> originating_tls;
  std::vector<Located> server_names;
  std::optional<Listener> listener;
  std::optional<L7Rules> rules;
  SourceLocation location;
  bool operator==(const PortRule&) const = default;
};

enum class IcmpFamily { kIPv4, kIPv6 };

struct IcmpField {
  IcmpFamily family = IcmpFamily::kIPv4;
  uint8_t type = 0;
  std::string type_name;  // as written when given by name; empty for numbers
  SourceLocation location;
  bool operator==(const IcmpField&) const = default;
};

struct IcmpRule {
  std::vector<IcmpField> fields;
  SourceLocation location;
  bool operator==(const IcmpRule&) const = default;
};

enum class AuthMode { kDisabled, kRequired, kTestAlwaysFail };

struct Authentication {
  AuthMode mode = AuthMode::kDisabled;
  SourceLocation location;
  bool operator==(const Authentication&) const = default;
};

// ---- rules --------------------------------------------------------------

enum class Direction { kIngress, kEgress };

// Where each optional field of a PeerRule was written (the key), so findings
// about a present-but-empty list (`fromEndpoints: []`) have a place to point
// at. Unset (file == kNoFile) when the field is absent.
struct PeerFieldLocations {
  SourceLocation endpoints, requires_, cidr, cidr_set, entities, nodes, groups, services, fqdns;
  SourceLocation to_ports, icmps, authentication;
  bool operator==(const PeerFieldLocations&) const = default;
};

// One element of `ingress`, `ingressDeny`, `egress` or `egressDeny`. Cilium
// creates one policy entry per element (cilium-semantics.md 3.1). Peer
// fields use from*/to* names by direction; the IR stores them once.
struct PeerRule {
  Direction direction = Direction::kIngress;
  bool deny = false;

  std::optional<std::vector<LabelSelector>> endpoints;  // fromEndpoints / toEndpoints
  std::optional<std::vector<LabelSelector>> requires_;  // fromRequires / toRequires (removed 1.19)
  std::optional<std::vector<Cidr>> cidr;                // fromCIDR / toCIDR
  std::optional<std::vector<CidrRule>> cidr_set;        // fromCIDRSet / toCIDRSet
  std::optional<std::vector<Entity>> entities;          // fromEntities / toEntities
  std::optional<std::vector<LabelSelector>> nodes;      // fromNodes / toNodes
  std::optional<std::vector<AwsGroup>> groups;          // fromGroups / toGroups
  std::optional<std::vector<Service>> services;         // toServices (egress)
  std::optional<std::vector<FqdnSelector>> fqdns;       // toFQDNs (egress allow)

  std::optional<std::vector<PortRule>> to_ports;  // deny rules: ports only
  std::optional<std::vector<IcmpRule>> icmps;
  std::optional<Authentication> authentication;  // allow rules only
  SourceLocation location;
  PeerFieldLocations field_locations;

  bool HasL3() const {
    return endpoints || requires_ || cidr || cidr_set || entities || nodes || groups || services || fqdns;
  }
  bool operator==(const PeerRule&) const = default;
};

struct DefaultDeny {
  std::optional<bool> ingress;
  std::optional<bool> egress;
  SourceLocation location;
  bool operator==(const DefaultDeny&) const = default;
};

// One api.Rule: a CNP/CCNP `spec` or an element of `specs`.
struct Rule {
  std::optional<LabelSelector> endpoint_selector;
  std::optional<LabelSelector> node_selector;
  std::optional<std::vector<PeerRule>> ingress;
  std::optional<std::vector<PeerRule>> ingress_deny;
  std::optional<std::vector<PeerRule>> egress;
  std::optional<std::vector<PeerRule>> egress_deny;
  std::optional<DefaultDeny> enable_default_deny;
  std::vector<Label> labels;
  std::string description;
  std::optional<Located> log;
  SourceLocation location;
  // Keys of the four sections (unset when absent), e.g. for `ingress: []`.
  SourceLocation ingress_location, ingress_deny_location, egress_location, egress_deny_location;
  SourceLocation description_location;
  bool from_specs = false;  // an element of `specs` rather than `spec`
  bool operator==(const Rule&) const = default;
};

// ---- Kubernetes NetworkPolicy (networking.k8s.io/v1) ----------------------

struct IpBlock {
  Cidr cidr;
  std::vector<Cidr> except;
  SourceLocation location;
  bool operator==(const IpBlock&) const = default;
};

struct NetworkPolicyPeer {
  std::optional<LabelSelector> pod_selector;
  std::optional<LabelSelector> namespace_selector;
  std::optional<IpBlock> ip_block;
  SourceLocation location;
  bool operator==(const NetworkPolicyPeer&) const = default;
};

struct NetworkPolicyPort {
  Protocol protocol = Protocol::kTcp;  // default TCP
  std::optional<std::string> port;     // number text or a port name; absent = all ports
  std::optional<int32_t> end_port;
  SourceLocation location;
  bool operator==(const NetworkPolicyPort&) const = default;
};

struct NetworkPolicyRule {  // one element of spec.ingress / spec.egress
  std::optional<std::vector<NetworkPolicyPeer>> peers;  // `from` / `to`
  std::optional<std::vector<NetworkPolicyPort>> ports;
  SourceLocation location;
  bool operator==(const NetworkPolicyRule&) const = default;
};

struct NetworkPolicySpec {
  LabelSelector pod_selector;
  std::optional<std::vector<NetworkPolicyRule>> ingress;
  std::optional<std::vector<NetworkPolicyRule>> egress;
  std::optional<std::vector<Direction>> policy_types;
  SourceLocation policy_types_location;
  SourceLocation location;
  bool operator==(const NetworkPolicySpec&) const = default;
};

// ---- objects ----------------------------------------------------------------

enum class PolicyKind { kCiliumNetworkPolicy, kCiliumClusterwideNetworkPolicy, kNetworkPolicy };
std::string_view PolicyKindName(PolicyKind kind);

struct ObjectMeta {
  std::string name;
  std::string namespace_;  // empty for cluster-scoped objects or when omitted
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::map<std::string, SourceLocation> annotation_locations;  // key -> where the key is written
  SourceLocation location;             // of the document
  SourceLocation name_location;
  SourceLocation namespace_location;
  bool operator==(const ObjectMeta&) const = default;
};

struct Policy {
  PolicyKind kind = PolicyKind::kCiliumNetworkPolicy;
  std::string api_version;
  ObjectMeta meta;
  // CNP/CCNP: `spec` (if present) followed by the elements of `specs`.
  std::vector<Rule> rules;
  // NetworkPolicy only.
  std::optional<NetworkPolicySpec> network_policy;
  int object = -1;  // index into LoadResult::objects
  bool operator==(const Policy&) const = default;
};

struct CidrGroup {  // cilium.io/v2alpha1|v2 CiliumCIDRGroup
  std::string api_version;
  ObjectMeta meta;
  std::vector<Cidr> external_cidrs;
  int object = -1;
  bool operator==(const CidrGroup&) const = default;
};

// The policy side of the inputs. Inventory (pods, namespaces, ...) is added by
// the semantics layer.
struct PolicySet {
  std::vector<Policy> policies;
  std::vector<CidrGroup> cidr_groups;
  bool operator==(const PolicySet&) const = default;
};

}  // namespace polc::ir
