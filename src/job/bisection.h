// The job loop: asks the engine what to do, does it through history/build/run, classifies
// each run's console log with the crash parser, stores every result before using it, and
// turns the engine's conclusion into a BisectionResult. Resuming is replaying: stored builds
// and runs are fed back to the engine instead of being redone.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "build/builder.h"
#include "history/history.h"
#include "job/job_config.h"
#include "report/bisection_result.h"
#include "report/progress_log.h"
#include "run/runner.h"
#include "store/store.h"

namespace culprit::job {

/// The real parts, or fakes in tests (syzkaller's injection seam).
struct Parts {
  history::Repository& repo;
  history::Worktree& worktree;
  build::Builder& builder;
  run::Runner& runner;
  store::Store& store;
  report::ProgressLog& log;
};

/// Runs (or continues) job `job_id` of `parts.store` to its conclusion. Operational errors
/// (unknown revision, good newer than bad, unwritable state) are Errors; a bisection that
/// cannot conclude is a BisectionResult with outcome "error" or "inconclusive".
Result<report::BisectionResult> RunBisection(const JobConfig& config, int64_t job_id, Parts parts);

/// Opens the state directory, and returns the job to run: the unfinished job there when it
/// asks the same question (or when `resume`), else a new one. An unfinished job that asks a
/// different question is an error naming `culprit resume`.
struct AttachedJob {
  int64_t id = 0;
  JobConfig config;
  bool resumed = false;
};
Result<AttachedJob> AttachJob(store::Store& store, const JobConfig* config, bool resume);

/// Builds and tests one commit without bisecting (the seed's per-commit block): `culprit
/// kernel test`. Returns the exit status: 0 when the commit built (whatever the runs said).
Result<int> TestOneCommit(const JobConfig& config, const std::string& rev,
                          report::ProgressLog& log);

/// Everything at once: validate, open repo, worktree and store, run, write --json.
Result<report::BisectionResult> RunJob(const JobConfig* config, bool resume,
                                       const std::filesystem::path& state_dir,
                                       report::ProgressLog& log);

}  // namespace culprit::job
