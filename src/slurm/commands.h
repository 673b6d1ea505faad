// What culprit says to Slurm and what it reads back, as pure functions: the sbatch, squeue,
// sinfo, sacct and scancel command lines built from the settings, the parsers of their output,
// what a job's state means to culprit (still waiting, finished, an infrastructure error), and
// the capacity a partition offers. Running the commands is cluster.h's business.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace culprit::slurm {

/// Sent with every job: where it may run and on whose account.
struct SubmitSettings {
  std::string partition;           ///< --partition; "": the cluster's default partition
  std::string account;             ///< --account; "": the user's default
  std::string qos;                 ///< --qos; "": the default
  std::vector<std::string> extra;  ///< more sbatch options, passed as given
};

/// What one kind of job (builds, or runs) asks for.
struct Resources {
  int time_limit_min = 0;  ///< --time in minutes; 0: the partition's default
  int cpus = 1;            ///< --cpus-per-task
  int mem_mb = 0;          ///< --mem in MiB; 0: the partition's default
};

/// One Slurm job: a batch job running `command` on one node.
struct JobSpec {
  std::string name;                  ///< --job-name: culprit's tag, so leftovers can be found
  std::filesystem::path dir;         ///< --chdir, and where Slurm writes the job's own output
  std::vector<std::string> command;  ///< run on the node (exec'd from a /bin/sh batch script)
  Resources resources;
};

/// Quotes `s` for /bin/sh ('...' with embedded quotes escaped).
std::string ShellQuote(std::string_view s);

/// sbatch's argv for `job` (--parsable: its output is "ID" or "ID;CLUSTER"). The job is never
/// requeued by Slurm (culprit decides about retries) and runs one task on one node.
std::vector<std::string> SbatchArgv(const SubmitSettings& settings, const JobSpec& job);
/// The job id in sbatch --parsable's output.
Result<std::string> ParseSbatch(std::string_view out);

/// The states of a Slurm job (squeue %T, sacct State).
enum class JobState {
  kPending,
  kConfiguring,
  kRunning,
  kCompleting,
  kSuspended,
  kRequeued,
  kCompleted,
  kFailed,
  kCancelled,
  kTimeout,
  kNodeFail,
  kPreempted,
  kBootFail,
  kDeadline,
  kOutOfMemory,
  kUnknown,
};

/// "RUNNING", "CANCELLED by 1000", "CANCELLED+" ... -> the state; kUnknown otherwise.
JobState ParseJobState(std::string_view text);

/// What a state means to culprit.
enum class Fate {
  kWaiting,    ///< not started yet (or suspended, requeued): wait, within the start bound
  kRunning,    ///< started: wait for its end
  kCompleted,  ///< the batch script exited 0: the node's result file tells the rest
  kInfra,      ///< node failure, preemption, cancellation, time limit, the script failed...:
               ///< an infrastructure error, never evidence
};
Fate FateOf(JobState state);

/// Pending reasons that no amount of waiting resolves (the request itself is wrong: an
/// account, a QOS or a partition limit it can never meet). Others (Resources, Priority,
/// PartitionDown, ...) may clear; those are bounded by the start timeout instead.
bool ReasonNeverResolves(std::string_view reason);

/// One job as squeue or sacct shows it.
struct JobInfo {
  std::string id;
  std::string name;
  JobState state = JobState::kUnknown;
  std::string state_text;  ///< as Slurm wrote it
  std::string reason;      ///< squeue's pending reason ("None" when there is none)
  std::string node;        ///< the node list ("" while pending)
};

/// squeue's argv listing every job of `user` in any state, in the format ParseSqueue reads.
std::vector<std::string> SqueueArgv(const std::string& user);
/// Lines "ID|NAME|STATE|REASON|NODES"; a line that does not fit is an error naming it.
Result<std::vector<JobInfo>> ParseSqueue(std::string_view out);

/// sacct's argv for `ids` (needs Slurm accounting; without it sacct fails and culprit goes
/// on with what squeue and the node's result file say).
std::vector<std::string> SacctArgv(const std::vector<std::string>& ids);
/// Lines "ID|NAME|STATE|EXITCODE|NODES" of sacct --parsable2; job steps ("12.batch") skipped.
Result<std::vector<JobInfo>> ParseSacct(std::string_view out);

/// scancel's argv for `ids` (must not be empty).
std::vector<std::string> ScancelArgv(const std::vector<std::string>& ids);

/// One node of a partition, as sinfo shows it.
struct NodeInfo {
  std::string name;
  std::string partition;  ///< without sinfo's '*' on the default partition
  bool default_partition = false;
  int cpus = 0;
  int64_t mem_mb = 0;
  std::string state;  ///< "idle", "mixed", "down*", ...
  bool up = false;    ///< can take jobs now (idle, mixed, allocated, completing; responding)
};

/// sinfo's argv: one line per node and partition.
std::vector<std::string> SinfoArgv();
/// Lines "NODE|PARTITION|CPUS|MEMORY|STATE".
Result<std::vector<NodeInfo>> ParseSinfo(std::string_view out);

/// The nodes of `partition` ("" : the default partition); an error naming the partitions that
/// exist when there is no such partition.
Result<std::vector<NodeInfo>> NodesOf(const std::vector<NodeInfo>& all,
                                      const std::string& partition);

/// What a partition offers culprit: how many runs and builds it can keep in flight.
struct Capacity {
  int nodes = 0;   ///< up
  int cpus = 0;    ///< on the nodes that are up
  int runs = 1;    ///< runs that fit at once (CPUs, and memory when runs ask for some)
  int builds = 1;  ///< builds in flight: one per node, at most kMaxBuilds
  int64_t mem_mb = 0;
};
inline constexpr int kMaxBuilds = 4;
Capacity CapacityOf(const std::vector<NodeInfo>& nodes, const Resources& run);

}  // namespace culprit::slurm
