// Whole-log facts (§1.9, §9 of shared/reference/syzbot-title-rules.md): suppressions, panic,
// VM disconnection; the stream gives what one pass over the whole log gives.
#include "crash/log_facts.h"

#include <gtest/gtest.h>

#include <string>

namespace culprit::crash {
namespace {

struct Row {
  const char* name;
  const char* log;
  bool suppressed;
};

const Row kRows[] = {
    {"executor_could_not_start", "panic: failed to start executor binary\n", true},
    {"oom_killed_the_fuzzer", "[ 1.0] Out of memory: Kill process 12 (syz-executor) score 9\n",
     true},
    {"oom_killed_something_else", "[ 1.0] Out of memory: Kill process 12 (bash) score 9\n", false},
    {"killed_sshd", "Killed process 77 (sshd) total-vm:1kB\n", true},
    {"lowmemorykiller", "lowmemorykiller: Killing 'sshd' (1), adj 0\n", true},
    {"go_out_of_memory", "fatal error: runtime: out of memory\n", true},
    {"go_cannot_allocate", "panic: mmap: cannot allocate memory\n", true},
    {"stack_smashing", "*** stack smashing detected ***: terminated\n", true},
    {"sigbus", "SYZFAIL: SIGBUS\n", true},
    {"init_segfault", "INIT: PANIC: segmentation violation! sleeping for 30 seconds.\n", true},
    {"nothing", "[ 1.0] all is well\n", false},
};

class SuppressionRow : public testing::TestWithParam<Row> {};

TEST_P(SuppressionRow, Suppresses) {
  EXPECT_EQ(ScanLogFacts(GetParam().log).suppressed, GetParam().suppressed);
}

INSTANTIATE_TEST_SUITE_P(All, SuppressionRow, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(LogFacts, PanicAndDisconnection) {
  LogFacts f = ScanLogFacts("x\nKernel panic - not syncing: boom\nserialport: VM disconnected.\n");
  EXPECT_TRUE(f.panicked);
  EXPECT_TRUE(f.vm_disconnected);
  EXPECT_FALSE(f.suppressed);
  EXPECT_TRUE(LogPanicked("a Kernel panic - not syncing: b"));
}

TEST(LogFacts, StreamAgreesWithOnePass) {
  std::string log =
      "[ 1.0] hello\n[ 2.0] Killed process 9 (syz-executor) total-vm\n"
      "Kernel panic - not syncing: x\nserialport: VM disconnected.";
  for (size_t chunk : {1, 3, 7, 64}) {
    LogFactsStream stream;
    for (size_t at = 0; at < log.size(); at += chunk) stream.Feed(log.substr(at, chunk));
    LogFacts f = stream.Finish();
    EXPECT_TRUE(f.suppressed) << chunk;
    EXPECT_TRUE(f.panicked) << chunk;
    EXPECT_TRUE(f.vm_disconnected) << chunk;
  }
}

}  // namespace
}  // namespace culprit::crash
