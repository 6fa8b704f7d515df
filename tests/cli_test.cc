// End-to-end tests of `polc lint` as a CI tool: the built binary on small
// temporary files, checking exit codes, formats, config discovery,
// suppressions and colour. docs/RULES.md is checked against the rule table
// here too (POLC_REBASE=1 regenerates it).
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace polc::testing {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "polc-cli-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
    REQUIRE_FALSE(path_.empty());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& relative, const std::string& text) const {
    fs::path full = fs::path(path_) / relative;
    fs::create_directories(full.parent_path());
    std::ofstream(full, std::ios::binary) << text;
    return full.string();
  }

 private:
  std::string path_;
};

constexpr const char* kClean = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: clean\n";
constexpr const char* kNotAnObject = "just: data\n";  // not-a-kubernetes-object, a warning
constexpr const char* kBrokenYaml = "apiVersion: v1\nkind: [unclosed\n";

// Runs polc in `dir` with `args`; stderr is merged into the output.
CommandResult Polc(const std::string& dir, const std::string& args) {
  return RunCommand("cd '" + dir + "' && " + Binary() + " " + args + " 2>&1");
}

TEST_CASE("cli: exit 0 on a clean file, with the summary line", "[cli]") {
  TempDir tmp;
  tmp.Write("ok.yaml", kClean);
  CommandResult run = Polc(tmp.path(), "lint --fail-on info ok.yaml");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output == "1 file, 0 policies, 0 errors, 0 warnings, 0 infos, 0 suppressed\n");
}

TEST_CASE("cli: exit 2 on unparseable, unreadable or duplicate-key input whatever --fail-on says", "[cli]") {
  TempDir tmp;
  tmp.Write("broken.yaml", kBrokenYaml);
  tmp.Write("dup.yaml", "apiVersion: v1\napiVersion: v1\nkind: ConfigMap\n");
  CommandResult broken = Polc(tmp.path(), "lint --fail-on never broken.yaml");
  INFO(broken.output);
  CHECK(broken.exit_code == 2);
  CHECK(broken.output.find("broken.yaml:3:1: error: ") != std::string::npos);
  CHECK(broken.output.find("[yaml-syntax]") != std::string::npos);
  CHECK(Polc(tmp.path(), "lint dup.yaml").exit_code == 2);
  CHECK(Polc(tmp.path(), "lint no-such-file.yaml").exit_code == 2);
}

TEST_CASE("cli: stdin is read with -", "[cli]") {
  TempDir tmp;
  CommandResult run = RunCommand("printf 'kind: [' | " + Binary() + " lint - 2>&1");
  INFO(run.output);
  CHECK(run.exit_code == 2);
  CHECK(run.output.find("<stdin>:1:") != std::string::npos);
}

TEST_CASE("cli: --fail-on decides whether a warning fails the run", "[cli]") {
  TempDir tmp;
  tmp.Write("data.yaml", kNotAnObject);
  CHECK(Polc(tmp.path(), "lint data.yaml").exit_code == 0);
  CHECK(Polc(tmp.path(), "lint --fail-on warning data.yaml").exit_code == 1);
  CHECK(Polc(tmp.path(), "lint --fail-on info data.yaml").exit_code == 1);
  CHECK(Polc(tmp.path(), "lint --fail-on never data.yaml").exit_code == 0);
  CHECK(Polc(tmp.path(), "lint --fail-on sometimes data.yaml").exit_code == 2);
}

TEST_CASE("cli: usage errors exit 2 with a helpful message", "[cli]") {
  TempDir tmp;
  tmp.Write("ok.yaml", kClean);
  CommandResult version = Polc(tmp.path(), "lint --cilium-version 1.12 ok.yaml");
  INFO(version.output);
  CHECK(version.exit_code == 2);
  CHECK(version.output.find("1.16 to 1.20") != std::string::npos);
  CHECK(Polc(tmp.path(), "lint --cilium-version 1.20 ok.yaml").exit_code == 0);
  CHECK(Polc(tmp.path(), "lint").exit_code == 2);
  CHECK(Polc(tmp.path(), "lint --format xml ok.yaml").exit_code == 2);
  CHECK(Polc(tmp.path(), "lint --format markdown ok.yaml").exit_code == 2);
  CHECK(Polc(tmp.path(), "lint --no-such-flag ok.yaml").exit_code == 2);
  CHECK(Polc(tmp.path(), "lint --config missing.yaml ok.yaml").exit_code == 2);
}

TEST_CASE("cli: --help documents exit codes and examples", "[cli]") {
  TempDir tmp;
  CommandResult top = Polc(tmp.path(), "--help");
  CommandResult lint = Polc(tmp.path(), "lint --help");
  CHECK(top.exit_code == 0);
  CHECK(lint.exit_code == 0);
  CHECK(top.output.find("Exit codes") != std::string::npos);
  for (const char* text : {"Exit codes", "Examples", "--fail-on", "--format", "--config", "--cilium-version",
                           "--list-rules", "--show-suppressed", "--color", "--quiet", "--dump-ir", "polc.io/ignore-"}) {
    INFO(text);
    CHECK(lint.output.find(text) != std::string::npos);
  }
}

TEST_CASE("cli: .polc.yaml is found in a parent of the working directory", "[cli]") {
  TempDir tmp;
  // Raising a non-fatal input finding to error makes it a failing finding
  // (exit 1), not an unreadable input (exit 2).
  tmp.Write(".polc.yaml", "rules:\n  severity:\n    not-a-kubernetes-object: error\n");
  tmp.Write("sub/deeper/data.yaml", kNotAnObject);
  CommandResult run = Polc(tmp.path() + "/sub/deeper", "lint data.yaml");
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("error: ") != std::string::npos);
  // An explicit --config wins over discovery.
  tmp.Write("other.yaml", "rules:\n  disable: [not-a-kubernetes-object]\n");
  CHECK(Polc(tmp.path() + "/sub/deeper", "lint --config ../../other.yaml --fail-on info data.yaml").exit_code == 0);
}

TEST_CASE("cli: config errors exit 2 with did-you-mean and position", "[cli]") {
  TempDir tmp;
  tmp.Write(".polc.yaml", "rules:\n  disable: [empty-rul]\nignorPaths: []\n");
  tmp.Write("ok.yaml", kClean);
  CommandResult run = Polc(tmp.path(), "lint ok.yaml");
  INFO(run.output);
  CHECK(run.exit_code == 2);
  CHECK(run.output.find(".polc.yaml:2:13: error: unknown rule id 'empty-rul' in rules.disable; did you mean "
                        "'empty-rule'?") != std::string::npos);
  CHECK(run.output.find("\n.polc.yaml:3:1: error: unknown field 'ignorPaths' in the config file; did you mean "
                        "'ignorePaths'?") != std::string::npos);
  // Found in a parent: shown relative to the working directory.
  tmp.Write("sub/ok.yaml", kClean);
  CommandResult below = Polc(tmp.path() + "/sub", "lint ok.yaml");
  CHECK(below.exit_code == 2);
  CHECK(below.output.starts_with("../.polc.yaml:2:13: error: "));
}

TEST_CASE("cli: config ignorePaths and ciliumVersion apply", "[cli]") {
  TempDir tmp;
  tmp.Write(".polc.yaml", "ciliumVersion: \"1.16\"\nignorePaths: [\"**/vendor/**\"]\n");
  tmp.Write("policies/ok.yaml", kClean);
  tmp.Write("policies/vendor/broken.yaml", kBrokenYaml);
  CommandResult run = Polc(tmp.path(), "lint policies");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("1 file,") != std::string::npos);
}

TEST_CASE("cli: Cilium version precedence is flag, then config, then 1.19 (semantics 6.4, 10)", "[cli]") {
  TempDir tmp;
  // `**.` means one or more labels only since 1.19: fqdn-double-star before.
  tmp.Write("fqdn.yaml", R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: fq
  namespace: a
spec:
  endpointSelector: {}
  egress:
    - toFQDNs:
        - matchPattern: "**.example.com"
)");
  auto double_star = [&](const std::string& args) {
    CommandResult run = Polc(tmp.path(), "lint " + args + " fqdn.yaml");
    return run.output.find("[fqdn-double-star]") != std::string::npos;
  };
  CHECK_FALSE(double_star(""));  // default 1.19
  CHECK(double_star("--cilium-version 1.18"));
  tmp.Write(".polc.yaml", "ciliumVersion: \"1.17\"\n");
  CHECK(double_star(""));
  CHECK_FALSE(double_star("--cilium-version v1.20"));
}

TEST_CASE("cli: annotation suppressions are counted and shown with their reason", "[cli]") {
  TempDir tmp;
  // The unknown-suppression warning of the first annotation is itself
  // suppressed by the second (a finding tied to this object).
  tmp.Write("cm.yaml", std::string(kClean) +
                           "  annotations:\n"
                           "    polc.io/ignore-no-such-rule: \"typo\"\n"
                           "    polc.io/ignore-unknown-suppression: \"testing suppression\"\n");
  tmp.Write("typo.yaml", std::string(kClean) + "  annotations:\n    polc.io/ignore-empty-rul: \"x\"\n");
  CommandResult run = Polc(tmp.path(), "lint --fail-on warning cm.yaml");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output == "1 file, 0 policies, 0 errors, 0 warnings, 0 infos, 1 suppressed\n");
  CommandResult shown = Polc(tmp.path(), "lint --show-suppressed cm.yaml");
  CHECK(shown.output.find("cm.yaml:6:5: suppressed warning:") != std::string::npos);
  CHECK(shown.output.find("reason: testing suppression") != std::string::npos);
  CommandResult typo = Polc(tmp.path(), "lint --fail-on warning typo.yaml");
  INFO(typo.output);
  CHECK(typo.exit_code == 1);
  CHECK(typo.output.find("did you mean 'polc.io/ignore-empty-rule'? [unknown-suppression]") != std::string::npos);
}

TEST_CASE("cli: a real lint finding is suppressed by its annotation (semantics 3.3)", "[cli]") {
  TempDir tmp;
  // An ingress rule with only toPorts admits every identity: l4-only-allows-world.
  std::string policy = R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: metrics
  namespace: shop
ANNOTATIONS
spec:
  endpointSelector:
    matchLabels:
      app: backend
  ingress:
    - toPorts:
        - ports:
            - port: "9090"
              protocol: TCP
)";
  auto with = [&](const std::string& annotations) {
    std::string text = policy;
    text.replace(text.find("ANNOTATIONS\n"), 12, annotations);
    return text;
  };
  tmp.Write("plain.yaml", with(""));
  tmp.Write("annotated.yaml",
            with("  annotations:\n    polc.io/ignore-l4-only-allows-world: \"metrics are public\"\n"));
  CommandResult plain = Polc(tmp.path(), "lint --fail-on warning plain.yaml");
  INFO(plain.output);
  CHECK(plain.exit_code == 1);
  CHECK(plain.output.find("[l4-only-allows-world]") != std::string::npos);
  CommandResult annotated = Polc(tmp.path(), "lint --fail-on warning --show-suppressed annotated.yaml");
  INFO(annotated.output);
  CHECK(annotated.exit_code == 0);
  CHECK(annotated.output.find("reason: metrics are public") != std::string::npos);
  CHECK(annotated.output.find(", 1 suppressed\n") != std::string::npos);
}

TEST_CASE("cli: json, sarif and github formats from the binary", "[cli]") {
  TempDir tmp;
  tmp.Write("ok.yaml", kClean);
  tmp.Write("data.yaml", kNotAnObject);
  auto sarif = nlohmann::json::parse(Polc(tmp.path(), "lint --format sarif ok.yaml").output);
  CHECK(sarif["runs"][0]["results"].is_array());
  CHECK(sarif["runs"][0]["results"].empty());
  auto json = nlohmann::json::parse(Polc(tmp.path(), "lint --format json data.yaml").output);
  REQUIRE(json["findings"].size() == 1);
  CHECK(json["findings"][0]["rule"] == "not-a-kubernetes-object");
  CHECK(json["findings"][0]["file"] == "data.yaml");
  CHECK(json["summary"]["warnings"] == 1);
  CommandResult github = Polc(tmp.path(), "lint --format github data.yaml");
  CHECK(github.output.starts_with("::warning file=data.yaml,line=1,col=1,title=not-a-kubernetes-object::"));
  CHECK(Polc(tmp.path(), "lint --quiet data.yaml").output ==
        "1 file, 0 policies, 0 errors, 1 warning, 0 infos, 0 suppressed\n");
}

TEST_CASE("cli: --color and NO_COLOR", "[cli]") {
  TempDir tmp;
  tmp.Write("data.yaml", kNotAnObject);
  // Through a pipe, auto means no colour; always forces it.
  CHECK(Polc(tmp.path(), "lint data.yaml").output.find('\033') == std::string::npos);
  CHECK(Polc(tmp.path(), "lint --color always data.yaml").output.find('\033') != std::string::npos);
  CHECK(Polc(tmp.path(), "lint --color never data.yaml").output.find('\033') == std::string::npos);
  // On a terminal (script(1) allocates one), auto colours unless NO_COLOR is set.
  if (RunCommand("command -v script >/dev/null").exit_code == 0) {
    auto on_tty = [&](const std::string& env) {
      return RunCommand("cd '" + tmp.path() + "' && " + env + " script -qec '" + Binary() + " lint data.yaml' /dev/null")
          .output;
    };
    CHECK(on_tty("TERM=xterm").find('\033') != std::string::npos);
    CHECK(on_tty("TERM=xterm NO_COLOR=1").find('\033') == std::string::npos);
    CHECK(on_tty("TERM=dumb").find('\033') == std::string::npos);
  }
}

TEST_CASE("cli: --list-rules formats, and docs/RULES.md is up to date", "[cli][rules-doc]") {
  TempDir tmp;
  CommandResult text = Polc(tmp.path(), "lint --list-rules");
  CHECK(text.exit_code == 0);
  CHECK(text.output.find("unknown-suppression") != std::string::npos);
  CHECK(nlohmann::json::parse(Polc(tmp.path(), "lint --list-rules --format json").output).is_array());
  CHECK(Polc(tmp.path(), "lint --list-rules --format sarif").exit_code == 2);
  CommandResult markdown = RunCommand(Binary() + " lint --list-rules --format markdown");
  REQUIRE(markdown.exit_code == 0);
  std::string expected = Golden(SourceDir() + "/docs/RULES.md", markdown.output);
  INFO("docs/RULES.md is stale: regenerate with scripts/rebase-goldens.sh '[rules-doc]' or "
       "`build/polc lint --list-rules --format markdown > docs/RULES.md`");
  CHECK(markdown.output == expected);
}

TEST_CASE("cli: --dump-ir runs and keeps the exit code", "[cli]") {
  TempDir tmp;
  tmp.Write("ok.yaml", kClean);
  tmp.Write("broken.yaml", kBrokenYaml);
  CHECK(Polc(tmp.path(), "lint --dump-ir ok.yaml").exit_code == 0);
  CHECK(Polc(tmp.path(), "lint --dump-ir broken.yaml").exit_code == 2);
}

}  // namespace
}  // namespace polc::testing
