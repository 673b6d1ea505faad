// Properties of the engine as a whole: same seed, same actions; replaying the evidence (all runs
// of a commit at once, in any order) gives the same next decision; bad problems are refused;
// and over many seeded worlds the Bayes strategy is never wrong when it says "found".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <variant>

#include "decide/engine.h"
#include "sim/history.h"
#include "sim/sweep.h"
#include "sim/world.h"

namespace culprit::decide {
namespace {

bool SameDecision(const Decision& a, const Decision& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<Action>(&a)) {
    const auto& y = std::get<Action>(b);
    return x->kind == y.kind && x->commit == y.commit && x->runs == y.runs &&
           x->release_search == y.release_search;
  }
  const auto& x = std::get<Conclusion>(a);
  const auto& y = std::get<Conclusion>(b);
  return x.kind == y.kind && x.culprit == y.culprit && x.candidates.size() == y.candidates.size();
}

struct Recorded {
  std::map<CommitIndex, BuildEvidence> builds;
  std::map<CommitIndex, std::vector<Outcome>> runs;
};

// Drives `steps` actions, recording the evidence.
Decision DriveSome(const CommitDag& dag, Engine& engine, sim::World& world, int steps,
                   Recorded* rec) {
  for (int i = 0; i < steps; ++i) {
    Decision d = engine.Next();
    const auto* a = std::get_if<Action>(&d);
    if (a == nullptr) return d;
    if (a->kind == Action::Kind::kBuild) {
      BuildEvidence b = world.Build(a->commit);
      rec->builds[a->commit] = b;
      engine.RecordBuild(a->commit, b);
      continue;
    }
    for (int r = 0; r < a->runs; ++r) {
      Outcome o = world.Run(a->commit);
      rec->runs[a->commit].push_back(o);
      engine.RecordRun(a->commit, o);
    }
  }
  (void)dag;
  return engine.Next();
}

class Replay : public testing::TestWithParam<StrategyKind> {};

TEST_P(Replay, AllEvidenceAtOnceGivesTheSameNextDecision) {
  CommitDag dag = sim::MakeHistory({.kind = sim::HistoryKind::kKernel, .n = 300, .seed = 3});
  for (int steps : {3, 10, 25}) {
    sim::World world(dag, {.culprit = 171,
                           .crash_p = 0.6,
                           .build_broken = {{100, 104}},
                           .other_crash_rate = 0.1,
                           .seed = 5});
    const Problem problem{.bad = dag.size() - 1, .good = {0}};
    const EngineOptions options{.strategy = GetParam()};
    auto live = MakeEngine(dag, problem, options);
    ASSERT_TRUE(live.has_value());
    Recorded rec;
    Decision want = DriveSome(dag, **live, world, steps, &rec);

    auto replayed = MakeEngine(dag, problem, options);
    ASSERT_TRUE(replayed.has_value());
    // Newest commit first, each build followed by all its runs: not the live order.
    for (auto it = rec.builds.rbegin(); it != rec.builds.rend(); ++it) {
      (*replayed)->RecordBuild(it->first, it->second);
      for (Outcome o : rec.runs[it->first]) (*replayed)->RecordRun(it->first, o);
    }
    EXPECT_TRUE(SameDecision((*replayed)->Next(), want)) << "after " << steps << " steps";
    EXPECT_TRUE(SameDecision((*replayed)->Next(), want)) << "Next() must be idempotent";
  }
}

TEST_P(Replay, SameSeedSameActions) {
  CommitDag dag = sim::MakeHistory({.kind = sim::HistoryKind::kKernel, .n = 300, .seed = 4});
  std::vector<std::vector<Action>> traces(2);
  for (auto& trace : traces) {
    sim::World world(dag, {.culprit = 222, .crash_p = 0.5, .seed = 9});
    auto engine =
        MakeEngine(dag, {.bad = dag.size() - 1, .good = {0}}, {.strategy = GetParam(), .seed = 9});
    ASSERT_TRUE(engine.has_value());
    world.Drive(**engine, &trace);
  }
  ASSERT_EQ(traces[0].size(), traces[1].size());
  for (size_t i = 0; i < traces[0].size(); ++i) {
    EXPECT_TRUE(SameDecision(traces[0][i], traces[1][i])) << "action " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(decide, Replay,
                         testing::Values(StrategyKind::kBayes, StrategyKind::kSyzbot,
                                         StrategyKind::kGit),
                         [](const auto& info) {
                           switch (info.param) {
                             case StrategyKind::kBayes:
                               return std::string("bayes");
                             case StrategyKind::kSyzbot:
                               return std::string("syzbot");
                             case StrategyKind::kGit:
                               return std::string("git");
                           }
                           return std::string("unknown");
                         });

TEST(decide_MakeEngine, RefusesInconsistentProblems) {
  CommitDag dag = sim::MakeHistory({.kind = sim::HistoryKind::kLinear, .n = 20});
  EXPECT_FALSE(MakeEngine(dag, {.bad = 20}, {}).has_value());
  EXPECT_FALSE(MakeEngine(dag, {.bad = 10, .good = {10}}, {}).has_value());
  EXPECT_FALSE(MakeEngine(dag, {.bad = 10, .good = {15}}, {}).has_value());
  EXPECT_FALSE(MakeEngine(dag, {.bad = 10, .good = {5}, .mode = Mode::kFix}, {}).has_value());
  EXPECT_FALSE(MakeEngine(dag, {.bad = 10, .mode = Mode::kFix}, {}).has_value());
  EXPECT_TRUE(MakeEngine(dag, {.bad = 10, .good = {15}, .mode = Mode::kFix}, {}).has_value());
}

TEST(decide_Budget, RunBudgetStopsWithTheCandidates) {
  CommitDag dag = sim::MakeHistory({.kind = sim::HistoryKind::kLinear, .n = 200});
  sim::World world(dag, {.culprit = 77, .crash_p = 0.3, .seed = 2});
  auto engine = MakeEngine(dag, {.bad = 199, .good = {0}}, {.max_runs = 30});
  ASSERT_TRUE(engine.has_value());
  Conclusion c = world.Drive(**engine);
  EXPECT_EQ(c.stop_reason, "run budget exhausted");
  EXPECT_LE(world.runs(), 30 + 32);
}

// A prior that points at the wrong commits costs runs, not accuracy.
TEST(decide_CommitPrior, WrongPriorStillFindsTheCulprit) {
  CommitDag dag = sim::MakeHistory({.kind = sim::HistoryKind::kKernel, .n = 400, .seed = 5});
  std::vector<double> prior(static_cast<size_t>(dag.size()), 0.0);
  for (size_t i = 10; i < 20; ++i) prior[i] = 1.0;  // all the weight far from the culprit
  for (double p : {1.0, 0.5}) {
    sim::World world(dag, {.culprit = 300, .crash_p = p, .seed = 3});
    auto engine = MakeEngine(dag, {.bad = dag.size() - 1, .good = {0}}, {.commit_prior = prior});
    ASSERT_TRUE(engine.has_value());
    Conclusion c = world.Drive(**engine);
    EXPECT_EQ(c.kind, ConclusionKind::kFound);
    EXPECT_EQ(c.culprit, 300) << "p " << p;
  }
}

// Over fixed seeds and messy worlds, the Bayes strategy may be inconclusive, never wrong.
TEST(decide_BayesRandomized, NeverWrong) {
  CommitDag dag = sim::MakeHistory({.kind = sim::HistoryKind::kKernel, .n = 300, .seed = 11});
  const double ps[] = {1.0, 0.6, 0.3};
  for (int trial = 0; trial < 30; ++trial) {
    sim::SweepSpec spec{.crash_p = ps[trial % 3],
                        .seed = 11,
                        .untestable_fraction = 0.05,
                        .other_crash_rate = 0.05,
                        .infra_rate = 0.05,
                        .same_binary_fraction = 0.05};
    sim::WorldSpec ws = sim::MakeTrialWorld(dag, spec, trial);
    sim::World world(dag, ws);
    auto engine =
        MakeEngine(dag, {.bad = dag.size() - 1, .good = {0}}, {.confidence_target = 0.999});
    ASSERT_TRUE(engine.has_value());
    Conclusion c = world.Drive(**engine);
    if (c.kind == ConclusionKind::kFound) {
      EXPECT_EQ(c.culprit, ws.culprit) << "trial " << trial;
    }
    if (c.kind == ConclusionKind::kInconclusive) {
      bool holds = std::any_of(c.candidates.begin(), c.candidates.end(),
                               [&](const Candidate& x) { return x.commit == ws.culprit; });
      EXPECT_TRUE(holds) << "trial " << trial;
    }
  }
}

}  // namespace
}  // namespace culprit::decide
