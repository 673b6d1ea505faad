// The revert verification's decision rule, by table: counts in, a call out.
#include "decide/verification.h"

#include <gtest/gtest.h>

#include <cmath>

namespace culprit::decide {
namespace {

TEST(Verification, Calls) {
  struct Row {
    const char* name;
    RunTally bad;
    RunTally edited;
    VerificationCall want;
    int want_runs = -1;  // kRunMore: the runs asked for, when checked
    double target = 0.99;
    int batch = 1;
    int max_runs = 0;
    double accident_rate = 0;
  };
  const Row rows[] = {
      {"nothing_yet_asks_for_runs", {6, 12}, {0, 0}, VerificationCall::kRunMore},
      {"reliable_crash_few_clean_runs_confirm", {6, 0}, {0, 3}, VerificationCall::kGone},
      {"reliable_crash_one_crash_refutes", {6, 0}, {1, 0}, VerificationCall::kStill},
      {"one_in_three_needs_about_a_dozen_clean_runs", {6, 12}, {0, 6}, VerificationCall::kRunMore},
      {"one_in_three_24_clean_runs_confirm", {6, 12}, {0, 24}, VerificationCall::kGone},
      {"one_in_three_crashing_at_the_rate_refutes", {6, 12}, {3, 9}, VerificationCall::kStill},
      {"two_crashes_refute", {6, 12}, {2, 2}, VerificationCall::kStill},
      // A single crash among many clean runs is rarer than the bad commit's rate explains.
      {"one_crash_in_sixty_is_misclassification", {6, 12}, {1, 59}, VerificationCall::kGone},
      {"rare_crash_needs_many_runs", {6, 114}, {0, 30}, VerificationCall::kRunMore},
      {"cap_reached", {6, 114}, {0, 10}, VerificationCall::kUndecided, -1, 0.99, 1, 10},
      {"cap_leaves_room", {6, 114}, {0, 8}, VerificationCall::kRunMore, 2, 0.99, 1, 10},
      {"batches_round_up", {6, 0}, {0, 0}, VerificationCall::kRunMore, 4, 0.99, 4},
      {"looser_target_needs_fewer", {6, 12}, {0, 12}, VerificationCall::kGone, -1, 0.9},
      // Where runs fail by accident (5%), failures at that rate are what "gone" predicts: the
      // same runs refute when nothing is expected to fail by accident.
      {"accidents_at_the_expected_rate_confirm",
       {24, 76},
       {5, 95},
       VerificationCall::kGone,
       -1,
       0.99,
       1,
       0,
       0.05},
      {"the_same_runs_without_accidents_refute", {24, 76}, {5, 95}, VerificationCall::kStill},
      {"failures_at_the_bad_commits_rate_refute",
       {24, 76},
       {20, 80},
       VerificationCall::kStill,
       -1,
       0.99,
       1,
       0,
       0.05},
  };
  for (const Row& r : rows) {
    VerificationDecision d = DecideVerification(r.bad, r.edited,
                                                {.confidence_target = r.target,
                                                 .batch = r.batch,
                                                 .max_runs = r.max_runs,
                                                 .accident_rate = r.accident_rate});
    EXPECT_EQ(static_cast<int>(d.call), static_cast<int>(r.want))
        << r.name << ": p(gone) " << d.p_gone << ", runs " << d.runs;
    if (r.want == VerificationCall::kRunMore) {
      EXPECT_GT(d.runs, 0) << r.name;
      EXPECT_EQ(d.runs % r.batch, 0) << r.name;
    }
    if (r.want_runs >= 0) {
      EXPECT_EQ(d.runs, r.want_runs) << r.name;
    }
    EXPECT_NEAR(d.p_gone, d.bayes_factor / (1 + d.bayes_factor), 1e-9) << r.name;
  }
}

// Asking for the runs it says it needs, all clean, ends in kGone: the rule never asks twice
// for a confirmation it has the runs for.
TEST(Verification, TheRunsAskedForConfirm) {
  for (RunTally bad : {RunTally{6, 0}, RunTally{6, 12}, RunTally{6, 40}, RunTally{10, 10}}) {
    VerificationDecision first = DecideVerification(bad, {}, {});
    ASSERT_EQ(first.call, VerificationCall::kRunMore);
    VerificationDecision then = DecideVerification(bad, {.clean = first.runs}, {});
    EXPECT_EQ(then.call, VerificationCall::kGone) << bad.crashes << "/" << bad.total();
  }
}

TEST(Verification, CombinedConfidence) {
  // Odds multiply: confirmation by a factor of 99 takes 0.99 (odds 99) to odds 9801;
  // refutation by 1/99 takes it to even odds.
  EXPECT_NEAR(CombineConfidence(0.99, 99), 9801.0 / 9802.0, 1e-9);
  EXPECT_NEAR(CombineConfidence(0.99, 1.0 / 99), 0.5, 1e-6);
  EXPECT_NEAR(CombineConfidence(0.9, 1), 0.9, 1e-12);
  EXPECT_LT(CombineConfidence(0.999, 1e-6), 0.01);
  EXPECT_EQ(CombineConfidence(1.0, 1e-6), 1.0);  // a certainty stays one (git-walk strategies)
  EXPECT_FALSE(std::isnan(CombineConfidence(0.5, 1e308)));
}

}  // namespace
}  // namespace culprit::decide
