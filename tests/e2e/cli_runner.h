// Runs the culprit binary as a user would, and builds the small histories the scenarios use.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "history/test_repo.h"

namespace culprit::e2e {

struct CliResult {
  int exit_code = -1;
  int signal = 0;
  std::string out;      ///< stdout
  std::string err;      ///< stderr
  nlohmann::json json;  ///< the --json document when one was written
};

/// A scratch directory removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Runs `culprit ARGS...` with a time bound; `kill_after_s` > 0 sends `kill_signal` (a name
/// for timeout -s: KILL, INT, TERM) then.
CliResult RunCulprit(const std::vector<std::string>& args, const std::filesystem::path& json = {},
                     double kill_after_s = 0, const std::string& kill_signal = "KILL");

/// Build and test commands for histories made by FillHistory: the build copies `bug` and
/// `code.txt` into $CULPRIT_OUT (and fails where a `broken` file exists); the test prints an
/// AddressSanitizer report when the built `bug` is 1 (only on runs where CULPRIT_RUN % every == 0
/// if every > 1). `counter` files, when given, get one line per build / run.
std::string BuildCommand(const std::filesystem::path& counter = {});
std::string TestCommand(int every = 1, const std::filesystem::path& counter = {},
                        double sleep_s = 0);

/// Commit helpers: a code change, a doc-only change, and the commit that plants the bug.
std::string CodeCommit(history::TestRepo& repo, int n);
std::string DocCommit(history::TestRepo& repo, int n);
/// A commit that changes src/bug.c, the file the test command's crash stack cites.
std::string StackFileCommit(history::TestRepo& repo, int n);
std::string BugCommit(history::TestRepo& repo, bool present);

int CountLines(const std::filesystem::path& file);

/// 12 commits after `good` made with CodeCommit; BugCommit plants the bug at the 7th.
struct PlantedRepo {
  history::TestRepo repo;
  std::string good, planted;
  PlantedRepo();
};

/// `bisect` of `r` from HEAD to its good commit with `build` and `test`, the state directory
/// and the JSON (result.json) in `dir`.
std::vector<std::string> BisectArgs(const PlantedRepo& r, const ScratchDir& dir,
                                    const std::string& build, const std::string& test);

}  // namespace culprit::e2e
