// What `polc verify` proves (issue 5): the built-in properties, their scope
// and parameters, from flags, `.polc.yaml` (`verify:`) or a properties
// file. Plain values in ir/ so the frontend can parse them and the verifier
// read them without either depending on the other.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ir/policy.h"
#include "ir/source_location.h"

namespace polc::ir {

// A flow a node must keep receiving (host-lockout). `from` is one of
// "cidr:<prefix>", "cluster" (any pod or node of the cluster), "remote-node",
// "control-plane" (nodes labelled node-role.kubernetes.io/control-plane).
struct HostFlowRequirement {
  std::string name;  // "ssh", "kube-apiserver", ...
  std::string from;
  Protocol protocol = Protocol::kTcp;
  uint16_t port = 0;
  uint16_t end_port = 0;  // 0: a single port
  bool operator==(const HostFlowRequirement&) const = default;
};

// The built-in properties, in report order (names for --require and
// `verify.require`).
inline constexpr std::array<std::string_view, 4> kBuiltinProperties = {"default-deny", "dns", "apiserver",
                                                                       "host-lockout"};

struct VerifyConfig {
  // Properties to prove; empty means every built-in one
  // ("default-deny", "dns", "apiserver", "host-lockout").
  std::vector<std::string> required;
  // The namespaces of the namespace-scoped properties: when `namespaces` is
  // set (--namespace) it replaces the scope; otherwise the scope is every
  // namespace that holds a namespaced policy, plus `extra_namespaces`.
  std::vector<std::string> namespaces;
  std::vector<std::string> extra_namespaces;
  // dns: the DNS server every pod under egress enforcement must reach.
  std::string dns_namespace = "kube-system";
  std::map<std::string, std::string> dns_labels = {{"k8s-app", "kube-dns"}};
  // apiserver: namespaces whose every pod must reach kube-apiserver on one
  // of `apiserver_ports` (empty list: the property has nothing to check).
  std::vector<std::string> apiserver_namespaces;
  std::vector<uint16_t> apiserver_ports = {443, 6443};
  // host-lockout: the flows nodes need; defaults when empty (see verifier).
  std::vector<std::string> admin_cidrs;
  std::vector<HostFlowRequirement> host_flows;
  SourceLocation location;  // of the config section, for findings
  bool operator==(const VerifyConfig&) const = default;
};

}  // namespace polc::ir
