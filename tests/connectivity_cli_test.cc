// `polc connectivity` and `polc diff` end to end, through the binary (issue 4
// sections 1-2): netpol-analyzer's connlist and diff text on its own golden
// cases (conventions.md section 2), the focus filters, exit codes, rejected
// policies, --fail-on, and --base-ref on a temporary git repository.
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace polc::testing {
namespace {

namespace fs = std::filesystem;

const std::string kCases = SourceDir() + "/../shared/conformance/netpol-analyzer/cases";
const std::string kExpected = SourceDir() + "/../shared/conformance/netpol-analyzer/expected";
const std::string kMinimal = kCases + "/netpol-analysis-example-minimal";

CommandResult Polc(const std::string& args) {
  return RunCommand(Binary() + " " + args + " 2>/dev/null");
}
CommandResult PolcWithStderr(const std::string& args) {
  return RunCommand(Binary() + " " + args + " 2>&1");
}

std::string WithoutNewlines(std::string text) {
  std::erase(text, '\n');
  return text;
}

// A scratch folder removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "polc-conn-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadText(const std::string& path) {
  return ReadFileOrEmpty(path);
}
void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST_CASE("polc connectivity: netpol-analyzer's connlist of its minimal example", "[connectivity-cli]") {
  CommandResult r = Polc("connectivity --semantics kubernetes " + kMinimal);
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(WithoutNewlines(r.output) ==
        WithoutNewlines(ReadText(kExpected + "/netpol-analysis-example-minimal_connlist_output.txt")));
  CHECK(r.output.ends_with("\n"));
}

TEST_CASE("polc connectivity: --focus-workload, --focus-direction, --focus-conn", "[connectivity-cli]") {
  CommandResult backend = Polc("connectivity --semantics kubernetes " + kMinimal + " --focus-workload backend");
  CHECK(backend.exit_code == 0);
  CHECK(backend.output == "default/frontend[Deployment] => default/backend[Deployment] : TCP 9090\n");

  CommandResult egress = Polc("connectivity --semantics kubernetes " + kMinimal +
                              " --focus-workload default/frontend --focus-direction egress");
  CHECK(egress.output ==
        "default/frontend[Deployment] => 0.0.0.0-255.255.255.255[External] : UDP 53\n"
        "default/frontend[Deployment] => default/backend[Deployment] : TCP 9090\n");

  CommandResult both = Polc("connectivity --semantics kubernetes " + kMinimal + " --focus-workload backend,nope");
  CHECK(both.output == backend.output);  // comma-separated; a missing one only warns
  CommandResult both2 =
      Polc("connectivity --semantics kubernetes " + kMinimal + " --focus-workload backend --focus-workload frontend");
  CHECK(both2.output == Polc("connectivity --semantics kubernetes " + kMinimal).output);

  CommandResult conn = Polc("connectivity --semantics kubernetes " + kMinimal + " --focus-conn udp-53");
  CHECK(conn.exit_code == 0);
  CHECK(conn.output ==
        "Permitted connections on UDP 53:\n"
        "default/frontend[Deployment] => 0.0.0.0-255.255.255.255[External]\n");

  CommandResult missing = PolcWithStderr("connectivity --semantics kubernetes " + kMinimal + " --focus-workload nope");
  CHECK(missing.exit_code == 0);
  CHECK_THAT(missing.output, Catch::Contains("Workload nope does not exist in the input resources."));

  CommandResult bad = PolcWithStderr("connectivity " + kMinimal + " --focus-conn tcp8080");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("--focus-conn tcp8080: write PROTOCOL-PORT"));
}

TEST_CASE("polc connectivity: formats, -o, usage errors", "[connectivity-cli]") {
  CommandResult csv = Polc("connectivity --semantics kubernetes --format csv " + kMinimal);
  CHECK(csv.exit_code == 0);
  CHECK(WithoutNewlines(csv.output) ==
        WithoutNewlines(ReadText(kExpected + "/netpol-analysis-example-minimal_connlist_output.csv")));
  CommandResult json = Polc("connectivity --semantics kubernetes --format json " + kMinimal);
  CHECK(nlohmann::json::parse(json.output).size() == 3);

  TempDir dir;
  std::string out = dir.path() + "/map.txt";
  CommandResult file = Polc("connectivity --semantics kubernetes " + kMinimal + " -o " + out);
  CHECK(file.exit_code == 0);
  CHECK(file.output.empty());
  CHECK(ReadText(out) == Polc("connectivity --semantics kubernetes " + kMinimal).output);

  CHECK(Polc("connectivity --format yaml " + kMinimal).exit_code == 2);
  CHECK(Polc("connectivity --semantics upstream " + kMinimal).exit_code == 2);
  CHECK(Polc("connectivity " + dir.path() + "/missing").exit_code == 2);
  CHECK(Polc("connectivity").exit_code == 2);
}

TEST_CASE("polc connectivity: rejected policies take no part (exit 1), drop (exit 0), ignore keeps them",
          "[connectivity-cli]") {
  std::string bad = SourceDir() + "/testdata/test_command/bad-policy/web-policy.yaml";
  CommandResult fail = PolcWithStderr("connectivity " + bad);
  CHECK(fail.exit_code == 1);
  CHECK_THAT(fail.output, Catch::Contains("CiliumNetworkPolicy shop/web-ingress has errors"));
  // drop: left out as the cluster would, exit 0; ignore: mapped as written (netpol-analyzer validates nothing).
  CommandResult drop = PolcWithStderr("connectivity --rejected-policies drop " + bad);
  CHECK(drop.exit_code == 0);
  CHECK_THAT(drop.output, Catch::Contains("takes no part in the map"));
  CommandResult ignore = PolcWithStderr("connectivity --rejected-policies ignore " + bad);
  CHECK(ignore.exit_code == 0);
  CHECK_THAT(ignore.output, Catch::Contains("it is mapped as written"));
  // netpol-analyzer's case with a policy name the API server refuses.
  std::string gap = kCases + "/example_pods_w_same_owner_and_labels_gap_with_good_match_expression";
  CHECK(Polc("connectivity --semantics kubernetes " + gap).output !=
        Polc("connectivity --semantics kubernetes --rejected-policies ignore " + gap).output);
}

TEST_CASE("polc diff: netpol-analyzer's diff of its semanticDiff cases, --fail-on", "[connectivity-cli]") {
  std::string old_dir = kCases + "/semanticDiff-same-topologies-old1";
  std::string new_dir = kCases + "/semanticDiff-same-topologies-new1";
  CommandResult r = Polc("diff --semantics kubernetes " + old_dir + " " + new_dir);
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(WithoutNewlines(r.output) ==
        WithoutNewlines(ReadText(
            kExpected + "/diff_between_semanticDiff-same-topologies-new1_and_semanticDiff-same-topologies-old1.txt")));
  TempDir dir;
  CommandResult file = Polc("diff --semantics kubernetes -o " + dir.path() + "/d.txt " + old_dir + " " + new_dir);
  CHECK(file.output.empty());
  CHECK(ReadText(dir.path() + "/d.txt") == r.output);
  CHECK(Polc("diff --semantics kubernetes --fail-on changed " + old_dir + " " + new_dir).exit_code == 1);
  CHECK(Polc("diff --semantics kubernetes --fail-on removed " + old_dir + " " + new_dir).exit_code == 0);
  CHECK(Polc("diff --semantics kubernetes --fail-on any " + old_dir + " " + new_dir).exit_code == 1);
  // The same version on both sides: an empty diff never fails.
  CommandResult same = Polc("diff --semantics kubernetes --fail-on any " + old_dir + " " + old_dir);
  CHECK(same.exit_code == 0);
  CHECK(same.output.find("diff-type") == std::string::npos);
}

TEST_CASE("polc diff: usage errors exit 2", "[connectivity-cli]") {
  CHECK(Polc("diff " + kMinimal).exit_code == 2);                                   // one version only
  CHECK(Polc("diff --base-ref HEAD " + kMinimal + " " + kMinimal).exit_code == 2);  // two with --base-ref
  CHECK(Polc("diff --fail-on never " + kMinimal + " " + kMinimal).exit_code == 2);
  CHECK(Polc("diff --format dot " + kMinimal + " " + kMinimal).exit_code == 2);
}

TEST_CASE("polc diff --base-ref: the old version from git, lockout with the denying rule", "[connectivity-cli]") {
  TempDir repo;
  std::string git =
      "git -C " + repo.path() + " -c user.name=polc -c user.email=polc@example.com -c commit.gpgsign=false";
  REQUIRE(RunCommand(git + " init -q -b main 2>&1").exit_code == 0);
  fs::create_directories(repo.path() + "/app");
  for (const char* file : {"backend.yaml", "frontend.yaml", "netpols.yaml"}) {
    fs::copy_file(kMinimal + "/" + file, repo.path() + "/app/" + file);
    fs::permissions(repo.path() + "/app/" + file, fs::perms::owner_write, fs::perm_options::add);
  }
  REQUIRE(RunCommand(git + " add -A && " + git + " commit -q -m first 2>&1").exit_code == 0);

  // The change under review: frontend's DNS egress moves from UDP 53 to 5353.
  std::string policy = ReadText(repo.path() + "/app/netpols.yaml");
  size_t at = policy.find("port: 53\n");
  REQUIRE(at != std::string::npos);
  policy.replace(at, 9, "port: 5353\n");
  WriteText(repo.path() + "/app/netpols.yaml", policy);

  std::string diff = "cd " + repo.path() + " && " + Binary() + " diff --semantics kubernetes --base-ref HEAD app";
  CommandResult out = RunCommand(diff + " 2>/dev/null");
  INFO(out.output);
  CHECK(out.exit_code == 0);
  CHECK(out.output ==
        "Connectivity diff:\n"
        "diff-type: changed, source: default/frontend[Deployment], destination: 0.0.0.0-255.255.255.255[External], "
        "ref1: UDP 53, ref2: UDP 5353\n");

  CommandResult lockout = RunCommand(diff + " 2>&1 >/dev/null");
  CHECK_THAT(lockout.output, Catch::StartsWith("Lockout: 1 pair loses connections (system flows first):\n"
                                               "  [dns] default/frontend[Deployment] => "
                                               "0.0.0.0-255.255.255.255[External] : lost UDP 53\n"
                                               "      UDP 53 is now denied (egress: "));
  CommandResult json = RunCommand(diff + " --lockout json 2>&1 >/dev/null");
  nlohmann::json j = nlohmann::json::parse(json.output);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["class"] == "dns");
  CHECK(j[0]["deniedAt"] == "egress");

  CHECK(RunCommand(diff + " --fail-on changed >/dev/null 2>&1").exit_code == 1);
  CHECK(RunCommand(diff + " --fail-on removed >/dev/null 2>&1").exit_code == 0);

  CommandResult unknown = RunCommand("cd " + repo.path() + " && " + Binary() + " diff --base-ref nope app 2>&1");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.output, Catch::Contains("--base-ref nope: not a revision"));

  // A folder that did not exist at REV: everything is added.
  fs::create_directories(repo.path() + "/fresh");
  fs::copy_file(kMinimal + "/backend.yaml", repo.path() + "/fresh/backend.yaml");
  CommandResult fresh =
      RunCommand("cd " + repo.path() + " && " + Binary() + " diff --semantics kubernetes --base-ref HEAD fresh 2>&1");
  CHECK(fresh.exit_code == 0);
  CHECK_THAT(fresh.output, Catch::Contains("the old version is empty"));
}

}  // namespace
}  // namespace polc::testing
