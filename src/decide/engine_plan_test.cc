// Engine::PlanRound and Engine::VerdictOf: several builds and runs in flight, and the verdict
// the log prints for each commit. One row per story, driven against a seeded simulated world.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "decide/engine.h"
#include "decide/release_search.h"
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

namespace culprit::decide {
namespace {

// Forwards to an engine and keeps every result recorded, so a test can replay them.
class Recorder : public Engine {
 public:
  explicit Recorder(Engine& inner) : inner_(inner) {}
  Decision Next() override { return inner_.Next(); }
  Plan PlanRound(const InFlight& busy, const Capacity& free) override {
    return inner_.PlanRound(busy, free);
  }
  void RecordBuild(CommitIndex c, const BuildEvidence& b) override {
    builds.push_back({c, b});
    inner_.RecordBuild(c, b);
  }
  void RecordRun(CommitIndex c, Outcome o) override {
    runs.push_back({c, o});
    inner_.RecordRun(c, o);
  }
  Progress progress() const override { return inner_.progress(); }
  CommitVerdict VerdictOf(CommitIndex c) override { return inner_.VerdictOf(c); }

  std::vector<std::pair<CommitIndex, BuildEvidence>> builds;
  std::vector<std::pair<CommitIndex, Outcome>> runs;

 private:
  Engine& inner_;
};

// A job killed mid-round resumes with its stored results replayed into a fresh engine and
// nothing in flight: the plan is the live engine's, whatever the order of replay.
TEST(PlanRound, ReplayedMidRoundGivesTheSamePlan) {
  CommitDag dag = sim::MakeHistory({.kind = sim::HistoryKind::kKernel, .n = 300, .seed = 3});
  const Problem problem{.bad = dag.size() - 1, .good = {0}};
  for (int plans : {3, 8, 20}) {
    for (double p : {1.0, 0.5}) {
      sim::World world(dag, {.culprit = 171, .crash_p = p, .no_input = {{100, 140}}, .seed = 5});
      const EngineOptions options{.avoidable = world.Avoidable(), .seed = 5};
      auto live = MakeEngine(dag, problem, options);
      ASSERT_TRUE(live.has_value());
      Recorder recorder(**live);
      (void)world.DriveTimed(recorder, {.vms = 10, .builders = 4}, nullptr, plans);
      const Capacity free{.builds = 4, .runs = 10};
      const std::string want = (*live)->PlanRound({}, free).Describe(dag);
      EXPECT_EQ((*live)->PlanRound({}, free).Describe(dag), want) << "not idempotent";

      auto replayed = MakeEngine(dag, problem, options);
      ASSERT_TRUE(replayed.has_value());
      for (auto it = recorder.runs.rbegin(); it != recorder.runs.rend(); ++it) {
        (*replayed)->RecordRun(it->first, it->second);
      }
      for (auto it = recorder.builds.rbegin(); it != recorder.builds.rend(); ++it) {
        (*replayed)->RecordBuild(it->first, it->second);
      }
      EXPECT_EQ((*replayed)->PlanRound({}, free).Describe(dag), want) << plans << " plans, p " << p;
    }
  }
}

// A round with room for more never starts more than is free, and what is in flight is not
// started again.
TEST(PlanRound, BayesRespectsSlotsAndWorkInFlight) {
  CommitDag dag = LinearDag();
  auto engine = MakeEngine(dag, {.bad = 63, .good = {0}}, {});
  ASSERT_TRUE(engine.has_value());
  Engine& e = **engine;
  Plan p = e.PlanRound({}, {.builds = 4, .runs = 10});
  // The bad commit first; the other builds are speculative probes.
  ASSERT_FALSE(p.builds.empty());
  EXPECT_EQ(p.builds[0], 63);
  EXPECT_LE(p.builds.size(), 4u);
  EXPECT_EQ(p.speculative.size(), p.builds.size() - 1);
  e.RecordBuild(63, {.ok = true, .signature = "bad"});
  InFlight busy;
  for (CommitIndex b : p.builds) {
    if (b != 63) busy.builds.push_back(b);
  }
  p = e.PlanRound(busy, {.builds = 4 - static_cast<int>(busy.builds.size()), .runs = 10});
  ASSERT_FALSE(p.runs.empty());
  EXPECT_EQ(p.runs[0].commit, 63);
  EXPECT_EQ(p.runs[0].runs, 6);  // six crashes wanted on bad before bisecting
  int runs = 0;
  for (const Plan::Runs& r : p.runs) runs += r.runs;
  EXPECT_LE(runs, 10);
  for (CommitIndex b : p.builds) EXPECT_FALSE(busy.Building(b)) << b;
}

// Bayes on the linear history from c0 (good) to c63 (bad), the bad commit built and crashed
// the six times wanted before bisecting.
std::unique_ptr<Engine> EngineWithBadCrashing(const CommitDag& dag) {
  auto engine = MakeEngine(dag, {.bad = 63, .good = {0}}, {});
  if (!engine) return nullptr;
  (*engine)->RecordBuild(63, {.ok = true, .signature = "bad"});
  for (int i = 0; i < 6; ++i) (*engine)->RecordRun(63, Outcome::kTargetCrash);
  return std::move(*engine);
}

// A user's good commit is built and run right after the bad one, but the other slots do not
// wait for it: while it builds, commits inside the range are built and run too.
TEST(PlanRound, TheGoodEndGoesFirstWithoutIdlingTheRest) {
  CommitDag dag = LinearDag();
  std::unique_ptr<Engine> engine = EngineWithBadCrashing(dag);
  ASSERT_NE(engine, nullptr);
  Engine& e = *engine;
  Plan p = e.PlanRound({}, {.builds = 2, .runs = 10});
  ASSERT_FALSE(p.builds.empty());
  EXPECT_EQ(p.builds[0], 0) << "the good end first";
  ASSERT_EQ(p.builds.size(), 2u) << "and a commit of the range beside it";
  const CommitIndex inside = p.builds[1];
  EXPECT_GT(inside, 0);
  EXPECT_LT(inside, 63);
  // The range's commit is built while the good end still builds: its runs start at once.
  e.RecordBuild(inside, {.ok = true, .signature = "inside"});
  InFlight busy;
  busy.builds.push_back(0);
  p = e.PlanRound(busy, {.builds = 1, .runs = 10});
  bool runs_inside = false;
  for (const Plan::Runs& r : p.runs) runs_inside |= r.commit == inside;
  EXPECT_TRUE(runs_inside) << "runs on " << inside << " do not wait for the good end";
  EXPECT_FALSE(p.conclusion.has_value());
}

// A free builder does not start a build chosen on a guess when a run's result is due within
// a quarter of a build time (p = 1: that result decides which half the next build serves);
// when the result is far, or its time unknown, the guess is built.
TEST(PlanRound, ASpeculativeBuildWaitsForAResultAboutToCome) {
  CommitDag dag = LinearDag();
  std::unique_ptr<Engine> engine = EngineWithBadCrashing(dag);
  ASSERT_NE(engine, nullptr);
  Engine& e = *engine;
  e.RecordBuild(0, {.ok = true, .signature = "good"});
  for (int i = 0; i < 4; ++i) e.RecordRun(0, Outcome::kOk);
  Plan first = e.PlanRound({}, {.builds = 1, .runs = 10});
  ASSERT_EQ(first.builds.size(), 1u);
  const CommitIndex probe = first.builds[0];
  e.RecordBuild(probe, {.ok = true, .signature = "probe"});
  InFlight busy;
  busy.runs.push_back({probe, 1});
  busy.build_time = 6.6;
  for (double due : {-1.0, 0.5, 5.0}) {
    busy.first_result_in = due;
    Plan p = e.PlanRound(busy, {.builds = 1, .runs = 9});
    if (due >= 0 && due < 0.25 * busy.build_time) {
      EXPECT_TRUE(p.builds.empty()) << "due in " << due << ": " << p.Describe(dag);
    } else {
      ASSERT_EQ(p.builds.size(), 1u) << "due in " << due << ": " << p.Describe(dag);
      EXPECT_EQ(p.speculative, p.builds);
    }
  }
}

// A release search: while a release's runs go on, a free builder builds the next release the
// search would try (as it goes on whenever the release fails); with no builder free, or for
// syzbot's walk, nothing more. Releases every 10 commits, bad = 199 crashing.
TEST(PlanRound, TheNextReleaseBuildsWhileAReleaseRuns) {
  struct Row {
    const char* name;
    StrategyKind strategy;
    int free_builds;
    bool want_next;
  };
  const Row rows[] = {
      {"a_builder_free", StrategyKind::kBayes, 1, true},
      {"no_builder_free", StrategyKind::kBayes, 0, false},
      {"syzbot_walks_one_at_a_time", StrategyKind::kSyzbot, 1, false},
  };
  const CommitDag dag = sim::MakeHistory({.n = 200, .release_every = 10});
  const std::vector<CommitIndex> releases = ReleasesToTry(dag, 199);
  ASSERT_GE(releases.size(), 2u);
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    auto engine = MakeEngine(dag, {.bad = 199, .good = {}}, {.strategy = r.strategy});
    ASSERT_TRUE(engine.has_value());
    Engine& e = **engine;
    e.RecordBuild(199, {.ok = true, .signature = "bad"});
    for (int i = 0; i < 20; ++i) e.RecordRun(199, Outcome::kTargetCrash);
    e.RecordBuild(releases[0], {.ok = true, .signature = "r0"});
    const Plan p = e.PlanRound({}, {.builds = r.free_builds, .runs = 10});
    EXPECT_TRUE(p.release_search);
    ASSERT_FALSE(p.runs.empty()) << p.Describe(dag);
    EXPECT_EQ(p.runs[0].commit, releases[0]);
    const std::vector<CommitIndex> next{releases[1]};
    EXPECT_EQ(p.builds, r.want_next ? next : std::vector<CommitIndex>{}) << p.Describe(dag);
    EXPECT_EQ(p.speculative, p.builds);
  }
}

// With VMs to spare, the runs that would confirm each likely culprit start in this round, not
// the next: c40 or c41 is the culprit (c39 ran clean once, c41 crashed once, c40 is built
// and untested), and besides the run that tells them apart, c39 gets the runs that confirm
// c40 and c41 those that confirm it.
TEST(PlanRound, IdleVmsConfirmEachLikelyCulprit) {
  CommitDag dag = LinearDag();
  std::unique_ptr<Engine> engine = EngineWithBadCrashing(dag);
  ASSERT_NE(engine, nullptr);
  Engine& e = *engine;
  e.RecordBuild(0, {.ok = true, .signature = "good"});
  for (int i = 0; i < 4; ++i) e.RecordRun(0, Outcome::kOk);
  for (CommitIndex c : {39, 40, 41}) {
    e.RecordBuild(c, {.ok = true, .signature = "s" + std::to_string(c)});
  }
  e.RecordRun(39, Outcome::kOk);
  e.RecordRun(41, Outcome::kTargetCrash);
  Plan p = e.PlanRound({}, {.builds = 0, .runs = 10});
  InFlight planned;
  for (const Plan::Runs& r : p.runs) planned.runs.push_back({r.commit, r.runs});
  EXPECT_GE(planned.RunsOn(40), 1) << p.Describe(dag);
  EXPECT_GE(planned.RunsOn(39), 1) << p.Describe(dag);
  EXPECT_GE(planned.RunsOn(41), 1) << p.Describe(dag);
  EXPECT_LE(planned.TotalRuns(), 10);
}

// Commits that change no input of the build are never built while their first parent's
// program is known: they are recorded as avoided and cost no build slot.
TEST(Avoidance, AvoidableCommitsAreNotBuilt) {
  CommitDag dag = LinearDag();
  for (int vms : {1, 10}) {
    sim::World world(dag, {.culprit = 45, .no_input = {{20, 39}}, .seed = 3});
    auto engine =
        MakeEngine(dag, {.bad = 63, .good = {0}}, {.avoidable = world.Avoidable(), .seed = 3});
    ASSERT_TRUE(engine.has_value());
    std::vector<CommitIndex> built;
    sim::Timed t = world.DriveTimed(**engine, {.vms = vms, .builders = vms == 1 ? 1 : 4},
                                    [&](double, const Plan& p) {
                                      for (CommitIndex b : p.builds) built.push_back(b);
                                    });
    ASSERT_EQ(t.conclusion.kind, ConclusionKind::kFound) << t.conclusion.error;
    EXPECT_EQ(t.conclusion.culprit, 45);
    for (CommitIndex b : built) {
      EXPECT_FALSE(b >= 20 && b <= 39) << "built avoidable commit " << b << " with " << vms;
    }
  }
}

// The culprit changes no input of the build, yet the crash appears there (the reproducer
// reads a file the build does not): its runs contradict the program it was given, so it is
// built after all, and found, flagged as a no-op.
TEST(Avoidance, ContradictedCommitIsBuiltAfterAll) {
  CommitDag dag = LinearDag();
  for (int vms : {1, 10}) {
    sim::World world(dag, {.culprit = 40, .no_input = {{36, 44}}, .seed = 3});
    auto engine =
        MakeEngine(dag, {.bad = 63, .good = {0}}, {.avoidable = world.Avoidable(), .seed = 3});
    ASSERT_TRUE(engine.has_value());
    bool avoided = false, built_after = false;
    sim::Timed t = world.DriveTimed(**engine, {.vms = vms, .builders = vms == 1 ? 1 : 4},
                                    [&](double, const Plan& p) {
                                      for (CommitIndex c : p.avoided) avoided |= c == 40;
                                      for (CommitIndex b : p.builds) built_after |= b == 40;
                                    });
    ASSERT_EQ(t.conclusion.kind, ConclusionKind::kFound) << t.conclusion.error;
    EXPECT_EQ(t.conclusion.culprit, 40);
    EXPECT_TRUE(t.conclusion.flags.noop);
    EXPECT_TRUE(avoided) << vms;
    EXPECT_TRUE(built_after) << vms;
  }
}

// Evidence that a commit was avoided and evidence that it was built, in either order, leave
// the real build.
TEST(Avoidance, RealBuildWinsInAnyOrder) {
  CommitDag dag = LinearDag();
  for (bool avoided_first : {true, false}) {
    auto engine = MakeEngine(dag, {.bad = 63, .good = {0}}, {});
    ASSERT_TRUE(engine.has_value());
    const BuildEvidence avoided{.ok = true, .signature = "p", .avoided = true};
    const BuildEvidence real{.ok = true, .signature = "p"};
    (*engine)->RecordBuild(40, avoided_first ? avoided : real);
    (*engine)->RecordBuild(40, avoided_first ? real : avoided);
    (*engine)->RecordBuild(39, real);
    (*engine)->RecordBuild(63, {.ok = true, .signature = "bad"});
    for (int i = 0; i < 6; ++i) (*engine)->RecordRun(63, Outcome::kTargetCrash);
    for (int i = 0; i < 3; ++i) (*engine)->RecordRun(40, Outcome::kTargetCrash);
    for (int i = 0; i < 3; ++i) (*engine)->RecordRun(39, Outcome::kOk);
    // Built for real with its parent's signature: the posterior's equal-signature rule holds
    // 40 back as it does for any no-op commit, so the engine asks for more, not for a build.
    Decision d = (*engine)->Next();
    const auto* a = std::get_if<Action>(&d);
    if (a != nullptr) {
      EXPECT_FALSE(a->kind == Action::Kind::kBuild && a->commit == 40) << avoided_first;
    }
  }
}

TEST(PlanDescribe, OneLine) {
  CommitDag dag = LinearDag();
  Plan p;
  EXPECT_EQ(p.Describe(dag), "wait");
  p.builds = {11, 12};
  p.speculative = {12};
  p.avoided = {13};
  p.runs = {{31, 6}, {20, 4}};
  p.cancel = {51};
  // Releases by their tag (the linear history tags every tenth commit).
  EXPECT_EQ(p.Describe(dag),
            "build c11, build c12 (speculative), avoid c13, 6 runs on c31, 4 on "
            "v2, cancel c51");
  p = {};
  p.runs = {{31, 1}, {20, 1}};
  EXPECT_EQ(p.Describe(dag), "1 run on c31, 1 on v2");
}

}  // namespace
}  // namespace culprit::decide
