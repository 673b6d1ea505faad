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
      {{.status = store::RunStatus::kFailed, .title = "exit status 1"}, "failed: exit status 1"},
      {{.status = store::RunStatus::kFailed, .title = "exit status 1", .expect_matched = false},
       "failed: exit status 1 (output does not match --expect)"},
      {{.status = store::RunStatus::kCrashed, .title = "KASAN: x", .expect_matched = true},
       "crashed: KASAN: x"},
  };
  for (const Row& r : rows) EXPECT_EQ(Describe(r.run), r.want);
}

JobConfig WithPredicate(Predicate verdict, const char* expect = "", int infra_exit = 0) {
  JobConfig c;
  c.verdict = verdict;
  c.expect = expect;
  c.infra_exit = infra_exit;
  return c;
}

// The predicates (--verdict, --expect, --infra-exit): git bisect run's contract on the exit
// status, crashes still titled, the shell's "not found" as a broken test, not a verdict.
TEST(RunClassifier, Predicates) {
  struct Row {
    const char* name;
    JobConfig config;
    run::RunRecord record;
    const char* log;
    store::RunStatus want;
    const char* title;                   // substring expected in the title ("" = empty title)
    std::optional<bool> expect_matched;  // for rows with --expect
  };
  const JobConfig exit = WithPredicate(Predicate::kExit);
  const JobConfig crash = WithPredicate(Predicate::kCrash);
  const Row rows[] = {
      {"exit_0_passes", exit, {.exit_code = 0}, "ok\n", store::RunStatus::kOk, ""},
      {"exit_0_passes_even_with_a_report",
       exit,
       {.exit_code = 0},
       kAsanLog,
       store::RunStatus::kOk,
       ""},
      {"exit_1_fails",
       exit,
       {.exit_code = 1},
       "FAIL: t\n",
       store::RunStatus::kFailed,
       "exit status 1"},
      {"exit_127_fails_when_the_command_ran",
       exit,
       {.exit_code = 127},
       "FAIL\n",
       store::RunStatus::kFailed,
       "exit status 127"},
      {"exit_1_with_a_report_is_titled",
       exit,
       {.exit_code = 1},
       kAsanLog,
       store::RunStatus::kFailed,
       "heap-use-after-free"},
      {"exit_125_untestable", exit, {.exit_code = 125}, "", store::RunStatus::kUntestable, ""},
      {"exit_126_fails_without_infra_exit",
       exit,
       {.exit_code = 126},
       "FAIL\n",
       store::RunStatus::kFailed,
       "exit status 126"},
      {"infra_exit_126_when_asked",
       WithPredicate(Predicate::kExit, "", 126),
       {.exit_code = 126},
       "",
       store::RunStatus::kInfra,
       "status 126"},
      {"infra_exit_other_code",
       WithPredicate(Predicate::kExit, "", 3),
       {.exit_code = 3},
       "",
       store::RunStatus::kInfra,
       "status 3"},
      {"exit_verdict_signal_is_a_crash",
       exit,
       {.exit_code = -1, .signal = SIGSEGV},
       "",
       store::RunStatus::kCrashed,
       "SIGSEGV"},
      {"exit_verdict_139_is_a_crash",
       exit,
       {.exit_code = 139},
       "",
       store::RunStatus::kCrashed,
       "SIGSEGV"},
      {"exit_verdict_abort_titled_by_its_report",
       exit,
       {.exit_code = 134},
       kAsanLog,
       store::RunStatus::kCrashed,
       "heap-use-after-free"},
      {"exit_255_is_a_crash",
       exit,
       {.exit_code = 255},
       "",
       store::RunStatus::kCrashed,
       "exit status 255"},
      {"exit_verdict_timeout_is_a_crash",
       exit,
       {.exit_code = -1, .signal = SIGKILL, .timed_out = true},
       "",
       store::RunStatus::kCrashed,
       "timed out"},
      // The shell could not run the test: a broken test command, never a verdict.
      {"dash_not_found",
       exit,
       {.exit_code = 127},
       "sh: 1: ./t.sh: not found\n",
       store::RunStatus::kInfra,
       "sh: 1: ./t.sh: not found"},
      {"bash_command_not_found",
       exit,
       {.exit_code = 127},
       "bash: line 1: pytest: command not found\n",
       store::RunStatus::kInfra,
       "command not found"},
      {"permission_denied",
       exit,
       {.exit_code = 126},
       "sh: 1: ./t.sh: Permission denied\n",
       store::RunStatus::kInfra,
       "Permission denied"},
      {"bad_interpreter",
       exit,
       {.exit_code = 126},
       "bash: ./t.sh: /usr/bin/python9: bad interpreter: No such file or directory\n",
       store::RunStatus::kInfra,
       "bad interpreter"},
      {"not_found_under_the_crash_verdict",
       crash,
       {.exit_code = 127},
       "sh: 1: ./repro: not found\n",
       store::RunStatus::kInfra,
       "fix --test"},
      {"not_found_with_another_status_is_a_failure",
       exit,
       {.exit_code = 1},
       "grep: x: not found\n",
       store::RunStatus::kFailed,
       "exit status 1"},
      {"crash_verdict_exit_1_is_ok", crash, {.exit_code = 1}, "FAIL\n", store::RunStatus::kOk, ""},
      // --expect: only failures whose output matches can be the target.
      {"expect_matches_a_failure",
       WithPredicate(Predicate::kExit, "stale value"),
       {.exit_code = 1},
       "FAIL: lookup returns a stale value\n",
       store::RunStatus::kFailed,
       "exit status 1",
       true},
      {"expect_misses_a_failure",
       WithPredicate(Predicate::kExit, "stale value"),
       {.exit_code = 1},
       "FAIL: network test timed out\n",
       store::RunStatus::kFailed,
       "exit status 1",
       false},
      {"expect_ignores_passing_runs",
       WithPredicate(Predicate::kExit, "stale value"),
       {.exit_code = 0},
       "stale value\n",
       store::RunStatus::kOk,
       "",
       std::nullopt},
      {"expect_on_crashes",
       WithPredicate(Predicate::kCrash, "heap-use-after-free"),
       {.exit_code = 1},
       kAsanLog,
       store::RunStatus::kCrashed,
       "heap-use-after-free",
       true},
      {"expect_on_crashes_misses",
       WithPredicate(Predicate::kCrash, "use-after-return"),
       {.exit_code = 1},
       kAsanLog,
       store::RunStatus::kCrashed,
       "heap-use-after-free",
       false},
      {"expect_regex",
       WithPredicate(Predicate::kExit, "FAIL: test_\\w+ \\(stale"),
       {.exit_code = 2},
       "x\nFAIL: test_lookup (stale)\n",
       store::RunStatus::kFailed,
       "exit status 2",
       true},
  };
  for (const Row& r : rows) {
    auto predicate = RunPredicate::Make(r.config);
    ASSERT_TRUE(predicate) << r.name << ": " << predicate.error().message;
    ClassifiedRun got = ClassifyRun(r.record, r.log, *predicate);
    EXPECT_EQ(got.status, r.want) << r.name << ": " << got.title;
    if (std::string(r.title).empty()) {
      EXPECT_EQ(got.title, "") << r.name;
    } else {
      EXPECT_NE(got.title.find(r.title), std::string::npos) << r.name << ": " << got.title;
    }
    EXPECT_EQ(got.expect_matched, r.expect_matched) << r.name;
  }
}

// With a predicate, the target is every failure it accepts, whatever its title: failed runs
// for --verdict exit, and with --expect only those that matched.
TEST(RunClassifier, PredicateTargets) {
  store::RunRow failed{.status = store::RunStatus::kFailed, .title = "exit status 1"};
  store::RunRow failed_2{.status = store::RunStatus::kFailed, .title = "exit status 2"};
  store::RunRow crashed{.status = store::RunStatus::kCrashed, .title = "killed by SIGSEGV"};
  store::RunRow matched{
      .status = store::RunStatus::kFailed, .title = "exit status 1", .expect_matched = true};
  store::RunRow unmatched{
      .status = store::RunStatus::kFailed, .title = "exit status 1", .expect_matched = false};
  store::RunRow crash_matched{
      .status = store::RunStatus::kCrashed, .title = "KASAN: x", .expect_matched = true};
  store::RunRow crash_unmatched{
      .status = store::RunStatus::kCrashed, .title = "KASAN: x", .expect_matched = false};

  const TargetCrash exit{.verdict = Predicate::kExit};
  EXPECT_EQ(ToOutcome(failed, exit), Outcome::kTargetCrash) << "no title needed";
  EXPECT_EQ(ToOutcome(failed_2, exit), Outcome::kTargetCrash) << "any failing status";
  EXPECT_EQ(ToOutcome(crashed, exit), Outcome::kOtherCrash) << "a crash is another failure";
  const TargetCrash exit_expect{.verdict = Predicate::kExit, .expect = true};
  EXPECT_EQ(ToOutcome(matched, exit_expect), Outcome::kTargetCrash);
  EXPECT_EQ(ToOutcome(unmatched, exit_expect), Outcome::kOtherCrash);
  const TargetCrash crash_expect{.verdict = Predicate::kCrash, .expect = true};
  EXPECT_EQ(ToOutcome(crash_matched, crash_expect), Outcome::kTargetCrash);
  EXPECT_EQ(ToOutcome(crash_unmatched, crash_expect), Outcome::kOtherCrash);
  EXPECT_EQ(ToOutcome(matched, crash_expect), Outcome::kOtherCrash) << "not a crash";

  // The title the reports give: the most frequent among the runs the predicate accepts.
  std::vector<store::RunRow> runs = {crashed, crashed, crashed, failed_2, failed, failed};
  TargetCrash picked = PickTarget(runs, exit);
  EXPECT_EQ(picked.title, "exit status 1");
  EXPECT_TRUE(picked.by_predicate());
  EXPECT_EQ(PickTarget({unmatched, unmatched, matched}, exit_expect).title, "exit status 1");
  EXPECT_EQ(PickTarget({unmatched}, exit_expect).title, "");
}

// The predicate's part of the test's cache key: empty for the default, so that stored runs of
// a crash bisection are found again; anything else keeps runs classified otherwise apart.
TEST(RunClassifier, PredicateRecipe) {
  auto recipe = [](const JobConfig& c) { return RunPredicate::Make(c)->Recipe(); };
  EXPECT_EQ(recipe(JobConfig{}), "");
  EXPECT_EQ(recipe(WithPredicate(Predicate::kCrash, "", 126)), "");
  EXPECT_NE(recipe(WithPredicate(Predicate::kExit)), "");
  EXPECT_NE(recipe(WithPredicate(Predicate::kCrash, "x")),
            recipe(WithPredicate(Predicate::kCrash, "y")));
  EXPECT_NE(recipe(WithPredicate(Predicate::kExit, "", 3)),
            recipe(WithPredicate(Predicate::kExit)));
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
