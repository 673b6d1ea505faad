#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "run/runner.h"

namespace culprit::run {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ProcessRunnerTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/culprit-run-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunSpec Spec(std::string command) {
    return {.command = std::move(command),
            .work_dir = dir_ / "work/run-0",
            .log_path = dir_ / "logs/run-0.log",
            .timeout = seconds(60)};
  }
  std::string Log() const { return ReadFile(dir_ / "logs/run-0.log"); }

  fs::path dir_;
  std::unique_ptr<Runner> runner_ = MakeProcessRunner();
};

TEST_F(ProcessRunnerTest, RunsInCreatedWorkDirWithEnv) {
  RunSpec spec = Spec("echo \"$CULPRIT_RUN\"; pwd -P");
  spec.env = {{"CULPRIT_RUN", "7"}};
  Result<RunRecord> r = runner_->Run(spec);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(Log(), "7\n" + fs::canonical(dir_ / "work/run-0").string() + "\n");
}

// One row per way a reproducer can end; `tweak` sets what the row is about.
struct RunCase {
  const char* name;
  const char* command;
  std::function<void(RunSpec&)> tweak = [](RunSpec&) {};
  int exit_code = 0;
  int signal = 0;
  bool timed_out = false;
  bool output_truncated = false;
};

const RunCase kRunCases[] = {
    {.name = "exits_cleanly", .command = "echo ok"},
    {.name = "exit_code", .command = "exit 42", .exit_code = 42},
    {.name = "crashes", .command = "kill -SEGV $$", .exit_code = -1, .signal = SIGSEGV},
    {.name = "hangs",
     .command = "sleep 100",
     .tweak = [](RunSpec& s) { s.timeout = seconds(1); },
     .exit_code = -1,
     .signal = SIGTERM,
     .timed_out = true},
    {.name = "chatty",
     .command = "head -c 5000 /dev/zero",
     .tweak = [](RunSpec& s) { s.max_output_bytes = 2000; },
     .output_truncated = true},
    {.name = "floods",
     .command = "yes",
     .tweak = [](RunSpec& s) { s.max_output_bytes = 2000; },
     .exit_code = -1,
     .signal = SIGKILL,
     .output_truncated = true},
};

class ProcessRunnerCase : public ProcessRunnerTest, public testing::WithParamInterface<RunCase> {};

TEST_P(ProcessRunnerCase, Records) {
  const RunCase& c = GetParam();
  RunSpec spec = Spec(c.command);
  c.tweak(spec);
  Result<RunRecord> r = runner_->Run(spec);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, c.exit_code);
  EXPECT_EQ(r->signal, c.signal);
  EXPECT_EQ(r->timed_out, c.timed_out);
  EXPECT_EQ(r->output_truncated, c.output_truncated);
  if (c.output_truncated) {  // the start, a marker line, the end
    EXPECT_GT(fs::file_size(dir_ / "logs/run-0.log"), spec.max_output_bytes);
    EXPECT_LT(fs::file_size(dir_ / "logs/run-0.log"), spec.max_output_bytes + 200);
  }
}

INSTANTIATE_TEST_SUITE_P(All, ProcessRunnerCase, testing::ValuesIn(kRunCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(ProcessRunnerTest, IsolatesNetworkByDefault) {
  std::string own = fs::read_symlink("/proc/self/ns/net").string();
  Result<RunRecord> r = runner_->Run(Spec("readlink /proc/self/ns/net"));
  ASSERT_TRUE(r) << r.error().message;
  if (geteuid() == 0) {
    EXPECT_TRUE(r->network_isolated);
  }
  EXPECT_EQ(Log() != own + "\n", r->network_isolated);
}

TEST_F(ProcessRunnerTest, NetworkIsolationCanBeOff) {
  RunSpec spec = Spec("true");
  spec.network = Network::kHost;
  Result<RunRecord> r = runner_->Run(spec);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->network_isolated);
}

// Loopback is up by default (a reproducer that talks to 127.0.0.1 works), down with "none".
// (Sending a UDP datagram to 127.0.0.1 fails with "Network is unreachable" when it is down;
// /sys/class/net shows the namespace that mounted /sys, not the run's.)
TEST_F(ProcessRunnerTest, LoopbackUpUnlessNone) {
  if (access("/bin/bash", X_OK) != 0) GTEST_SKIP() << "needs bash";
  struct Row {
    Network network;
    const char* want;
  };
  for (Row row : {Row{Network::kLoopback, "up\n"}, Row{Network::kNone, "down\n"}}) {
    RunSpec spec =
        Spec("bash -c 'echo x 2>/dev/null > /dev/udp/127.0.0.1/9 && echo up || echo down'");
    spec.network = row.network;
    Result<RunRecord> r = runner_->Run(spec);
    ASSERT_TRUE(r) << r.error().message;
    if (!r->network_isolated) GTEST_SKIP() << "network namespaces not permitted here";
    EXPECT_EQ(Log(), row.want) << NetworkName(row.network);
    EXPECT_EQ(r->loopback_up, row.network == Network::kLoopback);
  }
}

TEST_F(ProcessRunnerTest, MemoryLimitFailsBigAllocation) {
  if (access("/usr/bin/perl", X_OK) != 0) GTEST_SKIP() << "needs perl";
  RunSpec spec = Spec("/usr/bin/perl -e '$x = \"a\" x (400 << 20); print \"allocated\\n\"'");
  spec.max_memory_bytes = 100 << 20;
  Result<RunRecord> r = runner_->Run(spec);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_NE(r->exit_code, 0);
  EXPECT_THAT(Log(), testing::Not(testing::HasSubstr("allocated")));
}

TEST_F(ProcessRunnerTest, UnwritableLogIsError) {
  RunSpec spec = Spec("true");
  spec.log_path = "/dev/null/run.log";
  Result<RunRecord> r = runner_->Run(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kIo);
}

}  // namespace
}  // namespace culprit::run
