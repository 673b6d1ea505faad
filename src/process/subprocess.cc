#include "process/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "process/spawn.h"
#include "process/unique_fd.h"

namespace culprit::process {
namespace {

using Clock = std::chrono::steady_clock;

// After the leader exits and its group is killed, output still in the pipe is read for this
// long; a writer that escaped the group (setsid) must not hang culprit.
constexpr std::chrono::seconds kDrainGrace{1};
// Without a pidfd, how often the leader is checked while its output pipe is quiet.
constexpr std::chrono::milliseconds kPollTick{50};
constexpr size_t kChunkBytes = 64 * 1024;

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

Clock::duration ToClock(std::chrono::duration<double> d) {
  return std::chrono::duration_cast<Clock::duration>(d);
}

UniqueFd OpenPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  return UniqueFd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));  // O_CLOEXEC always
#else
  (void)pid;
  return UniqueFd();
#endif
}

// Watches one spawned child: copies its output to the log within the cap, enforces the timeout
// and the flood limit, and kills the whole group once the leader is gone.
class Supervisor {
 public:
  Supervisor(const SubprocessOptions& options, pid_t pid, UniqueFd output, UniqueFd log)
      : options_(options),
        pid_(pid),
        output_(std::move(output)),
        log_(std::move(log)),
        pidfd_(OpenPidFd(pid)),
        buffer_(kChunkBytes) {}

  /// Runs until the leader is reaped; fills `record` except duration and network_isolated.
  Result<void> Supervise(SubprocessRecord& record);

 private:
  bool Done(Clock::time_point now);
  void EnforceTimeout(Clock::time_point now);
  int PollTimeoutMs(Clock::time_point now) const;
  void WaitForEvents(Clock::time_point now);
  void ReadOutput();
  void WriteLog(const char* data, size_t size);
  void CheckLeader();
  int Reap();
  void KillGroup(int sig) { kill(-pid_, sig); }

  const SubprocessOptions& options_;
  const pid_t pid_;
  UniqueFd output_;
  UniqueFd log_;
  UniqueFd pidfd_;
  std::vector<char> buffer_;
  // Plain time points, max() for "not set" (GCC 12 warns falsely on optional time points).
  Clock::time_point kill_at_ = Clock::time_point::max();  // SIGKILL after the timeout's SIGTERM
  Clock::time_point drain_deadline_ = Clock::time_point::max();
  bool leader_exited_ = false;
  bool timed_out_ = false;
  bool cancelled_ = false;
  bool truncated_ = false;
  bool flooded_ = false;
  uint64_t produced_ = 0;
  uint64_t logged_ = 0;
  int log_errno_ = 0;
  Clock::time_point deadline_ = Clock::time_point::max();
};

Result<void> Supervisor::Supervise(SubprocessRecord& record) {
  if (options_.timeout.count() > 0) deadline_ = Clock::now() + ToClock(options_.timeout);
  while (!Done(Clock::now())) {
    EnforceTimeout(Clock::now());
    WaitForEvents(Clock::now());
    CheckLeader();
  }
  int status = Reap();
  record.timed_out = timed_out_;
  record.cancelled = cancelled_;
  record.output_truncated = truncated_;
  record.output_flooded = flooded_;
  record.output_bytes = produced_;
  if (WIFEXITED(status)) record.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) record.signal = WTERMSIG(status);
  if (log_errno_ != 0) {
    return Fail(ErrorKind::kIo, "cannot write log '" + options_.log_path.string() +
                                    "': " + std::strerror(log_errno_));
  }
  return {};
}

bool Supervisor::Done(Clock::time_point now) {
  if (!leader_exited_) return false;
  return !output_.valid() || now >= drain_deadline_;
}

void Supervisor::EnforceTimeout(Clock::time_point now) {
  if (leader_exited_) return;  // its group is already killed
  if (!cancelled_ && options_.stop.stop_requested()) {
    cancelled_ = true;
    KillGroup(SIGKILL);
  }
  if (!timed_out_ && now >= deadline_) {
    timed_out_ = true;
    KillGroup(SIGTERM);
    kill_at_ = now + ToClock(options_.kill_grace);
  }
  if (now >= kill_at_) {
    KillGroup(SIGKILL);
    kill_at_ = Clock::time_point::max();
  }
}

int Supervisor::PollTimeoutMs(Clock::time_point now) const {
  Clock::time_point next = Clock::time_point::max();
  if (leader_exited_) {
    next = drain_deadline_;
  } else {
    if (!timed_out_) next = deadline_;
    next = std::min(next, kill_at_);
    if (!pidfd_.valid() || options_.stop.stop_possible()) next = std::min(next, now + kPollTick);
  }
  if (next == Clock::time_point::max()) return -1;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 60 * 1000));
}

void Supervisor::WaitForEvents(Clock::time_point now) {
  pollfd fds[2];
  nfds_t count = 0;
  if (output_.valid()) fds[count++] = {output_.get(), POLLIN, 0};
  if (pidfd_.valid() && !leader_exited_) fds[count++] = {pidfd_.get(), POLLIN, 0};
  int timeout_ms = PollTimeoutMs(now);
  if (count == 0 && timeout_ms < 0) timeout_ms = static_cast<int>(kPollTick.count());
  if (poll(fds, count, timeout_ms) <= 0) return;  // timeout or EINTR: the loop re-checks
  if (output_.valid() && fds[0].revents != 0) ReadOutput();
}

void Supervisor::ReadOutput() {
  ssize_t n = read(output_.get(), buffer_.data(), buffer_.size());
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    output_.Reset();  // EOF: every writer is gone
    return;
  }
  produced_ += n;
  const uint64_t cap = options_.max_output_bytes;
  uint64_t room = cap == 0 ? n : std::min<uint64_t>(n, cap - std::min(cap, logged_));
  if (room < static_cast<uint64_t>(n)) truncated_ = true;
  WriteLog(buffer_.data(), room);
  if (cap > 0 && options_.flood_kill_factor > 0 && !flooded_ &&
      produced_ > cap * options_.flood_kill_factor) {
    flooded_ = true;
    KillGroup(SIGKILL);
  }
}

void Supervisor::WriteLog(const char* data, size_t size) {
  while (size > 0 && log_errno_ == 0) {
    ssize_t n = write(log_.get(), data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      log_errno_ = errno;
      KillGroup(SIGKILL);  // culprit cannot keep the record: stop the child
      return;
    }
    data += n;
    size -= n;
    logged_ += n;
  }
}

// Notices the leader's exit without reaping it: while it is a zombie its pid (the group id)
// cannot be reused, so killing the group cannot hit a stranger.
void Supervisor::CheckLeader() {
  if (leader_exited_) return;
  siginfo_t info;
  std::memset(&info, 0, sizeof(info));
  if (waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return;
  KillGroup(SIGKILL);  // no orphans: whatever the leader left behind goes with it
  leader_exited_ = true;
  drain_deadline_ = Clock::now() + kDrainGrace;
}

int Supervisor::Reap() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

Result<void> CheckOptions(const SubprocessOptions& options) {
  if (options.command.empty() == options.argv.empty())
    return Fail(ErrorKind::kBadInput, "subprocess needs exactly one of command and argv");
  if (options.log_path.empty()) return Fail(ErrorKind::kBadInput, "subprocess needs a log path");
  std::error_code ec;
  if (!options.cwd.empty() && !std::filesystem::is_directory(options.cwd, ec)) {
    return Fail(ErrorKind::kNotFound,
                "working directory '" + options.cwd.string() + "' does not exist");
  }
  return {};
}

}  // namespace

Result<SubprocessRecord> RunSubprocess(const SubprocessOptions& options) {
  if (Result<void> checked = CheckOptions(options); !checked)
    return tl::unexpected(checked.error());
  UniqueFd log =
      AboveStdio(open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!log.valid())
    return Fail(ErrorKind::kIo, Errno("cannot open log '" + options.log_path.string() + "'"));
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Fail(ErrorKind::kInfra, Errno("pipe failed"));
  UniqueFd output_read = AboveStdio(fds[0]);
  UniqueFd output_write = AboveStdio(fds[1]);
  // Only culprit's end is non-blocking: a child must not see EAGAIN on its stdout.
  fcntl(output_read.get(), F_SETFL, fcntl(output_read.get(), F_GETFL) | O_NONBLOCK);

  const Clock::time_point start = Clock::now();
  Result<Spawned> spawned = Spawn(options, output_write.get());
  if (!spawned) return tl::unexpected(spawned.error());
  output_write.Reset();  // the pipe reaches EOF when the child's copies close

  SubprocessRecord record;
  record.network_isolated = spawned->network_isolated;
  Supervisor supervisor(options, spawned->pid, std::move(output_read), std::move(log));
  Result<void> supervised = supervisor.Supervise(record);
  record.duration = Clock::now() - start;
  if (!supervised) return tl::unexpected(supervised.error());
  return record;
}

}  // namespace culprit::process
