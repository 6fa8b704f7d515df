// PropertySet documents (polc.io/v1alpha1, docs/PROPERTIES.md): statements
// the user asserts about who may reach whom, proved by `polc verify` for
// every possible pod of the sets (issue 5, "assertions"). Plain values, so
// the frontend parses them and the verifier reads them without either
// depending on the other (as ir::VerifyConfig).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/policy.h"
#include "ir/source_location.h"

namespace polc::ir {

// Pods: the namespace `namespace_`, or every known namespace whose labels
// `namespace_selector` matches; then the pods of those namespaces that
// `pod_selector` matches (a wildcard: every pod).
struct PodSetSpec {
  std::string namespace_;
  std::optional<LabelSelector> namespace_selector;
  LabelSelector pod_selector;
  SourceLocation location;
  bool operator==(const PodSetSpec&) const = default;
};

// The other side of a statement: pods, or (not both) the union of
// entities, CIDRs and DNS names. An FQDN with '*' is a pattern (toFQDNs
// matchPattern syntax), otherwise a name.
struct PeerSetSpec {
  std::optional<PodSetSpec> pods;
  std::vector<std::string> entities;  // the PolicyTest peer entities: world, host, kube-apiserver, ...
  std::vector<std::string> cidrs;
  std::vector<std::string> fqdns;
  SourceLocation location;
  bool operator==(const PeerSetSpec&) const = default;
};

// A port or port range of one protocol; kAny means TCP, UDP and SCTP;
// port 0 means every port 1-65535.
struct AssertionPort {
  Protocol protocol = Protocol::kAny;
  uint16_t port = 0;
  uint16_t end_port = 0;  // 0: a single port
  SourceLocation location;
  bool operator==(const AssertionPort&) const = default;
};

// One allowed destination of an `only` statement.
struct AllowedPeer {
  PeerSetSpec to;
  std::vector<AssertionPort> ports;  // empty: every port of TCP, UDP and SCTP
  SourceLocation location;
  bool operator==(const AllowedPeer&) const = default;
};

enum class AssertionExpect {
  kAllow,  // every flow from `from` to `to` on `ports` is allowed
  kDeny,   // every such flow is denied
  kOnly,   // every flow from `from` to anything not in `only` is denied
};

struct Assertion {
  std::string name;
  PodSetSpec from;
  PeerSetSpec to;                    // kAllow, kDeny
  std::vector<AssertionPort> ports;  // kAllow, kDeny; empty: every port of TCP, UDP and SCTP
  AssertionExpect expect = AssertionExpect::kAllow;
  std::vector<AllowedPeer> only;     // kOnly
  SourceLocation location;
  bool operator==(const Assertion&) const = default;
};

struct PropertySet {
  std::string name;
  std::vector<Assertion> assertions;
  SourceLocation location;
  int object = -1;  // index into LoadResult::objects
  bool operator==(const PropertySet&) const = default;
};

}  // namespace polc::ir
