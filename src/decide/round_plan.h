// The Bayes strategy's round (Engine::PlanRound): which commits to build, speculative builds
// included, and how to spread the free VMs' runs over built commits, given the work in flight.
// Private to decide.
#pragma once

#include <functional>

#include "decide/engine.h"
#include "decide/evidence.h"
#include "decide/posterior.h"
#include "decide/strategy.h"

namespace culprit::decide {

struct RoundInputs {
  const Context& ctx;
  const Evidence& ev;
  const SearchRange& range;
  const Posterior& post;  ///< updated on `ev`
  const InFlight& busy;
  Capacity free;
  int builders = 1;  ///< build slots in all, busy or free
  /// Chance that a commit not built yet turns out testable (untestable ones cluster).
  std::function<double(CommitIndex)> chance_testable;
};

/// Runs first: one at a time to the (commit, run count) whose joint information with the
/// tests in flight and those already planned grows most per run, while that growth per run is
/// at least a quarter of the capacity of a run at the expected crash rate (a run that can wait
/// for better questions waits). Then builds: for the likeliest joint outcomes of the tests to come
/// (in flight, planned, and a test of each commit being built), the best commit to test next; a
/// commit not built yet is worth what it adds over the best commit already available, summed
/// over the outcomes by their chances, and the most valuable is built while worth 0.3 / M of
/// the best next test (M build slots). Each build chosen joins the tests to come, so the next one
/// is chosen for the other outcomes: builds spread as a k-way split. A build chosen on a guess
/// waits while a run's result is due within a quarter of a build time times the bits one run
/// tells (InFlight::first_result_in, build_time). In-flight work whose commit is
/// decided (crash chance within 1e-5 of 0 or 1) is cancelled. Never concludes.
Plan PlanBayesRound(const RoundInputs& in);

}  // namespace culprit::decide
