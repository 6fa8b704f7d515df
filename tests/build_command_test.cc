// End-to-end tests of `polc build` (issue 6): the built binary on the
// bundled example, checking the outputs, their determinism (the same inputs
// give the same object and manifest bytes), the manifest's shape, --dns,
// --node, --check and the exit codes.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "loader/bpf_loader.h"
#include "tests/kernel_test_util.h"
#include "tests/test_util.h"

namespace polc::testing {
namespace {

namespace fs = std::filesystem;

class BuildDir {
 public:
  BuildDir() {
    std::string pattern = (fs::temp_directory_path() / "polc-build-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
    REQUIRE_FALSE(path_.empty());
  }
  ~BuildDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs polc from the source directory, so the manifest's file names are
// relative and the same on every machine.
CommandResult Polc(const std::string& args) {
  return RunCommand("cd " + SourceDir() + " && " + Binary() + " " + args + " 2>&1");
}

const std::string kExample = "--config examples/zero-trust/.polc.yaml examples/zero-trust";

TEST_CASE("polc build writes the object, the manifest and the C, the same bytes every time", "[codegen][cli]") {
  BuildDir dir;
  CommandResult first = Polc("build " + kExample + " -o " + (dir / "a.bpf.o") + " --manifest " + (dir / "a.json") +
                             " --emit-c " + (dir / "a.bpf.c"));
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CommandResult second =
      Polc("build " + kExample + " -o " + (dir / "b.bpf.o") + " --manifest " + (dir / "b.json"));
  REQUIRE(second.exit_code == 0);
  std::string object = ReadFileOrEmpty(dir / "a.bpf.o");
  REQUIRE(object.substr(0, 4) == "\x7f" "ELF");
  CHECK(object == ReadFileOrEmpty(dir / "b.bpf.o"));
  std::string manifest_a = ReadFileOrEmpty(dir / "a.json");
  std::string manifest_b = ReadFileOrEmpty(dir / "b.json");
  // The manifests differ only in the object's name.
  CHECK(manifest_b == std::regex_replace(manifest_a, std::regex("\"a\\.bpf\\.o\""), "\"b.bpf.o\""));
  CHECK(ReadFileOrEmpty(dir / "a.bpf.c").find("SEC(\"tc\")") != std::string::npos);
  // The example names api.stripe.com, which no DNS snapshot resolves.
  CHECK(first.output.find("toFQDNs name api.stripe.com has no address") != std::string::npos);

  nlohmann::json m = nlohmann::json::parse(manifest_a);
  CHECK(m["schemaVersion"] == 1);
  CHECK(m["object"] == "a.bpf.o");
  std::vector<std::string> maps;
  for (const auto& map : m["maps"]) maps.push_back(map["name"]);
  CHECK(maps == std::vector<std::string>{"polc_endpoints", "polc_ipcache", "polc_policy", "polc_policy_exact",
                                         "polc_ct", "polc_events"});
  // Single ports go to polc_policy_exact (12-byte keys), the rest to polc_policy (16).
  REQUIRE(m["maps"][2]["entries"].size() + m["maps"][3]["entries"].size() > 0);
  for (size_t i : {2, 3}) {
    for (const auto& entry : m["maps"][i]["entries"]) {
      CHECK(entry["key"].get<std::string>().size() == (i == 2 ? 32u : 24u));
      CHECK(entry["decoded"].contains("rule"));
    }
  }
  REQUIRE_FALSE(m["rules"].empty());
  CHECK(m["rules"][0]["file"].get<std::string>().rfind("examples/zero-trust/policies/", 0) == 0);
  CHECK(m["rules"][0]["line"].get<int>() > 0);
  CHECK(m["identities"].size() > 3);
  CHECK(m["endpoints"].size() > 3);
  CHECK(m["unresolvedFqdns"] == nlohmann::json::array({"api.stripe.com"}));
  CHECK(m["features"]["l7"] == true);
}

TEST_CASE("polc build --dns resolves toFQDNs names into the ipcache", "[codegen][cli]") {
  BuildDir dir;
  std::ofstream(dir / "dns.hosts") << "# snapshot\n198.51.100.10 api.stripe.com\n198.51.100.11 api.stripe.com\n";
  CommandResult result =
      Polc("build " + kExample + " --dns " + (dir / "dns.hosts") + " -o " + (dir / "o.bpf.o") + " --manifest " +
           (dir / "m.json"));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  nlohmann::json m = nlohmann::json::parse(ReadFileOrEmpty(dir / "m.json"));
  CHECK(m["unresolvedFqdns"].empty());
  CHECK(ReadFileOrEmpty(dir / "m.json").find("198.51.100.10/32") != std::string::npos);

  std::ofstream(dir / "bad.hosts") << "not-an-ip api.stripe.com\n";
  CommandResult bad = Polc("build " + kExample + " --dns " + (dir / "bad.hosts") + " -o " + (dir / "o.bpf.o"));
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("'not-an-ip' is not an IP address") != std::string::npos);
}

TEST_CASE("polc build usage errors exit 2", "[codegen][cli]") {
  BuildDir dir;
  CHECK(Polc("build examples/zero-trust").exit_code == 2);  // no -o
  CHECK(Polc("build " + kExample + " --node nowhere -o " + (dir / "o.bpf.o")).exit_code == 2);
  CHECK(Polc("build " + kExample + " -o /nonexistent-dir/o.bpf.o").exit_code == 2);
  CHECK(Polc("build no-such-path -o " + (dir / "o.bpf.o")).exit_code == 2);
  CommandResult help = Polc("build --help");
  CHECK(help.exit_code == 0);
  for (const char* text : {"--manifest", "--emit-c", "--dns", "--node", "--check", "Exit codes:", "docs/MANIFEST.md"}) {
    INFO(text);
    CHECK(help.output.find(text) != std::string::npos);
  }
}

constexpr const char* kTwoNodes = R"(apiVersion: v1
kind: Node
metadata: {name: node-1}
status: {addresses: [{type: InternalIP, address: 192.168.1.11}]}
---
apiVersion: v1
kind: Node
metadata: {name: node-2}
status: {addresses: [{type: InternalIP, address: 192.168.1.12}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: c, image: x}]}
status: {podIP: 10.0.1.10}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {nodeName: node-2, containers: [{name: c, image: x}]}
status: {podIP: 10.0.2.10}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
    - fromEndpoints: [{matchLabels: {app: web}}]
      toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
)";

TEST_CASE("polc build --node keeps only that node's endpoints local", "[codegen][cli]") {
  BuildDir dir;
  std::ofstream(dir / "repo.yaml") << kTwoNodes;
  CommandResult all = Polc("build " + (dir / "repo.yaml") + " -o " + (dir / "o.bpf.o") + " --manifest " + (dir / "all.json"));
  INFO(all.output);
  REQUIRE(all.exit_code == 0);
  CommandResult one = Polc("build " + (dir / "repo.yaml") + " --node node-2 -o " + (dir / "o.bpf.o") + " --manifest " +
                           (dir / "one.json"));
  INFO(one.output);
  REQUIRE(one.exit_code == 0);
  nlohmann::json m_all = nlohmann::json::parse(ReadFileOrEmpty(dir / "all.json"));
  nlohmann::json m_one = nlohmann::json::parse(ReadFileOrEmpty(dir / "one.json"));
  CHECK(m_all["endpoints"].size() == 2);
  REQUIRE(m_one["endpoints"].size() == 1);
  CHECK(m_one["endpoints"][0]["name"] == "db");
  CHECK(m_one["endpoints"][0]["node"] == "node-2");
  CHECK(m_one["endpoints"][0]["addresses"] == nlohmann::json::array({"10.0.2.10"}));
  CHECK(m_one["endpoints"][0]["ingress"]["enforced"] == true);
}

TEST_CASE("polc build --check loads the object into the kernel", "[codegen][cli][kernel]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  BuildDir dir;
  CommandResult result = Polc("build " + kExample + " -o " + (dir / "o.bpf.o") + " --check");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("the kernel accepts the object") != std::string::npos);
}

}  // namespace
}  // namespace polc::testing
