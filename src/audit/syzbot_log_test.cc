#include "audit/syzbot_log.h"

#include <gtest/gtest.h>

#include "audit/fake_log.h"

namespace culprit::audit {
namespace {

using testing::FakeLog;
using testing::H;
using testing::kBoot;
using testing::kOther;
using testing::kTarget;

std::string SmallCause() {
  return FakeLog()
      .Cause(1)
      .Test(1, std::vector<std::string>(10, kTarget))
      .Release("v5.13")
      .Test(2, std::vector<std::string>(10, "OK"))
      .Start(1, 2, 3, 2, 10)
      .Test(10, {"OK", kOther, "OK", kBoot, "OK", "OK", "OK", "OK", "OK", "OK"})
      .Verdict("bad", 10, 0, 1, 11)
      .Test(11, std::vector<std::string>(10, "OK"))
      .Verdict("good", 11)
      .Found(10)
      .str();
}

TEST(audit_SyzbotLog, ReadsTheWalk) {
  auto log = ParseSyzbotLog(SmallCause());
  ASSERT_TRUE(log.has_value()) << log.error().message;
  EXPECT_EQ(log->mode, LogMode::kCause);
  EXPECT_EQ(log->start, H(1));
  ASSERT_EQ(log->tested.size(), 4u);
  EXPECT_EQ(log->tested[1].release, "v5.13");
  EXPECT_FALSE(log->tested[1].in_bisection);
  EXPECT_TRUE(log->tested[2].in_bisection);
  EXPECT_EQ(log->tested[2].title, "subsys: commit 10");
  EXPECT_EQ(log->tested[2].verdict, LoggedVerdict::kBad);
  EXPECT_EQ(log->tested[2].left_after, 0);
  EXPECT_EQ(log->tested[2].steps_after, 1);
  EXPECT_EQ(log->tested[2].runs[1].kind, LoggedRunKind::kCrashed);
  EXPECT_EQ(log->tested[2].runs[1].title, "WARNING in ext4_write_inode");
  EXPECT_EQ(log->tested[2].runs[3].kind, LoggedRunKind::kBootFailed);
  // "all runs:" stands for as many runs as the listed ones.
  EXPECT_EQ(log->runs_per_test, 10);
  EXPECT_EQ(log->tested[0].runs.size(), 10u);
  EXPECT_EQ(log->left_at_start, 3);
  EXPECT_EQ(log->bisect_bad, H(1));
  EXPECT_EQ(log->bisect_good, H(2));
  EXPECT_EQ(log->ending, LogEnding::kCulprit);
  ASSERT_EQ(log->culprits.size(), 1u);
  EXPECT_EQ(log->culprits[0], H(10));
  EXPECT_EQ(log->culprit_title, "subsys: commit 10");
  EXPECT_EQ(log->crash_title, "KASAN: use-after-free Read in io_submit_sqe");
  EXPECT_EQ(log->ignored_lines, 0);
}

TEST(audit_SyzbotLog, RunsPerTestOption) {
  auto log = ParseSyzbotLog(FakeLog()
                                .Cause(1)
                                .Test(1, {kTarget})
                                .Line("the crash already happened on the oldest tested release")
                                .str(),
                            {.runs_per_test = 20});
  ASSERT_TRUE(log.has_value()) << log.error().message;
  EXPECT_EQ(log->tested[0].runs.size(), 20u);
  EXPECT_EQ(log->ending, LogEnding::kHorizon);
}

struct BadLog {
  const char* name;
  std::string (*log)();
  const char* want;  // substring of the error, which always starts with "line N:"
};

void PrintTo(const BadLog& b, std::ostream* os) { *os << b.name; }

const BadLog kBadLogs[] = {
    {.name = "not_a_bisection_log",
     .log = [] { return std::string("hello\nworld\n"); },
     .want = "line 1: expected 'bisecting cause commit"},
    {.name = "empty", .log = [] { return std::string(); }, .want = "line 1:"},
    {.name = "cut_after_runs",
     .log =
         [] {
           std::string full = SmallCause();
           return full.substr(0, full.find("# git bisect good " + H(11)));
         },
     .want = "before its verdict; expected '# git bisect good|bad|skip"},
    {.name = "cut_after_verdict",
     .log =
         [] {
           std::string full = SmallCause();
           return full.substr(0, full.find(H(10) + " is the first bad"));
         },
     .want = "inside the bisection"},
    {.name = "cut_in_release_walk",
     .log = [] { return FakeLog().Cause(1).Test(1, {kTarget}).Release("v5.13").str(); },
     .want = "after the release walk"},
    {.name = "run_numbers_skip_one",
     .log =
         [] {
           return FakeLog()
               .Cause(1)
               .Line("testing commit " + H(1))
               .Line("run #0: OK")
               .Line("run #2: OK")
               .str();
         },
     .want = "expected run #1"},
    {.name = "unknown_run_result",
     .log =
         [] {
           return FakeLog().Cause(1).Line("testing commit " + H(1)).Line("run #0: exploded").str();
         },
     .want = "expected 'OK', 'crashed: TITLE'"},
    {.name = "run_outside_a_commit",
     .log = [] { return FakeLog().Cause(1).Line("all runs: OK").str(); },
     .want = "before any 'testing commit HASH'"},
    {.name = "verdict_on_another_commit",
     .log =
         [] {
           return FakeLog()
               .Cause(1)
               .Test(1, {kTarget})
               .Start(1, 2, 0, 0, 3)
               .Test(3, {"OK"})
               .Verdict("good", 4)
               .str();
         },
     .want = "but the commit tested last is"},
    {.name = "next_test_without_verdict",
     .log =
         [] {
           return FakeLog()
               .Cause(1)
               .Test(1, {kTarget})
               .Start(1, 2, 1, 1, 3)
               .Test(3, {"OK"})
               .Test(4, {"OK"})
               .str();
         },
     .want = "got no verdict before the next test"},
};

class SyzbotLogError : public ::testing::TestWithParam<BadLog> {};

TEST_P(SyzbotLogError, NamesTheLine) {
  const BadLog& b = GetParam();
  auto log = ParseSyzbotLog(b.log());
  ASSERT_FALSE(log.has_value());
  EXPECT_EQ(log.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(log.error().message.rfind("line ", 0), 0u) << log.error().message;
  EXPECT_NE(log.error().message.find(b.want), std::string::npos) << log.error().message;
}

INSTANTIATE_TEST_SUITE_P(All, SyzbotLogError, ::testing::ValuesIn(kBadLogs),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace culprit::audit
