#include "job/run_classifier.h"

#include <gtest/gtest.h>
#include <signal.h>

namespace culprit::job {
namespace {

constexpr const char* kAsanLog =
    "selftest: starting\n"
    "=================================================================\n"
    "==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc "
    "0x55d4c1a2b3c4 bp 0x7ffd5d0 sp 0x7ffd5c8\n"
    "READ of size 1 at 0x602000000010 thread T0\n"
    "    #0 0x7f0a1b2c3d4e in __interceptor_strcmp ../../../../src/libsanitizer/"
    "sanitizer_common/sanitizer_common_interceptors.inc:446\n"
    "    #1 0x55d4c1a2b3c4 in store_get /tmp/kv/src/store.c:37\n"
    "    #2 0x55d4c1a2b5c6 in selftest /tmp/kv/src/main.c:41\n"
    "    #3 0x55d4c1a2b7c8 in main /tmp/kv/src/main.c:60\n"
    "\n"
    "SUMMARY: AddressSanitizer: heap-use-after-free /tmp/kv/src/store.c:37 in store_get\n";

TEST(RunClassifier, StatusFromExitAndLog) {
  struct Row {
    const char* name;
    run::RunRecord record;
    const char* log;
    store::RunStatus want;
    const char* title;  // substring expected in the title ("" = empty title)
  };
  const Row rows[] = {
      {"ok", {.exit_code = 0}, "selftest: ok\n", store::RunStatus::kOk, ""},
      {"nonzero_exit_without_report_is_ok", {.exit_code = 3}, "usage\n", store::RunStatus::kOk, ""},
      {"asan", {.exit_code = 1}, kAsanLog, store::RunStatus::kCrashed, "heap-use-after-free"},
      {"untestable", {.exit_code = 125}, "cannot boot\n", store::RunStatus::kUntestable, ""},
      {"untestable_keeps_title",
       {.exit_code = 125},
       kAsanLog,
       store::RunStatus::kUntestable,
       "heap-use-after-free"},
      {"infra", {.exit_code = 126}, kAsanLog, store::RunStatus::kInfra, "status 126"},
      {"signal", {.exit_code = -1, .signal = SIGSEGV}, "", store::RunStatus::kCrashed, "SIGSEGV"},
      {"shell_reported_signal",
       {.exit_code = 134},
       "Aborted\n",
       store::RunStatus::kCrashed,
       "SIGABRT"},
      {"vm_boot_failed",
       {.exit_code = 1, .stage = RunStage::kBootFailed},
       "",
       store::RunStatus::kUntestable,
       ""},
      {"vm_basic_testing_failed",
       {.exit_code = 1, .stage = RunStage::kBasicTestFailed},
       kAsanLog,
       store::RunStatus::kUntestable,
       "ASan"},
      {"vm_hang",
       {.exit_code = 1, .stage = RunStage::kNoOutput},
       "",
       store::RunStatus::kCrashed,
       "no output from test machine"},
      {"timeout",
       {.exit_code = -1, .signal = SIGKILL, .timed_out = true},
       "",
       store::RunStatus::kCrashed,
       "timed out"},
      {"flood",
       {.exit_code = -1, .signal = SIGKILL, .output_truncated = true, .output_flooded = true},
       "xxxx",
       store::RunStatus::kCrashed,
       "test flooded its output"},
      {"flood_after_a_crash",
       {.exit_code = -1, .signal = SIGKILL, .output_truncated = true, .output_flooded = true},
       kAsanLog,
       store::RunStatus::kCrashed,
       "ASan"},
  };
  for (const Row& r : rows) {
    ClassifiedRun got = ClassifyRun(r.record, r.log);
    EXPECT_EQ(got.status, r.want) << r.name;
    if (std::string(r.title).empty()) {
      EXPECT_EQ(got.title, "") << r.name;
    } else {
      EXPECT_NE(got.title.find(r.title), std::string::npos) << r.name << ": " << got.title;
    }
  }
}

TEST(RunClassifier, OnlyTheTargetCrashIsEvidence) {
  TargetCrash target{"ASan: heap-use-after-free in store_get", {}};
  store::RunRow same{.status = store::RunStatus::kCrashed, .title = target.title};
  store::RunRow other{.status = store::RunStatus::kCrashed, .title = "killed by SIGSEGV"};
  store::RunRow ok{.status = store::RunStatus::kOk};
  store::RunRow infra{.status = store::RunStatus::kInfra};
  EXPECT_EQ(ToOutcome(same, target), Outcome::kTargetCrash);
  EXPECT_EQ(ToOutcome(other, target), Outcome::kOtherCrash);
  EXPECT_EQ(ToOutcome(ok, target), Outcome::kOk);
  EXPECT_EQ(ToOutcome(infra, target), Outcome::kInfraError);
  EXPECT_EQ(ToOutcome(same, TargetCrash{}), Outcome::kOtherCrash) << "no target yet";
}

TEST(RunClassifier, PickTargetTakesTheMostFrequentCrash) {
  std::vector<store::RunRow> runs = {
      {.status = store::RunStatus::kCrashed, .title = "A"},
      {.status = store::RunStatus::kOk},
      {.status = store::RunStatus::kCrashed, .title = "B"},
      {.status = store::RunStatus::kCrashed, .title = "B"},
      {.status = store::RunStatus::kUntestable, .title = "C"},
  };
  EXPECT_EQ(PickTarget(runs).title, "B");
  EXPECT_EQ(PickTarget({}).title, "");
}

TEST(RunClassifier, DescribeNamesTheStageWithoutDecodingTitles) {
  struct Row {
    store::RunRow run;
    const char* want;
  };
  const Row rows[] = {
      {{.status = store::RunStatus::kOk}, "OK"},
      {{.status = store::RunStatus::kCrashed, .title = "KASAN: x"}, "crashed: KASAN: x"},
      {{.status = store::RunStatus::kUntestable, .title = "BUG: y", .stage = RunStage::kBootFailed},
       "boot failed: BUG: y"},
      {{.status = store::RunStatus::kUntestable, .stage = RunStage::kBootFailed},
       "boot failed: no output from test machine"},
      {{.status = store::RunStatus::kUntestable,
        .title = "WARNING in z",
        .stage = RunStage::kBasicTestFailed},
       "basic kernel testing failed: WARNING in z"},
      {{.status = store::RunStatus::kUntestable}, "untestable (exit 125)"},
      {{.status = store::RunStatus::kInfra, .title = "failed to create VM"},
       "infrastructure error: failed to create VM"},
  };
  for (const Row& r : rows) EXPECT_EQ(Describe(r.run), r.want);
}

}  // namespace
}  // namespace culprit::job

namespace culprit::job {
namespace {

TEST(HangTitles, TimeoutsAndKernelHangsButNotOtherCrashes) {
  struct {
    const char* title;
    bool timeout, hang;
  } rows[] = {
      {"test timed out", true, true},
      {"no output from test machine", true, true},
      {"INFO: task hung in io_uring_del_tctx_node", false, true},
      {"INFO: rcu detected stall in sys_sendmsg", false, true},
      {"BUG: soft lockup in ext4_fill_super", false, true},
      {"KASAN: use-after-free Read in io_req_task_submit", false, false},
      {"ASan: heap-use-after-free in lookup", false, false},
      {"test flooded its output", false, false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(IsTimeoutTitle(r.title), r.timeout) << r.title;
    EXPECT_EQ(IsHangTitle(r.title), r.hang) << r.title;
  }
}

}  // namespace
}  // namespace culprit::job
