// Revert verification, after the loop named a culprit: the culprit reverted on the bad commit
// (cause mode; `-m 1` for a merge) or the fix cherry-picked onto it (fix mode), in culprit's
// private object store (history::Repository::EditTree); that commit built in a build slot (or,
// without a build, checked out per run) and run until decide::DecideVerification tells "the
// crash is gone" from "it is still there at the bad commit's rate". Every build and run is
// stored first and found again by tree id and test key, so a resumed job redoes nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "decide/engine.h"
#include "job/dispatcher.h"
#include "job/infra_policy.h"
#include "job/job_config.h"
#include "job/run_classifier.h"
#include "report/bisection_result.h"

namespace culprit::job {

struct VerificationInput {
  decide::Mode mode = decide::Mode::kCause;
  std::string bad_id;      ///< the commit the edit is made on
  std::string culprit_id;  ///< the culprit (cause) or fix (fix mode)
  bool merge = false;      ///< the culprit is a merge: reverted against its first parent
  std::string release;     ///< the culprit is this release tag: not applicable
  std::vector<store::RunRow> bad_runs;  ///< the rate the crash is expected at
  TargetCrash target;
  double confidence = 0;     ///< the bisection's
  double accident_rate = 0;  ///< the bisection's estimate (decide::Conclusion::accident_rate)
};

/// Verifies the culprit. Operational errors (the store, sustained infrastructure errors, an
/// interruption) are Errors and leave the job resumable; everything else is an outcome.
Result<report::Verification> VerifyCulprit(const JobConfig& config, int64_t job_id, Parts parts,
                                           Dispatcher& dispatch, InfraPolicy& infra,
                                           const VerificationInput& input);

}  // namespace culprit::job
