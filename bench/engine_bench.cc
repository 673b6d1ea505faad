// Engine speed: whole simulated bisections per second (bayes, syzbot; bayes also in rounds) on
// a 1024-commit merge-heavy history, and the cost of one bayes step as candidates grow.
#include <benchmark/benchmark.h>

#include <variant>

#include "decide/engine.h"
#include "sim/history.h"
#include "sim/sweep.h"
#include "sim/world.h"

namespace culprit {
namespace {

void Bisections(benchmark::State& state, decide::StrategyKind kind, double p) {
  decide::CommitDag dag =
      sim::MakeHistory({.kind = sim::HistoryKind::kKernel, .n = 1024, .seed = 1});
  sim::SweepSpec spec{.crash_p = p};
  spec.options.strategy = kind;
  int trial = 0;
  for (auto _ : state) {
    sim::WorldSpec ws = sim::MakeTrialWorld(dag, spec, trial++);
    sim::World world(dag, ws);
    auto engine = decide::MakeEngine(dag, {.bad = dag.size() - 1, .good = {0}}, spec.options);
    decide::Conclusion c = world.Drive(**engine);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("items = bisections");
}

void BM_BayesBisection_Kernel1024_P1(benchmark::State& s) {
  Bisections(s, decide::StrategyKind::kBayes, 1.0);
}
void BM_BayesBisection_Kernel1024_P05(benchmark::State& s) {
  Bisections(s, decide::StrategyKind::kBayes, 0.5);
}
void BM_SyzbotBisection_Kernel1024_P1(benchmark::State& s) {
  Bisections(s, decide::StrategyKind::kSyzbot, 1.0);
}
BENCHMARK(BM_BayesBisection_Kernel1024_P1);
BENCHMARK(BM_BayesBisection_Kernel1024_P05);
BENCHMARK(BM_SyzbotBisection_Kernel1024_P1);

// Whole bisections in wall time (sim::World::DriveTimed): ten VMs, four builders, every plan
// a PlanRound.
void RoundBisections(benchmark::State& state, double p) {
  decide::CommitDag dag =
      sim::MakeHistory({.kind = sim::HistoryKind::kKernel, .n = 1024, .seed = 1});
  sim::SweepSpec spec{.crash_p = p};
  int trial = 0;
  for (auto _ : state) {
    sim::WorldSpec ws = sim::MakeTrialWorld(dag, spec, trial++);
    sim::World world(dag, ws);
    auto engine = decide::MakeEngine(dag, {.bad = dag.size() - 1, .good = {0}}, spec.options);
    sim::Timed t = world.DriveTimed(**engine, {.vms = 10, .builders = 4});
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("items = bisections");
}

void BM_BayesRounds_Kernel1024_V10_M4_P1(benchmark::State& s) { RoundBisections(s, 1.0); }
void BM_BayesRounds_Kernel1024_V10_M4_P05(benchmark::State& s) { RoundBisections(s, 0.5); }
BENCHMARK(BM_BayesRounds_Kernel1024_V10_M4_P1);
BENCHMARK(BM_BayesRounds_Kernel1024_V10_M4_P05);

// One Next() with a few tested commits, as a function of the number of candidates.
void BM_BayesStep(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  decide::CommitDag dag = sim::MakeHistory({.kind = sim::HistoryKind::kKernel, .n = n, .seed = 1});
  auto engine = decide::MakeEngine(dag, {.bad = n - 1, .good = {0}}, {});
  sim::World world(dag, {.culprit = n / 3, .crash_p = 0.5, .seed = 1});
  for (int i = 0; i < 12; ++i) {  // get past the first steps so there is some evidence
    decide::Decision d = (*engine)->Next();
    const auto* a = std::get_if<decide::Action>(&d);
    if (a == nullptr) break;
    if (a->kind == decide::Action::Kind::kBuild) {
      (*engine)->RecordBuild(a->commit, world.Build(a->commit));
    } else {
      for (int r = 0; r < a->runs; ++r) (*engine)->RecordRun(a->commit, world.Run(a->commit));
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize((*engine)->Next());
  state.SetComplexityN(n);
}
BENCHMARK(BM_BayesStep)->RangeMultiplier(4)->Range(1 << 10, 1 << 16)->Complexity(benchmark::oN);

}  // namespace
}  // namespace culprit
