// Builds one commit with the user's build command and fingerprints what it built. Knows
// nothing of git or bisection: it gets a checked-out directory and an empty output directory.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <stop_token>
#include <string>

#include "base/result.h"

namespace culprit::build {

struct BuildSpec {
  std::string command;               ///< run with /bin/sh -c in `source_dir`
  std::filesystem::path source_dir;  ///< the checkout
  std::filesystem::path out_dir;     ///< created empty; exported as CULPRIT_OUT
  std::filesystem::path log_path;    ///< combined stdout+stderr of the build
  /// Kept between builds of one build slot, beside `source_dir` (a kernel's object
  /// directories); empty: none.
  std::filesystem::path scratch_dir;
  std::map<std::string, std::string> env;  ///< extra variables (CULPRIT_COMMIT, ...)
  std::chrono::seconds timeout{3600};
  std::stop_token stop;  ///< a stop request kills the build (the record says `cancelled`)
};

struct BuildRecord {
  bool ok = false;     ///< exit 0 within the timeout
  int exit_code = -1;  ///< -1 if killed by a signal or the timeout
  bool timed_out = false;
  bool cancelled = false;  ///< stopped on request: not a verdict on the commit
  std::string signature;   ///< SHA-256 hex over CULPRIT_OUT when ok (see Signature)
  std::string compiler;    ///< the compiler line, from builders that know it
  std::chrono::duration<double> duration{0};
};

class Builder {
 public:
  virtual ~Builder() = default;
  /// A failed build is a BuildRecord with ok == false (data, not an error); an Error means
  /// culprit itself could not run the command (spawn failed, disk full).
  virtual Result<BuildRecord> Build(const BuildSpec& spec) = 0;
};

/// Runs the command through /bin/sh in its own process group, killed at the timeout.
std::unique_ptr<Builder> MakeCommandBuilder();

/// SHA-256 over the files below `dir`: relative paths in byte order and their contents; no
/// mtimes, owners or modes. Empty directory -> the hash of nothing.
Result<std::string> Signature(const std::filesystem::path& dir);

/// The cache key of a build: SHA-256 of the tree id and the recipe (command and settings).
std::string BuildKey(const std::string& tree_id, const std::string& recipe);

}  // namespace culprit::build
