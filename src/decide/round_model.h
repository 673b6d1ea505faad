// What several tests at once tell about the culprit, and what tests in flight may answer: the
// math of the Bayes strategy's rounds (Engine::PlanRound), over a snapshot of its posterior.
// Private to decide.
//
// A test is k runs on one commit; its outcome, for the culprit, is whether the target crash
// showed at all (given p, the count of crashes says little more about the culprit). Under a
// hypothesis a commit either has the bug (each run shows the crash with chance p) or not; any
// run also shows it by accident with chance f. The chance that k runs on a commit with the bug
// show it, Q(k), and on one without it, G(k), are taken per posterior row (hypotheses sharing a
// likelihood share (p, f) as the evidence leaves them: Posterior::PredictRows): hypotheses that
// explain the runs with different rates predict differently even where they agree on which
// commits have the bug, and where they predict the same a test tells nothing. Tests are taken as
// independent given the hypothesis (the one-commit choice in bayes_strategy.cc does the same).
// Detect, False and BestProbe use Q and G averaged over all rows: they rank and value single
// tests, not joint outcomes.
#pragma once

#include <cstdint>
#include <vector>

#include "decide/dag.h"
#include "decide/engine.h"
#include "decide/posterior.h"

namespace culprit::decide {

class RoundModel {
 public:
  /// At most this many commits are tracked (one bit each per hypothesis).
  static constexpr int kMaxColumns = 64;
  /// Joint outcomes are enumerated over at most this many tests.
  static constexpr int kMaxJointTests = 12;

  RoundModel(const CommitDag& dag, Mode mode, const Posterior& post);

  /// Chance that `runs` runs on a crashing commit show the crash (by accident too).
  double Detect(int runs) const;
  /// Chance that `runs` runs on a commit without it show it by accident (Posterior's f).
  double False(int runs) const;
  /// The most a test of `runs` runs can tell per run about the culprit, for a commit that
  /// crashes with chance u: max over the run counts tried of (H(u Q) - u H(Q)) / runs.
  struct Probe {
    int runs = 0;
    double bits_per_run = 0;
  };
  Probe BestProbe(double u) const;

  /// Tracks commit `c`; returns its column, or -1 when kMaxColumns are tracked.
  int Column(CommitIndex c);
  CommitIndex CommitOf(int column) const { return columns_[static_cast<size_t>(column)]; }

  struct Test {
    int column = 0;
    int runs = 0;
  };
  /// Bits the outcomes of these tests (distinct columns) tell together about the culprit.
  double JointInfo(const std::vector<Test>& tests) const;

  /// One joint outcome of tests in flight, with the posterior it would leave.
  struct Outcome {
    double probability = 0;
    std::vector<double> weights;  ///< per commit index: hypothesis mass, zero elsewhere
    double outside = 0;           ///< mass of "outside the range"
    double not_reproducible = 0;
  };
  /// The likeliest joint outcomes of `tests`, most likely first, until `coverage` of the
  /// probability or `max_outcomes`; each posterior is normalized.
  std::vector<Outcome> Outcomes(const std::vector<Test>& tests, int max_outcomes,
                                double coverage) const;

 private:
  struct Cell {
    uint64_t mask = 0;  // bit per column: the commit crashes under these hypotheses
    size_t row = 0;     // the posterior row whose (p, f) they share
    double mass = 0;
  };
  // Q (a commit with the bug, `crashing`) or G (one without) of `runs` runs under posterior
  // row `row`.
  double RowRate(size_t row, int runs, bool crashing) const;
  void BuildCells() const;
  // P(z) for every joint outcome z of `tests` (bit i: test i saw the crash).
  std::vector<double> OutcomeLaw(const std::vector<Test>& tests) const;

  const CommitDag& dag_;
  Mode mode_;
  const Posterior& post_;
  std::vector<double> detect_;  // Q(k) for k = 0..kMaxRuns
  std::vector<double> false_;   // G(k) for k = 0..kMaxRuns
  std::vector<double> best_;    // BestProbe bits per run on a grid of u
  std::vector<int> best_runs_;  // ... and its run count
  std::vector<CommitIndex> columns_;
  Posterior::RowRates rows_;     // per row, for 1..kMaxRuns runs
  std::vector<uint64_t> masks_;  // per hypothesis
  uint64_t all_ = 0;             // mask of every column ("outside": all crash, cause and fix)
  mutable std::vector<Cell> cells_;
  mutable std::vector<int32_t> cell_of_;  // per hypothesis
  mutable bool cells_valid_ = false;
};

}  // namespace culprit::decide
