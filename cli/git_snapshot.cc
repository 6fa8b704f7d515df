#include "cli/git_snapshot.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace polc::cli {
namespace {

namespace fs = std::filesystem;

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// The first line of git's complaint, for a one-line error message.
std::string GitError(const ProcessResult& result) {
  if (result.exit_code == -1 && result.err.empty()) return "git could not be run (is it installed?)";
  std::string first = result.err.substr(0, result.err.find('\n'));
  if (first.starts_with("fatal: ")) first = first.substr(7);
  return first.empty() ? fmt::format("git exited with {}", result.exit_code) : first;
}

ProcessResult Git(const std::string& directory, std::vector<std::string> args, const std::string& input = {}) {
  args.insert(args.begin(), {"git", "-C", directory});
  return RunProcess(args, input);
}

bool LoaderReads(std::string_view path) {
  return path.ends_with(".yaml") || path.ends_with(".yml") || path.ends_with(".json");
}

// The user's path as the loader will be given it: "./a/b/" -> "a/b".
std::string NormalizePath(const std::string& path) {
  std::string normal = fs::path(path.empty() ? "." : path).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal.empty() ? "." : normal;
}

struct TreeEntry {
  std::string oid;
  std::string path;  // from the repository root
};

// Parses `git ls-tree -r -z --full-name` output, keeping regular files.
std::vector<TreeEntry> ParseLsTree(const std::string& out) {
  std::vector<TreeEntry> entries;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\0', start);
    if (end == std::string::npos) end = out.size();
    std::string_view record(out.data() + start, end - start);
    start = end + 1;
    // "<mode> SP <type> SP <oid> TAB <path>"
    size_t tab = record.find('\t');
    if (tab == std::string_view::npos) continue;
    std::string_view head = record.substr(0, tab);
    size_t first = head.find(' ');
    size_t second = head.find(' ', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) continue;
    std::string_view mode = head.substr(0, first);
    std::string_view type = head.substr(first + 1, second - first - 1);
    if (type != "blob" || (mode != "100644" && mode != "100755")) continue;  // symlinks, submodules
    entries.push_back({std::string(head.substr(second + 1)), std::string(record.substr(tab + 1))});
  }
  return entries;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input) {
  ProcessResult result;
  if (argv.empty()) return result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return result;
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]), close(in_pipe[1]);
    return result;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]), close(in_pipe[1]), close(out_pipe[0]), close(out_pipe[1]);
    return result;
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    close(in_pipe[1]), close(out_pipe[0]), close(err_pipe[0]);
    return result;
  }
  // A child that exits early must not kill us with SIGPIPE while we feed it.
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  size_t written = 0;
  int in_fd = in_pipe[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  int out_fd = out_pipe[0], err_fd = err_pipe[0];
  std::array<char, 65536> buffer;
  // Write and read at once: git may fill its output pipe before it has read
  // all of its input.
  while (out_fd >= 0 || err_fd >= 0) {
    std::array<pollfd, 3> fds{pollfd{out_fd, POLLIN, 0}, pollfd{err_fd, POLLIN, 0}, pollfd{in_fd, POLLOUT, 0}};
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? out_fd : err_fd;
      if (fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t n = read(fd, buffer.data(), buffer.size());
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer.data(), static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fd);
        fd = -1;
      }
    }
    if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      ssize_t n = write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  sigaction(SIGPIPE, &previous, nullptr);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (result.exit_code == 127 && result.out.empty() && result.err.empty()) result.exit_code = -1;
  return result;
}

std::variant<GitSnapshot, std::string> ReadGitSnapshot(const std::string& revision, const std::string& path) {
  GitSnapshot snapshot;
  snapshot.fs = std::make_unique<compiler::MemoryFileSystem>();
  snapshot.path = NormalizePath(path);
  std::error_code ec;
  fs::path absolute = fs::weakly_canonical(fs::absolute(snapshot.path, ec), ec);
  if (ec) return fmt::format("{}: {}", path, ec.message());
  // The path may be gone from the working tree (deleted since REV): ask git
  // from its nearest existing folder.
  fs::path directory = absolute;
  while (!directory.empty() && !fs::is_directory(directory, ec)) {
    if (directory == directory.parent_path()) break;
    directory = directory.parent_path();
  }
  ProcessResult top = Git(directory.string(), {"rev-parse", "--show-toplevel"});
  if (top.exit_code != 0) return fmt::format("{} is not in a git work tree: {}", path, GitError(top));
  fs::path root = fs::weakly_canonical(Trim(top.out), ec);
  ProcessResult commit =
      Git(root.string(), {"rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"});
  if (commit.exit_code != 0) {
    return fmt::format("--base-ref {}: not a revision of the repository at {}", revision, root.string());
  }
  std::string relative = absolute.lexically_relative(root).string();
  if (relative.empty() || relative.starts_with("..")) {
    return fmt::format("{} is outside the git work tree {}", path, root.string());
  }
  ProcessResult tree = Git(root.string(), {"ls-tree", "-r", "-z", "--full-name", Trim(commit.out), "--", relative});
  if (tree.exit_code != 0) return fmt::format("--base-ref {}: {}", revision, GitError(tree));
  std::vector<TreeEntry> entries = ParseLsTree(tree.out);
  // A file keeps its name; the files of a folder are placed under the path
  // the user gave, as the loader names them when it walks the real folder.
  std::string prefix = relative == "." ? "" : relative + "/";
  std::vector<TreeEntry> kept;
  std::vector<std::string> names;
  for (TreeEntry& entry : entries) {
    if (entry.path == relative) {
      names.push_back(snapshot.path);
    } else if (entry.path.starts_with(prefix) && LoaderReads(entry.path)) {
      names.push_back(snapshot.path + "/" + entry.path.substr(prefix.size()));
    } else {
      continue;
    }
    kept.push_back(std::move(entry));
  }
  if (kept.empty()) return snapshot;  // absent (or nothing to read) at REV: the old version is empty
  std::string request;
  for (const TreeEntry& entry : kept) request += entry.oid + "\n";
  ProcessResult blobs = Git(root.string(), {"cat-file", "--batch"}, request);
  if (blobs.exit_code != 0) return fmt::format("--base-ref {}: {}", revision, GitError(blobs));
  // "<oid> SP blob SP <size> LF <contents> LF" per object, in request order.
  size_t at = 0;
  for (size_t i = 0; i < kept.size(); ++i) {
    size_t eol = blobs.out.find('\n', at);
    if (eol == std::string::npos) return fmt::format("--base-ref {}: git cat-file output is cut short", revision);
    std::string header = blobs.out.substr(at, eol - at);
    size_t space = header.rfind(' ');
    if (space == std::string::npos || header.find(" blob ") == std::string::npos) {
      return fmt::format("--base-ref {}: cannot read {} ({})", revision, kept[i].path, header);
    }
    size_t size = std::stoull(header.substr(space + 1));
    if (eol + 1 + size > blobs.out.size())
      return fmt::format("--base-ref {}: git cat-file output is cut short", revision);
    snapshot.fs->AddFile(names[i], blobs.out.substr(eol + 1, size));
    snapshot.files.push_back(names[i]);
    at = eol + 1 + size + 1;
  }
  return snapshot;
}

}  // namespace polc::cli
