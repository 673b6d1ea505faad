// Fakes of the loop's parts for the loop test (bisection_test.cc), in the manner of
// syzkaller's bisect_test.go testEnv and ninja's fake command runner: a repository backed by a
// simulated history, a worktree that only remembers, and a builder and a runner whose outcomes
// come from a scripted world (planted culprit, flaky crash, broken stretches, infrastructure
// failures). Outcomes are a function of (commit, run number), never of thread timing, so a row
// replays exactly however the runs interleave.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "build/builder.h"
#include "decide/dag.h"
#include "decide/engine.h"
#include "history/history.h"
#include "run/runner.h"

namespace culprit::job::testing {

/// The truth behind the fakes.
struct FakeWorld {
  decide::CommitDag dag;  ///< ids are 40 hex digits; releases "vN.0"
  decide::Mode mode = decide::Mode::kCause;
  decide::CommitIndex culprit = 0;     ///< cause: first crashing commit; fix: the fix
  decide::CommitIndex introduced = 0;  ///< fix mode: where the crash appeared
  double crash_p = 1.0;
  /// Inclusive index ranges.
  std::vector<std::pair<int, int>> build_broken, boot_broken, same_tree, no_change;
  /// Runs on these commits fail to start (exit 126) with this chance.
  std::pair<int, int> infra_range = {1, 0};
  double infra_p = 0;
  /// Chance that a run shows an unrelated crash instead of its outcome.
  double other_crash_p = 0;
  uint64_t seed = 1;
  /// Files each commit changes (for the stack prior), and the files of the bad commit's tree.
  std::map<decide::CommitIndex, std::vector<std::string>> changes;
  std::set<std::string> files = {"mm/slab.c", "fs/io_uring.c", "lookup.c"};
  /// The source file the target crash's stack cites.
  std::string crash_file = "fs/io_uring.c";
  /// The bug is a failing test, not a crash: its runs print "FAIL: lookup returns a stale
  /// value" and exit 1 (unrelated failures: "FAIL: network test timed out", exit 1).
  bool failing_test = false;
  /// Edited trees (Repository::EditTree: the culprit reverted on the bad commit, or a fix
  /// applied): reverting or applying these commits conflicts in lookup.c...
  std::set<decide::CommitIndex> edit_conflicts;
  /// ... an edited tree does not build ...
  bool edited_build_broken = false;
  /// ... and the crash is still there without the culprit's change (it comes from elsewhere).
  bool crash_survives_edit = false;

  bool Crashes(decide::CommitIndex c) const;
  bool InAny(const std::vector<std::pair<int, int>>& ranges, decide::CommitIndex c) const;
  /// The tree of `c`: commits in `same_tree` share their first parent's.
  std::string TreeOf(decide::CommitIndex c) const;
  decide::CommitIndex IndexOf(const std::string& id) const;

  /// An edited tree's commit: "edit:revert:<commit>:<base>" or "edit:pick:<commit>:<base>".
  struct Edit {
    bool revert = true;
    decide::CommitIndex commit = decide::kNoCommit;
    decide::CommitIndex base = decide::kNoCommit;
  };
  static std::string EditId(const Edit& e, const decide::CommitDag& dag);
  std::optional<Edit> ParseEdit(const std::string& id) const;
  /// Whether the edited tree has the crash: the base's, unless the edit removes the culprit's
  /// change (reverting the cause, applying the fix) and the crash does not survive that.
  bool EditCrashes(const Edit& e) const;
};

/// A linear or kernel-like history from sim::MakeHistory with hex ids and "vN.0" releases.
decide::CommitDag MakeFakeDag(const std::string& spec, uint64_t seed);

class FakeRepository : public history::Repository {
 public:
  explicit FakeRepository(const FakeWorld& world) : world_(world) {}
  Result<std::string> Resolve(const std::string& rev) override;
  Result<history::CommitInfo> Commit(const std::string& id) override;
  Result<std::vector<history::FileStat>> DiffStat(const std::string& id) override;
  Result<std::vector<history::ReleaseTag>> Releases() override;
  Result<bool> IsAncestor(const std::string& ancestor, const std::string& descendant) override;
  Result<std::vector<std::string>> MergeBases(const std::string& a, const std::string& b) override;
  Result<std::vector<history::GraphCommit>> Graph(const std::vector<std::string>& tips,
                                                  const std::vector<std::string>& stops,
                                                  size_t limit) override;
  Result<bool> Touches(const std::string& id, const std::vector<std::string>& paths) override;
  Result<std::string> ReadFile(const std::string& id, const std::string& path) override;
  Result<std::vector<std::string>> ChangedPaths(const std::string& id) override;
  /// One edit on a commit of the world: conflicts for FakeWorld::edit_conflicts, "changes
  /// nothing" for a commit whose tree is its parent's, else the tree "base without (or with)
  /// the commit's change", whose commit Commit() then knows.
  Result<history::EditedTree> EditTree(const std::string& base,
                                       const std::vector<history::TreeEdit>& edits) override;
  std::filesystem::path path() const override { return "/fake/repo"; }

 private:
  Result<decide::CommitIndex> Find(const std::string& id) const;
  const FakeWorld& world_;
};

class FakeWorktree : public history::Worktree {
 public:
  explicit FakeWorktree(std::filesystem::path dir);
  Result<void> Checkout(const std::string& commit_id) override;
  std::filesystem::path path() const override { return dir_ / "src"; }
  int checkouts() const { return checkouts_; }

 private:
  std::filesystem::path dir_;
  std::atomic<int> checkouts_{0};
};

class FakeBuilder : public build::Builder {
 public:
  explicit FakeBuilder(const FakeWorld& world) : world_(world) {}
  Result<build::BuildRecord> Build(const build::BuildSpec& spec) override;
  int builds() const { return builds_; }
  /// How many times each commit was built.
  std::map<std::string, int> built() const {
    std::lock_guard lock(mu_);
    return built_;
  }

 private:
  const FakeWorld& world_;
  std::atomic<int> builds_{0};
  mutable std::mutex mu_;
  std::map<std::string, int> built_;
};

/// Writes a console log per run: a KASAN report citing the world's crash file for the target
/// crash, a WARNING elsewhere for an unrelated one, a clean line otherwise.
class FakeRunner : public run::Runner {
 public:
  explicit FakeRunner(const FakeWorld& world) : world_(world) {}
  Result<run::RunRecord> Run(const run::RunSpec& spec) override;
  int runs() const { return runs_; }
  /// How many times each (commit, run number) was run.
  std::map<std::pair<std::string, int>, int> ran() const {
    std::lock_guard lock(mu_);
    return ran_;
  }

 private:
  const FakeWorld& world_;
  std::atomic<int> runs_{0};
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, int> ran_;
};

}  // namespace culprit::job::testing
