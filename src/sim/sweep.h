// Many seeded bisections per strategy on one history: the accuracy and cost table printed by
// `culprit simulate`, and the information-theoretic lower bound on runs it is compared with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "decide/dag.h"
#include "decide/engine.h"
#include "sim/world.h"

namespace culprit::sim {

struct SweepSpec {
  double crash_p = 1.0;
  int trials = 100;
  uint64_t seed = 1;
  decide::EngineOptions options;   ///< strategy and its knobs
  double untestable_fraction = 0;  ///< of commits, in short build- or boot-broken stretches
  double other_crash_rate = 0;
  double infra_rate = 0;
  double same_binary_fraction = 0;  ///< of commits, signature equal to the parent's
  /// Of commits, in stretches that change no input of the build (the same program as their
  /// first parent); with `avoid`, the engine is told (EngineOptions::avoidable).
  double no_input_fraction = 0;
  bool avoid = true;
  /// The wall-time model (World::DriveTimed); vms = 0: runs and builds are only counted.
  TimeModel time{.vms = 0};
  bool release_search = false;  ///< no good commit given: search releases first
  /// A prior over commits like the pipeline's "touches a file of the crash's stack": a random
  /// prior_fraction of commits get weight, and the culprit is among them with chance
  /// prior_hit. Negative: no prior.
  double prior_hit = -1;
  double prior_fraction = 0.01;
  decide::Mode mode = decide::Mode::kCause;
  /// The predicate cannot tell unrelated failures from the target (see WorldSpec).
  bool unrelated_look_like_target = false;
};

struct SweepRow {
  int trials = 0;
  int right = 0;   ///< found the planted culprit
  int honest = 0;  ///< inconclusive holding the culprit, or a true horizon claim
  int wrong = 0;   ///< found another commit, or a set without the culprit, or horizon
  /// ... of which said they were sure: another commit found, or a false horizon at the target
  /// (an inconclusive set or a horizon short of the target says it may be wrong)
  int sure_wrong = 0;
  int failed = 0;           ///< error conclusions (e.g. crash not reproduced on bad)
  int found = 0;            ///< conclusions naming one culprit
  int found_right = 0;      ///< ... that named the planted one
  double mean_claimed = 0;  ///< mean confidence the strategy claimed for its found culprits
  double mean_builds = 0;
  double mean_runs = 0;     ///< including the runs on the bad commit
  double mean_avoided = 0;  ///< builds avoided (not counted in mean_builds)
  double mean_minutes = 0;  ///< wall time (with a time model)
  double mean_rounds = 0;   ///< rounds of runs (Timed::rounds)
};

/// Plants a culprit per trial (uniform over commits 1..n-1), with bad = head and good = root
/// (or no good with release_search), and runs the engine to its conclusion.
SweepRow RunSweep(const decide::CommitDag& dag, const SweepSpec& spec);

/// The world of one trial (exposed so a failing trial can be replayed).
WorldSpec MakeTrialWorld(const decide::CommitDag& dag, const SweepSpec& spec, int trial);

/// One trial of a sweep: its world, the conclusion and what it cost.
struct Trial {
  WorldSpec world;
  bool started = true;  ///< false: the engine refused the problem
  decide::Conclusion conclusion;
  bool true_horizon = false;  ///< a horizon conclusion names a commit that really crashes
  int builds = 0, runs = 0, avoided = 0;
  Timed timed;  ///< with a time model
};
/// Runs trial `trial` of the sweep (RunSweep runs trials 0..trials-1); `trace` sees every
/// plan with a time model.
Trial RunTrial(const decide::CommitDag& dag, const SweepSpec& spec, int trial,
               const std::function<void(double, const decide::Plan&)>& trace = nullptr);

/// ((1 - delta) * log2(n) - 1) / C(p), C(p) = log2(1 + p (1 - p)^((1 - p) / p)): a lower bound on
/// the mean runs of any strategy told p that finds one of n culprits with error delta = 1 - target.
double RunsLowerBound(int n, double p, double target);

/// A lower bound on the mean runs at crash probability p of a strategy that is not told p:
/// right with chance >= target at p (averaged over culprits, uniform over commits 1..n-1, good =
/// root) and wrong at most 1 - target of the time at a lower rate: 1/2 when p = 1, the rate
/// hardest to tell from p otherwise. Not knowing p, a clean run may be a missed crash. Proofs in
/// docs/LOWER-BOUND.md. Never below RunsLowerBound; not known to be reachable.
double RunsFloorUnknownP(const decide::CommitDag& dag, double p, double target);

}  // namespace culprit::sim
