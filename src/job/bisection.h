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

}  // namespace culprit::job
