// Reading the old version of a folder from git for `polc diff --base-ref`:
// a temporary repository per test, the files of PATH at REV under the same
// names the working tree gives them, and clear errors.
#include "cli/git_snapshot.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace polc::cli {
namespace {

namespace fs = std::filesystem;

class TempRepo {
 public:
  TempRepo() {
    std::string pattern = (fs::temp_directory_path() / "polc-git-XXXXXX").string();
    root_ = mkdtemp(pattern.data()) != nullptr ? fs::path(pattern) : fs::path();
    Git({"init", "-q", "-b", "main"});
  }
  ~TempRepo() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;

  const fs::path& root() const { return root_; }
  void Write(const std::string& path, const std::string& text) {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path, std::ios::binary) << text;
  }
  ProcessResult Git(std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", root_.string(), "-c", "user.name=polc", "-c", "user.email=polc@example.com",
                               "-c", "commit.gpgsign=false"});
    return RunProcess(args);
  }
  void Commit(const std::string& message) {
    REQUIRE(Git({"add", "-A"}).exit_code == 0);
    REQUIRE(Git({"commit", "-q", "-m", message}).exit_code == 0);
  }

 private:
  fs::path root_;
};

std::string Contents(const GitSnapshot& snapshot, const std::string& path) {
  return snapshot.fs->Read(path, 1 << 20).value_or("<missing>");
}

TEST_CASE("RunProcess: stdin, stdout, stderr and the exit code, no shell", "[git-snapshot]") {
  ProcessResult cat = RunProcess({"cat"}, "a b\n");
  CHECK(cat.exit_code == 0);
  CHECK(cat.out == "a b\n");
  ProcessResult sh = RunProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(sh.exit_code == 3);
  CHECK(sh.out == "out\n");
  CHECK(sh.err == "err\n");
  CHECK(RunProcess({"echo", "$HOME;", "|"}).out == "$HOME; |\n");  // arguments are not interpreted
  CHECK(RunProcess({"polc-no-such-program"}).exit_code == -1);
  // More input than a pipe holds, echoed back: reading and writing at once.
  std::string big(1 << 20, 'x');
  CHECK(RunProcess({"cat"}, big).out.size() == big.size());
}

TEST_CASE("git snapshot: the files of a folder at REV under the working tree's names", "[git-snapshot]") {
  TempRepo repo;
  repo.Write("policies/a.yaml", "old a\n");
  repo.Write("policies/sub/b.yml", "old b\n");
  repo.Write("policies/README.md", "not an input\n");
  repo.Write("other/c.yaml", "elsewhere\n");
  repo.Commit("first");
  repo.Write("policies/a.yaml", "new a\n");
  fs::remove(repo.root() / "policies/sub/b.yml");
  repo.Commit("second");
  repo.Write("policies/a.yaml", "uncommitted a\n");

  std::string folder = (repo.root() / "policies").string();
  auto head = ReadGitSnapshot("HEAD~1", folder + "/");
  REQUIRE(std::holds_alternative<GitSnapshot>(head));
  const GitSnapshot& old = std::get<GitSnapshot>(head);
  CHECK(old.path == folder);
  CHECK(old.files == std::vector<std::string>{folder + "/a.yaml", folder + "/sub/b.yml"});
  CHECK(Contents(old, folder + "/a.yaml") == "old a\n");
  CHECK(Contents(old, folder + "/sub/b.yml") == "old b\n");
  CHECK(old.fs->Stat(folder) == compiler::FileSystem::Type::kDirectory);

  // HEAD, not the working tree.
  auto current = ReadGitSnapshot("main", folder);
  REQUIRE(std::holds_alternative<GitSnapshot>(current));
  CHECK(Contents(std::get<GitSnapshot>(current), folder + "/a.yaml") == "new a\n");
  CHECK(std::get<GitSnapshot>(current).files.size() == 1);

  // One file keeps its own name.
  auto file = ReadGitSnapshot("HEAD~1", folder + "/a.yaml");
  REQUIRE(std::holds_alternative<GitSnapshot>(file));
  CHECK(std::get<GitSnapshot>(file).files == std::vector<std::string>{folder + "/a.yaml"});
}

TEST_CASE("git snapshot: a path relative to the working directory stays relative", "[git-snapshot]") {
  TempRepo repo;
  repo.Write("p/a.yaml", "a\n");
  repo.Commit("first");
  fs::path cwd = fs::current_path();
  fs::current_path(repo.root());
  auto snapshot = ReadGitSnapshot("HEAD", "./p");
  fs::current_path(cwd);
  REQUIRE(std::holds_alternative<GitSnapshot>(snapshot));
  CHECK(std::get<GitSnapshot>(snapshot).path == "p");
  CHECK(std::get<GitSnapshot>(snapshot).files == std::vector<std::string>{"p/a.yaml"});
}

TEST_CASE("git snapshot: a folder absent at REV is an empty old version", "[git-snapshot]") {
  TempRepo repo;
  repo.Write("first.txt", "x\n");
  repo.Commit("first");
  repo.Write("policies/a.yaml", "a\n");
  repo.Commit("second");
  auto snapshot = ReadGitSnapshot("HEAD~1", (repo.root() / "policies").string());
  REQUIRE(std::holds_alternative<GitSnapshot>(snapshot));
  CHECK(std::get<GitSnapshot>(snapshot).files.empty());
}

TEST_CASE("git snapshot: unknown revision, outside a work tree", "[git-snapshot]") {
  TempRepo repo;
  repo.Write("policies/a.yaml", "a\n");
  repo.Commit("first");
  auto unknown = ReadGitSnapshot("no-such-branch", (repo.root() / "policies").string());
  REQUIRE(std::holds_alternative<std::string>(unknown));
  CHECK_THAT(std::get<std::string>(unknown), Catch::StartsWith("--base-ref no-such-branch: not a revision"));
  // An option-like revision is not passed to git as an option.
  CHECK(std::holds_alternative<std::string>(ReadGitSnapshot("--help", (repo.root() / "policies").string())));

  fs::path outside = repo.root() / "outside";
  fs::create_directories(outside);
  fs::remove_all(repo.root() / ".git");
  auto no_repo = ReadGitSnapshot("HEAD", outside.string());
  REQUIRE(std::holds_alternative<std::string>(no_repo));
  CHECK_THAT(std::get<std::string>(no_repo), Catch::Contains("is not in a git work tree"));
}

}  // namespace
}  // namespace polc::cli
