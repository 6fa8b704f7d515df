// The project configuration file, `.polc.yaml`.
//
// It is read with the same YAML tree and FieldReader as policies, so a
// misspelt key gets the same "unknown field ...; did you mean ...?" finding
// with file:line:col as a misspelt policy field, and a misspelt rule id gets
// a did-you-mean from the rule table. Command-line flags override what the
// file says; that merging is the CLI's job, this file only parses.
//
//   ciliumVersion: "1.18"
//   settings: {policyEnforcementMode: default, clusterName: c1, hostFirewall: true, ...}
//   rules:
//     disable: [http-path-full-match]
//     severity: {l4-only-allows-world: error}
//   ignorePaths: ["**/charts/**"]
//   limits: {maxFileBytes: 1048576, maxDepth: 64, maxNodes: 100000}
//   verify:                      # `polc verify` (ir::VerifyConfig)
//     require: [default-deny, dns, apiserver, host-lockout]
//     namespaces: [payments]     # added to the namespaces the policies govern
//     dns: {namespace: kube-system, labels: {k8s-app: kube-dns}}
//     apiserver: {namespaces: [shop], ports: [443, 6443]}
//     hostLockout:
//       adminCidrs: [10.20.0.0/16]
//       flows: [{name: ssh, from: "cidr:10.20.0.0/16", protocol: TCP, port: 22}]
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/input_files.h"
#include "compiler/yaml_tree.h"
#include "ir/diagnostic.h"
#include "ir/settings.h"
#include "ir/source_location.h"
#include "ir/verify_config.h"

namespace polc::compiler {

inline constexpr std::string_view kConfigFileName = ".polc.yaml";

// What `rules:` says: findings of disabled rules are dropped, the others get
// the configured severity instead of the table's default.
struct RuleConfig {
  std::set<ir::RuleId> disabled;
  std::map<ir::RuleId, ir::Severity> severity;
  bool operator==(const RuleConfig&) const = default;
};

struct Config {
  // Set only when the file names a version, so that a CLI flag can tell
  // "not configured" from "configured as the default".
  std::optional<ir::CiliumVersion> cilium_version;
  ir::Settings settings;  // settings.version is cilium_version or the default
  RuleConfig rules;
  std::vector<std::string> ignore_paths;
  InputLimits limits;
  ir::VerifyConfig verify;  // `verify:`; location unknown when the file has none
};

// Parses the text of a config file that was added to a FileTable as `file`.
// Problems (YAML errors, unknown keys, wrong types, invalid values, unknown
// rule ids) are reported to `sink` at the offending node; the returned value
// holds everything that could be read. An empty file is an empty config.
Config ParseConfig(std::string_view text, ir::FileId file, ir::DiagnosticSink& sink);

// The nearest `.polc.yaml` in `directory` or one of its parents, or nullopt.
// `directory` should be absolute (the working directory).
std::optional<std::string> FindConfigFile(const std::string& directory, const FileSystem& fs);

}  // namespace polc::compiler
