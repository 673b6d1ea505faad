// The Bayes strategy's belief: a joint posterior over (culprit hypothesis, per-run crash
// probability p on a grid), plus two explicit states: "outside the range" (the crash is older
// than the good end in cause mode, not fixed by the newest commit in fix mode) and "not
// reproducible" (no commit has the crash).
//
// Model: under hypothesis h, commit c is "changed" iff h is an ancestor of c (or c itself).
// Cause: changed commits crash with probability p per run; every run, on any commit, also
// shows the target by accident with probability f (a misread title, an unrelated failure a
// `--verdict exit` predicate cannot tell apart): a run without the bug fails with chance f, one
// with it 1 - (1 - p)(1 - f). f is estimated as p is, on a grid whose prior puts most mass on
// kEpsilon (reproducers that do not fail by accident). Fix: the reverse. Only target
// crashes and OK runs are evidence, and a human's marks (a verdict wrong with probability
// kMarkError, independent of p). Signatures: a hypothesis that separates a group of built commits
// with equal signatures (some members changed, some not) is multiplied by kSeparation once per
// group. Avoided commits (not built, given their first parent's program) are left out of the
// groups: the strategy's prior already weighs a culprit among them by kSeparation.
//
// Hypotheses with the same membership in the ancestor sets of all built commits share their
// likelihood, so they are kept in cells, and share a posterior over (p, f) (PredictRows): the
// per-step cost is O(hypotheses + cells * (built + grid)).
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "decide/dag.h"
#include "decide/engine.h"
#include "decide/evidence.h"

namespace culprit::decide {

class Posterior {
 public:
  static constexpr int kGrid = 16;
  /// Grid points of the accidental-failure rate f; the first is kEpsilon.
  static constexpr int kFalseGrid = 14;
  static constexpr double kEpsilon = 1e-3;
  static constexpr double kSeparation = 0.02;
  static constexpr double kNotReproduciblePrior = 1e-3;
  /// A human's mark (Problem::marks) is a verdict wrong with this probability, whatever p:
  /// as strong as one clean run of a reliable reproducer (kEpsilon), or about 17 clean runs
  /// at p = 1/3. Strong enough that the search need not test what a human marked, weak enough
  /// that runs overturn a wrong mark: one target crash on a commit marked good cancels it.
  static constexpr double kMarkError = 1e-3;
  /// `prior` is per hypothesis (same order as `hyps`, sorted by commit index), summing to
  /// 1 - outside_prior. `known_p` > 0 fixes the per-run crash probability instead of
  /// estimating it (what knowing p is worth, in simulation).
  /// `accident_prior` is the prior chance that f is above kEpsilon (EngineOptions).
  Posterior(const CommitDag& dag, Mode mode, std::vector<CommitIndex> hyps,
            std::vector<double> prior, double outside_prior, double known_p = 0,
            double accident_prior = EngineOptions::kAccidentsToldApart);

  /// The grid of per-run crash probabilities.
  const std::array<double, kGrid>& grid() const { return grid_; }

  /// Adds newly built commits to the cell partition and recomputes the posterior.
  void Update(const Evidence& ev);

  const std::vector<CommitIndex>& hyps() const { return hyps_; }
  double mass(size_t i) const { return mass_[i]; }
  double outside() const { return outside_; }
  /// Mass of "not reproducible": no commit has the crash (what was seen was misclassified).
  double not_reproducible() const { return not_reproducible_; }
  const std::array<double, kGrid>& p_marginal() const { return p_marginal_; }
  /// Posterior mean of the accidental-failure rate f.
  double ExpectedFalseRate() const;
  /// log P(`failures` and `clean` runs | a commit without the bug), f over its prior.
  static double AccidentLogLikelihood(int failures, int clean, double accident_prior);
  /// log P(`failures` and `clean` runs | a commit without the bug) at the rate f the runs
  /// favour most, among those the prior allows: accidents at any rate, not at the rate the
  /// prior expects (the prior's weights left out).
  /// `rate`, when given, receives that rate.
  static double AccidentProfileLogLikelihood(int failures, int clean, double accident_prior,
                                             double* rate = nullptr);
  /// The release search's changepoint model where every failure counts. `chain` holds tested
  /// commits newest first, the bad commit first, each as (failures, clean runs), each an
  /// ancestor of the ones before it. Under k (0 <= k < chain.size()) the first k + 1 carry the
  /// bug and the rest do not, with one crash rate p and one accident rate f for all, both over
  /// their priors (as the posterior's): f is paid for once, however many commits fail by
  /// accident, and a commit's failures are the bug only at the rate the others with it show.
  struct Chain {
    std::vector<double> post;               ///< P(k | runs), from even odds over k
    std::vector<std::vector<double>> fail;  ///< [k][i]: chance a further run on i fails, under k
  };
  static Chain Changepoint(const std::vector<std::pair<int, int>>& chain, double accident_prior);
  /// P(evidence, not i | p) at its most likely p over P(evidence, i | p) at its own: how well
  /// the best-placed alternatives explain the evidence against i, the prior over p left out.
  /// f is integrated out under its prior where accidents are rare by that prior (misreads:
  /// accident_prior below EngineOptions::kAccidentsCounted); where the predicate counts every
  /// failure, f is a real unknown of the problem like p, and (p, f) are profiled together: a
  /// culprit must stand against accidents at any rate the runs allow, not at the rate the prior
  /// expects.
  double ProfileOddsAgainst(size_t i) const;
  /// The same against "outside the range".
  double ProfileOddsAgainstOutside() const;
  /// Writes the hypothesis masses into a per-commit vector (zero elsewhere).
  void MassByCommit(std::vector<double>* w) const;

  /// What runs would show, per row: hypotheses that share a likelihood (a cell) share (p, f)
  /// as the evidence leaves them, and so a prediction. Rows are the cells, then "outside the
  /// range" (OutsideRow), then "not reproducible" (NotReproducibleRow). Predictions are per row,
  /// not averaged over all: a run is informative where hypotheses predict different outcomes,
  /// and hypotheses that explain the runs with different rates predict differently even where
  /// they agree on which commits have the bug.
  size_t rows() const { return row_joint_.size(); }
  size_t RowOf(size_t hypothesis) const { return static_cast<size_t>(cell_of_[hypothesis]); }
  size_t OutsideRow() const { return rows() - 2; }
  size_t NotReproducibleRow() const { return rows() - 1; }
  /// Per row and per run count runs[j] (ascending): the chance that that many runs on a commit
  /// with the bug show the target, and that they show it on one without it (by accident).
  struct RowRates {
    std::vector<std::vector<double>> detect, accident;  // [row][j]
  };
  void PredictRows(const std::vector<int>& runs, RowRates* out) const;
  /// The same for one row and run count.
  void PredictRow(size_t row, int runs, double* detect, double* accident) const;

 private:
  void Split(CommitIndex t);
  // Log-likelihood per grid point of a membership pattern; bit(pos) says t_pos is changed.
  // Joint grid of (p, f): index g * kFalseGrid + j.
  static constexpr int kJoint = kGrid * kFalseGrid;
  template <class Bit>
  void LogLikelihood(const Evidence& ev, Bit bit, std::array<double, kJoint>* out) const;

  const CommitDag& dag_;
  Mode mode_;
  std::array<double, kGrid> grid_{}, log_prior_p_{};
  // Per joint point: log P(crash seen) and log P(not) on a changed commit, and on an unchanged
  // one (which depend on f only), and the log prior of the point.
  std::array<double, kJoint> log_hit_{}, log_miss_{}, log_false_{}, log_clean_{}, log_prior_{};
  std::array<double, kFalseGrid> f_marginal_{};
  std::vector<CommitIndex> hyps_;
  std::vector<double> prior_;
  double outside_prior_;
  // The stop rule's odds leave out f's prior as they leave out p's (see ProfileOddsAgainst).
  bool profile_accidents_;

  std::vector<int32_t> cell_of_;            // per hypothesis
  std::vector<std::vector<uint8_t>> bits_;  // per cell, per split position: changed?
  std::vector<double> cell_prior_;          // per cell
  std::vector<int32_t> pos_of_;             // per commit: split position or -1
  std::vector<CommitIndex> split_;          // split commits by position

  std::vector<double> mass_;
  double outside_ = 0;
  double not_reproducible_ = 0;
  std::array<double, kGrid> p_marginal_{};
  std::vector<std::array<double, kGrid>> cell_by_p_;  // per cell: P(cell | p, evidence)
  std::array<double, kGrid> outside_by_p_{};          // P(outside | p, evidence)
  // Per row (cells, outside, not reproducible): P(p, f | row, evidence).
  std::vector<std::array<double, kJoint>> row_joint_;
  // Per row: P(row, p, f, evidence) up to a constant; and its sum over the rows.
  std::vector<std::array<double, kJoint>> joint_;
  std::array<double, kJoint> joint_total_{};
  double JointProfileOdds(size_t row, double share) const;
  // Profile odds against a state whose mass given p is mass_by_p(g).
  template <class MassByP>
  double ProfileOdds(MassByP mass_by_p) const;
};

/// Binary entropy in bits.
double BinaryEntropy(double x);

/// log B(a, b), the log of the beta function.
double LogBeta(double a, double b);

}  // namespace culprit::decide
