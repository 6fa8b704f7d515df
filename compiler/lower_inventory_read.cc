// Reading one inventory manifest object loosely (see loose_reader.h).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "compiler/loose_reader.h"
#include "compiler/lower_inventory_internal.h"

namespace polc::compiler::inventory {
namespace {

// The controller owner reference (the first one when none says controller).
std::optional<OwnerRef> ReadOwner(const LooseReader& meta) {
  const YamlNode* refs = meta.List("ownerReferences");
  if (refs == nullptr) return std::nullopt;
  std::optional<OwnerRef> first;
  for (const YamlNode* item : refs->items) {
    LooseReader ref(item, "an ownerReference", meta.ctx());
    std::optional<std::string> name = ref.String("name");
    if (!name || name->empty()) continue;
    OwnerRef owner{ref.String("kind").value_or(""), *name};
    if (ref.Bool("controller").value_or(false)) return owner;
    if (!first) first = owner;
  }
  return first;
}

std::optional<ir::Protocol> ReadProtocol(const LooseReader& reader) {
  std::optional<std::string> text = reader.String("protocol");
  if (!text) return ir::Protocol::kTcp;  // the API server's default
  if (*text == "TCP") return ir::Protocol::kTcp;
  if (*text == "UDP") return ir::Protocol::kUdp;
  if (*text == "SCTP") return ir::Protocol::kSctp;
  reader.Warn(reader.Get("protocol")->location,
              fmt::format("protocol '{}' of {} is not TCP, UDP or SCTP; polc ignores the port", *text, reader.what()));
  return std::nullopt;
}

std::optional<uint16_t> ReadPortNumber(const LooseReader& reader, std::string_view key) {
  std::optional<int64_t> port = reader.Int(key);
  if (!port) return std::nullopt;
  if (*port < 1 || *port > 65535) {
    reader.Warn(reader.Get(key)->location,
                fmt::format("'{}' of {} is {}, outside 1-65535; polc ignores the port", key, reader.what(), *port));
    return std::nullopt;
  }
  return static_cast<uint16_t>(*port);
}

// A pod spec (of a Pod or of a workload's template).
void ReadPodSpec(const YamlNode* node, ir::Endpoint& endpoint, LowerContext& ctx) {
  LooseReader spec(node, "the pod spec", ctx);
  std::optional<std::string> account = spec.String("serviceAccountName");
  if (!account || account->empty()) account = spec.String("serviceAccount");  // deprecated alias
  if (account && !account->empty()) endpoint.service_account = *account;
  if (std::optional<std::string> node_name = spec.String("nodeName")) endpoint.node = *node_name;
  if (std::optional<bool> host = spec.Bool("hostNetwork")) endpoint.host_network = *host;
  const YamlNode* containers = spec.List("containers");
  if (containers == nullptr) return;
  for (const YamlNode* item : containers->items) {
    LooseReader container(item, "a container", ctx);
    const YamlNode* ports = container.List("ports");
    if (ports == nullptr) continue;
    for (const YamlNode* port_node : ports->items) {
      LooseReader port(port_node, "a container port", ctx);
      if (!port.ok()) continue;
      std::optional<uint16_t> number = ReadPortNumber(port, "containerPort");
      std::optional<ir::Protocol> protocol = ReadProtocol(port);
      if (!number || !protocol) continue;
      endpoint.ports.push_back({port.String("name").value_or(""), *number, *protocol});
    }
  }
}

// spec.template of a workload (spec.jobTemplate.spec.template of a CronJob).
void ReadTemplate(const KubeObject& object, ir::Endpoint& endpoint, LowerContext& ctx) {
  LooseReader root(object.root, "the object", ctx);
  LooseReader spec(root.Map("spec"), fmt::format("the {} spec", object.kind), ctx);
  const YamlNode* template_node = nullptr;
  if (object.kind == "CronJob") {
    LooseReader job(spec.Map("jobTemplate"), "the CronJob jobTemplate", ctx);
    LooseReader job_spec(job.Map("spec"), "the CronJob jobTemplate spec", ctx);
    template_node = job_spec.Map("template");
  } else {
    template_node = spec.Map("template");
  }
  LooseReader pod_template(template_node, "the pod template", ctx);
  LooseReader meta(pod_template.Map("metadata"), "the pod template metadata", ctx);
  endpoint.labels = meta.StringMap("labels");
  ReadPodSpec(pod_template.Map("spec"), endpoint, ctx);
}

}  // namespace

std::optional<ir::WorkloadKind> WorkloadKindOf(std::string_view kind) {
  static const std::map<std::string_view, ir::WorkloadKind> kKinds = {
      {"Pod", ir::WorkloadKind::kPod},
      {"Deployment", ir::WorkloadKind::kDeployment},
      {"ReplicaSet", ir::WorkloadKind::kReplicaSet},
      {"StatefulSet", ir::WorkloadKind::kStatefulSet},
      {"DaemonSet", ir::WorkloadKind::kDaemonSet},
      {"Job", ir::WorkloadKind::kJob},
      {"CronJob", ir::WorkloadKind::kCronJob},
      {"ReplicationController", ir::WorkloadKind::kReplicationController},
  };
  auto it = kKinds.find(kind);
  return it == kKinds.end() ? std::nullopt : std::optional(it->second);
}

std::string NamespaceOf(const KubeObject& object) {
  return object.meta.namespace_.empty() ? std::string("default") : object.meta.namespace_;
}

ir::SourceLocation NameLocation(const KubeObject& object) {
  return object.meta.name_location.file != ir::kNoFile ? object.meta.name_location : object.location;
}

Record ReadWorkload(const KubeObject& object, int index, LowerContext& ctx) {
  Record record;
  record.object = index;
  record.is_pod = object.kind == "Pod";
  record.namespace_location = object.meta.namespace_location;
  ir::Endpoint& endpoint = record.endpoint;
  endpoint.name = object.meta.name;
  endpoint.namespace_ = NamespaceOf(object);
  endpoint.kind = WorkloadKindOf(object.kind).value_or(ir::WorkloadKind::kPod);
  endpoint.location = object.location;
  LooseReader root(object.root, "the object", ctx);
  LooseReader meta(root.Map("metadata"), "metadata", ctx);
  record.owner = ReadOwner(meta);
  if (!record.is_pod) {
    ReadTemplate(object, endpoint, ctx);
    return record;
  }
  endpoint.pod_name = object.meta.name;
  endpoint.labels = meta.StringMap("labels");
  ReadPodSpec(root.Map("spec"), endpoint, ctx);
  LooseReader status(root.Map("status"), "the pod status", ctx);
  auto add_ip = [&](const std::string& ip) {
    if (!ip.empty() && std::find(endpoint.ips.begin(), endpoint.ips.end(), ip) == endpoint.ips.end()) {
      endpoint.ips.push_back(ip);
    }
  };
  if (std::optional<std::string> ip = status.String("podIP")) add_ip(*ip);
  if (const YamlNode* ips = status.List("podIPs")) {
    for (const YamlNode* item : ips->items) {
      LooseReader pod_ip(item, "a podIPs item", ctx);
      if (std::optional<std::string> ip = pod_ip.String("ip")) add_ip(*ip);
    }
  }
  return record;
}

ir::InventoryService ReadService(const KubeObject& object, ServiceSite& site, LowerContext& ctx) {
  ir::InventoryService service;
  service.name = object.meta.name;
  service.namespace_ = NamespaceOf(object);
  service.labels = object.meta.labels;
  service.location = object.location;
  LooseReader root(object.root, "the object", ctx);
  LooseReader spec(root.Map("spec"), "the Service spec", ctx);
  site.selector = spec.Get("selector") != nullptr ? spec.KeyLocation("selector") : object.location;
  // The API server stores `selector: {}` as no selector (omitempty), and a
  // Service without a selector gets no endpoints from its controller.
  std::map<std::string, std::string> selector = spec.StringMap("selector");
  if (!selector.empty()) service.selector = std::move(selector);
  if (const YamlNode* ports = spec.List("ports")) {
    for (const YamlNode* item : ports->items) {
      LooseReader port(item, "a Service port", ctx);
      if (!port.ok()) continue;
      std::optional<uint16_t> number = ReadPortNumber(port, "port");
      std::optional<ir::Protocol> protocol = ReadProtocol(port);
      if (!number || !protocol) continue;
      ir::ServicePort out{port.String("name").value_or(""), *number, "", *protocol};
      if (const YamlNode* target = port.Get("targetPort")) {
        if (target->IsScalar()) {
          out.target_port = target->scalar;  // int-or-string: a number or a container port name
        } else {
          port.Warn(target->location, fmt::format("'targetPort' of a Service port is {}, not a number or a port "
                                                  "name; polc uses the service port",
                                                  target->TypeName()));
        }
      }
      service.ports.push_back(std::move(out));
    }
  }
  auto add_ip = [&](const std::string& ip) {
    if (!ip.empty() && ip != "None" &&
        std::find(service.cluster_ips.begin(), service.cluster_ips.end(), ip) == service.cluster_ips.end()) {
      service.cluster_ips.push_back(ip);
    }
  };
  if (std::optional<std::string> ip = spec.String("clusterIP")) add_ip(*ip);
  for (const std::string& ip : spec.StringList("clusterIPs")) add_ip(ip);
  return service;
}

ir::Node ReadNode(const KubeObject& object, LowerContext& ctx) {
  ir::Node node;
  node.name = object.meta.name;
  node.location = object.location;
  LooseReader root(object.root, "the object", ctx);
  LooseReader meta(root.Map("metadata"), "metadata", ctx);
  node.labels = meta.StringMap("labels");
  LooseReader status(root.Map("status"), "the Node status", ctx);
  if (const YamlNode* addresses = status.List("addresses")) {
    for (const YamlNode* item : addresses->items) {
      LooseReader address(item, "a Node address", ctx);
      std::optional<std::string> type = address.String("type");
      std::optional<std::string> ip = address.String("address");
      if (type && ip && (*type == "InternalIP" || *type == "ExternalIP")) node.ips.push_back(*ip);
    }
  }
  return node;
}

ir::Namespace ReadNamespace(const KubeObject& object, LowerContext& ctx) {
  ir::Namespace ns;
  ns.name = object.meta.name;
  ns.location = object.location;
  LooseReader root(object.root, "the object", ctx);
  LooseReader meta(root.Map("metadata"), "metadata", ctx);
  ns.labels = meta.StringMap("labels");
  ns.labels[std::string(kMetadataNameLabel)] = ns.name;  // set by the API server
  return ns;
}

}  // namespace polc::compiler::inventory
