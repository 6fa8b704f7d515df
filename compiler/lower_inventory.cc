// Inventory manifests → ir::Inventory (see lower_inventory.h for the rules).
#include "compiler/lower_inventory.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "compiler/lower_inventory_internal.h"

namespace polc::compiler {
namespace {

using inventory::kMetadataNameLabel;
using inventory::NameLocation;
using inventory::NamespaceOf;
using inventory::OwnerRef;
using inventory::ReadNamespace;
using inventory::ReadNode;
using inventory::ReadService;
using inventory::ReadWorkload;
using inventory::Record;
using inventory::WorkloadKindOf;

const ir::Settings kNoSettings;  // inventory reading does not depend on the target

// The loader classifies by kind; a Knative `Service` (serving.knative.dev)
// or a CRD that happens to be called `Node` is not what these readers expect,
// so only the Kubernetes API groups of each kind are read.
bool IsKubernetesKind(const KubeObject& object) {
  std::string_view version = object.api_version;
  size_t slash = version.find('/');
  std::string_view group = slash == std::string_view::npos ? std::string_view() : version.substr(0, slash);
  std::string_view kind = object.kind;
  if (kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet" || kind == "DaemonSet") {
    return group == "apps" || group == "extensions";  // extensions/v1beta1 in old dumps
  }
  if (kind == "Job" || kind == "CronJob") return group == "batch";
  return group.empty();  // core v1: Namespace, Pod, Service, Node, ReplicationController
}

// The kind and name a pod or workload is shown as, following owner
// references through the ReplicaSets and Jobs of the inputs.
std::pair<ir::WorkloadKind, std::string> Representative(
    const Record& record, const std::map<std::tuple<std::string, std::string, std::string>, size_t>& by_key,
    const std::vector<Record>& records) {
  if (!record.owner) return {record.endpoint.kind, record.endpoint.name};
  const OwnerRef& owner = *record.owner;
  // A static pod's mirror is owned by its Node; it stays itself, as in
  // netpol-analyzer (conformance case minikube_resources).
  if (owner.kind == "Node") return {record.endpoint.kind, record.endpoint.name};
  std::optional<ir::WorkloadKind> kind = WorkloadKindOf(owner.kind);
  if (!kind || kind == ir::WorkloadKind::kPod) return {ir::WorkloadKind::kPod, owner.name};  // unknown owner kind
  auto via = [&](std::string_view middle, std::string_view top,
                 ir::WorkloadKind top_kind) -> std::optional<std::pair<ir::WorkloadKind, std::string>> {
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
    if (object.object_class != ObjectClass::kInventory || !IsKubernetesKind(object)) continue;
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
                 fmt::format("this {} has no metadata.name; polc ignores it", object.kind), "set metadata.name");
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
