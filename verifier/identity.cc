#include "verifier/identity.h"

#include <algorithm>
#include <array>

namespace polc::verifier {
namespace {

const ir::Namespace* FindNamespace(const ir::Inventory& inventory, std::string_view name) {
  for (const auto& ns : inventory.namespaces) {
    if (ns.name == name) return &ns;
  }
  return nullptr;
}

const ir::Node* FindNode(const ir::Inventory& inventory, std::string_view name) {
  for (const auto& node : inventory.nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

const ir::Endpoint* FindEndpoint(const ir::Inventory& inventory, std::string_view namespace_, std::string_view name) {
  for (const auto& endpoint : inventory.endpoints) {
    std::string_view ns = endpoint.namespace_.empty() ? std::string_view("default") : endpoint.namespace_;
    if (ns == namespace_ && (endpoint.name == name || (!endpoint.pod_name.empty() && endpoint.pod_name == name))) {
      return &endpoint;
    }
  }
  return nullptr;
}

bool SameAddress(std::string_view text, const IpAddress& ip) {
  auto parsed = ParseIpAddress(text);
  return parsed && *parsed == ip;
}

void AddNodeLabels(Identity& identity, const ir::Node* node, const ir::Settings& settings) {
  identity.Add("k8s", std::string(kClusterLabel), settings.cluster_name);
  if (node == nullptr) return;
  identity.node = node->name;
  for (const auto& [key, value] : node->labels) identity.Add("k8s", key, value);
}

// A node as seen from a side running on `other_node`: host when it is that
// node, else remote-node (policy-test-format.md, peers table).
Identity NodeAsSeen(const ir::Node* node, std::string_view other_node, const ir::Inventory& inventory,
                    const ir::Settings& settings) {
  if (node != nullptr && !other_node.empty() && node->name != other_node) {
    return RemoteNodeIdentity(node, inventory, settings);
  }
  return HostIdentity(node, inventory, settings);
}

}  // namespace

bool Identity::HasLabel(std::string_view source, std::string_view key) const {
  return std::any_of(labels.begin(), labels.end(),
                     [&](const IdentityLabel& l) { return l.source == source && l.key == key; });
}

void Identity::Add(std::string source, std::string key, std::string value) {
  IdentityLabel label{std::move(source), std::move(key), std::move(value)};
  auto it = std::lower_bound(labels.begin(), labels.end(), label);
  if (it == labels.end() || !(*it == label)) labels.insert(it, std::move(label));
}

std::string Identity::ToString() const {
  std::string out;
  for (const auto& label : labels) {
    if (!out.empty()) out += ",";
    out += label.source + ":" + label.key;
    if (!label.value.empty()) out += "=" + label.value;
  }
  return out;
}

// 2.1: pod labels, namespace, namespace labels, service account and cluster,
// all with source k8s.
Identity PodIdentity(const std::map<std::string, std::string>& labels, std::string_view namespace_,
                     std::string_view service_account, const ir::Inventory& inventory, const ir::Settings& settings) {
  Identity identity;
  identity.kind = IdentityKind::kEndpoint;
  for (const auto& [key, value] : labels) identity.Add("k8s", key, value);
  identity.Add("k8s", std::string(kPodNamespaceLabel), std::string(namespace_));
  // An undeclared namespace exists with kubernetes.io/metadata.name only.
  identity.Add("k8s", std::string(kNamespaceLabelsPrefix) + "kubernetes.io/metadata.name", std::string(namespace_));
  if (const ir::Namespace* ns = FindNamespace(inventory, namespace_)) {
    for (const auto& [key, value] : ns->labels) identity.Add("k8s", std::string(kNamespaceLabelsPrefix) + key, value);
  }
  identity.Add("k8s", std::string(kServiceAccountLabel),
               service_account.empty() ? std::string("default") : std::string(service_account));
  // A labels peer may name another cluster explicitly (clustermesh).
  if (!labels.contains(std::string(kClusterLabel))) identity.Add("k8s", std::string(kClusterLabel), settings.cluster_name);
  return identity;
}

// 5.1: identity 1 carries reserved:kube-apiserver too when the apiserver runs
// on this node.
Identity HostIdentity(const ir::Node* node, const ir::Inventory& inventory, const ir::Settings& settings) {
  Identity identity;
  identity.kind = IdentityKind::kHost;
  identity.Add("reserved", "host");
  AddNodeLabels(identity, node, settings);
  if (node != nullptr) {
    for (const auto& api : inventory.kube_apiserver_ips) {
      for (const auto& ip : node->ips) {
        if (auto a = ParseIpAddress(api); a && SameAddress(ip, *a)) identity.Add("reserved", "kube-apiserver");
      }
    }
  }
  identity.description = node != nullptr ? "host (node " + node->name + ")" : "host";
  return identity;
}

// 5.1/5.2: identity 6; node labels only with --enable-node-selector-labels;
// an apiserver on that node makes it identity 7 {kube-apiserver, remote-node}.
Identity RemoteNodeIdentity(const ir::Node* node, const ir::Inventory& inventory, const ir::Settings& settings) {
  Identity identity;
  identity.kind = IdentityKind::kRemoteNode;
  identity.Add("reserved", "remote-node");
  identity.Add("k8s", std::string(kClusterLabel), settings.cluster_name);
  if (node != nullptr) {
    identity.node = node->name;
    if (settings.enable_node_selector_labels) AddNodeLabels(identity, node, settings);
    for (const auto& api : inventory.kube_apiserver_ips) {
      for (const auto& ip : node->ips) {
        if (auto a = ParseIpAddress(api); a && SameAddress(ip, *a)) identity.Add("reserved", "kube-apiserver");
      }
    }
  }
  identity.description = node != nullptr ? "remote-node (node " + node->name + ")" : "remote-node";
  return identity;
}

// 5.2: the reserved identities an `entity:` peer can name.
std::optional<Identity> ReservedIdentity(std::string_view entity) {
  static constexpr std::array<std::string_view, 5> kPlain = {"health", "init", "ingress", "unmanaged", "world"};
  Identity identity;
  identity.kind = IdentityKind::kReserved;
  identity.description = "reserved:" + std::string(entity);
  if (entity == "kube-apiserver") {  // identity 7
    identity.kind = IdentityKind::kRemoteNode;
    identity.Add("reserved", "kube-apiserver");
    identity.Add("reserved", "remote-node");
    return identity;
  }
  if (entity == "world") return WorldIdentity(std::nullopt, "reserved:world");
  if (std::find(kPlain.begin(), kPlain.end(), entity) == kPlain.end()) return std::nullopt;
  identity.Add("reserved", std::string(entity));
  return identity;
}

// 5.1/5.2: world (2, or 9/10 per family); CIDR identities also carry the
// world label.
Identity WorldIdentity(std::optional<IpAddress> ip, std::string description) {
  Identity identity;
  identity.kind = IdentityKind::kWorld;
  identity.Add("reserved", "world");
  if (ip) identity.Add("reserved", ip->v6 ? "world-ipv6" : "world-ipv4");
  identity.ip = ip;
  identity.description = std::move(description);
  return identity;
}

std::string PeerNode(const ir::FlowPeer& peer, const ir::Inventory& inventory) {
  if (const auto* e = std::get_if<ir::EndpointPeer>(&peer)) {
    const ir::Endpoint* endpoint = FindEndpoint(inventory, e->namespace_, e->name);
    return endpoint != nullptr ? endpoint->node : "";
  }
  if (const auto* n = std::get_if<ir::NodePeer>(&peer)) return n->name;
  if (const auto* ip = std::get_if<ir::IpPeer>(&peer)) {
    auto addr = ParseIpAddress(ip->address);
    if (!addr) return "";
    for (const auto& endpoint : inventory.endpoints) {
      for (const auto& text : endpoint.ips) {
        if (SameAddress(text, *addr)) return endpoint.node;
      }
    }
    for (const auto& node : inventory.nodes) {
      for (const auto& text : node.ips) {
        if (SameAddress(text, *addr)) return node.name;
      }
    }
  }
  return "";
}

namespace {

ResolvedPeer ResolveEndpoint(const ir::Endpoint& endpoint, std::string_view other_node, const ir::Inventory& inventory,
                             const ir::Settings& settings) {
  ResolvedPeer out;
  std::string ns = endpoint.namespace_.empty() ? "default" : endpoint.namespace_;
  std::string description = "endpoint " + ns + "/" + endpoint.name;
  // 5.1: hostNetwork pods have the host identity. The upstream
  // specification leaves them undefined and netpol-analyzer treats them as
  // ordinary pods, which Semantics::kKubernetes follows.
  if (endpoint.host_network && settings.semantics == ir::Semantics::kCilium) {
    const ir::Node* node = FindNode(inventory, endpoint.node);
    out.self = HostIdentity(node, inventory, settings);
    out.seen = NodeAsSeen(node, other_node, inventory, settings);
    if (node == nullptr && !endpoint.node.empty() && !other_node.empty() && endpoint.node != other_node) {
      out.seen = RemoteNodeIdentity(nullptr, inventory, settings);
    }
    out.self.endpoint = &endpoint;  // its container ports are host ports, named ports still resolve
    out.self.description = description + " (hostNetwork: " + out.self.description + ")";
    out.seen.description = description + " (hostNetwork: " + out.seen.description + ")";
    out.applies = true;
    return out;
  }
  out.self = PodIdentity(endpoint.labels, ns, endpoint.service_account, inventory, settings);
  out.self.endpoint = &endpoint;
  out.self.node = endpoint.node;
  out.self.description = description;
  out.seen = out.self;
  out.applies = true;
  return out;
}

}  // namespace

ResolvedPeer ResolveEndpointPeer(const ir::Endpoint& endpoint, std::string_view other_node,
                                 const ir::Inventory& inventory, const ir::Settings& settings) {
  return ResolveEndpoint(endpoint, other_node, inventory, settings);
}

ResolvedPeer ResolvePeer(const ir::FlowPeer& peer, std::string_view other_node, const ir::Inventory& inventory,
                         const ir::Settings& settings) {
  ResolvedPeer out;
  if (const auto* e = std::get_if<ir::EndpointPeer>(&peer)) {
    const ir::Endpoint* endpoint = FindEndpoint(inventory, e->namespace_, e->name);
    if (endpoint == nullptr) {
      out.error = "unknown endpoint " + e->namespace_ + "/" + e->name + ": it is not in the inventory";
      return out;
    }
    return ResolveEndpoint(*endpoint, other_node, inventory, settings);
  }
  if (const auto* l = std::get_if<ir::LabelsPeer>(&peer)) {
    std::string ns = l->namespace_.empty() ? "default" : l->namespace_;
    out.self = PodIdentity(l->labels, ns, l->service_account, inventory, settings);
    out.self.description = "pod with labels in namespace " + ns;
    out.seen = out.self;
    out.applies = true;
    return out;
  }
  if (const auto* n = std::get_if<ir::NodePeer>(&peer)) {
    const ir::Node* node = FindNode(inventory, n->name);
    if (node == nullptr) {
      out.error = "unknown node " + n->name + ": it is not in the inventory";
      return out;
    }
    out.self = HostIdentity(node, inventory, settings);
    out.seen = NodeAsSeen(node, other_node, inventory, settings);
    out.applies = true;
    return out;
  }
  if (const auto* entity = std::get_if<ir::EntityPeer>(&peer)) {
    if (entity->name == "host") {  // the other side's own node
      const ir::Node* node = FindNode(inventory, other_node);
      out.self = HostIdentity(node, inventory, settings);
      out.seen = out.self;
      out.applies = true;
      return out;
    }
    if (entity->name == "remote-node") {
      out.seen = RemoteNodeIdentity(nullptr, inventory, settings);
      out.self = out.seen;
      return out;  // another node's host policy is unknown: applies = false
    }
    auto identity = ReservedIdentity(entity->name);
    if (!identity) {
      out.error = "unknown entity " + entity->name;
      return out;
    }
    out.seen = *identity;
    out.self = *identity;
    // health and init are managed endpoints with policies; world, ingress,
    // unmanaged and kube-apiserver have none of their own here.
    out.applies = entity->name == "health" || entity->name == "init";
    return out;
  }
  if (const auto* ip = std::get_if<ir::IpPeer>(&peer)) {
    auto addr = ParseIpAddress(ip->address);
    if (!addr) {
      out.error = "bad IP address " + ip->address;
      return out;
    }
    // 2.4/6.7: an address the cluster knows keeps that identity.
    for (const auto& endpoint : inventory.endpoints) {
      for (const auto& text : endpoint.ips) {
        if (SameAddress(text, *addr)) return ResolveEndpoint(endpoint, other_node, inventory, settings);
      }
    }
    for (const auto& node : inventory.nodes) {
      for (const auto& text : node.ips) {
        if (SameAddress(text, *addr)) {
          out.self = HostIdentity(&node, inventory, settings);
          out.seen = NodeAsSeen(&node, other_node, inventory, settings);
          out.applies = true;
          return out;
        }
      }
    }
    // A Service's cluster IP is translated to a backend before policy applies.
    for (const auto& svc : inventory.services) {
      bool is_cluster_ip = std::any_of(svc.cluster_ips.begin(), svc.cluster_ips.end(),
                                       [&](const std::string& text) { return SameAddress(text, *addr); });
      if (!is_cluster_ip || !svc.selector) continue;
      std::string svc_ns = svc.namespace_.empty() ? "default" : svc.namespace_;
      for (const auto& endpoint : inventory.endpoints) {
        std::string ns = endpoint.namespace_.empty() ? "default" : endpoint.namespace_;
        bool selected = ns == svc_ns && std::all_of(svc.selector->begin(), svc.selector->end(), [&](const auto& kv) {
                          auto it = endpoint.labels.find(kv.first);
                          return it != endpoint.labels.end() && it->second == kv.second;
                        });
        if (!selected) continue;
        ResolvedPeer backend = ResolveEndpoint(endpoint, other_node, inventory, settings);
        backend.warnings.push_back(ip->address + " is the cluster IP of Service " + svc_ns + "/" + svc.name +
                                   "; evaluated as its backend " + ns + "/" + endpoint.name);
        return backend;
      }
    }
    for (const auto& api : inventory.kube_apiserver_ips) {
      if (SameAddress(api, *addr)) {
        out.seen = *ReservedIdentity("kube-apiserver");
        out.self = out.seen;
        return out;
      }
    }
    out.seen = WorldIdentity(addr, "ip " + ip->address + " (world)");
    for (const auto& record : inventory.dns) {
      for (const auto& text : record.ips) {
        if (SameAddress(text, *addr)) out.seen.fqdns.push_back(record.name);
      }
    }
    out.self = out.seen;
    return out;
  }
  const auto& fqdn = std::get<ir::FqdnPeer>(peer);
  std::optional<IpAddress> addr;
  bool known = false;
  for (const auto& record : inventory.dns) {
    if (record.name == fqdn.name || record.name + "." == fqdn.name || record.name == fqdn.name + ".") {
      known = true;
      if (!record.ips.empty()) addr = ParseIpAddress(record.ips.front());
    }
  }
  out.seen = WorldIdentity(addr, "fqdn " + fqdn.name + " (world)");
  out.seen.fqdns.push_back(fqdn.name);
  out.self = out.seen;
  if (!known) out.warnings.push_back("fqdn " + fqdn.name + " has no address in inventory.dns; only toFQDNs and world match it");
  return out;
}

}  // namespace polc::verifier
