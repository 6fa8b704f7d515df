#include "compiler/input_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

namespace polc::compiler {
namespace {

namespace stdfs = std::filesystem;

class RealFs final : public FileSystem {
 public:
  Type Stat(const std::string& path) const override {
    std::error_code ec;
    auto status = stdfs::status(path, ec);
    if (ec || status.type() == stdfs::file_type::not_found) return Type::kMissing;
    if (status.type() == stdfs::file_type::directory) return Type::kDirectory;
    if (status.type() == stdfs::file_type::regular) return Type::kFile;
    return Type::kOther;
  }
  std::vector<std::string> List(const std::string& directory) const override {
    std::vector<std::string> out;
    std::error_code ec;
    for (stdfs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
      out.push_back(it->path().string());
    }
    return out;
  }
  std::optional<uint64_t> Size(const std::string& path) const override {
    std::error_code ec;
    auto size = stdfs::file_size(path, ec);
    if (ec) return std::nullopt;
    return size;
  }
  std::optional<std::string> Read(const std::string& path, uint64_t limit) const override {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return ReadLimited(in, limit);
  }
  std::optional<std::string> ReadStdin(uint64_t limit) const override { return ReadLimited(std::cin, limit); }

 private:
  static std::optional<std::string> ReadLimited(std::istream& in, uint64_t limit) {
    std::string out;
    char buffer[1 << 16];
    while (in && out.size() <= limit) {
      in.read(buffer, sizeof buffer);
      out.append(buffer, static_cast<size_t>(in.gcount()));
    }
    if (in.bad()) return std::nullopt;
    return out;
  }
};

bool HasPolicyExtension(std::string_view path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  return ends_with(".yaml") || ends_with(".yml") || ends_with(".json");
}

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

void Walk(const std::string& directory, const FileSystem& fs, std::vector<std::string>& out) {
  std::vector<std::string> entries = fs.List(directory);
  std::sort(entries.begin(), entries.end());
  for (const std::string& entry : entries) {
    if (BaseName(entry).starts_with(".")) continue;  // .git, editor files
    switch (fs.Stat(entry)) {
      case FileSystem::Type::kDirectory: Walk(entry, fs, out); break;
      case FileSystem::Type::kFile:
        if (HasPolicyExtension(entry)) out.push_back(entry);
        break;
      default: break;
    }
  }
}

bool LooksBinary(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

}  // namespace

const FileSystem& RealFileSystem() {
  static const RealFs fs;
  return fs;
}

FileSystem::Type MemoryFileSystem::Stat(const std::string& path) const {
  if (files_.count(path)) return Type::kFile;
  std::string prefix = path.ends_with("/") ? path : path + "/";
  auto it = files_.lower_bound(prefix);
  return it != files_.end() && it->first.starts_with(prefix) ? Type::kDirectory : Type::kMissing;
}

std::vector<std::string> MemoryFileSystem::List(const std::string& directory) const {
  std::string prefix = directory.ends_with("/") ? directory : directory + "/";
  std::vector<std::string> out;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.starts_with(prefix); ++it) {
    size_t slash = it->first.find('/', prefix.size());
    std::string entry = it->first.substr(0, slash);  // a file, or the subfolder it is in
    if (out.empty() || out.back() != entry) out.push_back(std::move(entry));
  }
  return out;
}

std::optional<uint64_t> MemoryFileSystem::Size(const std::string& path) const {
  auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  return it->second.size();
}

std::optional<std::string> MemoryFileSystem::Read(const std::string& path, uint64_t limit) const {
  auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  return it->second.substr(0, std::min<uint64_t>(limit, it->second.size()) + 1);
}

std::optional<std::string> MemoryFileSystem::ReadStdin(uint64_t limit) const {
  if (!stdin_) return std::nullopt;
  return stdin_->substr(0, std::min<uint64_t>(limit, stdin_->size()) + 1);
}

bool GlobMatch(std::string_view pattern, std::string_view path) {
  // Iterative matcher with backtracking for '*' and '**'.
  if (pattern.empty()) return path.empty();
  if (pattern.starts_with("**")) {
    std::string_view rest = pattern.substr(2);
    if (rest.starts_with("/")) {
      // "**/x" matches "x" and "a/b/x".
      if (GlobMatch(rest.substr(1), path)) return true;
    }
    for (size_t i = 0; i <= path.size(); ++i) {
      if (GlobMatch(rest, path.substr(i))) return true;
    }
    return false;
  }
  if (pattern.front() == '*') {
    for (size_t i = 0; i <= path.size(); ++i) {
      if (GlobMatch(pattern.substr(1), path.substr(i))) return true;
      if (i < path.size() && path[i] == '/') break;
    }
    return false;
  }
  if (path.empty()) return false;
  if (pattern.front() == '?' ? path.front() != '/' : pattern.front() == path.front()) {
    return GlobMatch(pattern.substr(1), path.substr(1));
  }
  return false;
}

std::optional<size_t> FindInvalidUtf8(std::string_view text) {
  size_t i = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  while (i < text.size()) {
    unsigned char c = bytes[i];
    size_t length;
    uint32_t min_code;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2, min_code = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, min_code = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, min_code = 0x10000;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    uint32_t code = c & (0xFF >> (length + 1));
    for (size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
      code = (code << 6) | (bytes[i + k] & 0x3F);
    }
    if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return std::nullopt;
}

std::vector<ir::FileId> CollectInputs(const std::vector<std::string>& paths, const CollectOptions& options,
                                      const FileSystem& fs, ir::FileTable& files, ir::DiagnosticSink& sink) {
  std::vector<ir::FileId> result;
  uint64_t limit = options.limits.max_file_bytes;

  auto report_too_large = [&](const std::string& path) {
    ir::FileId id = files.Add(path, "");
    sink.Report(ir::RuleId::kInputTooLarge, {id, 0, 0},
                fmt::format("the file is larger than the limit of {} bytes", limit),
                "raise limits.maxFileBytes in .polc.yaml, or split the file");
  };

  auto accept = [&](const std::string& path, std::optional<std::string> contents) {
    if (!contents) {
      ir::FileId id = files.Add(path, "");
      sink.Report(ir::RuleId::kInputUnreadable, {id, 0, 0}, fmt::format("cannot read '{}'", path));
      return;
    }
    if (contents->size() > limit) {
      report_too_large(path);
      return;
    }
    if (contents->starts_with("\xEF\xBB\xBF")) contents->erase(0, 3);  // UTF-8 byte order mark
    if (LooksBinary(*contents)) {
      ir::FileId id = files.Add(path, "");
      sink.Report(ir::RuleId::kInputEncoding, {id, 0, 0}, "the file is binary (it contains NUL bytes)");
      return;
    }
    if (auto bad = FindInvalidUtf8(*contents)) {
      // Report the line and column of the offending byte, then keep only an
      // empty copy so nothing downstream quotes invalid text.
      std::string_view prefix(contents->data(), *bad);
      uint32_t line = static_cast<uint32_t>(std::count(prefix.begin(), prefix.end(), '\n')) + 1;
      size_t line_start = prefix.rfind('\n');
      uint32_t column = static_cast<uint32_t>(*bad - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
      ir::FileId id = files.Add(path, "");
      sink.Report(ir::RuleId::kInputEncoding, {id, line, column},
                  fmt::format("invalid UTF-8 byte 0x{:02X}", static_cast<unsigned char>((*contents)[*bad])));
      return;
    }
    result.push_back(files.Add(path, std::move(*contents)));
  };

  auto ignored = [&](const std::string& path) {
    return std::any_of(options.ignore_globs.begin(), options.ignore_globs.end(),
                       [&](const std::string& glob) { return GlobMatch(glob, path); });
  };

  for (const std::string& path : paths) {
    if (path == "-") {
      accept("<stdin>", fs.ReadStdin(limit));
      continue;
    }
    switch (fs.Stat(path)) {
      case FileSystem::Type::kMissing: {
        ir::FileId id = files.Add(path, "");
        sink.Report(ir::RuleId::kInputUnreadable, {id, 0, 0}, fmt::format("no such file or directory: '{}'", path));
        break;
      }
      case FileSystem::Type::kDirectory: {
        std::vector<std::string> found;
        std::string root = path;
        while (root.size() > 1 && root.back() == '/') root.pop_back();
        Walk(root, fs, found);
        for (const std::string& file : found) {
          if (ignored(file)) continue;
          auto size = fs.Size(file);
          if (size && *size > limit) {
            report_too_large(file);
            continue;
          }
          accept(file, fs.Read(file, limit));
        }
        break;
      }
      default:
        // A file named explicitly is read whatever its extension.
        if (ignored(path)) break;
        if (auto size = fs.Size(path); size && *size > limit) {
          report_too_large(path);
          break;
        }
        accept(path, fs.Read(path, limit));
        break;
    }
  }
  return result;
}

}  // namespace polc::compiler
