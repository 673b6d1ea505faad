#include "decide/posterior.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "decide/round_model.h"

namespace culprit::decide {
namespace {

// Linear history 0 (good) - 1 - 2 (bad): the culprit is 1 or 2. The bad commit crashed 5 times
// out of 5; commit 1 ran clean. With p near 1 one clean run settles it, and the posterior says
// so; but p = 5/6 explains the same runs with culprit 1 (a missed crash) almost as well, and the
// profile odds against 2 stay high until clean runs on 1 rule out every p.
TEST(decide_Posterior, ProfileOddsWaitUntilNoPExplainsAMiss) {
  auto dag =
      CommitDag::Make({{.id = "a"}, {.id = "b", .parents = {0}}, {.id = "c", .parents = {1}}});
  ASSERT_TRUE(dag.has_value());
  Evidence ev(dag->size());
  ev.RecordBuild(2, {.ok = true, .signature = "s2"});
  for (int i = 0; i < 5; ++i) ev.RecordRun(2, Outcome::kTargetCrash);
  ev.RecordBuild(1, {.ok = true, .signature = "s1"});
  ev.RecordRun(1, Outcome::kOk);
  Posterior post(*dag, Mode::kCause, {1, 2}, {0.4995, 0.4995}, 1e-3);
  post.Update(ev);
  const size_t culprit_2 = 1;
  EXPECT_GT(post.mass(culprit_2), 0.9);
  // max over p of p^5 (1 - p) is 0.067, at p = 5/6.
  EXPECT_GT(post.ProfileOddsAgainst(culprit_2), 0.05);
  for (int i = 0; i < 12; ++i) ev.RecordRun(1, Outcome::kOk);
  post.Update(ev);
  EXPECT_GT(post.mass(culprit_2), 0.99);
  // max over p of p^5 (1 - p)^13 is 3e-5, at p = 5/18.
  EXPECT_LT(post.ProfileOddsAgainst(culprit_2), 1e-3);
}

// A line of 21 commits, 0 good and 20 bad; the culprit is 10, crashing one run in two. Commits
// 0 and 3 failed once in twenty runs each, and 7 once in four: accidents (an unrelated failure
// a `--verdict exit` predicate counts). Read as the bug whatever the odds (a fixed misread rate,
// accident prior 0), 7's failure puts the culprit at or below 7 and 9's six clean runs are a
// streak of misses. The estimated accident rate explains 0, 3 and 7 by accident.
struct Line {
  CommitDag dag;
  std::vector<CommitIndex> hyps;
  std::vector<double> prior;
};
Line MakeLine(int n) {
  std::vector<CommitNode> nodes;
  for (int i = 0; i < n; ++i) {
    nodes.push_back({.id = "c" + std::to_string(i)});
    if (i > 0) nodes.back().parents = {i - 1};
  }
  auto dag = CommitDag::Make(nodes);
  EXPECT_TRUE(dag.has_value());
  Line line{*dag, {}, {}};
  for (int i = 1; i < n; ++i) {
    line.hyps.push_back(i);
    line.prior.push_back((1 - 1e-3) / (n - 1));
  }
  return line;
}

void Runs(Evidence* ev, CommitIndex c, int crashes, int ok) {
  ev->RecordBuild(c, {.ok = true, .signature = "s" + std::to_string(c)});
  for (int i = 0; i < crashes; ++i) ev->RecordRun(c, Outcome::kTargetCrash);
  for (int i = 0; i < ok; ++i) ev->RecordRun(c, Outcome::kOk);
}

TEST(decide_Posterior, AccidentsOnCleanCommitsAreLearnedNotTakenForTheBug) {
  Line line = MakeLine(21);
  Evidence ev(line.dag.size());
  Runs(&ev, 20, 10, 10);
  Runs(&ev, 0, 1, 19);
  Runs(&ev, 3, 1, 19);
  Runs(&ev, 7, 1, 3);
  Runs(&ev, 9, 0, 6);
  Runs(&ev, 10, 2, 2);
  const size_t culprit = 9;  // hyps[9] is commit 10
  ASSERT_EQ(line.hyps[culprit], 10);
  struct Belief {
    double culprit, at_or_below_7, f;
  };
  auto belief = [&](double accident_prior) {
    Posterior post(line.dag, Mode::kCause, line.hyps, line.prior, 1e-3, 0, accident_prior);
    post.Update(ev);
    Belief b{post.mass(culprit), 0, post.ExpectedFalseRate()};
    for (size_t i = 0; i < post.hyps().size(); ++i) {
      if (post.hyps()[i] <= 7) b.at_or_below_7 += post.mass(i);
    }
    return b;
  };
  const Belief fixed = belief(0.0);
  EXPECT_LT(fixed.culprit, 0.1);
  EXPECT_GT(fixed.at_or_below_7, 0.7);
  // Commit 10's two crashes could be accidents too, so the untested 11-20 keep some mass.
  for (double prior : {EngineOptions::kAccidentsToldApart, EngineOptions::kAccidentsCounted}) {
    const Belief b = belief(prior);
    EXPECT_GT(b.culprit, 0.4) << prior;
    EXPECT_LT(b.at_or_below_7, 0.3) << prior;
    EXPECT_GT(b.f, 0.03) << prior;
  }
}

// The round planner's model reads accidents too: where the runs show them, a commit without the
// bug fails by accident (False) at the estimated rate, and a test tells less than where nothing
// fails by accident.
TEST(decide_Posterior, TestsTellLessWhereRunsFailByAccident) {
  Line line = MakeLine(21);
  Evidence clean(line.dag.size()), noisy(line.dag.size());
  Runs(&clean, 20, 10, 10);
  Runs(&noisy, 20, 10, 10);
  for (CommitIndex c : {0, 3, 6}) {
    Runs(&clean, c, 0, 20);
    Runs(&noisy, c, 2, 18);  // the bug is not below 7 (see below): these are accidents
  }
  Runs(&clean, 7, 0, 20);
  Runs(&noisy, 7, 0, 20);
  auto model = [&](const Evidence& ev, Posterior* post) {
    post->Update(ev);
    return RoundModel(line.dag, Mode::kCause, *post);
  };
  Posterior p_clean(line.dag, Mode::kCause, line.hyps, line.prior, 1e-3, 0,
                    EngineOptions::kAccidentsCounted);
  Posterior p_noisy = p_clean;
  const RoundModel m_clean = model(clean, &p_clean);
  const RoundModel m_noisy = model(noisy, &p_noisy);
  EXPECT_LT(m_clean.False(4), 0.05);
  EXPECT_GT(m_noisy.False(4), 0.2);
  EXPECT_NEAR(m_noisy.False(4), 1 - std::pow(1 - p_noisy.ExpectedFalseRate(), 4), 1e-9);
  EXPECT_LT(m_noisy.BestProbe(0.5).bits_per_run, 0.8 * m_clean.BestProbe(0.5).bits_per_run);
}

// Without accidents anywhere else, a single crash is the bug, not an accident: the accident
// rate stays near kEpsilon, and a crash on 10 after 12 clean runs on 9 names 10 as before.
TEST(decide_Posterior, OneCrashIsTheBugWhereNothingElseFailsByAccident) {
  Line line = MakeLine(21);
  Evidence ev(line.dag.size());
  Runs(&ev, 20, 12, 0);
  Runs(&ev, 0, 0, 12);
  Runs(&ev, 5, 0, 12);
  Runs(&ev, 9, 0, 12);
  Runs(&ev, 10, 1, 0);
  Posterior post(line.dag, Mode::kCause, line.hyps, line.prior, 1e-3);
  post.Update(ev);
  EXPECT_GT(post.mass(9), 0.95);
  EXPECT_LT(post.ExpectedFalseRate(), 0.01);
}

// Runs are weighed with each hypothesis's own rates. The bad commit 20 failed 7 times in 50,
// commits 5 and 12 once in twenty runs each over 500: either the bug is at or below 5, weak (p
// about 0.05) with hardly any accidents, or above 12 with accidents at 0.05 and p about 0.1.
// Both expect 5 and 12 to keep failing once in twenty, so more runs there tell next to
// nothing, however different the rates averaged over all hypotheses (which made such runs look
// informative, and searches repeat them for ever); runs on 16 tell where the bug is.
TEST(decide_Posterior, RunsWhereEveryHypothesisExpectsTheSameTellNothing) {
  Line line = MakeLine(21);
  Evidence ev(line.dag.size());
  Runs(&ev, 20, 7, 43);
  Runs(&ev, 0, 0, 1);
  Runs(&ev, 5, 25, 475);
  Runs(&ev, 12, 25, 475);
  Posterior post(line.dag, Mode::kCause, line.hyps, line.prior, 1e-3, 0,
                 EngineOptions::kAccidentsCounted);
  post.Update(ev);
  double early = 0, late = 0, u = post.outside();  // u: 12 has the bug
  for (size_t i = 0; i < post.hyps().size(); ++i) {
    const CommitIndex c = post.hyps()[i];
    if (c <= 5) early += post.mass(i);
    if (c > 12) late += post.mass(i);
    if (c <= 12) u += post.mass(i);
  }
  EXPECT_GT(early, 0.1);
  EXPECT_GT(late, 0.1);
  RoundModel model(line.dag, Mode::kCause, post);
  const int on_12 = model.Column(12), on_16 = model.Column(16);
  const double same = model.JointInfo({{.column = on_12, .runs = 8}});
  const double apart = model.JointInfo({{.column = on_16, .runs = 8}});
  // The same test weighed with the rates averaged over all hypotheses.
  const double q = model.Detect(8), g = model.False(8);
  const double averaged =
      BinaryEntropy(u * q + (1 - u) * g) - u * BinaryEntropy(q) - (1 - u) * BinaryEntropy(g);
  EXPECT_LT(same, 0.01);
  EXPECT_GT(apart, 10 * same);
  EXPECT_GT(averaged, 10 * same);
}

// Accidents explaining a probe's runs: at the rate that fits them best (the grid's point nearest
// the observed rate, f's prior left out) and averaged over f's prior, which gives each of the 13
// rates 1/13 of the accident prior. Rows: failures, clean runs, the best rate.
TEST(decide_Posterior, AccidentsAtTheBestRateExplainRunsAtLeastAsWellAsOnAverage) {
  struct Row {
    int failures, clean;
    double best;
  };
  const Row rows[] = {
      {1, 19, 0.05}, {2, 0, 0.17}, {3, 6, 0.17}, {1, 99, 0.01}, {0, 10, Posterior::kEpsilon}};
  const double prior = EngineOptions::kAccidentsCounted;
  for (const Row& r : rows) {
    const double best = Posterior::AccidentProfileLogLikelihood(r.failures, r.clean, prior);
    EXPECT_NEAR(best, r.failures * std::log(r.best) + r.clean * std::log1p(-r.best), 1e-9)
        << r.failures << "/" << r.clean;
    const double averaged = Posterior::AccidentLogLikelihood(r.failures, r.clean, prior);
    EXPECT_LE(averaged, best);
    if (r.failures > 0) {
      // At most the best rate's share of the prior and the rest of the grid: within log(13 / 0.2).
      EXPECT_GT(averaged, best - std::log(13 / prior)) << r.failures << "/" << r.clean;
    }
  }
}

// The release search's changepoint model (every failure counts): the bad commit first, then
// releases newest first, as (failures, runs). `want_k` is the likeliest k (the first k + 1
// carry the bug), with its probability between `low` and `high`.
TEST(decide_Posterior, ChangepointWeighsReleasesTogether) {
  struct Row {
    const char* name;
    std::vector<std::pair<int, int>> failures_runs;
    size_t want_k;
    double low, high;
  };
  const Row rows[] = {
      {"reliable_bug_clean_release", {{6, 6}, {0, 10}}, 0, 0.999, 1.0},
      {"release_failing_at_the_bugs_rate", {{6, 6}, {5, 10}}, 1, 0.6, 0.99},
      // One release at a third of the bad commit's rate: accidents, but they cost f's prior.
      {"accidents_on_one_release", {{30, 200}, {10, 200}}, 0, 0.95, 0.99},
      // Four releases at that rate: accidents are paid for once, and the newest is clean to
      // the target where one release alone was not.
      {"accidents_on_four_releases",
       {{30, 200}, {10, 200}, {10, 200}, {10, 200}, {10, 200}},
       0,
       0.99,
       1.0},
      // One rate everywhere: nothing without the bug tells the accident rate, only f's prior
      // (accidents are rare) makes "the bug in all" likelier, short of the target.
      {"one_rate_everywhere", {{27, 180}, {27, 180}, {25, 180}}, 2, 0.85, 0.95},
  };
  for (const Row& r : rows) {
    std::vector<std::pair<int, int>> chain;
    for (auto [failures, runs] : r.failures_runs) chain.push_back({failures, runs - failures});
    const Posterior::Chain model = Posterior::Changepoint(chain, EngineOptions::kAccidentsCounted);
    ASSERT_EQ(model.post.size(), chain.size()) << r.name;
    double sum = 0;
    for (double x : model.post) sum += x;
    EXPECT_NEAR(sum, 1.0, 1e-9) << r.name;
    const size_t k = static_cast<size_t>(std::max_element(model.post.begin(), model.post.end()) -
                                         model.post.begin());
    EXPECT_EQ(k, r.want_k) << r.name;
    EXPECT_GE(model.post[k], r.low) << r.name;
    EXPECT_LE(model.post[k], r.high) << r.name;
    // Under k = j, a commit with the bug (i <= j) fails at least as often as the oldest.
    for (size_t j = 0; j < chain.size(); ++j) {
      for (size_t i = 0; i <= j; ++i) {
        EXPECT_GE(model.fail[j][i], model.fail[j].back() - 1e-12) << r.name;
      }
    }
  }
}

}  // namespace
}  // namespace culprit::decide
