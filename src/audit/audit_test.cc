// One row per shape of syzbot log: what the audit must conclude about syzbot's answer, which
// verdict it must find weakest, or which line it must refuse.
#include "audit/audit.h"

#include <gtest/gtest.h>

#include <sstream>

#include "audit/audit_output.h"
#include "audit/fake_log.h"

namespace culprit::audit {
namespace {

using testing::FakeLog;
using testing::H;
using testing::kBasic;
using testing::kBoot;
using testing::kOther;
using testing::kTarget;

const std::vector<std::string> kAllOk(10, "OK");
const std::vector<std::string> kAllTarget(10, kTarget);
const std::vector<std::string> kAllBoot(10, kBoot);

struct Shape {
  const char* name;
  std::string (*log)();
  const char* error = nullptr;  // the audit refuses: a substring of its message
  LogEnding ending = LogEnding::kCulprit;
  double min_confidence = 0;
  double max_confidence = 1;
  int weakest = -1;  // the commit whose verdict must rank weakest
  double weakest_p_wrong = 0;
  const char* weakest_reason = "";  // substring of its reason
  double max_p = 1;                 // the estimated crash rate must be below this
  int skips = -1;                   // commits with no verdict (skipped), if checked
};

void PrintTo(const Shape& s, std::ostream* os) { *os << s.name; }

// Linear range: release 2 good, start 1 bad; git picks 10, 11, ... in turn.
const Shape kShapes[] = {
    {.name = "cause_solid",
     .log =
         [] {
           return FakeLog()
               .Cause(1)
               .Test(1, kAllTarget)
               .Release("v5.13")
               .Test(2, kAllOk)
               .Start(1, 2, 7, 3, 10)
               .Test(10, kAllOk)
               .Verdict("good", 10, 3, 2, 11)
               .Test(11, kAllTarget)
               .Verdict("bad", 11, 1, 1, 12)
               .Test(12, kAllOk)
               .Verdict("good", 12, 0, 0, 13)
               .Test(13, kAllTarget)
               .Verdict("bad", 13)
               .Found(13)
               .str();
         },
     .min_confidence = 0.999},
    {.name = "fix_bisection",
     .log =
         [] {
           // Fix: git's "good" is the old, crashing behaviour; "first bad" is the fix.
           return FakeLog()
               .Fix(1)
               .Test(1, kAllTarget)
               .Head(9)
               .Test(9, kAllOk)
               .Start(9, 1, 3, 2, 5)
               .Test(5, kAllTarget)
               .Verdict("good", 5, 1, 1, 7)
               .Test(7, kAllOk)
               .Verdict("bad", 7, 0, 0, 6)
               .Test(6, kAllOk)
               .Verdict("bad", 6)
               .Found(6, /*fix=*/true)
               .str();
         },
     .min_confidence = 0.99},
    {.name = "inconclusive_build_failure",
     .log =
         [] {
           return FakeLog()
               .Cause(1)
               .Test(1, kAllTarget)
               .Release("v5.13")
               .Test(2, kAllOk)
               .Start(1, 2, 1, 1, 10)
               .Test(10, kAllOk)
               .Verdict("good", 10, 0, 1, 11)
               .Line("testing commit " + H(11))
               .Line("compiler: gcc (GCC) 10.2.1 20210217")
               .Line("kernel build error: fs/io_uring.c:12:3: error: 'x' undeclared")
               .Verdict("skip", 11, 0, 1, 12)
               .Test(12, kAllBoot)
               .Verdict("skip", 12)
               .OnlySkipped({11, 12, 1})
               .str();
         },
     .ending = LogEnding::kInconclusive,
     .min_confidence = 0.99,
     .skips = 2},
    {.name = "boot_failures_everywhere",
     .log =
         [] {
           return FakeLog()
               .Cause(1)
               .Test(1, kAllTarget)
               .Release("v5.13")
               .Test(2, kAllOk)
               .Start(1, 2, 3, 2, 10)
               .Test(10, kAllBoot)
               .Verdict("skip", 10, 3, 2, 11)
               .Test(11, kAllBoot)
               .Verdict("skip", 11, 3, 2, 12)
               .Test(12, {kBoot, kBasic, kBoot, kBoot, kBasic, kBoot, kBoot, kBoot, kBoot, kBoot})
               .Verdict("skip", 12)
               .OnlySkipped({10, 11, 12, 1})
               .str();
         },
     .ending = LogEnding::kInconclusive,
     .min_confidence = 0.99,
     .skips = 3},
    {.name = "release_horizon",
     .log =
         [] {
           return FakeLog()
               .Cause(1)
               .Test(1, kAllTarget)
               .Release("v5.13")
               .Test(2, kAllTarget)
               .Release("v5.12")
               .Test(3, kAllTarget)
               .Line("the crash already happened on the oldest tested release")
               .Line("revisions tested: 3, total time: 1h0m0s (build: 30m0s, test: 30m0s)")
               .str();
         },
     .ending = LogEnding::kHorizon,
     .min_confidence = 0.99},
    {.name = "release_horizon_from_unrelated_crash",
     .log =
         [] {
           // The oldest release "crashed", but with another title: syzbot counted it bad.
           return FakeLog()
               .Cause(1)
               .Test(1, kAllTarget)
               .Release("v5.13")
               .Test(2, kAllTarget)
               .Release("v5.12")
               .Test(3, std::vector<std::string>(10, kOther))
               .Line("oldest tested release already had the bug or it had kernel test errors")
               .str();
         },
     // Other crashes say nothing: the oldest release is as likely to have the bug as not.
     .ending = LogEnding::kHorizon,
     .max_confidence = 0.6,
     .weakest = 3,
     .weakest_p_wrong = 0.4,
     .weakest_reason = "other crashes"},
    {.name = "fix_crash_still_happens",
     .log =
         [] {
           return FakeLog()
               .Fix(1)
               .Test(1, kAllTarget)
               .Head(9)
               .Test(9, kAllTarget)
               .Line("crash still not fixed or there were kernel test errors")
               .str();
         },
     .ending = LogEnding::kHorizon,
     .min_confidence = 0.99},
    {.name = "flaky_bug_decided_by_one_crash",
     .log =
         [] {
           // Two crashes in ten on the start, one in ten on the culprit: p is about 0.15, so
           // ten clean runs on its neighbour miss the crash one time in five.
           return FakeLog()
               .Cause(1)
               .TestSome(1, {0, 5})
               .Release("v5.13")
               .Test(2, kAllOk)
               .Start(1, 2, 7, 3, 10)
               .Test(10, kAllOk)
               .Verdict("good", 10, 3, 2, 11)
               .TestSome(11, {7})
               .Verdict("bad", 11, 1, 1, 12)
               .Test(12, kAllOk)
               .Verdict("good", 12, 0, 0, 13)
               .TestSome(13, {4})
               .Verdict("bad", 13)
               .Found(13)
               .str();
         },
     .max_confidence = 0.85,
     .weakest = 12,
     .weakest_p_wrong = 0.1,
     .weakest_reason = "no target crash in 10 runs",
     .max_p = 0.4},
    {.name = "good_on_flaky_bug_with_few_runs",
     .log =
         [] {
           // The culprit's neighbour 11 was called good on three clean runs (seven failed to
           // boot), with a reproducer that crashes about one run in three.
           return FakeLog()
               .Cause(1)
               .TestSome(1, {1, 4, 8})
               .Release("v5.13")
               .Test(2, kAllOk)
               .Start(1, 2, 3, 2, 10)
               .TestSome(10, {0, 3, 6, 9})
               .Verdict("bad", 10, 1, 1, 11)
               .Test(11, {"OK", "OK", "OK", kBoot, kBoot, kBoot, kBoot, kBoot, kBoot, kBoot})
               .Verdict("good", 11)
               .Found(10)
               .str();
         },
     .max_confidence = 0.8,
     .weakest = 11,
     .weakest_p_wrong = 0.1,
     .weakest_reason = "no target crash in 3 runs"},
    {.name = "bad_verdict_from_unrelated_crash",
     .log =
         [] {
           return FakeLog()
               .Cause(1)
               .Test(1, kAllTarget)
               .Release("v5.13")
               .Test(2, kAllOk)
               .Start(1, 2, 3, 2, 10)
               .Test(10, std::vector<std::string>(10, kOther))
               .Verdict("bad", 10, 1, 1, 11)
               .Test(11, kAllOk)
               .Verdict("good", 11, 0, 0, 12)
               .Test(12, kAllOk)
               .Verdict("good", 12)
               .Found(10)
               .str();
         },
     // Without 10's verdict, the culprit is 10 (one commit) or in the four above it.
     .max_confidence = 0.3,
     .weakest = 10,
     .weakest_p_wrong = 0.7,
     .weakest_reason = "bad only by other crashes"},
    {.name = "reused_verdict_same_signature",
     .log =
         [] {
           // Commit 12 built the same kernel as 11: syzbot reused the verdict, no runs.
           return FakeLog()
               .Cause(1)
               .Test(1, kAllTarget)
               .Release("v5.13")
               .Test(2, kAllOk)
               .Start(1, 2, 3, 2, 11)
               .Test(11, kAllOk, "same")
               .Verdict("good", 11, 1, 1, 12)
               .Line("testing commit " + H(12))
               .Line("kernel signature: same")
               .Line("reusing the result of " + H(11) + " (same kernel signature)")
               .Verdict("good", 12, 0, 0, 13)
               .Test(13, kAllTarget)
               .Verdict("bad", 13)
               .Found(13)
               .str();
         },
     // An identical kernel behaves the same, but not for certain (decide's kSeparation).
     .min_confidence = 0.9,
     .weakest = 12,
     .weakest_p_wrong = 0.01,
     .weakest_reason = "no runs of its own"},
    {.name = "no_crash_on_first_commit",
     .log =
         [] {
           return FakeLog()
               .Cause(1)
               .Test(1, kAllOk)
               .Line("error: the crash wasn't reproduced on the original commit")
               .str();
         },
     .error = "no crash on the first tested commit"},
};

class AuditShape : public ::testing::TestWithParam<Shape> {};

TEST_P(AuditShape, WeighsSyzbotsAnswer) {
  const Shape& s = GetParam();
  ASSERT_TRUE(s.error != nullptr || s.min_confidence <= s.max_confidence) << "inconsistent row";
  auto log = ParseSyzbotLog(s.log());
  ASSERT_TRUE(log.has_value()) << log.error().message;
  auto history = HistoryFromWalk(*log);
  ASSERT_TRUE(history.has_value()) << history.error().message;
  auto report = Audit(*log, *history, {});
  if (s.error != nullptr) {
    ASSERT_FALSE(report.has_value());
    EXPECT_NE(report.error().message.find(s.error), std::string::npos) << report.error().message;
    return;
  }
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->ending, s.ending);
  EXPECT_GE(report->confidence, s.min_confidence);
  EXPECT_LE(report->confidence, s.max_confidence);
  EXPECT_LE(report->p_mean, s.max_p);
  if (s.weakest >= 0) {
    ASSERT_FALSE(report->weakest.empty());
    const VerdictAudit& w = report->verdicts[report->weakest.front()];
    EXPECT_EQ(w.commit, H(s.weakest));
    EXPECT_GE(w.p_wrong, s.weakest_p_wrong);
    EXPECT_NE(w.reason.find(s.weakest_reason), std::string::npos) << w.reason;
  }
  if (s.skips >= 0) {
    int skips = 0;
    for (const VerdictAudit& v : report->verdicts) skips += v.claim == Claim::kNone;
    EXPECT_EQ(skips, s.skips);
  }
  // Both renderings stand on any row.
  std::ostringstream text;
  PrintAudit(*report, "", text);
  EXPECT_NE(text.str().find("probability it is right"), std::string::npos);
  EXPECT_NE(AuditJson(*report, "log", "").find("\"confidence\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(All, AuditShape, ::testing::ValuesIn(kShapes),
                         [](const auto& info) { return std::string(info.param.name); });

// The walk model's ranges follow git's counts: the culprit's range is one commit once git
// names it, and the first good verdict cut away what git's next count says.
TEST(audit_WalkModel, RangesFollowGitsCounts) {
  auto log = ParseSyzbotLog(kShapes[0].log());
  ASSERT_TRUE(log.has_value());
  auto h = HistoryFromWalk(*log);
  ASSERT_TRUE(h.has_value());
  ASSERT_EQ(h->answer.size(), 1u);
  EXPECT_EQ(h->dag.node(h->answer[0].first).id, H(13));
  EXPECT_DOUBLE_EQ(h->answer[0].second, 1.0);
  double total = 0;
  for (double w : h->weight) total += w;
  EXPECT_DOUBLE_EQ(total, 16);  // 7 left (roughly 3 steps): 16 candidates
  EXPECT_DOUBLE_EQ(h->outside_weight, 16);
}

// A crash title other than the target is no evidence: the same log audited with that title as
// the target turns syzbot's answer around.
TEST(audit_Audit, TitleOptionChoosesTheTarget) {
  auto log = ParseSyzbotLog(kShapes[9].log());  // bad_verdict_from_unrelated_crash
  ASSERT_TRUE(log.has_value());
  auto h = HistoryFromWalk(*log);
  ASSERT_TRUE(h.has_value());
  auto report = Audit(*log, *h, {.title = "WARNING in ext4_write_inode"});
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->target_from, "--title");
  EXPECT_EQ(report->target_runs, 10);
}

}  // namespace
}  // namespace culprit::audit
