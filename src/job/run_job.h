// Running a job as the command line asks: attach to the state directory (a new job, or the
// unfinished one that asks the same question), open the real parts of a plain or a kernel
// target, run the bisection loop, store the result and write the reports.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "base/result.h"
#include "job/job_config.h"
#include "report/bisection_result.h"
#include "report/progress_log.h"
#include "store/store.h"

namespace culprit::job {

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
/// `interrupted` (may be empty) is asked between steps: true stops the job, resumable
/// (Ctrl-C), with an error saying how to continue it.
Result<report::BisectionResult> RunJob(const JobConfig* config, bool resume,
                                       const std::filesystem::path& state_dir,
                                       report::ProgressLog& log,
                                       std::function<bool()> interrupted = {});

}  // namespace culprit::job
