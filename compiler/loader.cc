#include "compiler/loader.h"

#include <set>

#include <fmt/format.h>

#include "compiler/lower.h"
#include "compiler/lower_inventory.h"
#include "compiler/lower_policy_test.h"
#include "compiler/lower_property_set.h"

namespace polc::compiler {
namespace {

const std::set<std::string, std::less<>> kInventoryKinds = {
    "Namespace", "Pod",     "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
    "Job",       "CronJob", "ReplicationController",    "Service",     "Node"};

std::string_view ApiGroup(std::string_view api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

ObjectClass Classify(std::string_view api_version, std::string_view kind) {
  if (kind == "CiliumNetworkPolicy" || kind == "CiliumClusterwideNetworkPolicy") return ObjectClass::kPolicy;
  if (kind == "NetworkPolicy" && ApiGroup(api_version) == "networking.k8s.io") return ObjectClass::kPolicy;
  if (kind == "CiliumCIDRGroup") return ObjectClass::kCidrGroup;
  if (kind == "PolicyTest" && ApiGroup(api_version) == "polc.io") return ObjectClass::kPolicyTest;
  if (kind == "PropertySet" && ApiGroup(api_version) == "polc.io") return ObjectClass::kPropertySet;
  if (kInventoryKinds.count(kind)) return ObjectClass::kInventory;
  return ObjectClass::kOther;
}

std::string ScalarOr(const YamlNode* node) {
  return node != nullptr && node->IsScalar() ? node->scalar : std::string();
}

std::map<std::string, std::string> StringMapOf(const YamlNode* node) {
  std::map<std::string, std::string> out;
  if (node == nullptr || !node->IsMapping()) return out;
  for (const auto& [k, v] : node->entries) {
    if (k->IsScalar() && v->IsScalar()) out[k->scalar] = v->scalar;
  }
  return out;
}

// `implied_*` come from a typed list (NamespaceList, PodList, ...) whose
// items may omit apiVersion and kind, as `kubectl get -o yaml` writes them.
void AddObject(const YamlNode& root, std::vector<KubeObject>& objects, ir::DiagnosticSink& sink, int list_depth,
               const YamlNode* implied_api_version = nullptr, std::string_view implied_kind = {}) {
  if (!root.IsMapping()) {
    sink.Report(ir::RuleId::kNotKubernetesObject, root.location,
                fmt::format("skipping a document that is {} rather than a Kubernetes object", root.TypeName()));
    return;
  }
  const YamlNode* api_version = root.Find("apiVersion");
  const YamlNode* kind = root.Find("kind");
  if (api_version == nullptr) api_version = implied_api_version;
  std::string kind_name = kind != nullptr && kind->IsScalar() ? kind->scalar : std::string(implied_kind);
  if (api_version == nullptr || kind_name.empty() || !api_version->IsScalar()) {
    sink.Report(ir::RuleId::kNotKubernetesObject, root.location,
                "skipping a document without apiVersion and kind; it is not a Kubernetes object");
    return;
  }
  const YamlNode* items = root.Find("items");
  if (kind_name.ends_with("List") && items != nullptr && list_depth < 4) {
    std::string_view item_kind = kind_name == "List" ? std::string_view() : std::string_view(kind_name).substr(0, kind_name.size() - 4);
    if (items->IsSequence()) {
      for (const YamlNode* item : items->items) AddObject(*item, objects, sink, list_depth + 1, api_version, item_kind);
    }
    return;
  }
  KubeObject object;
  object.api_version = api_version->scalar;
  object.kind = kind_name;
  object.object_class = Classify(object.api_version, object.kind);
  object.root = &root;
  object.location = root.location;
  object.meta.location = root.location;
  if (const YamlNode* metadata = root.Find("metadata"); metadata != nullptr && metadata->IsMapping()) {
    const YamlNode* name = metadata->Find("name");
    const YamlNode* ns = metadata->Find("namespace");
    object.meta.name = ScalarOr(name);
    object.meta.namespace_ = ScalarOr(ns);
    if (name != nullptr) object.meta.name_location = name->location;
    if (ns != nullptr) object.meta.namespace_location = ns->location;
    object.meta.labels = StringMapOf(metadata->Find("labels"));
    object.meta.annotations = StringMapOf(metadata->Find("annotations"));
    if (const YamlNode* annotations = metadata->Find("annotations"); annotations != nullptr) {
      for (const auto& [k, v] : annotations->entries) {
        if (k->IsScalar()) object.meta.annotation_locations[k->scalar] = k->location;
      }
    }
  }
  objects.push_back(std::move(object));
}

}  // namespace

void ClassifyDocuments(const YamlFile& file, std::vector<KubeObject>& objects, ir::DiagnosticSink& sink) {
  for (const YamlDocument& document : file.documents) {
    if (document.root == nullptr || document.root->IsNull()) continue;  // empty document, e.g. a trailing ---
    AddObject(*document.root, objects, sink, 0);
  }
}

void LowerObjects(LoadResult& result, const ir::Settings& settings) {
  for (size_t i = 0; i < result.objects.size(); ++i) {
    const KubeObject& object = result.objects[i];
    LowerContext ctx{result.sink, settings, static_cast<int>(i)};
    switch (object.object_class) {
      case ObjectClass::kPolicy: {
        ir::Policy policy = object.kind == "NetworkPolicy" ? LowerNetworkPolicy(object, ctx)
                                                           : LowerCiliumPolicy(object, ctx);
        policy.object = static_cast<int>(i);
        result.policies.policies.push_back(std::move(policy));
        break;
      }
      case ObjectClass::kCidrGroup: {
        ir::CidrGroup group = LowerCidrGroup(object, ctx);
        group.object = static_cast<int>(i);
        result.policies.cidr_groups.push_back(std::move(group));
        break;
      }
      case ObjectClass::kPolicyTest: {
        ir::PolicyTest test = LowerPolicyTest(object, ctx);
        test.object = static_cast<int>(i);
        result.tests.push_back(std::move(test));
        break;
      }
      case ObjectClass::kPropertySet: {
        ir::PropertySet set = LowerPropertySet(object, ctx);
        set.object = static_cast<int>(i);
        result.property_sets.push_back(std::move(set));
        break;
      }
      default: break;
    }
  }
  result.inventory = LowerInventory(result.objects, result.sink);
  Sanitize(result.policies, settings, result.sink);
}

namespace {

void ParseAll(LoadResult& result, const std::vector<ir::FileId>& ids, const LoadOptions& options) {
  for (ir::FileId id : ids) {
    ParseOutcome outcome = ParseYaml(result.files.Contents(id), id, options.collect.limits, result.sink);
    ++result.files_read;
    result.documents += outcome.file.documents.size();
    result.yaml.push_back(std::move(outcome.file));
    ClassifyDocuments(result.yaml.back(), result.objects, result.sink);
    if (options.progress) options.progress(result.files_read, ids.size());
  }
  LowerObjects(result, options.settings);
}

}  // namespace

LoadResult Load(const std::vector<std::string>& paths, const LoadOptions& options) {
  LoadResult result;
  const FileSystem& fs = options.fs != nullptr ? *options.fs : RealFileSystem();
  std::vector<ir::FileId> ids = CollectInputs(paths, options.collect, fs, result.files, result.sink);
  ParseAll(result, ids, options);
  return result;
}

LoadResult LoadText(std::string_view name, std::string_view text, const LoadOptions& options) {
  // Through the same collection step as files, so in-memory text gets the
  // same size, binary and UTF-8 checks (and byte-order-mark handling).
  MemoryFileSystem fs;
  if (name == "-") {
    fs.SetStdin(std::string(text));
  } else {
    fs.AddFile(std::string(name), std::string(text));
  }
  CollectOptions collect = options.collect;
  collect.ignore_globs.clear();  // the caller asked for this text explicitly
  LoadResult result;
  std::vector<ir::FileId> ids = CollectInputs({std::string(name)}, collect, fs, result.files, result.sink);
  ParseAll(result, ids, options);
  return result;
}

}  // namespace polc::compiler
