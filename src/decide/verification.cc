#include "decide/verification.h"

#include <algorithm>
#include <cmath>

#include "decide/posterior.h"

namespace culprit::decide {
namespace {

// log P(edited | gone) - log P(edited | still).
double LogBayesFactor(const RunTally& bad, const RunTally& edited, double accident_rate) {
  const double eps = std::clamp(accident_rate, Posterior::kEpsilon, 0.5);
  const double gone = edited.crashes * std::log(eps) + edited.clean * std::log1p(-eps);
  // p ~ Beta(1 + bad crashes, 1 + bad clean runs): the bad commit's runs from a uniform prior.
  const double a = 1.0 + bad.crashes, b = 1.0 + bad.clean;
  const double still = LogBeta(a + edited.crashes, b + edited.clean) - LogBeta(a, b);
  return gone - still;
}

double Logistic(double log_odds) {
  if (log_odds >= 0) return 1 / (1 + std::exp(-log_odds));
  const double e = std::exp(log_odds);
  return e / (1 + e);
}

}  // namespace

VerificationDecision DecideVerification(const RunTally& bad, const RunTally& edited,
                                        const VerificationOptions& options) {
  const double target = std::clamp(options.confidence_target, 0.5, 1 - 1e-12);
  const double need = std::log(target / (1 - target));  // log odds either call must reach
  const int cap =
      options.max_runs > 0 ? options.max_runs : std::max(kMinVerificationRuns, 3 * bad.total());
  VerificationDecision d;
  const double log_bf = LogBayesFactor(bad, edited, options.accident_rate);
  d.bayes_factor = std::exp(std::clamp(log_bf, -700.0, 700.0));
  d.p_gone = Logistic(log_bf);
  if (log_bf >= need) {
    d.call = VerificationCall::kGone;
    return d;
  }
  if (log_bf <= -need) {
    d.call = VerificationCall::kStill;
    return d;
  }
  if (edited.total() >= cap) {
    d.call = VerificationCall::kUndecided;
    return d;
  }
  // The clean runs that would confirm; a crash among them would call kStill sooner.
  const int left = cap - edited.total();
  int more = 1;
  while (more < left &&
         LogBayesFactor(bad, {.crashes = edited.crashes, .clean = edited.clean + more},
                        options.accident_rate) < need) {
    ++more;
  }
  const int batch = std::max(1, options.batch);
  more = (more + batch - 1) / batch * batch;
  d.call = VerificationCall::kRunMore;
  d.runs = std::min(more, left);
  return d;
}

double CombineConfidence(double bisection, double bayes_factor) {
  if (bisection <= 0 || bisection >= 1) return bisection;
  const double log_odds =
      std::log(bisection / (1 - bisection)) + std::log(std::clamp(bayes_factor, 1e-300, 1e300));
  return Logistic(log_odds);
}

}  // namespace culprit::decide
