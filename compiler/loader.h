// The frontend's entry point: paths in, IR and diagnostics out.
//
//   CollectInputs  (files, limits, encoding)
//   ParseYaml      (bounded tree with positions)
//   Classify       (Kubernetes objects, List kinds; non-objects warned)
//   Lower*         (schema checks + IR, per kind)
//   Sanitize       (Cilium agent's validation for the chosen version)
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "compiler/input_files.h"
#include "compiler/yaml_tree.h"
#include "ir/diagnostic.h"
#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/policy_test.h"
#include "ir/property_set.h"
#include "ir/settings.h"

namespace polc::compiler {

enum class ObjectClass { kPolicy, kCidrGroup, kInventory, kPolicyTest, kPropertySet, kOther };

// One Kubernetes object found in the inputs (items of List kinds included).
struct KubeObject {
  std::string api_version;
  std::string kind;
  ObjectClass object_class = ObjectClass::kOther;
  ir::ObjectMeta meta;
  const YamlNode* root = nullptr;  // owned by LoadResult::yaml
  ir::SourceLocation location;
};

struct LoadOptions {
  CollectOptions collect;
  ir::Settings settings;
  const FileSystem* fs = nullptr;  // nullptr: the real file system
  // Called after each file is parsed with (files done, files in total), so a
  // command can show progress on a terminal; the library itself never prints.
  std::function<void(size_t, size_t)> progress;
};

struct LoadResult {
  ir::FileTable files;
  std::deque<YamlFile> yaml;
  std::vector<KubeObject> objects;
  ir::PolicySet policies;
  // The cluster inventory from the inventory manifests of the inputs
  // (Namespace, Pod, workloads, Service, Node); pods collapse into their
  // owner workload. Does not include the inline inventory of PolicyTests.
  ir::Inventory inventory;
  std::vector<ir::PolicyTest> tests;  // PolicyTest documents, in input order
  std::vector<ir::PropertySet> property_sets;  // PropertySet documents (polc verify), in input order
  ir::DiagnosticSink sink;
  size_t documents = 0;
  size_t files_read = 0;  // files that passed the input checks
};

LoadResult Load(const std::vector<std::string>& paths, const LoadOptions& options);

// The steps of Load, exposed for tests and the fuzzer.
void ClassifyDocuments(const YamlFile& file, std::vector<KubeObject>& objects, ir::DiagnosticSink& sink);
void LowerObjects(LoadResult& result, const ir::Settings& settings);

// Loads from in-memory text (tests, fuzzing): one file named `name`.
LoadResult LoadText(std::string_view name, std::string_view text, const LoadOptions& options);

}  // namespace polc::compiler
