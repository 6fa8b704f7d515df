// `polc build PATH... -o out.bpf.o` (issue 6): the datapath plan of the
// policies and inventory (verifier/datapath_plan.h), turned into a BPF
// object compiled in process (codegen-bpf/build_object.h), its manifest
// (docs/MANIFEST.md) and, on request, the generated C; --check loads the
// object into this machine's kernel (loader/) and reports the verifier log
// when the kernel rejects it.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace polc::cli {

struct BuildCommandOptions {
  std::vector<std::string> paths;
  std::string output;    // -o: the object
  std::string manifest;  // --manifest
  std::string emit_c;    // --emit-c
  std::string dns;       // --dns: hosts-format DNS snapshot for toFQDNs
  std::string node;      // --node: only this node's endpoints are local
  bool check = false;    // --check: load into the kernel
  std::string config_path;
  std::string cilium_version;
  std::string rejected_policies = "fail";
};

void AddBuildCommand(CLI::App& app, int& exit_code);

// Exit codes: 0 built (and, with --check, accepted by the kernel); 1 the
// object cannot be built, the kernel rejects it, or a policy has errors and
// --rejected-policies is fail; 2 usage error, bad config, unreadable input,
// an output that cannot be written, or --check without BPF privileges.
int RunBuild(const BuildCommandOptions& options);

}  // namespace polc::cli
