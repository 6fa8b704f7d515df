// `polc diff OLD NEW` and `polc diff --base-ref REV PATH`: the semantic diff
// of two versions of a repository (netpol-analyzer's `diff`: which pairs of
// peers gain, lose or change connections; ref1 is OLD), plus the lockout
// summary of cli/lockout.h on stderr. The old version comes from a folder or
// from git (cli/git_snapshot.h).
#pragma once

#include <string>
#include <vector>

#include "cli/map_inputs.h"

namespace CLI {
class App;
}

namespace polc::cli {

struct DiffCommandOptions {
  std::vector<std::string> paths;  // OLD NEW, or PATH with --base-ref
  std::string base_ref;
  MapSettingsOptions settings;
  std::string format = "connlist";  // connlist|csv|md|json
  std::string output;               // empty: stdout
  std::string lockout = "text";     // text|json|none (on stderr)
  std::string fail_on;              // removed|changed|any|"" (never)
};

// Registers `polc diff` on `app`; the callback stores the exit code.
void AddDiffCommand(CLI::App& app, int& exit_code);

// Exit codes: 0 the diff was written (and --fail-on found nothing); 1 the
// diff has entries of the --fail-on kind, or a policy of the new version has
// errors and --rejected-policies is fail; 2 usage error, bad config, an
// input that cannot be read or parsed, or a git error (unknown revision).
int RunDiff(const DiffCommandOptions& options);

}  // namespace polc::cli
