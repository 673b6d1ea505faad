// Turns "build this commit" and "run it N times" into work in flight: the build cache keyed by
// (tree, recipe), one worktree per build slot, run directories and logs, the work pool. Every
// finished build and run is classified and stored here before the loop gets it, so a result is
// never used before it is on disk. Knows nothing of bisection: the loop decides what to start.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "build/builder.h"
#include "decide/engine.h"
#include "history/history.h"
#include "job/job_config.h"
#include "job/target.h"
#include "job/work_pool.h"
#include "report/progress_log.h"
#include "run/runner.h"
#include "store/store.h"

namespace culprit::job {

/// The real parts of a job, or fakes in tests (syzkaller's injection seam).
struct Parts {
  history::Repository& repo;
  /// One checkout per build slot: as many builds run at once as there are worktrees. Without
  /// a build (Target::BuildsCommits), one per run slot: each run checks its commit out in one.
  std::vector<history::Worktree*> worktrees;
  build::Builder& builder;
  run::Runner& runner;
  store::Store& store;
  report::ProgressLog& log;
  Target& target;
  /// Asked at the points where stopping leaves the job resumable: "stored" (a result is on
  /// disk and not used yet) and "plan" (between plans). True ends the loop with an
  /// "interrupted" error. Ctrl-C, and tests that kill a job between stored and used. May be
  /// empty.
  std::function<bool(std::string_view point)> interrupted;
};

/// One finished piece of work, already stored.
struct Finished {
  enum class Kind { kBuild, kRun };
  Kind kind = Kind::kBuild;
  decide::CommitIndex commit = decide::kNoCommit;
  std::string commit_id;
  bool cancelled = false;         ///< stopped on request: nothing was stored
  bool network_isolated = false;  ///< kRun: ran in a private network namespace
  store::BuildRow build;          ///< kBuild
  store::RunRow run;              ///< kRun
};

class Dispatcher {
 public:
  Dispatcher(const JobConfig& config, int64_t job_id, Parts parts);
  ~Dispatcher();

  /// Identifies the build recipe and the test recipe in the store.
  const std::string& test_key() const { return test_key_; }

  /// What is built for `commit_id` (the target's answer, remembered): its tree is the cache
  /// key; its notes say which fix-ups were applied.
  Result<const BuildSource*> SourceOf(const std::string& commit_id);
  /// The stored build of `commit_id` if there is a usable one (its artifacts still exist, or
  /// it failed); nullopt if it must be built. Without a build step, always the commit's tree
  /// id as its signature (stored on first use).
  Result<std::optional<store::BuildRow>> CachedBuild(const std::string& commit_id);
  /// Starts building `commit_id` in a free slot (there must be one: free_build_slots() > 0).
  Result<void> StartBuild(decide::CommitIndex commit, const std::string& commit_id);
  /// Starts `runs` runs of the reproducer against `build`, numbered after every run stored or
  /// started for it. Without a build step each takes a free worktree (there must be one).
  Result<void> StartRuns(decide::CommitIndex commit, const std::string& commit_id,
                         const store::BuildRow& build, int runs);
  /// Requests a stop of the build of `commit` in flight. Runs are never cancelled while the
  /// job goes on (see decide::Plan::cancel): only CancelAll stops them, when the job stops.
  void CancelBuild(decide::CommitIndex commit);
  void CancelAll();

  /// The next finished piece of work, stored (or cancelled); nullopt if `timeout` passed first.
  /// An Error is culprit's own failure (the store could not record a result: a full disk).
  Result<std::optional<Finished>> Wait(std::chrono::milliseconds timeout);

  /// What is in flight, for the engine's plan, with the expected time to the first run's
  /// result and of a build, in seconds, from the mean times of the builds and runs finished in
  /// this process (unknown until one of each has finished; a run past the mean is not expected
  /// at any particular time).
  decide::InFlight InFlight() const;
  int free_build_slots() const;
  int runs_in_flight() const;
  size_t pending() const { return pending_.size(); }

 private:
  struct Pending;
  Result<Finished> Complete(Pending& p);
  /// A run's output cap: the configured one until the job's logs pass their budget.
  uint64_t OutputCap() const;

  const JobConfig& config_;
  int64_t job_id_;
  Parts parts_;
  std::string build_recipe_;
  std::string test_key_;
  std::vector<bool> slot_busy_;
  std::map<WorkPool::Ticket, std::unique_ptr<Pending>> pending_;
  std::map<std::string, int> next_run_index_;   // by build key
  std::map<std::string, BuildSource> sources_;  // by commit
  uint64_t output_bytes_ = 0;                   // run logs written by this job so far
  struct Mean {
    double sum = 0;
    int n = 0;
    void Add(double x) {
      sum += x;
      ++n;
    }
    double Get() const { return n > 0 ? sum / n : -1; }
  };
  Mean build_s_, run_s_;  // builds and runs finished here, their task times
  WorkPool pool_;         // last: destroyed (joined) first, while the rest is still alive
};

/// At most `limit` bytes of a file (a run's log is capped, but never trust a file's size).
std::string ReadBounded(const std::filesystem::path& path, size_t limit);

}  // namespace culprit::job
