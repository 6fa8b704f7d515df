#include "ir/source_location.h"

#include <fmt/format.h>

namespace polc::ir {

FileId FileTable::Add(std::string path, std::string contents) {
  paths_.push_back(std::move(path));
  contents_.push_back(std::move(contents));
  return static_cast<FileId>(paths_.size() - 1);
}

std::string_view FileTable::Line(FileId id, uint32_t line) const {
  if (id >= contents_.size() || line == 0) return {};
  std::string_view text = contents_[id];
  size_t start = 0;
  for (uint32_t current = 1; current < line; ++current) {
    size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) return {};
    start = newline + 1;
  }
  size_t end = text.find('\n', start);
  std::string_view result = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  return result;
}

std::string FileTable::Format(const SourceLocation& loc) const {
  if (!loc.Known() || loc.file >= paths_.size()) return "<unknown>";
  if (loc.line == 0) return paths_[loc.file];
  return fmt::format("{}:{}:{}", paths_[loc.file], loc.line, loc.column);
}

}  // namespace polc::ir
