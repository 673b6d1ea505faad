// The decision rule of revert verification: once a bisection names a culprit, the bad commit
// with the culprit reverted (cause) or the fix applied (fix) is run until its runs tell "the
// crash is gone" from "it is still there at the rate seen on the bad commit". Pure: run counts
// in, a call out; the job builds and runs the edited tree.
#pragma once

#include <cstdint>

namespace culprit::decide {

/// Target crashes and clean runs of one commit (other crashes, untestable runs and
/// infrastructure errors are no evidence either way).
struct RunTally {
  int crashes = 0;
  int clean = 0;

  int total() const { return crashes + clean; }
};

enum class VerificationCall {
  kRunMore,    ///< not sure yet: run `runs` more
  kGone,       ///< the crash is gone: the culprit is confirmed
  kStill,      ///< the crash is still there: the culprit is refuted
  kUndecided,  ///< `max_runs` reached without an answer
};

struct VerificationOptions {
  double confidence_target = 0.99;  ///< the posterior either call must reach, from even odds
  int batch = 1;                    ///< runs at once: kRunMore asks for a multiple of this
  int max_runs = 0;                 ///< 0: max(kMinVerificationRuns, 3 * the bad commit's runs)
  /// The rate at which a run fails by accident, as the bisection estimated it
  /// (Conclusion::accident_rate); never below Posterior::kEpsilon.
  double accident_rate = 0;
};

struct VerificationDecision {
  VerificationCall call = VerificationCall::kRunMore;
  int runs = 0;  ///< kRunMore: further runs wanted (beyond those counted)
  /// P(edited runs | crash gone) / P(edited runs | crash still there): the verification's
  /// Bayes factor for "the culprit is right" (CombineConfidence).
  double bayes_factor = 1;
  double p_gone = 0.5;  ///< posterior of "gone" from even prior odds
};

/// The fewest runs the cap allows before giving up.
constexpr int kMinVerificationRuns = 60;

/// A sequential test between two hypotheses about the edited tree's runs `edited`, given the
/// bad commit's runs `bad`:
/// - gone: a run shows the target crash only by accident (`accident_rate`, at least
///   Posterior::kEpsilon: a misclassification);
/// - still: a run shows it with the bad commit's rate p, unknown: uniform prior on p updated
///   by `bad`, integrated out (a beta-binomial).
/// From even prior odds (the test must stand on its own runs), it calls kGone or kStill once
/// that hypothesis reaches `confidence_target`; otherwise it asks for the runs that would
/// confirm if they all came out clean (at least one batch), up to the cap.
VerificationDecision DecideVerification(const RunTally& bad, const RunTally& edited,
                                        const VerificationOptions& options);

/// The confidence in a culprit after verification: the bisection's posterior `bisection`
/// updated by the verification's Bayes factor, taking "the culprit is right" to predict the
/// crash gone and "it is wrong" to predict it still there. Confirmation raises it, refutation
/// drops it below one half.
double CombineConfidence(double bisection, double bayes_factor);

}  // namespace culprit::decide
