#include "process/spawn.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "process/unique_fd.h"

extern char** environ;

namespace culprit::process {
namespace {

// What the child tells the parent through the status pipe before exec (or instead of it).
enum class Step : int { kIsolated, kLoopbackUp, kSetsid, kFork, kRlimit, kChdir, kDup, kExec };

struct ChildReport {
  Step step;
  int error;  // errno; 0 for kIsolated
};

// Everything the child needs, prepared before fork: after fork in a threaded program only
// async-signal-safe calls are allowed, so no allocation, formatting or locale in the child.
struct ChildPlan {
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::string cwd;
  std::vector<std::pair<int, rlim_t>> rlimits;
  bool isolate_network = false;
  bool loopback = false;
  std::string uid_map;  // "uid uid 1\n", for the user-namespace fallback
  std::string gid_map;
  int stdin_fd = -1;
  int output_fd = -1;
  int status_fd = -1;
  pid_t parent = 0;  // culprit's pid, to catch a parent that died before PR_SET_PDEATHSIG
};

bool HasSlash(const std::string& s) { return s.find('/') != std::string::npos; }

// PATH lookup done in the parent (execvp may allocate). Uses the child's PATH.
std::string ResolveProgram(const std::string& name, const std::string& path_var) {
  if (name.empty() || HasSlash(name)) return name;
  size_t begin = 0;
  while (begin <= path_var.size()) {
    size_t end = path_var.find(':', begin);
    if (end == std::string::npos) end = path_var.size();
    std::string dir = path_var.substr(begin, end - begin);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    begin = end + 1;
  }
  return name;  // exec fails with ENOENT and the parent reports it
}

std::vector<std::string> MergedEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string var(*entry);
    std::string name = var.substr(0, var.find('='));
    if (extra.count(name) == 0) env.push_back(std::move(var));
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

std::string EnvValue(const std::vector<std::string>& env, const std::string& name) {
  for (const std::string& var : env) {
    if (var.size() > name.size() && var.compare(0, name.size(), name) == 0 &&
        var[name.size()] == '=')
      return var.substr(name.size() + 1);
  }
  return "";
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

void PrepareCommand(const SubprocessOptions& options, ChildPlan& plan) {
  plan.env_storage = MergedEnvironment(options.env);
  if (!options.command.empty()) {
    plan.argv_storage = {"/bin/sh", "-c", options.command};
  } else {
    plan.argv_storage = options.argv;
    plan.argv_storage[0] = ResolveProgram(options.argv[0], EnvValue(plan.env_storage, "PATH"));
  }
  plan.argv = Pointers(plan.argv_storage);
  plan.envp = Pointers(plan.env_storage);
}

void PrepareLimits(const SubprocessOptions& options, ChildPlan& plan) {
  plan.rlimits.push_back({RLIMIT_CORE, 0});
  if (options.max_memory_bytes > 0) plan.rlimits.push_back({RLIMIT_AS, options.max_memory_bytes});
  if (options.max_file_bytes > 0) plan.rlimits.push_back({RLIMIT_FSIZE, options.max_file_bytes});
  if (options.max_processes > 0) plan.rlimits.push_back({RLIMIT_NPROC, options.max_processes});
}

// ---- Child side: async-signal-safe calls only. ----

void Report(int fd, Step step, int error) {
  ChildReport report{step, error};
  ssize_t ignored = write(fd, &report, sizeof(report));
  (void)ignored;
}

[[noreturn]] void Die(int fd, Step step) {
  Report(fd, step, errno);
  _exit(127);
}

void WriteFile(const char* path, const std::string& text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t ignored = write(fd, text.data(), text.size());
  (void)ignored;
  close(fd);
}

// Sets the new namespace's loopback interface up (it starts down). Raw syscalls only.
bool LoopbackUp() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  struct ifreq ifr;
  std::memset(&ifr, 0, sizeof(ifr));
  std::memcpy(ifr.ifr_name, "lo", 3);
  bool ok = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
  if (ok) {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    ok = ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
  }
  close(fd);
  return ok;
}

// Root (or CAP_SYS_ADMIN) may unshare the network directly; others may inside a new user
// namespace, mapping their own ids so files keep their owners. Failure is not fatal.
bool IsolateNetwork(const ChildPlan& plan) {
  if (unshare(CLONE_NEWNET) == 0) return true;
  if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) return false;
  WriteFile("/proc/self/setgroups", "deny");
  WriteFile("/proc/self/uid_map", plan.uid_map);
  WriteFile("/proc/self/gid_map", plan.gid_map);
  return true;
}

void ResetSignals() {
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);  // EINVAL for some: fine
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

// Closes every descriptor above stdio except `keep` (none if negative).
void CloseOtherFds(int keep) {
  if (keep < 0) {
    if (close_range(3, ~0U, 0) == 0) return;
  } else if (close_range(3, keep - 1, 0) == 0 && close_range(keep + 1, ~0U, 0) == 0) {
    return;
  }
  struct rlimit files;
  rlim_t max = getrlimit(RLIMIT_NOFILE, &files) == 0 ? files.rlim_cur : 1024;
  if (max > 65536) max = 65536;
  for (int fd = 3; fd < static_cast<int>(max); ++fd) {
    if (fd != keep) close(fd);
  }
}

// The command itself, forked by the guard: isolation, limits, descriptors, exec.
[[noreturn]] void WorkerMain(const ChildPlan& plan, pid_t guard) {
  const int status = plan.status_fd;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != guard) _exit(127);
  if (plan.isolate_network && IsolateNetwork(plan)) {
    Report(status, Step::kIsolated, 0);
    if (plan.loopback && LoopbackUp()) Report(status, Step::kLoopbackUp, 0);
  }
  for (const auto& [resource, limit] : plan.rlimits) {
    struct rlimit value = {limit, limit};
    if (setrlimit(resource, &value) != 0) Die(status, Step::kRlimit);
  }
  if (!plan.cwd.empty() && chdir(plan.cwd.c_str()) != 0) Die(status, Step::kChdir);
  if (dup2(plan.stdin_fd, 0) < 0 || dup2(plan.output_fd, 1) < 0 || dup2(plan.output_fd, 2) < 0)
    Die(status, Step::kDup);
  CloseOtherFds(status);  // status stays open until exec: it is O_CLOEXEC
  execve(plan.argv[0], plan.argv.data(), plan.envp.data());
  Die(status, Step::kExec);
}

// Ends the guard the way the worker ended, so the parent sees the command's own status.
[[noreturn]] void ExitLike(int wstatus) {
  if (WIFSIGNALED(wstatus)) {
    const int sig = WTERMSIG(wstatus);
    signal(sig, SIG_DFL);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, sig);
    sigprocmask(SIG_UNBLOCK, &only, nullptr);
    kill(getpid(), sig);
    _exit(128 + sig);  // a signal whose default is to be ignored
  }
  _exit(WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 127);
}

// The group leader is a guard, not the command: the kernel has no per-group death signal, so
// the guard gets culprit's and kills the whole group with it. Without it, a culprit killed
// mid-run left a shell's children (a build's compilers, a reproducer's forks) running on.
// Signals sent to the group (a timeout's SIGTERM) reach the worker; the guard outlives them to
// report how the worker ended.
[[noreturn]] void ChildMain(const ChildPlan& plan) {
  const int status = plan.status_fd;
  ResetSignals();
  if (setsid() < 0) Die(status, Step::kSetsid);
  sigset_t waited;
  sigemptyset(&waited);
  for (int sig : {SIGCHLD, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM})
    sigaddset(&waited, sig);
  sigprocmask(SIG_BLOCK, &waited, nullptr);
  if (prctl(PR_SET_PDEATHSIG, SIGHUP) != 0 || getppid() != plan.parent) _exit(127);
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  const pid_t guard = getpid();
  const pid_t worker = fork();
  if (worker < 0) Die(status, Step::kFork);
  if (worker == 0) WorkerMain(plan, guard);
  // Hold nothing of culprit's: the status pipe must reach EOF at the worker's exec.
  dup2(plan.stdin_fd, 0);
  dup2(plan.stdin_fd, 1);
  dup2(plan.stdin_fd, 2);
  CloseOtherFds(-1);
  for (;;) {
    siginfo_t info;
    if (sigwaitinfo(&waited, &info) < 0) continue;
    if (getppid() != plan.parent) kill(0, SIGKILL);  // culprit is gone: so is the group
    int wstatus;
    if (waitpid(worker, &wstatus, WNOHANG) == worker) ExitLike(wstatus);
  }
}

// ---- Parent side. ----

const char* StepName(Step step) {
  switch (step) {
    case Step::kIsolated:
      return "unshare";
    case Step::kLoopbackUp:
      return "loopback";
    case Step::kSetsid:
      return "setsid";
    case Step::kFork:
      return "fork";
    case Step::kRlimit:
      return "setrlimit";
    case Step::kChdir:
      return "chdir";
    case Step::kDup:
      return "dup2";
    case Step::kExec:
      return "exec";
  }
  return "?";
}

// Reads the child's reports until exec closes the pipe; reaps the child if it failed.
Result<Spawned> AwaitExec(const ChildPlan& plan, pid_t pid, UniqueFd status) {
  Spawned spawned{.pid = pid};
  ChildReport report;
  ssize_t n;
  while ((n = read(status.get(), &report, sizeof(report))) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof(report))) break;
    if (report.step == Step::kIsolated) {
      spawned.network_isolated = true;
      continue;
    }
    if (report.step == Step::kLoopbackUp) {
      spawned.loopback_up = true;
      continue;
    }
    int wstatus;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    ErrorKind kind = report.error == ENOENT ? ErrorKind::kNotFound : ErrorKind::kInfra;
    return Fail(kind, std::string("cannot start '") + plan.argv_storage[0] +
                          "': " + StepName(report.step) + ": " + std::strerror(report.error));
  }
  return spawned;
}

}  // namespace

Result<Spawned> Spawn(const SubprocessOptions& options, int output_fd) {
  ChildPlan plan;
  PrepareCommand(options, plan);
  PrepareLimits(options, plan);
  plan.cwd = options.cwd.string();
  plan.isolate_network = options.isolate_network;
  plan.loopback = options.loopback;
  plan.uid_map = std::to_string(getuid()) + " " + std::to_string(getuid()) + " 1\n";
  plan.gid_map = std::to_string(getgid()) + " " + std::to_string(getgid()) + " 1\n";

  UniqueFd null_fd = AboveStdio(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null_fd.valid())
    return Fail(ErrorKind::kInfra, std::string("cannot open /dev/null: ") + std::strerror(errno));
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return Fail(ErrorKind::kInfra, std::string("pipe failed: ") + std::strerror(errno));
  UniqueFd status_read(fds[0]);
  UniqueFd status_write = AboveStdio(fds[1]);
  plan.stdin_fd = null_fd.get();
  plan.output_fd = output_fd;
  plan.status_fd = status_write.get();
  plan.parent = getpid();

  pid_t pid = fork();
  if (pid < 0) return Fail(ErrorKind::kInfra, std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) ChildMain(plan);
  status_write.Reset();
  return AwaitExec(plan, pid, std::move(status_read));
}

}  // namespace culprit::process
