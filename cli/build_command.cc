#include "cli/build_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <sstream>

#include "cli/app.h"
#include "cli/command_setup.h"
#include "cli/map_inputs.h"
#include "codegen-bpf/build_object.h"
#include "codegen-bpf/manifest.h"
#include "loader/bpf_loader.h"
#include "loader/packet.h"
#include "verifier/datapath_plan.h"

namespace polc::cli {
namespace {

constexpr const char* kBuildFooter = R"(What it builds:
  OUT (-o)      an eBPF object (ELF, bpfel, BTF) with two tc programs,
                polc_egress and polc_ingress, and the maps polc_endpoints,
                polc_ipcache, polc_policy, polc_policy_exact, polc_ct,
                polc_events. Compiled in
                process: no clang binary, no kernel headers. The same inputs
                give the same bytes.
  --manifest    JSON (schemaVersion 1, docs/MANIFEST.md): every map with its
                entries, identities with labels, rules with policy and
                file:line, endpoints with addresses, features compiled in,
                FQDN names without addresses.
  --emit-c      the generated BPF C.

Local endpoints are the inventory's pods (only NODE's with --node). FQDN
rules use the addresses of --dns FILE, in hosts format ("IP NAME..." per
line, '#' comments); a name without addresses is listed in the manifest and
reported on stderr. Rules with L7 conditions are enforced at L3/L4 and
marked as needing the L7 proxy.

Exit codes:
  0  built (with --check: the kernel accepted the object)
  1  the object cannot be built, the kernel's verifier rejects it (--check;
     its log is printed), or a policy has errors and --rejected-policies is
     fail (the default)
  2  usage error, bad config file, unreadable input, an output that cannot be
     written, or --check where BPF cannot be loaded (not root, no CAP_BPF)

Examples:
  polc build policies/ cluster/ -o polc.bpf.o --manifest polc.json
  polc build policies/ cluster/ --node worker-1 --dns dns.hosts -o w1.bpf.o
  polc build policies/ cluster/ -o polc.bpf.o --emit-c polc.bpf.c --check

Full reference: docs/CLI.md.)";

void PrintError(std::string_view message) { fmt::print(stderr, "polc build: {}\n", message); }

// Hosts format: "IP NAME [NAME...]"; a name may have several lines.
bool ReadDnsSnapshot(const std::string& path, std::vector<ir::DnsRecord>& records) {
  std::ifstream in(path);
  if (!in) {
    PrintError(fmt::format("--dns {}: cannot read the file", path));
    return false;
  }
  std::string line;
  uint32_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string ip;
    if (!(words >> ip)) continue;
    std::array<uint8_t, 16> bytes;
    bool v6 = false;
    if (!loader::ParseAddress(ip, bytes, v6)) {
      PrintError(fmt::format("{}:{}: '{}' is not an IP address", path, number, ip));
      return false;
    }
    std::string name;
    bool any = false;
    while (words >> name) {
      any = true;
      auto it = std::find_if(records.begin(), records.end(), [&](const ir::DnsRecord& r) { return r.name == name; });
      if (it == records.end()) {
        records.push_back({name, {}, {}});
        it = records.end() - 1;
      }
      if (std::find(it->ips.begin(), it->ips.end(), ip) == it->ips.end()) it->ips.push_back(ip);
    }
    if (!any) {
      PrintError(fmt::format("{}:{}: '{}' has no name", path, number, ip));
      return false;
    }
  }
  return true;
}

bool WriteFile(const std::string& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    PrintError(fmt::format("cannot write {}", path));
    return false;
  }
  return true;
}

std::string FileName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// --check: load the object and its map contents into the kernel, then drop
// them (nothing is pinned or attached).
int CheckInKernel(const codegen::BuildResult& built) {
  if (std::optional<std::string> reason = loader::BpfUnavailableReason()) {
    PrintError(fmt::format("--check: {}", *reason));
    return kExitUsage;
  }
  loader::LoadError error;
  std::unique_ptr<loader::LoadedObject> loaded = loader::LoadedObject::Load(built.object, error);
  if (loaded == nullptr) {
    PrintError(fmt::format("--check: the kernel rejects the object: {}", error.message));
    if (!error.verifier_log.empty()) fmt::print(stderr, "{}", error.verifier_log);
    return kExitFindings;
  }
  std::vector<loader::MapFill> fills;
  for (const codegen::RawMap& map : codegen::RawMaps(built.contents)) {
    loader::MapFill fill{map.name, {}};
    for (const codegen::RawMapEntry& entry : map.entries) fill.entries.push_back({entry.key, entry.value});
    fills.push_back(std::move(fill));
  }
  std::string fill_error;
  if (!loaded->Fill(fills, fill_error)) {
    PrintError(fmt::format("--check: filling the maps: {}", fill_error));
    return kExitFindings;
  }
  fmt::print(stderr, "polc build: --check: the kernel accepts the object and its map entries\n");
  return kExitOk;
}

}  // namespace

void AddBuildCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<BuildCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "build", "Compile the policies into an eBPF datapath object (tc programs + maps) and its manifest, in process.");
  command->footer(kBuildFooter);
  command->add_option("paths", options->paths, "Files or folders with policies and inventory manifests")->required();
  command->add_option("-o,--output", options->output, "Write the eBPF object to FILE (e.g. polc.bpf.o)")->required();
  command->add_option("--manifest", options->manifest, "Write the manifest (JSON, docs/MANIFEST.md) to FILE");
  command->add_option("--emit-c", options->emit_c, "Write the generated BPF C to FILE");
  command->add_option("--dns", options->dns, "DNS snapshot for toFQDNs rules, hosts format: 'IP NAME...' per line");
  command->add_option("--node", options->node, "Only the endpoints of this node are local (default: all)");
  command->add_flag("--check", options->check,
                    "Load the object into this machine's kernel and print the verifier log if it is rejected "
                    "(needs root or CAP_BPF)");
  command->add_option("--cilium-version", options->cilium_version, "Cilium version whose semantics apply, 1.16 to 1.20")
      ->check(CiliumVersionValidator());
  command->add_option("--config", options->config_path,
                      "Config file (default: the nearest .polc.yaml in the working directory or a parent)");
  command
      ->add_option("--rejected-policies", options->rejected_policies,
                   "Policies with errors: fail (default) leaves them out, as the cluster would, and exits 1; drop "
                   "leaves them out; ignore builds them as written")
      ->check(CLI::IsMember({"fail", "drop", "ignore"}));
  command->callback([options, &exit_code] { exit_code = RunBuild(*options); });
}

int RunBuild(const BuildCommandOptions& options) {
  std::optional<compiler::Config> config = LoadCommandConfig("build", options.config_path);
  if (!config) return kExitUsage;
  compiler::LoadOptions load = CommandLoadOptions(*config, options.cilium_version);
  std::unique_ptr<MapInputs> inputs =
      LoadMapInputs("build", options.paths, load, options.rejected_policies, /*print_findings=*/false);
  if (inputs->unreadable) {
    PrintError("an input cannot be read or parsed (see above)");
    return kExitUsage;
  }
  ir::Inventory inventory = inputs->result.inventory;
  if (!options.dns.empty() && !ReadDnsSnapshot(options.dns, inventory.dns)) return kExitUsage;
  if (!options.node.empty() && inventory.FindNode(options.node) == nullptr) {
    PrintError(fmt::format("--node {}: no such node in the inventory", options.node));
    return kExitUsage;
  }

  verifier::PlanOptions plan_options;
  if (!options.node.empty()) plan_options.node = options.node;
  ir::Plan plan = verifier::BuildDatapathPlan(inputs->accepted, inventory, load.settings, plan_options);
  for (const std::string& warning : plan.warnings) PrintError(fmt::format("warning: {}", warning));
  for (const std::string& name : plan.unresolved_fqdns)
    PrintError(fmt::format("warning: toFQDNs name {} has no address in the DNS snapshot; nothing is allowed to it",
                           name));

  codegen::BuildResult built = codegen::BuildObject(plan);
  if (!options.emit_c.empty() && !WriteFile(options.emit_c, built.c_source.data(), built.c_source.size()))
    return kExitUsage;
  if (!built.ok) {
    PrintError("the generated program does not compile (a polc bug; please report it):");
    fmt::print(stderr, "{}", built.diagnostics);
    return kExitFindings;
  }
  if (!WriteFile(options.output, built.object.data(), built.object.size())) return kExitUsage;
  if (!options.manifest.empty()) {
    std::string manifest =
        codegen::RenderManifest(plan, built, &inputs->result.files, FileName(options.output));
    if (!WriteFile(options.manifest, manifest.data(), manifest.size())) return kExitUsage;
  }
  if (options.check) {
    int status = CheckInKernel(built);
    if (status != kExitOk) return status;
  }
  if (!inputs->rejected.empty() && options.rejected_policies == "fail") return kExitFindings;
  return kExitOk;
}

}  // namespace polc::cli
