// Where a job's builds and runs go. The local executor is the target's own builder and runner
// on this machine. The Slurm executor puts a Slurm batch job under each of them
// (slurm/remote.h): the node makes the same target from the job's settings and builds or runs
// exactly as the local one would; the loop and the targets never know the difference. Opening
// it checks the partition, cancels what an earlier culprit on this state directory left in
// the queue, makes sure a node can read and write the state directory, and sizes the runs and
// builds in flight by what the partition offers.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "base/result.h"
#include "build/builder.h"
#include "job/job_config.h"
#include "report/progress_log.h"
#include "run/runner.h"

namespace culprit::job {

class Executor {
 public:
  virtual ~Executor() = default;
  /// The builder and runner the loop uses, given the target's own.
  virtual std::unique_ptr<build::Builder> Builder(std::unique_ptr<build::Builder> local) = 0;
  virtual std::unique_ptr<run::Runner> Runner(std::unique_ptr<run::Runner> local) = 0;
  /// What it did, for the log at the end ("" when there is nothing to say).
  virtual std::string Summary() const = 0;
};

/// The executor `config` asks for. The Slurm one sets config.jobs and config.builders to the
/// runs and builds in flight ([slurm] runs and builds; else --jobs and --builders when given;
/// else what the partition offers) and notes what it found in `log`.
Result<std::unique_ptr<Executor>> OpenExecutor(JobConfig& config,
                                               const std::filesystem::path& state_dir,
                                               report::ProgressLog& log);

/// Runs and builds in flight on Slurm: [slurm] runs and builds when set; else --jobs when set
/// and --builders when not 1; else what the partition holds (`runs`, `builds`).
struct InFlight {
  int runs = 1;
  int builds = 1;
};
InFlight SlurmInFlight(const JobConfig& config, int runs, int builds);

/// On a node (`culprit slurm-node REQUEST`): does what the request file asks (build, run, or
/// answer a probe) with the job's own target and writes the result beside it.
Result<void> RunNodeRequest(const std::filesystem::path& request);

}  // namespace culprit::job
