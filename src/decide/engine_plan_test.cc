// Engine::PlanRound and Engine::VerdictOf: several builds and runs in flight, and the verdict
// the log prints for each commit. One row per story, driven against a seeded simulated world.
#include <gtest/gtest.h>

#include <string>

#include "decide/engine.h"
#include "sim/history.h"
#include "sim/world.h"

namespace culprit::decide {
namespace {

struct PlanScenario {
  const char* name;
  StrategyKind strategy = StrategyKind::kBayes;
  Capacity slots = {.builds = 1, .runs = 1};
  double crash_p = 1.0;
  int culprit = 40;
  sim::Range same_binary = {};
};

const PlanScenario kPlanScenarios[] = {
    {.name = "bayes_one_at_a_time"},
    {.name = "bayes_four_runs", .slots = {.builds = 1, .runs = 4}},
    {.name = "bayes_two_builds_eight_runs_flaky",
     .slots = {.builds = 2, .runs = 8},
     .crash_p = 0.5},
    {.name = "syzbot_ten_vms", .strategy = StrategyKind::kSyzbot, .slots = {.runs = 10}},
    {.name = "syzbot_flaky_three_vms",
     .strategy = StrategyKind::kSyzbot,
     .slots = {.runs = 3},
     .crash_p = 0.8},
    {.name = "git_five_vms", .strategy = StrategyKind::kGit, .slots = {.runs = 5}},
    {.name = "syzbot_same_signature",
     .strategy = StrategyKind::kSyzbot,
     .slots = {.runs = 10},
     .same_binary = {20, 39}},
};

class PlanTest : public ::testing::TestWithParam<PlanScenario> {};

CommitDag LinearDag() { return sim::MakeHistory({.kind = sim::HistoryKind::kLinear, .n = 64}); }

TEST_P(PlanTest, FindsThePlantedCulpritAndVerdictsAgreeWithTheTruth) {
  const PlanScenario& s = GetParam();
  CommitDag dag = LinearDag();
  sim::WorldSpec ws{.culprit = s.culprit, .crash_p = s.crash_p, .seed = 3};
  if (s.same_binary.last >= s.same_binary.first) ws.same_binary.push_back(s.same_binary);
  sim::World world(dag, ws);
  auto engine = MakeEngine(dag, {.bad = 63, .good = {0}},
                           {.strategy = s.strategy, .batch_runs = s.slots.runs, .seed = 3});
  ASSERT_TRUE(engine.has_value());
  Conclusion c = world.DrivePlans(**engine, s.slots);
  ASSERT_EQ(c.kind, ConclusionKind::kFound) << c.error << c.stop_reason;
  EXPECT_EQ(c.culprit, s.culprit);
  // A decided verdict is never against the truth here (runs are not flaky enough to fool
  // these strategies on this seed), and the culprit and its parent are decided.
  for (CommitIndex i = 0; i < dag.size(); ++i) {
    CommitVerdict v = (*engine)->VerdictOf(i);
    if (v == CommitVerdict::kCrashes) {
      EXPECT_TRUE(world.Crashes(i)) << i;
    }
    if (v == CommitVerdict::kClean) {
      EXPECT_FALSE(world.Crashes(i)) << i;
    }
  }
  EXPECT_EQ((*engine)->VerdictOf(63), CommitVerdict::kCrashes);
}

INSTANTIATE_TEST_SUITE_P(All, PlanTest, ::testing::ValuesIn(kPlanScenarios),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(PlanRound, NeverAsksForMoreThanIsFree) {
  CommitDag dag = LinearDag();
  auto engine = MakeEngine(dag, {.bad = 63, .good = {0}},
                           {.strategy = StrategyKind::kSyzbot, .runs_per_test = 10});
  ASSERT_TRUE(engine.has_value());
  Plan p = (*engine)->PlanRound({}, {.builds = 1, .runs = 4});
  ASSERT_EQ(p.builds, std::vector<CommitIndex>{63});
  // Being built: wait.
  EXPECT_TRUE((*engine)->PlanRound({.builds = {63}}, {.builds = 0, .runs = 4}).empty());
  (*engine)->RecordBuild(63, {.ok = true, .signature = "s"});
  p = (*engine)->PlanRound({}, {.builds = 1, .runs = 4});
  ASSERT_EQ(p.runs.size(), 1u);
  EXPECT_EQ(p.runs[0].runs, 4);
  // 18 of the 20 first runs in flight: two more.
  p = (*engine)->PlanRound({.runs = {{63, 18}}}, {.builds = 1, .runs = 4});
  ASSERT_EQ(p.runs.size(), 1u);
  EXPECT_EQ(p.runs[0].runs, 2);
  EXPECT_TRUE((*engine)->PlanRound({.runs = {{63, 20}}}, {.builds = 1, .runs = 4}).empty());
}

TEST(PlanRound, ConclusionCancelsBuildsButNeverRuns) {
  CommitDag dag = LinearDag();
  auto engine = MakeEngine(dag, {.bad = 63, .good = {0}}, {.strategy = StrategyKind::kGit});
  ASSERT_TRUE(engine.has_value());
  (*engine)->RecordBuild(63, {.ok = true, .signature = "s"});
  for (int i = 0; i < 10; ++i) (*engine)->RecordRun(63, Outcome::kOk);
  Plan p = (*engine)->PlanRound({.builds = {31}, .runs = {{63, 2}}}, {.builds = 0, .runs = 0});
  ASSERT_TRUE(p.conclusion.has_value());
  EXPECT_EQ(p.conclusion->kind, ConclusionKind::kError);
  EXPECT_EQ(p.cancel, (std::vector<CommitIndex>{31}));
}

TEST(PlanRound, RunBudgetCountsRunsInFlight) {
  CommitDag dag = LinearDag();
  auto engine = MakeEngine(dag, {.bad = 63, .good = {0}},
                           {.strategy = StrategyKind::kSyzbot, .max_runs = 15});
  ASSERT_TRUE(engine.has_value());
  (*engine)->RecordBuild(63, {.ok = true, .signature = "s"});
  for (int i = 0; i < 10; ++i) (*engine)->RecordRun(63, Outcome::kTargetCrash);
  Plan p = (*engine)->PlanRound({.runs = {{63, 3}}}, {.builds = 1, .runs = 10});
  ASSERT_EQ(p.runs.size(), 1u);
  EXPECT_EQ(p.runs[0].runs, 2) << "15 - 10 recorded - 3 in flight";
}

TEST(VerdictOf, SyzbotJudgesThroughAnIdenticalSignature) {
  CommitDag dag = LinearDag();
  auto engine = MakeEngine(dag, {.bad = 63, .good = {0}},
                           {.strategy = StrategyKind::kSyzbot, .runs_per_test = 10});
  ASSERT_TRUE(engine.has_value());
  Engine& e = **engine;
  e.RecordBuild(63, {.ok = true, .signature = "bad"});
  for (int i = 0; i < 20; ++i) e.RecordRun(63, Outcome::kTargetCrash);
  EXPECT_EQ(e.VerdictOf(63), CommitVerdict::kCrashes);
  e.RecordBuild(31, {.ok = true, .signature = "same"});
  EXPECT_EQ(e.VerdictOf(31), CommitVerdict::kUndecided);
  for (int i = 0; i < 10; ++i) e.RecordRun(31, Outcome::kOk);
  EXPECT_EQ(e.VerdictOf(31), CommitVerdict::kClean);
  // A commit with the same signature takes that verdict without runs, as syzbot does.
  e.RecordBuild(47, {.ok = true, .signature = "same"});
  EXPECT_EQ(e.VerdictOf(47), CommitVerdict::kClean);
  e.RecordBuild(55, {.ok = false});
  EXPECT_EQ(e.VerdictOf(55), CommitVerdict::kUntestable);
}

TEST(VerdictOf, BayesWaitsForTheConfidenceTarget) {
  CommitDag dag = LinearDag();
  auto engine = MakeEngine(dag, {.bad = 63, .good = {0}}, {.strategy = StrategyKind::kBayes});
  ASSERT_TRUE(engine.has_value());
  Engine& e = **engine;
  e.RecordBuild(63, {.ok = true, .signature = "bad"});
  // A flaky reproducer: 6 crashes in 12 runs on bad.
  for (int i = 0; i < 12; ++i) e.RecordRun(63, i % 2 ? Outcome::kTargetCrash : Outcome::kOk);
  (void)e.Next();
  e.RecordBuild(31, {.ok = true, .signature = "mid"});
  e.RecordRun(31, Outcome::kOk);
  (void)e.Next();
  // One clean run of a reproducer that misses half the time proves nothing yet.
  EXPECT_EQ(e.VerdictOf(31), CommitVerdict::kUndecided);
  for (int i = 0; i < 12; ++i) e.RecordRun(31, Outcome::kOk);
  EXPECT_EQ(e.VerdictOf(31), CommitVerdict::kClean);
  e.RecordRun(31, Outcome::kTargetCrash);
  EXPECT_EQ(e.VerdictOf(31), CommitVerdict::kCrashes);
  EXPECT_EQ(e.VerdictOf(10), CommitVerdict::kUndecided);  // never built
}

}  // namespace
}  // namespace culprit::decide
