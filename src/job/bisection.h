// The job loop: asks the engine for a plan (what to build, what to run, on which commits, with
// the slots that are free), starts that work through the dispatcher, and records each result
// into the engine as it arrives, after the dispatcher stored it. The log prints what happened
// and the engine's verdicts; the conclusion becomes a BisectionResult. Resuming is replaying:
// stored builds and runs are fed back to the engine instead of being redone.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "job/dispatcher.h"
#include "job/job_config.h"
#include "report/bisection_result.h"

namespace culprit::job {

/// Runs (or continues) job `job_id` of `parts.store` to its conclusion. Operational errors
/// (unknown revision, good newer than bad, a full disk, sustained infrastructure failure, an
/// interruption) are Errors and leave the job resumable; a bisection that cannot conclude is a
/// BisectionResult with outcome error or inconclusive.
Result<report::BisectionResult> RunBisection(const JobConfig& config, int64_t job_id, Parts parts);

}  // namespace culprit::job
