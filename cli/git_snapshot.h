// The files of a path as they were at a git revision, for `polc diff
// --base-ref REV PATH`: the old version of a policy folder is read from git
// into a compiler::MemoryFileSystem under the same paths the working tree
// has, so findings and diffs name the files the user knows.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "compiler/input_files.h"

namespace polc::cli {

// The output of a finished child process.
struct ProcessResult {
  int exit_code = -1;  // -1 when the program could not be started or was killed
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] looked up in PATH) without a shell, feeding `input` on
// its standard input and collecting both output streams.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input = {});

struct GitSnapshot {
  // Holds the files; pass it as compiler::LoadOptions::fs.
  std::unique_ptr<compiler::MemoryFileSystem> fs;
  std::string path;                // what to load from `fs`: the user's path, normalized
  std::vector<std::string> files;  // the files read, in git's order
};

// Reads the regular files under `path` (a folder or a file, relative to the
// working directory or absolute, inside a git work tree) as of `revision`.
// Folders keep only .yaml/.yml/.json files, as the loader would. Symlinks
// and submodules are skipped. An error message (unknown revision, path not
// in a repository, path absent at that revision, git missing) otherwise.
std::variant<GitSnapshot, std::string> ReadGitSnapshot(const std::string& revision, const std::string& path);

}  // namespace polc::cli
