// Source positions carried by every IR node that came from a file.
//
// Files are referred to by index into a FileTable rather than by name so that
// IR nodes stay small plain values that compare with operator==; the table is
// owned by whoever loaded the inputs (compiler::LoadResult) and is needed only
// to print a location.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace polc::ir {

using FileId = uint32_t;
inline constexpr FileId kNoFile = UINT32_MAX;

struct SourceLocation {
  FileId file = kNoFile;
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based; 0 when unknown

  bool Known() const { return file != kNoFile; }
  bool operator==(const SourceLocation&) const = default;
  auto operator<=>(const SourceLocation&) const = default;
};

// The names (as given on the command line, or "<stdin>") and contents of the
// files that were read. Contents are kept so diagnostics can quote the line.
class FileTable {
 public:
  FileId Add(std::string path, std::string contents);
  const std::string& Path(FileId id) const { return paths_.at(id); }
  const std::string& Contents(FileId id) const { return contents_.at(id); }
  size_t size() const { return paths_.size(); }

  // The text of 1-based line `line` of file `id`, without its newline; empty
  // when out of range.
  std::string_view Line(FileId id, uint32_t line) const;

  // "path:line:col", or "path" when the position is unknown.
  std::string Format(const SourceLocation& loc) const;

 private:
  std::vector<std::string> paths_;
  std::vector<std::string> contents_;
};

}  // namespace polc::ir
