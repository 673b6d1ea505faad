#include "slurm/cluster.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <random>

#include "base/strings.h"

extern char** environ;

namespace culprit::slurm {

namespace {

using Clock = std::chrono::steady_clock;

// Polls a job may be missing from squeue before sacct is asked (squeue lists a job from its
// submission until MinJobAge after its end, 300 s by default).
constexpr int kMissingPolls = 3;
// After a scancel, how long culprit waits for Slurm to report the job's end.
constexpr std::chrono::seconds kCancelWait{30};
// squeue failing for this long (slurmctld unreachable) ends a wait as an infrastructure error.
constexpr std::chrono::minutes kUnreachable{10};

std::string FirstLine(const std::string& text) {
  std::vector<std::string_view> lines = SplitLines(text);
  for (std::string_view line : lines) {
    if (!Trim(line).empty()) return std::string(Trim(line));
  }
  return "";
}

}  // namespace

std::string RandomHex(size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  for (size_t i = 0; i < n; ++i) out += kHex[device() % 16];
  return out;
}

std::string JobEnd::Describe() const {
  std::string s = "Slurm job " + id;
  if (never_started) return s + " did not start (pending: " + reason + ")";
  if (cancelled) return s + " was cancelled";
  s += " ended " + state;
  if (!node.empty()) s += " on " + node;
  return s;
}

struct Cluster::Followed {
  std::string name;
  JobInfo info;
  bool seen = false;
  int missing = 0;
  bool cancel_requested = false;
  Clock::time_point submitted = Clock::now();
};

Cluster::Cluster(ClusterOptions options, std::unique_ptr<CommandRunner> runner)
    : options_(std::move(options)), runner_(std::move(runner)) {}

Result<std::unique_ptr<Cluster>> Cluster::Open(ClusterOptions options,
                                               std::unique_ptr<CommandRunner> runner) {
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec)
    return Fail(ErrorKind::kIo, "cannot create " + options.dir.string() + ": " + ec.message());
  std::unique_ptr<Cluster> cluster(new Cluster(std::move(options), std::move(runner)));
  if (cluster->options_.watchdog) {
    if (auto ok = cluster->StartWatchdog(); !ok) return tl::unexpected(ok.error());
  }
  Cluster* raw = cluster.get();
  cluster->poller_ = std::jthread([raw](std::stop_token stop) { raw->Poll(stop); });
  return cluster;
}

Cluster::~Cluster() {
  std::vector<std::string> left;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, f] : followed_) left.push_back(id);
  }
  if (!left.empty()) (void)runner_->Run(ScancelArgv(left));
  if (watchdog_fd_ >= 0) {
    // A clean end: the watchdog has nothing to cancel.
    (void)send(watchdog_fd_, "done\n", 5, MSG_NOSIGNAL);
    close(watchdog_fd_);
    if (watchdog_pid_ > 0) waitpid(watchdog_pid_, nullptr, 0);
  }
  poller_.request_stop();
  cv_.notify_all();
}

// A shell that waits for culprit's end of a socket to close: a clean end says "done"; any
// other end (culprit killed) cancels every job of this session still known to Slurm. It
// leads a session of its own, so the terminal's Ctrl-C does not reach it.
Result<void> Cluster::StartWatchdog() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    return Fail(ErrorKind::kInfra, std::string("socketpair failed: ") + std::strerror(errno));
  const std::string script =
      "trap '' INT HUP TERM QUIT PIPE\n"
      "read -r line\n"
      "[ \"$line\" = done ] && exit 0\n"
      "sleep 1\n"  // an sbatch cut short by culprit's death may still be registering its job
      "squeue --noheader --user=" +
      ShellQuote(options_.user) +
      " --format='%i %j' | while read -r id name; do case \"$name\" in " +
      ShellQuote(options_.session + "-") + "*) echo \"$id\";; esac; done | xargs -r scancel\n";
  const std::string log = (options_.dir / "watchdog.log").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigfillset(&defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> args = {"sh", "-c", script};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return Fail(ErrorKind::kInfra,
                std::string("cannot start the Slurm watchdog: ") + std::strerror(rc));
  }
  watchdog_fd_ = fds[0];
  watchdog_pid_ = pid;
  return {};
}

Result<std::vector<NodeInfo>> Cluster::Nodes() {
  auto out = runner_->Run(SinfoArgv());
  if (!out) return tl::unexpected(out.error());
  if (out->exit_code != 0)
    return Fail(ErrorKind::kInfra,
                "sinfo failed: " + FirstLine(out->out) + " (is slurmctld up? see: scontrol ping)");
  auto all = ParseSinfo(out->out);
  if (!all) return tl::unexpected(all.error());
  return NodesOf(*all, options_.submit.partition);
}

Result<std::vector<std::string>> Cluster::CancelLeftovers() {
  auto out = runner_->Run(SqueueArgv(options_.user));
  if (!out) return tl::unexpected(out.error());
  if (out->exit_code != 0) return Fail(ErrorKind::kInfra, "squeue failed: " + FirstLine(out->out));
  auto jobs = ParseSqueue(out->out);
  if (!jobs) return tl::unexpected(jobs.error());
  std::vector<std::string> ids;
  for (const JobInfo& j : *jobs) {
    Fate fate = FateOf(j.state);
    if (fate == Fate::kCompleted || fate == Fate::kInfra) continue;
    if (!StartsWith(j.name, options_.tag + "-") || StartsWith(j.name, options_.session + "-"))
      continue;
    ids.push_back(j.id);
  }
  if (ids.empty()) return ids;
  auto cancelled = runner_->Run(ScancelArgv(ids));
  if (!cancelled) return tl::unexpected(cancelled.error());
  if (cancelled->exit_code != 0)
    return Fail(ErrorKind::kInfra,
                "scancel " + Join(ids, " ") + " failed: " + FirstLine(cancelled->out));
  return ids;
}

std::string Cluster::NewJobName(std::string_view kind) {
  std::lock_guard lock(mu_);
  int n = counters_[std::string(kind)]++;
  return options_.session + "-" + std::string(kind) + std::to_string(n);
}

Result<std::string> Cluster::Submit(const JobSpec& job) {
  auto out = runner_->Run(SbatchArgv(options_.submit, job));
  if (!out) return tl::unexpected(out.error());
  if (out->exit_code != 0) {
    // sbatch refuses at once what can never run: a partition, account or QOS that does not
    // exist, more CPUs or memory than any node has. Anything else may be passing trouble.
    std::string why = FirstLine(out->out);
    const std::string lower = ToLower(why);
    bool refused = lower.find("invalid") != std::string::npos ||
                   lower.find("not available") != std::string::npos ||
                   lower.find("unrecognized option") != std::string::npos ||
                   lower.find("not allowed") != std::string::npos ||
                   lower.find("too many") != std::string::npos ||
                   lower.find("more processors than permitted") != std::string::npos;
    return Fail(refused ? ErrorKind::kBadInput : ErrorKind::kInfra,
                "slurm: sbatch refused job " + job.name + ": " +
                    (why.empty() ? "exit " + std::to_string(out->exit_code) : why) +
                    (refused ? " (check the job file's [slurm] table against: sinfo)" : ""));
  }
  auto id = ParseSbatch(out->out);
  if (!id) return tl::unexpected(id.error());
  auto f = std::make_shared<Followed>();
  f->name = job.name;
  {
    std::lock_guard lock(mu_);
    followed_[*id] = f;
    submitted_.push_back(*id);
  }
  cv_.notify_all();
  return *id;
}

Result<void> Cluster::Cancel(const std::string& id) {
  auto out = runner_->Run(ScancelArgv({id}));
  if (!out) return tl::unexpected(out.error());
  if (out->exit_code != 0)
    return Fail(ErrorKind::kInfra, "scancel " + id + " failed: " + FirstLine(out->out));
  return {};
}

std::vector<std::string> Cluster::Submitted() const {
  std::lock_guard lock(mu_);
  return submitted_;
}

void Cluster::Poll(std::stop_token stop) {
  while (!stop.stop_requested()) {
    PollOnce();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, stop, options_.poll, [] { return false; });
    // Nothing followed: sleep until a submission.
    cv_.wait(lock, stop, [this] { return !followed_.empty(); });
  }
}

void Cluster::PollOnce() {
  {
    std::lock_guard lock(mu_);
    if (followed_.empty()) return;
  }
  auto out = runner_->Run(SqueueArgv(options_.user));
  Result<std::vector<JobInfo>> jobs = std::vector<JobInfo>();
  if (!out) {
    jobs = tl::unexpected(out.error());
  } else if (out->exit_code != 0) {
    jobs = Fail(ErrorKind::kInfra, "squeue failed: " + FirstLine(out->out));
  } else {
    jobs = ParseSqueue(out->out);
  }
  std::lock_guard lock(mu_);
  ++polls_;
  if (jobs) {
    last_poll_ok_ = Clock::now();
    for (auto& [id, f] : followed_) {
      auto it =
          std::find_if(jobs->begin(), jobs->end(), [&](const JobInfo& j) { return j.id == id; });
      if (it == jobs->end()) {
        f->missing++;
      } else {
        f->info = *it;
        f->seen = true;
        f->missing = 0;
      }
    }
  }
  cv_.notify_all();
}

JobEnd Cluster::End(const std::string& id, const Followed& f, Fate fate) {
  return JobEnd{.id = id,
                .fate = fate,
                .state = f.seen ? f.info.state_text : "gone",
                .node = f.info.node,
                .cancelled = f.cancel_requested};
}

JobEnd Cluster::Wait(const std::string& id, std::stop_token stop) {
  std::unique_lock lock(mu_);
  auto it = followed_.find(id);
  if (it == followed_.end()) return JobEnd{.id = id, .fate = Fate::kInfra, .state = "unknown"};
  std::shared_ptr<Followed> f = it->second;
  Clock::time_point cancel_at;
  JobEnd end;
  for (;;) {
    const Clock::time_point now = Clock::now();
    if (stop.stop_requested() && !f->cancel_requested) {
      f->cancel_requested = true;
      cancel_at = now;
      lock.unlock();
      (void)Cancel(id);
      lock.lock();
    }
    const Fate fate = f->seen ? FateOf(f->info.state) : Fate::kWaiting;
    if (fate == Fate::kCompleted || fate == Fate::kInfra) {
      end = End(id, *f, fate);
      break;
    }
    if (f->cancel_requested) {
      if (now - cancel_at > kCancelWait) {
        end = End(id, *f, Fate::kInfra);
        break;
      }
    } else if (fate == Fate::kWaiting && (now - f->submitted > options_.start_timeout ||
                                          (f->seen && ReasonNeverResolves(f->info.reason)))) {
      f->cancel_requested = true;
      lock.unlock();
      (void)Cancel(id);
      lock.lock();
      end = End(id, *f, Fate::kInfra);
      end.cancelled = false;
      end.never_started = true;
      end.reason = f->seen ? f->info.reason : "not listed by squeue";
      break;
    }
    if (f->missing >= kMissingPolls) {
      // Gone from squeue (MinJobAge passed, or a restarted controller forgot it): sacct may
      // know; else the node's result file decides.
      lock.unlock();
      auto acct = runner_->Run(SacctArgv({id}));
      lock.lock();
      std::optional<JobInfo> known;
      if (acct && acct->exit_code == 0) {
        if (auto jobs = ParseSacct(acct->out)) {
          for (const JobInfo& j : *jobs)
            if (j.id == id) known = j;
        }
      }
      if (known && FateOf(known->state) != Fate::kRunning &&
          FateOf(known->state) != Fate::kWaiting) {
        f->info = *known;
        f->seen = true;
        end = End(id, *f, FateOf(known->state));
      } else {
        end = End(id, *f, f->cancel_requested ? Fate::kInfra : Fate::kCompleted);
        end.state = "gone";
      }
      break;
    }
    if (now - std::max(last_poll_ok_, f->submitted) > kUnreachable) {
      end = End(id, *f, Fate::kInfra);
      end.state = "unknown (squeue has failed for 10 minutes)";
      break;
    }
    const uint64_t polls = polls_;
    auto polled = [&] { return polls_ != polls; };
    if (f->cancel_requested) {
      cv_.wait_for(lock, options_.poll * 2, polled);
    } else {
      cv_.wait_for(lock, stop, options_.poll * 2, polled);
    }
  }
  followed_.erase(id);
  const std::string name = f->name;
  lock.unlock();
  Record(end, name);
  return end;
}

void Cluster::Record(const JobEnd& end, const std::string& name) {
  std::lock_guard lock(mu_);
  std::ofstream ledger(Ledger(), std::ios::app);
  ledger << end.id << "\t" << name << "\t" << (end.never_started ? "NEVER_STARTED" : end.state)
         << "\t" << (end.node.empty() ? "-" : end.node) << "\n";
}

}  // namespace culprit::slurm
