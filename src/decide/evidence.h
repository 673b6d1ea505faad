// Evidence recorded so far, per commit: what the build said and how its runs ended. Shared by
// the engine and its strategies (private to decide).
#pragma once

#include <string>
#include <vector>

#include "base/outcome.h"
#include "decide/dag.h"
#include "decide/engine.h"

namespace culprit::decide {

enum class BuildState { kUnknown, kOk, kFailed };

struct CommitEvidence {
  BuildState build = BuildState::kUnknown;
  std::string signature;
  /// Not built: the program of its first parent (BuildEvidence::avoided). A real build wins.
  bool avoided = false;
  int target = 0;      ///< target crashes
  int other = 0;       ///< unrelated crashes
  int ok = 0;          ///< runs that ended cleanly
  int untestable = 0;  ///< boot failures and the like
  int infra = 0;       ///< infrastructure errors
  /// A human's verdict (Problem::marks); kUndecided without one.
  CommitVerdict mark = CommitVerdict::kUndecided;

  int runs() const { return target + other + ok + untestable + infra; }
  bool built() const { return build == BuildState::kOk; }
  /// Build failed, or the built commit never ran the reproducer (boot failed at least twice),
  /// or a human marked it skip.
  bool Untestable() const {
    return build == BuildState::kFailed || (untestable >= 2 && target + ok + other == 0) ||
           mark == CommitVerdict::kUntestable;
  }
};

class Evidence {
 public:
  explicit Evidence(int32_t commits) : per_commit_(static_cast<size_t>(commits)) {}

  void RecordBuild(CommitIndex c, const BuildEvidence& build);
  void RecordRun(CommitIndex c, Outcome outcome);
  /// A human's verdict on `c` (Problem::marks).
  void RecordMark(CommitIndex c, CommitVerdict verdict);

  const CommitEvidence& at(CommitIndex c) const { return per_commit_[static_cast<size_t>(c)]; }
  /// Commits with a build result (ok or failed), sorted by index.
  const std::vector<CommitIndex>& built() const { return built_; }
  /// Build records, avoided ones included.
  int builds() const { return static_cast<int>(built_.size()); }
  /// Build records that were real builds (the build budget counts these).
  int real_builds() const { return builds() - avoided_; }
  int runs() const { return runs_; }
  /// Grows with every record that changed something: a key for caches of derived state.
  int version() const { return version_; }
  /// Commits a human marked good or bad (not skip), sorted by index.
  const std::vector<CommitIndex>& marked() const { return marked_; }

 private:
  std::vector<CommitEvidence> per_commit_;
  std::vector<CommitIndex> built_;
  std::vector<CommitIndex> marked_;
  int runs_ = 0;
  int avoided_ = 0;
  int version_ = 0;
};

}  // namespace culprit::decide
