// Inventory manifests → ir::Inventory (see lower_inventory.h for the rules).
#include "compiler/lower_inventory.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "compiler/loose_reader.h"

namespace polc::compiler {
namespace {

constexpr std::string_view kMetadataNameLabel = "kubernetes.io/metadata.name";
const ir::Settings kNoSettings;  // inventory reading does not depend on the target

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

struct OwnerRef {
  std::string kind;  // may be empty when the manifest omits it
  std::string name;
};

// One Pod or workload object, before owner collapsing.
struct Record {
  ir::Endpoint endpoint;  // name/kind are the object's own
  std::optional<OwnerRef> owner;
  int object = -1;
  ir::SourceLocation namespace_location;
  bool is_pod = false;
  bool dropped = false;  // replaced by a later duplicate
};

std::string NamespaceOf(const KubeObject& object) {
  return object.meta.namespace_.empty() ? std::string("default") : object.meta.namespace_;
}

ir::SourceLocation NameLocation(const KubeObject& object) {
  return object.meta.name_location.file != ir::kNoFile ? object.meta.name_location : object.location;
}

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
    reader.Warn(reader.Get(key)->location, fmt::format("'{}' of {} is {}, outside 1-65535; polc ignores the port",
                                                       key, reader.what(), *port));
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

// The kind and name a pod or workload is shown as, following owner
// references through the ReplicaSets and Jobs of the inputs.
std::pair<ir::WorkloadKind, std::string> Representative(
    const Record& record, const std::map<std::tuple<std::string, std::string, std::string>, size_t>& by_key,
    const std::vector<Record>& records) {
  if (!record.owner) return {record.endpoint.kind, record.endpoint.name};
  const OwnerRef& owner = *record.owner;
  std::optional<ir::WorkloadKind> kind = WorkloadKindOf(owner.kind);
  if (!kind || kind == ir::WorkloadKind::kPod) return {ir::WorkloadKind::kPod, owner.name};  // unknown owner kind
  auto via = [&](std::string_view middle, std::string_view top, ir::WorkloadKind top_kind)
      -> std::optional<std::pair<ir::WorkloadKind, std::string>> {
    if (owner.kind != middle) return std::nullopt;
    auto it = by_key.find({std::string(middle), record.endpoint.namespace_, owner.name});
    if (it == by_key.end()) return std::nullopt;
    const std::optional<OwnerRef>& up = records[it->second].owner;
    if (!up || up->kind != top) return std::nullopt;
    return std::pair(top_kind, up->name);
  };
  if (auto deployment = via("ReplicaSet", "Deployment", ir::WorkloadKind::kDeployment)) return *deployment;
  if (auto cron_job = via("Job", "CronJob", ir::WorkloadKind::kCronJob)) return *cron_job;
  return {*kind, owner.name};
}

void AddUnique(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const std::string& item : from) {
    if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(item);
  }
}

struct Group {
  ir::Endpoint endpoint;
  int object = -1;
  ir::SourceLocation namespace_location;
  bool has_pod = false;
  bool has_own_object = false;  // the workload object itself is in the inputs
};

std::vector<Group> Collapse(const std::vector<Record>& records) {
  std::map<std::tuple<std::string, std::string, std::string>, size_t> by_key;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].dropped || records[i].is_pod) continue;
    by_key[{std::string(ir::WorkloadKindName(records[i].endpoint.kind)), records[i].endpoint.namespace_,
            records[i].endpoint.name}] = i;
  }
  std::vector<Group> groups;
  std::map<std::tuple<ir::WorkloadKind, std::string, std::string>, size_t> group_of;
  for (const Record& record : records) {
    if (record.dropped) continue;
    auto [kind, name] = Representative(record, by_key, records);
    auto [it, inserted] = group_of.try_emplace({kind, record.endpoint.namespace_, name}, groups.size());
    if (inserted) groups.emplace_back();
    Group& group = groups[it->second];
    bool own = !record.is_pod && record.endpoint.kind == kind && record.endpoint.name == name;
    // The first pod's facts win over a template's (they are what runs, with
    // IPs and a node); the workload object itself gives the location.
    bool take_facts = inserted || (record.is_pod && !group.has_pod);
    if (take_facts) {
      std::vector<std::string> ips = std::move(group.endpoint.ips);
      ir::SourceLocation location = group.endpoint.location;
      group.endpoint = record.endpoint;
      group.endpoint.ips = std::move(ips);
      if (!inserted && group.has_own_object) group.endpoint.location = location;
      group.object = record.object;
      group.namespace_location = record.namespace_location;
    }
    if (own) {
      group.endpoint.location = record.endpoint.location;
      group.has_own_object = true;
    }
    if (record.is_pod) {
      if (!group.has_pod) group.endpoint.pod_name = record.endpoint.pod_name;
      group.has_pod = true;
    }
    AddUnique(group.endpoint.ips, record.endpoint.ips);
    group.endpoint.kind = kind;
    group.endpoint.name = name;
  }
  return groups;
}

}  // namespace

ir::Inventory LowerInventory(const std::vector<KubeObject>& objects, ir::DiagnosticSink& sink) {
  ir::Inventory inventory;
  std::vector<Record> records;
  std::vector<ServiceSite> service_sites;
  std::vector<int> namespace_objects;
  std::vector<std::pair<int, ir::SourceLocation>> service_namespaces;  // object, namespace key
  // "the later one replaces the earlier" (kubectl apply): remember where
  // each kind/namespace/name went, to drop the earlier one.
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<int, ir::SourceLocation>> seen;
  std::set<size_t> dropped_services, dropped_nodes, dropped_namespaces;
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<char, size_t>> slot;
  for (size_t i = 0; i < objects.size(); ++i) {
    const KubeObject& object = objects[i];
    if (object.object_class != ObjectClass::kInventory) continue;
    LowerContext ctx{sink, kNoSettings, static_cast<int>(i)};
    bool namespaced = object.kind != "Namespace" && object.kind != "Node";
    // Like duplicate-policy-name: a namespaced object without
    // metadata.namespace lands wherever `kubectl -n` puts it, so two such
    // objects only clash when they are in the same file (example folders
    // often hold alternative versions of one manifest).
    std::string scope = namespaced ? NamespaceOf(object) : "";
    if (namespaced && object.meta.namespace_.empty()) scope += fmt::format("\n{}", object.location.file);
    std::tuple<std::string, std::string, std::string> key{object.kind, scope, object.meta.name};
    if (object.meta.name.empty()) {
      ctx.Report(ir::RuleId::kInventoryInvalidField, object.location,
                 fmt::format("this {} has no metadata.name; polc ignores it", object.kind),
                 "set metadata.name");
      continue;
    }
    if (auto it = seen.find(key); it != seen.end()) {
      ir::SourceLocation first = it->second.second;
      ir::SourceLocation here = NameLocation(object);
      ctx.Report(ir::RuleId::kInventoryDuplicate, here,
                 fmt::format("{} {}{} is defined twice (first {}); applied together, the later one replaces the "
                             "earlier",
                             object.kind, namespaced ? NamespaceOf(object) + "/" : "", object.meta.name,
                             first.file == here.file ? fmt::format("at line {}", first.line)
                                                     : std::string("in another input file")),
                 "remove or rename one of them");
      auto [which, index] = slot[key];
      if (which == 'r') records[index].dropped = true;
      if (which == 's') dropped_services.insert(index);
      if (which == 'n') dropped_nodes.insert(index);
      if (which == 'N') dropped_namespaces.insert(index);
    }
    seen[key] = {static_cast<int>(i), NameLocation(object)};
    if (object.kind == "Namespace") {
      slot[key] = {'N', inventory.namespaces.size()};
      inventory.namespaces.push_back(ReadNamespace(object, ctx));
      namespace_objects.push_back(static_cast<int>(i));
    } else if (object.kind == "Node") {
      slot[key] = {'n', inventory.nodes.size()};
      inventory.nodes.push_back(ReadNode(object, ctx));
    } else if (object.kind == "Service") {
      slot[key] = {'s', inventory.services.size()};
      ServiceSite site{{}, static_cast<int>(i)};
      inventory.services.push_back(ReadService(object, site, ctx));
      service_sites.push_back(site);
      service_namespaces.emplace_back(static_cast<int>(i), object.meta.namespace_location);
    } else {
      slot[key] = {'r', records.size()};
      records.push_back(ReadWorkload(object, static_cast<int>(i), ctx));
    }
  }
  // Drop replaced duplicates (indices in descending order keep the rest valid).
  auto erase = [](auto& items, const std::set<size_t>& indices, auto&... parallel) {
    for (auto it = indices.rbegin(); it != indices.rend(); ++it) {
      items.erase(items.begin() + static_cast<std::ptrdiff_t>(*it));
      (parallel.erase(parallel.begin() + static_cast<std::ptrdiff_t>(*it)), ...);
    }
  };
  erase(inventory.services, dropped_services, service_sites, service_namespaces);
  erase(inventory.nodes, dropped_nodes);
  erase(inventory.namespaces, dropped_namespaces);

  std::vector<Group> groups = Collapse(records);
  if (!inventory.namespaces.empty()) {
    // With at least one Namespace declared, the inputs claim to describe the
    // namespaces; one that is missing is probably a typo or a forgotten file.
    std::set<std::string, std::less<>> declared;
    for (const ir::Namespace& ns : inventory.namespaces) declared.insert(ns.name);
    auto check = [&](const std::string& ns, std::string_view what, int object, ir::SourceLocation ns_location,
                     ir::SourceLocation fallback) {
      if (declared.contains(ns)) return;
      sink.Report(ir::RuleId::kInventoryUndeclaredNamespace, ns_location.file != ir::kNoFile ? ns_location : fallback,
                  fmt::format("{} is in namespace '{}', which no Namespace of the inputs declares; polc assumes it "
                              "exists with only the label {}={}",
                              what, ns, kMetadataNameLabel, ns),
                  fmt::format("add a Namespace manifest for '{}', or fix the namespace", ns), object);
    };
    for (const Group& group : groups) {
      check(group.endpoint.namespace_,
            fmt::format("{}/{}[{}]", group.endpoint.namespace_, group.endpoint.name,
                        ir::WorkloadKindName(group.endpoint.kind)),
            group.object, group.namespace_location, group.endpoint.location);
    }
    for (size_t i = 0; i < inventory.services.size(); ++i) {
      const ir::InventoryService& service = inventory.services[i];
      check(service.namespace_, fmt::format("Service {}/{}", service.namespace_, service.name),
            service_namespaces[i].first, service_namespaces[i].second, service.location);
    }
  }
  for (Group& group : groups) inventory.endpoints.push_back(std::move(group.endpoint));
  CompleteNamespaces(inventory);
  CheckServiceSelectors(inventory, service_sites, sink);
  return inventory;
}

void CompleteNamespaces(ir::Inventory& inventory) {
  std::set<std::string, std::less<>> known;
  for (ir::Namespace& ns : inventory.namespaces) {
    ns.labels.emplace(std::string(kMetadataNameLabel), ns.name);
    known.insert(ns.name);
  }
  auto add = [&](const std::string& name) {
    if (name.empty() || known.contains(name)) return;
    known.insert(name);
    ir::Namespace ns;
    ns.name = name;
    ns.labels[std::string(kMetadataNameLabel)] = name;
    ns.declared = false;
    inventory.namespaces.push_back(std::move(ns));
  };
  for (const ir::Endpoint& endpoint : inventory.endpoints) add(endpoint.namespace_);
  for (const ir::InventoryService& service : inventory.services) add(service.namespace_);
  std::stable_sort(inventory.namespaces.begin(), inventory.namespaces.end(),
                   [](const ir::Namespace& a, const ir::Namespace& b) { return a.name < b.name; });
}

void CheckServiceSelectors(const ir::Inventory& inventory, const std::vector<ServiceSite>& sites,
                           ir::DiagnosticSink& sink) {
  if (inventory.endpoints.empty()) return;
  for (size_t i = 0; i < inventory.services.size(); ++i) {
    const ir::InventoryService& service = inventory.services[i];
    if (!service.selector || service.selector->empty()) continue;
    bool selects = std::any_of(inventory.endpoints.begin(), inventory.endpoints.end(), [&](const ir::Endpoint& e) {
      if (e.namespace_ != service.namespace_) return false;
      return std::all_of(service.selector->begin(), service.selector->end(), [&](const auto& kv) {
        auto it = e.labels.find(kv.first);
        return it != e.labels.end() && it->second == kv.second;
      });
    });
    if (selects) continue;
    std::string labels;
    for (const auto& [k, v] : *service.selector) labels += fmt::format("{}{}={}", labels.empty() ? "" : ",", k, v);
    ir::SourceLocation location = i < sites.size() ? sites[i].selector : service.location;
    if (location.file == ir::kNoFile) location = service.location;
    sink.Report(ir::RuleId::kInventoryServiceSelectsNothing, location,
                fmt::format("Service {}/{} selects {}, which matches no endpoint of namespace '{}'; toServices "
                            "rules naming it allow nothing",
                            service.namespace_, service.name, labels, service.namespace_),
                "fix the selector, or add the workload it should select", i < sites.size() ? sites[i].object : -1);
  }
}

}  // namespace polc::compiler
