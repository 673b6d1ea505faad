// What the commands that come back to jobs share: the state directory opened without creating
// it, and the job a JOB argument names.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "store/store.h"

namespace culprit::cli {

struct OpenedJob {
  std::unique_ptr<store::Store> store;
  store::JobRecord job;
};

/// Opens `state` (kExisting: never created) and job `job_arg`: "3" or "job-3"; empty: the
/// latest job, or with `unfinished_only` the running one. Errors name the state directory and
/// how to list its jobs.
Result<OpenedJob> OpenJob(const std::string& state, const std::string& job_arg,
                          bool unfinished_only = false);

}  // namespace culprit::cli
