// spec.inventory of a PolicyTest (policy-test-format.md), read strictly with
// FieldReader like the rest of the PolicyTest.
#include <fmt/format.h>

#include <map>
#include <set>

#include "compiler/k8s_validation.h"
#include "compiler/lower_inventory.h"
#include "compiler/lower_policy_test.h"

namespace polc::compiler {
namespace {

// Walks a list field, giving each item to `lower`.
template <typename F>
void ForEachItem(const FieldReader& reader, std::string_view key, F lower) {
  const YamlNode* list = reader.List(key);
  if (list == nullptr) return;
  for (const YamlNode* item : list->items) lower(*item);
}

bool IsIp(std::string_view text) {
  if (text.find('/') != std::string_view::npos) return false;
  std::string prefix = fmt::format("{}/{}", text, text.find(':') != std::string_view::npos ? 128 : 32);
  return k8s::ParseCidr(prefix).has_value();
}

std::vector<std::string> LowerIps(const FieldReader& reader, std::string_view key) {
  std::vector<std::string> out;
  const YamlNode* list = reader.List(key);
  if (list == nullptr) return out;
  for (const YamlNode* item : list->items) {
    std::optional<std::string> ip = ScalarString(*item, fmt::format("an item of '{}'", key), reader.ctx());
    if (!ip) continue;
    if (!IsIp(*ip)) {
      reader.ctx().Report(ir::RuleId::kInvalidValue, item->location, fmt::format("'{}' is not an IP address", *ip),
                          "write one address such as 10.0.0.1 or 2001:db8::1 (no prefix length)");
      continue;
    }
    out.push_back(*ip);
  }
  return out;
}

std::optional<uint16_t> LowerPortNumber(const FieldReader& reader, std::string_view key) {
  std::optional<int64_t> port = reader.Int(key);
  if (!port) return std::nullopt;
  if (*port < 1 || *port > 65535) {
    reader.ctx().Report(ir::RuleId::kInvalidValue, reader.Get(key)->location,
                        fmt::format("'{}' {} is outside 1-65535", key, *port));
    return std::nullopt;
  }
  return static_cast<uint16_t>(*port);
}

std::optional<ir::Protocol> LowerProtocol(const FieldReader& reader) {
  std::optional<std::string> text = reader.String("protocol");
  if (!text) return ir::Protocol::kTcp;
  if (*text == "TCP") return ir::Protocol::kTcp;
  if (*text == "UDP") return ir::Protocol::kUdp;
  if (*text == "SCTP") return ir::Protocol::kSctp;
  reader.ctx().Report(ir::RuleId::kInvalidValue, reader.Get("protocol")->location,
                      fmt::format("port protocol '{}' is not TCP, UDP or SCTP", *text));
  return std::nullopt;
}

std::optional<ir::Namespace> LowerNamespace(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "an inventory namespace", {"name", "labels"}, ctx);
  if (!reader.ok() || !reader.Require("name")) return std::nullopt;
  ir::Namespace ns;
  ns.name = reader.String("name").value_or("");
  ns.labels = reader.StringMap("labels").value_or(std::map<std::string, std::string>{});
  ns.location = node.location;
  return ns;
}

std::optional<ir::Node> LowerNode(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "an inventory node", {"name", "labels", "ips"}, ctx);
  if (!reader.ok() || !reader.Require("name")) return std::nullopt;
  ir::Node out;
  out.name = reader.String("name").value_or("");
  out.labels = reader.StringMap("labels").value_or(std::map<std::string, std::string>{});
  out.ips = LowerIps(reader, "ips");
  out.location = node.location;
  return out;
}

std::optional<ir::Endpoint> LowerEndpoint(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "an inventory endpoint",
                     {"name", "namespace", "labels", "serviceAccount", "node", "ips", "ports", "hostNetwork"}, ctx);
  if (!reader.ok() || !reader.Require("name")) return std::nullopt;
  ir::Endpoint endpoint;
  endpoint.kind = ir::WorkloadKind::kTestEndpoint;
  endpoint.name = reader.String("name").value_or("");
  endpoint.namespace_ = reader.String("namespace").value_or("default");
  endpoint.labels = reader.StringMap("labels").value_or(std::map<std::string, std::string>{});
  if (std::optional<std::string> account = reader.String("serviceAccount")) endpoint.service_account = *account;
  endpoint.node = reader.String("node").value_or("");
  endpoint.ips = LowerIps(reader, "ips");
  endpoint.host_network = reader.Bool("hostNetwork").value_or(false);
  endpoint.location = node.location;
  ForEachItem(reader, "ports", [&](const YamlNode& item) {
    FieldReader port(item, "an endpoint port", {"name", "port", "protocol"}, ctx);
    if (!port.ok() || !port.Require("port")) return;
    std::optional<uint16_t> number = LowerPortNumber(port, "port");
    std::optional<ir::Protocol> protocol = LowerProtocol(port);
    if (number && protocol) endpoint.ports.push_back({port.String("name").value_or(""), *number, *protocol});
  });
  return endpoint;
}

std::optional<ir::InventoryService> LowerService(const YamlNode& node, ServiceSite& site, LowerContext& ctx) {
  // labels/clusterIPs/endpointIPs go beyond the format's example: they give a
  // Service its labels (toServices k8sServiceSelector) and addresses
  // (toServices of a selector-less Service needs its backends).
  FieldReader reader(node, "an inventory service",
                     {"name", "namespace", "labels", "selector", "ports", "clusterIPs", "endpointIPs"}, ctx);
  if (!reader.ok() || !reader.Require("name")) return std::nullopt;
  ir::InventoryService service;
  service.name = reader.String("name").value_or("");
  service.namespace_ = reader.String("namespace").value_or("default");
  service.labels = reader.StringMap("labels").value_or(std::map<std::string, std::string>{});
  service.location = node.location;
  site.selector = reader.Has("selector") ? reader.KeyLocation("selector") : node.location;
  if (std::optional<std::map<std::string, std::string>> selector = reader.StringMap("selector")) {
    if (!selector->empty()) service.selector = std::move(*selector);
  }
  ForEachItem(reader, "ports", [&](const YamlNode& item) {
    FieldReader port(item, "a service port", {"name", "port", "targetPort", "protocol"}, ctx);
    if (!port.ok() || !port.Require("port")) return;
    std::optional<uint16_t> number = LowerPortNumber(port, "port");
    std::optional<ir::Protocol> protocol = LowerProtocol(port);
    if (!number || !protocol) return;
    ir::ServicePort out{port.String("name").value_or(""), *number, "", *protocol};
    if (const YamlNode* target = port.Get("targetPort")) {
      if (target->IsScalar()) {
        out.target_port = target->scalar;
      } else {
        ctx.Report(ir::RuleId::kWrongType, target->location,
                   fmt::format("'targetPort' must be a number or a port name, not {}", target->TypeName()));
      }
    }
    service.ports.push_back(std::move(out));
  });
  service.cluster_ips = LowerIps(reader, "clusterIPs");
  service.endpoint_ips = LowerIps(reader, "endpointIPs");
  return service;
}

// Reports the second of two items with the same key.
class DuplicateCheck {
 public:
  DuplicateCheck(std::string_view what, LowerContext& ctx) : what_(what), ctx_(ctx) {}
  bool Add(const std::string& key, ir::SourceLocation location) {
    auto [it, inserted] = seen_.emplace(key, location);
    if (inserted) return true;
    ctx_.Report(ir::RuleId::kInventoryDuplicate, location,
                fmt::format("{} {} is listed twice in this inventory (first at line {}); polc keeps the first", what_,
                            key, it->second.line),
                "remove or rename one of them");
    return false;
  }

 private:
  std::string what_;
  LowerContext& ctx_;
  std::map<std::string, ir::SourceLocation> seen_;
};

}  // namespace

ir::Inventory LowerInlineInventory(const YamlNode& node, LowerContext& ctx) {
  ir::Inventory inventory;
  FieldReader reader(node, "the PolicyTest inventory",
                     {"namespaces", "nodes", "endpoints", "services", "kubeAPIServer", "dns"}, ctx);
  if (!reader.ok()) return inventory;
  DuplicateCheck namespaces("namespace", ctx), nodes("node", ctx), endpoints("endpoint", ctx), services("service", ctx);
  ForEachItem(reader, "namespaces", [&](const YamlNode& item) {
    std::optional<ir::Namespace> ns = LowerNamespace(item, ctx);
    if (ns && namespaces.Add(ns->name, ns->location)) inventory.namespaces.push_back(std::move(*ns));
  });
  ForEachItem(reader, "nodes", [&](const YamlNode& item) {
    std::optional<ir::Node> out = LowerNode(item, ctx);
    if (out && nodes.Add(out->name, out->location)) inventory.nodes.push_back(std::move(*out));
  });
  ForEachItem(reader, "endpoints", [&](const YamlNode& item) {
    std::optional<ir::Endpoint> endpoint = LowerEndpoint(item, ctx);
    if (endpoint && endpoints.Add(endpoint->namespace_ + "/" + endpoint->name, endpoint->location)) {
      inventory.endpoints.push_back(std::move(*endpoint));
    }
  });
  std::vector<ServiceSite> sites;
  ForEachItem(reader, "services", [&](const YamlNode& item) {
    ServiceSite site{{}, ctx.object};
    std::optional<ir::InventoryService> service = LowerService(item, site, ctx);
    if (service && services.Add(service->namespace_ + "/" + service->name, service->location)) {
      inventory.services.push_back(std::move(*service));
      sites.push_back(site);
    }
  });
  if (const YamlNode* api_server = reader.Get("kubeAPIServer")) {
    FieldReader api(*api_server, "'kubeAPIServer'", {"ips"}, ctx);
    if (api.ok()) inventory.kube_apiserver_ips = LowerIps(api, "ips");
  }
  ForEachItem(reader, "dns", [&](const YamlNode& item) {
    FieldReader record(item, "a dns record", {"name", "ips"}, ctx);
    if (!record.ok() || !record.Require("name")) return;
    inventory.dns.push_back({record.String("name").value_or(""), LowerIps(record, "ips"), item.location});
  });
  CheckServiceSelectors(inventory, sites, ctx.sink);
  return inventory;
}

}  // namespace polc::compiler
