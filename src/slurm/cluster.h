// culprit's view of a Slurm cluster: submits batch jobs tagged with the state directory's
// identity, follows them with one squeue per poll for all of them, cancels them (scancel) on a
// stop request, and says how each ended. A watchdog process outlives culprit just long enough
// to cancel this process's jobs if culprit dies (even by SIGKILL); CancelLeftovers finds the
// jobs of an earlier culprit on the same state directory. Knows nothing of builds or runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "slurm/command_runner.h"
#include "slurm/commands.h"

namespace culprit::slurm {

struct ClusterOptions {
  SubmitSettings submit;
  std::filesystem::path dir;  ///< culprit's directory for Slurm in the state directory
  /// "culprit-<id of the state directory>": every job culprit submits for this state directory
  /// is named `tag`-..., so that a later culprit finds what an earlier one left.
  std::string tag;
  /// `tag`-<random>: this process's jobs (the watchdog cancels only these).
  std::string session;
  std::string user;  ///< whose jobs squeue lists
  /// A job still pending this long is cancelled and reported as never started.
  std::chrono::duration<double> start_timeout{1800};
  std::chrono::milliseconds poll{500};
  bool watchdog = true;  ///< tests with a fake runner turn it off
};

/// How one job ended.
struct JobEnd {
  std::string id;
  Fate fate = Fate::kInfra;
  std::string state;  ///< Slurm's word ("COMPLETED", "NODE_FAIL", ...; "gone" if unseen)
  std::string node;
  bool cancelled = false;      ///< stopped on request
  bool never_started = false;  ///< cancelled while pending: see `reason`
  std::string reason;          ///< the pending reason
  /// "Slurm job 12 ended NODE_FAIL on node1".
  std::string Describe() const;
};

class Cluster {
 public:
  /// Starts the poller (and the watchdog when asked).
  static Result<std::unique_ptr<Cluster>> Open(ClusterOptions options,
                                               std::unique_ptr<CommandRunner> runner);
  /// Cancels the jobs still followed, stops the watchdog and the poller.
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  const ClusterOptions& options() const { return options_; }

  /// The nodes of the job's partition (sinfo); an error naming the partitions that exist if
  /// it does not.
  Result<std::vector<NodeInfo>> Nodes();

  /// Cancels the jobs of this state directory that an earlier culprit left (named `tag`-...
  /// but not of this session); returns their ids.
  Result<std::vector<std::string>> CancelLeftovers();

  /// A name for a new job of this session: `session`-KIND-N.
  std::string NewJobName(std::string_view kind);

  /// Submits `job` (its name from NewJobName) and starts following it. sbatch's rejections
  /// (no such partition, account or QOS; a request no node can meet) are kBadInput errors.
  Result<std::string> Submit(const JobSpec& job);

  /// Waits for the end of job `id`. A stop request cancels it (scancel) and waits for Slurm to
  /// say so; a job pending past the start timeout, or for a reason that never clears, is
  /// cancelled and reported as never started.
  JobEnd Wait(const std::string& id, std::stop_token stop);

  /// Cancels `id` at once (scancel).
  Result<void> Cancel(const std::string& id);

  /// The ids of every job this session submitted, in order.
  std::vector<std::string> Submitted() const;
  /// "ledger" file: one line per finished job (id, name, state, node).
  std::filesystem::path Ledger() const { return options_.dir / "jobs.tsv"; }

 private:
  struct Followed;
  Cluster(ClusterOptions options, std::unique_ptr<CommandRunner> runner);
  void Poll(std::stop_token stop);
  void PollOnce();
  JobEnd End(const std::string& id, const Followed& f, Fate fate);
  void Record(const JobEnd& end, const std::string& name);
  Result<void> StartWatchdog();

  ClusterOptions options_;
  std::unique_ptr<CommandRunner> runner_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::map<std::string, std::shared_ptr<Followed>> followed_;
  std::vector<std::string> submitted_;
  std::map<std::string, int> counters_;
  uint64_t polls_ = 0;
  std::chrono::steady_clock::time_point last_poll_ok_ = std::chrono::steady_clock::now();
  int watchdog_fd_ = -1;
  int watchdog_pid_ = -1;
  std::jthread poller_;  // last: stopped first
};

/// A fresh random hex string of `n` characters (job tags, nonces).
std::string RandomHex(size_t n);

}  // namespace culprit::slurm
