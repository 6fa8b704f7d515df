// PolicyTest documents (../shared/reference/policy-test-format.md): what
// traffic a set of policies must allow and deny, as unit tests for `polc test`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/settings.h"
#include "ir/source_location.h"

namespace polc::ir {

// One side of a flow, exactly one of the forms of the format's peer table.
struct EndpointPeer {  // endpoint: NS/NAME (an inventory endpoint)
  std::string namespace_;
  std::string name;
  bool operator==(const EndpointPeer&) const = default;
};
struct LabelsPeer {  // labels: {namespace, labels, serviceAccount}: an anonymous pod
  std::string namespace_;
  std::map<std::string, std::string> labels;
  std::string service_account = "default";
  bool operator==(const LabelsPeer&) const = default;
};
struct NodePeer {  // node: NAME
  std::string name;
  bool operator==(const NodePeer&) const = default;
};
struct EntityPeer {  // entity: host | remote-node | world | kube-apiserver | health | init | ingress | unmanaged
  std::string name;
  bool operator==(const EntityPeer&) const = default;
};
struct IpPeer {  // ip: ADDR
  std::string address;
  bool operator==(const IpPeer&) const = default;
};
struct FqdnPeer {  // fqdn: NAME
  std::string name;
  bool operator==(const FqdnPeer&) const = default;
};
using FlowPeer = std::variant<EndpointPeer, LabelsPeer, NodePeer, EntityPeer, IpPeer, FqdnPeer>;

struct HttpRequest {
  std::string method;
  std::string path;
  std::string host;
  std::map<std::string, std::string> headers;
  bool operator==(const HttpRequest&) const = default;
};
struct DnsQuery {
  std::string query;
  bool operator==(const DnsQuery&) const = default;
};
struct KafkaRequest {
  std::string api_key;
  std::string api_version;
  std::string client_id;
  std::string topic;
  bool operator==(const KafkaRequest&) const = default;
};

enum class Expectation { kAllow, kDeny };
enum class DenyReason { kDefaultDeny, kDenyRule, kL7 };

struct TestCase {
  std::string name;
  FlowPeer from;
  FlowPeer to;
  Protocol protocol = Protocol::kTcp;  // TCP | UDP | SCTP | ICMP | ICMPV6
  std::string port;                    // number text or a destination container port name; empty = none
  std::optional<uint8_t> icmp_type;
  std::optional<HttpRequest> http;
  std::optional<DnsQuery> dns;
  std::optional<KafkaRequest> kafka;
  Expectation expect = Expectation::kAllow;
  std::optional<Direction> denied_at;
  std::optional<DenyReason> reason;
  bool expect_audit = false;
  SourceLocation location;
  bool operator==(const TestCase&) const = default;
};

// Settings a PolicyTest may set; unset fields keep the command's settings.
struct TestSettings {
  std::optional<CiliumVersion> version;
  std::optional<EnforcementMode> enforcement;
  std::optional<std::string> cluster_name;
  std::optional<AllowLocalhost> allow_localhost;
  std::optional<bool> policy_default_local_cluster;
  std::optional<bool> host_firewall;
  bool operator==(const TestSettings&) const = default;

  Settings ApplyTo(Settings base) const;
};

struct PolicyTest {
  std::string name;
  std::optional<std::vector<std::string>> policies;  // paths relative to the test file
  TestSettings settings;
  Inventory inventory;  // the inline inventory
  std::vector<TestCase> cases;
  SourceLocation location;
  int object = -1;
  bool operator==(const PolicyTest&) const = default;
};

}  // namespace polc::ir
