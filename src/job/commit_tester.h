// Builds one commit (through the build cache) and runs its reproducer N times (up to --jobs at
// once), storing every build and run before returning it. Shared by the bisection loop and
// `culprit kernel test`.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "job/bisection.h"

namespace culprit::job {

struct CommitBuild {
  store::BuildRow row;
  bool cached = false;  ///< found in the store (this job or an earlier one): not rebuilt
};

/// At most `limit` bytes of a file (a run's log is capped, but never trust a file's size).
std::string ReadBounded(const std::filesystem::path& path, size_t limit);

class CommitTester {
 public:
  CommitTester(const JobConfig& config, int64_t job_id, Parts parts);

  /// The build of `commit_id`: from the cache keyed by (tree, recipe) when its artifacts still
  /// exist, else checked out in the private worktree, built and stored.
  Result<CommitBuild> Build(const std::string& commit_id);

  /// Runs the reproducer `runs` times against `build` (numbered after the runs already stored),
  /// storing each run. Stops starting new runs once `stop` returns true for a finished one.
  /// `status` is called about five times a second with the number of finished runs.
  Result<std::vector<store::RunRow>> Run(const std::string& commit_id, const store::BuildRow& build,
                                         int runs,
                                         const std::function<bool(const store::RunRow&)>& stop,
                                         const std::function<void(int)>& status);

  /// Identifies the test recipe (command or VM settings, timeout, limits) in the store.
  const std::string& test_key() const { return test_key_; }

 private:
  const JobConfig& config_;
  int64_t job_id_;
  Parts parts_;
  std::string build_recipe_;
  std::string test_key_;
};

}  // namespace culprit::job
