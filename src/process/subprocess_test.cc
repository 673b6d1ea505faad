#include "process/subprocess.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace culprit::process {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using testing::HasSubstr;
using testing::Not;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// True while `pid` exists and is not a zombie (an orphan may wait for a reaper that never comes
// in a container whose init does not reap).
bool IsAlive(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return false;
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

// Group members get SIGKILL; give the kernel a moment to finish their exit.
bool ExitsSoon(pid_t pid) {
  for (int i = 0; i < 100 && IsAlive(pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !IsAlive(pid);
}

std::vector<pid_t> ReadPids(const fs::path& path) {
  std::vector<pid_t> pids;
  std::ifstream in(path);
  for (pid_t pid; in >> pid;) pids.push_back(pid);
  return pids;
}

class SubprocessTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/culprit-process-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  SubprocessOptions Shell(std::string command) {
    return {.command = std::move(command), .log_path = log(), .timeout = seconds(60)};
  }
  fs::path log() const { return dir_ / "log"; }

  fs::path dir_;
};

struct ExitCase {
  const char* name;
  const char* command;
  int exit_code = 0;
  int signal = 0;
};

const ExitCase kExitCases[] = {
    {.name = "true", .command = "true"},
    {.name = "exit_3", .command = "exit 3", .exit_code = 3},
    {.name = "segv", .command = "kill -SEGV $$", .exit_code = -1, .signal = SIGSEGV},
    {.name = "abort", .command = "kill -ABRT $$", .exit_code = -1, .signal = SIGABRT},
    {.name = "sigkill", .command = "kill -KILL $$", .exit_code = -1, .signal = SIGKILL},
    {.name = "not_found", .command = "no-such-command-culprit", .exit_code = 127},
    {.name = "closes_output_early", .command = "exec >&- 2>&-; sleep 0.2; exit 4", .exit_code = 4},
};

class SubprocessExit : public SubprocessTest, public testing::WithParamInterface<ExitCase> {};

TEST_P(SubprocessExit, ReportsStatus) {
  const ExitCase& c = GetParam();
  Result<SubprocessRecord> r = RunSubprocess(Shell(c.command));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, c.exit_code);
  EXPECT_EQ(r->signal, c.signal);
  EXPECT_FALSE(r->timed_out);
  EXPECT_FALSE(r->output_truncated);
}

INSTANTIATE_TEST_SUITE_P(All, SubprocessExit, testing::ValuesIn(kExitCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(SubprocessTest, CombinesStdoutAndStderrInLog) {
  Result<SubprocessRecord> r = RunSubprocess(Shell("echo out; echo err >&2; echo out2"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(ReadFile(log()), "out\nerr\nout2\n");
  EXPECT_EQ(r->output_bytes, 13u);
}

TEST_F(SubprocessTest, PassesEnvironmentAndCwd) {
  fs::create_directory(dir_ / "sub");
  setenv("CULPRIT_TEST_INHERITED", "kept", 1);
  SubprocessOptions options = Shell("echo \"$FOO|$CULPRIT_TEST_INHERITED\"; pwd -P");
  options.env = {{"FOO", "bar baz"}};
  options.cwd = dir_ / "sub";
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(ReadFile(log()), "bar baz|kept\n" + fs::canonical(dir_ / "sub").string() + "\n");
}

TEST_F(SubprocessTest, RunsArgvWithPathLookup) {
  SubprocessOptions options = {.argv = {"printf", "%s|", "a b", "$HOME"}, .log_path = log()};
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(ReadFile(log()), "a b|$HOME|");
}

TEST_F(SubprocessTest, StdinIsDevNull) {
  Result<SubprocessRecord> r = RunSubprocess(Shell("cat; echo done"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(ReadFile(log()), "done\n");
}

TEST_F(SubprocessTest, ClosesInheritedDescriptors) {
  int leaked = open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaked, 0);
  std::string fd = std::to_string(leaked);
  Result<SubprocessRecord> r =
      RunSubprocess(Shell("test -e /proc/$$/fd/" + fd + " && echo open || echo closed"));
  close(leaked);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(ReadFile(log()), "closed\n");
}

TEST_F(SubprocessTest, DisablesCoreDumps) {
  Result<SubprocessRecord> r = RunSubprocess(Shell("ulimit -c"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(ReadFile(log()), "0\n");
}

TEST_F(SubprocessTest, TimeoutKillsWholeGroup) {
  fs::path pids = dir_ / "pids";
  SubprocessOptions options = Shell("sleep 100 & echo $! >" + pids.string() +
                                    "; sleep 100 & echo $! >>" + pids.string() + "; wait");
  options.timeout = seconds(1);
  options.kill_grace = std::chrono::milliseconds(200);
  auto start = std::chrono::steady_clock::now();
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(30)) << "hang guard";
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGTERM);
  EXPECT_EQ(r->exit_code, -1);
  std::vector<pid_t> children = ReadPids(pids);
  ASSERT_EQ(children.size(), 2u);
  for (pid_t pid : children) EXPECT_TRUE(ExitsSoon(pid)) << pid;
}

TEST_F(SubprocessTest, TimeoutEscalatesToSigkill) {
  SubprocessOptions options = Shell("trap '' TERM; sleep 100");
  options.timeout = seconds(1);
  options.kill_grace = std::chrono::milliseconds(200);
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGKILL);
}

TEST_F(SubprocessTest, LeaderExitKillsLeftovers) {
  fs::path pids = dir_ / "pids";
  // The background sleep holds the output pipe open; without the group kill this would wait.
  Result<SubprocessRecord> r =
      RunSubprocess(Shell("sleep 100 & echo $! >" + pids.string() + "; exit 5"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 5);
  EXPECT_FALSE(r->timed_out);
  std::vector<pid_t> children = ReadPids(pids);
  ASSERT_EQ(children.size(), 1u);
  EXPECT_TRUE(ExitsSoon(children[0]));
}

// A stand-in for culprit is killed by SIGKILL while its run lasts; the process whose pid the
// run wrote must go too. Not only the shell (exec'd into sleep), but its children: a build's
// compilers or a reproducer's forks.
TEST_F(SubprocessTest, RunDiesWithCulprit) {
  struct {
    const char* name;
    std::string command;  // writes the pid to watch into `pids`
  } rows[] = {
      {"leader", "echo $$ >" + (dir_ / "pids").string() + "; exec sleep 100"},
      {"child", "sleep 100 & echo $! >" + (dir_ / "pids").string() + "; sleep 100 & wait"},
  };
  for (const auto& row : rows) {
    fs::remove(dir_ / "pids");
    pid_t stand_in = fork();
    ASSERT_GE(stand_in, 0);
    if (stand_in == 0) {
      SubprocessOptions options = Shell(row.command);
      options.timeout = seconds(120);
      (void)RunSubprocess(options);
      _exit(0);
    }
    std::vector<pid_t> run;
    for (int i = 0; i < 500 && run.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      run = ReadPids(dir_ / "pids");
    }
    kill(stand_in, SIGKILL);
    waitpid(stand_in, nullptr, 0);
    ASSERT_EQ(run.size(), 1u) << row.name;
    EXPECT_TRUE(ExitsSoon(run[0])) << row.name;
  }
}

TEST_F(SubprocessTest, EscapedWriterDoesNotHang) {
  fs::path pids = dir_ / "pids";
  // setsid leaves the group, so the group kill misses it; it still holds the output pipe.
  SubprocessOptions options =
      Shell("setsid sleep 100 & echo $! >" + pids.string() + "; echo leader done");
  auto start = std::chrono::steady_clock::now();
  Result<SubprocessRecord> r = RunSubprocess(options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(30)) << "hang guard";
  for (pid_t pid : ReadPids(pids)) kill(pid, SIGKILL);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(ReadFile(log()), "leader done\n");
}

// Past the cap the log keeps the start and the end (where a crash report usually is), with a
// marker where the middle was cut.
TEST_F(SubprocessTest, OutputCapKeepsHeadAndTail) {
  SubprocessOptions options = Shell("seq 1 3000");  // 13893 bytes
  options.max_output_bytes = 4000;
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_TRUE(r->output_truncated);
  EXPECT_FALSE(r->output_flooded);
  EXPECT_EQ(r->output_bytes, 13893u);
  const std::string text = ReadFile(log());
  EXPECT_TRUE(text.starts_with("1\n2\n3\n")) << text.substr(0, 20);
  EXPECT_TRUE(text.ends_with("2999\n3000\n")) << text.substr(text.size() - 20);
  EXPECT_NE(text.find("[culprit: 9893 bytes of output cut here; the log keeps the first 2000 and "
                      "the last 2000 bytes]"),
            std::string::npos);
  EXPECT_LE(text.size(), 4000u + 200);
}

TEST_F(SubprocessTest, OutputUnderCapIsComplete) {
  SubprocessOptions options = Shell("head -c 4000 /dev/zero");
  options.max_output_bytes = 4000;
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->output_truncated);
  EXPECT_EQ(fs::file_size(log()), 4000u);
}

TEST_F(SubprocessTest, FloodIsKilled) {
  SubprocessOptions options = Shell("yes");
  options.max_output_bytes = 1000;
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->output_truncated);
  EXPECT_TRUE(r->output_flooded);
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_LE(fs::file_size(log()), 1000u + 200);
}

std::string OwnNetNamespace() { return fs::read_symlink("/proc/self/ns/net").string(); }

TEST_F(SubprocessTest, IsolatesNetworkWhenPermitted) {
  SubprocessOptions options = Shell("readlink /proc/self/ns/net");
  options.isolate_network = true;
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  if (geteuid() == 0) {
    EXPECT_TRUE(r->network_isolated);
  }
  std::string child_ns(ReadFile(log()));
  EXPECT_EQ(child_ns != OwnNetNamespace() + "\n", r->network_isolated) << child_ns;
}

TEST_F(SubprocessTest, IsolatedNetworkHasOnlyLoopback) {
  SubprocessOptions options = Shell("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
  options.isolate_network = true;
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  if (!r->network_isolated) GTEST_SKIP() << "network namespaces not permitted here";
  EXPECT_EQ(ReadFile(log()), "lo\n");
}

TEST_F(SubprocessTest, SharesNetworkUnlessAsked) {
  Result<SubprocessRecord> r = RunSubprocess(Shell("readlink /proc/self/ns/net"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->network_isolated);
  EXPECT_EQ(ReadFile(log()), OwnNetNamespace() + "\n");
}

TEST_F(SubprocessTest, MemoryLimitFailsBigAllocation) {
  if (access("/usr/bin/perl", X_OK) != 0) GTEST_SKIP() << "needs perl";
  SubprocessOptions options =
      Shell("/usr/bin/perl -e '$x = \"a\" x (400 << 20); print \"allocated\\n\"'");
  options.max_memory_bytes = 100 << 20;
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_NE(r->exit_code, 0);
  EXPECT_THAT(ReadFile(log()), Not(HasSubstr("allocated")));
}

TEST_F(SubprocessTest, FileSizeLimitStopsWrites) {
  SubprocessOptions options = Shell("head -c 100000 /dev/zero > big");
  options.cwd = dir_;
  options.max_file_bytes = 1000;
  Result<SubprocessRecord> r = RunSubprocess(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->exit_code != 0 || r->signal == SIGXFSZ);
  EXPECT_LE(fs::file_size(dir_ / "big"), 1000u);
}

TEST_F(SubprocessTest, RunsConcurrentlyFromThreads) {
  constexpr int kThreads = 4;
  std::vector<std::string> logs(kThreads);
  std::vector<int> ok(kThreads,
                      0);  // not vector<bool>: its bits share words, and the threads write at once
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      bool all = true;
      for (int i = 0; i < 5; ++i) {
        fs::path path = dir_ / ("log" + std::to_string(t));
        Result<SubprocessRecord> r = RunSubprocess(
            {.command = "echo " + std::to_string(t) + "-" + std::to_string(i), .log_path = path});
        all = all && r && r->exit_code == 0 &&
              ReadFile(path) == std::to_string(t) + "-" + std::to_string(i) + "\n";
      }
      ok[t] = all;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_TRUE(ok[t]) << "thread " << t;
}

struct SpawnErrorCase {
  const char* name;
  SubprocessOptions options;
  ErrorKind kind;
};

class SubprocessSpawnError : public testing::TestWithParam<SpawnErrorCase> {};

TEST_P(SubprocessSpawnError, IsAnError) {
  Result<SubprocessRecord> r = RunSubprocess(GetParam().options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, GetParam().kind) << r.error().message;
  EXPECT_FALSE(r.error().message.empty());
}

const SpawnErrorCase kSpawnErrors[] = {
    {.name = "missing_cwd",
     .options = {.command = "true", .cwd = "/no/such/dir", .log_path = "/dev/null"},
     .kind = ErrorKind::kNotFound},
    {.name = "missing_program",
     .options = {.argv = {"/no/such/program"}, .log_path = "/dev/null"},
     .kind = ErrorKind::kNotFound},
    {.name = "unwritable_log",
     .options = {.command = "true", .log_path = "/no/such/dir/log"},
     .kind = ErrorKind::kIo},
    {.name = "no_command", .options = {.log_path = "/dev/null"}, .kind = ErrorKind::kBadInput},
    {.name = "no_log", .options = {.command = "true"}, .kind = ErrorKind::kBadInput},
};

INSTANTIATE_TEST_SUITE_P(All, SubprocessSpawnError, testing::ValuesIn(kSpawnErrors),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace culprit::process
