// Finding and reading input files: folders are walked recursively for
// .yaml/.yml/.json in a fixed (sorted) order so output never depends on
// directory iteration order; "-" reads standard input. Size and encoding are
// checked here, before any parser sees the bytes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/yaml_tree.h"
#include "ir/diagnostic.h"
#include "ir/source_location.h"

namespace polc::compiler {

// Abstracts the file system so tests can feed files from memory.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  enum class Type { kMissing, kFile, kDirectory, kOther };
  virtual Type Stat(const std::string& path) const = 0;
  // Directory entries (full paths), any order.
  virtual std::vector<std::string> List(const std::string& directory) const = 0;
  virtual std::optional<uint64_t> Size(const std::string& path) const = 0;
  // Reads at most `limit` + 1 bytes, so an oversized stream is detected
  // without reading all of it. nullopt on I/O error.
  virtual std::optional<std::string> Read(const std::string& path, uint64_t limit) const = 0;
  virtual std::optional<std::string> ReadStdin(uint64_t limit) const = 0;
};

// The real file system (std::filesystem + iostreams).
const FileSystem& RealFileSystem();

// Files held in memory, for LoadText and tests: in-memory text then goes
// through exactly the size and encoding checks that files on disk get.
// Folders exist implicitly: "a/b.yaml" makes "a" a folder.
class MemoryFileSystem final : public FileSystem {
 public:
  void AddFile(std::string path, std::string contents) { files_[std::move(path)] = std::move(contents); }
  void SetStdin(std::string contents) { stdin_ = std::move(contents); }

  Type Stat(const std::string& path) const override;
  std::vector<std::string> List(const std::string& directory) const override;
  std::optional<uint64_t> Size(const std::string& path) const override;
  std::optional<std::string> Read(const std::string& path, uint64_t limit) const override;
  std::optional<std::string> ReadStdin(uint64_t limit) const override;

 private:
  std::map<std::string, std::string, std::less<>> files_;
  std::optional<std::string> stdin_;
};

struct CollectOptions {
  InputLimits limits;
  std::vector<std::string> ignore_globs;  // matched against the path, e.g. "**/charts/**"
};

// Expands `paths` into the files to read, in order, and reads them.
// Problems (missing path, too large, binary, invalid UTF-8) are reported with
// the file's location and the file is skipped. Files that pass are added to
// `files` (path and contents) and their ids returned in input order.
std::vector<ir::FileId> CollectInputs(const std::vector<std::string>& paths, const CollectOptions& options,
                                      const FileSystem& fs, ir::FileTable& files, ir::DiagnosticSink& sink);

// Glob matching with `*` (within a path segment), `**` (any number of
// segments) and `?`.
bool GlobMatch(std::string_view pattern, std::string_view path);

// Returns the offset of the first byte that is not valid UTF-8, or nullopt.
std::optional<size_t> FindInvalidUtf8(std::string_view text);

}  // namespace polc::compiler
