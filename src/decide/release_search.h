// The good-start search of cause bisection without a known good commit: release tags older
// than bad, newest first, on a thinning subset (syzbot tests releases the same way).
#pragma once

#include <optional>
#include <vector>

#include "decide/strategy.h"

namespace culprit::decide {

/// The releases to try, newest first: every one of the newest three, then every second, then
/// every third..., always ending with the oldest. Without releases: the root commit(s).
std::vector<CommitIndex> ReleasesToTry(const CommitDag& dag, CommitIndex bad);

struct ReleaseSearch {
  std::optional<Decision> decision;  ///< set while the search needs an action, or on its end
  CommitIndex good = kNoCommit;      ///< the good start found
  CommitIndex bad = kNoCommit;       ///< the bad end (the oldest crashing release, or bad)
};

ReleaseSearch SearchReleases(const Context& ctx, const Strategy& strategy, const Evidence& ev);

/// Runs on the bad commit before "not reproduced"; also the least a probe may run to settle
/// its verdict once out of runs (see ProbeRunsNeeded).
inline constexpr int kMaxRunsOnBad = 80;

/// The crash rate `crashes` and `clean` runs of commits with the bug show, as a probe is
/// judged against it (at least 0.02).
double ProbeRate(int crashes, int clean);

/// Clean runs that make a missed crash unlikely (1%) on a probe at ProbeRate(crashes, clean)
/// (at least 2, at most 100). Three times as many runs are a probe's batch budget before it is
/// out of runs.
int ProbeRunsNeeded(int crashes, int clean);

/// The release search where every failure counts (bayes, EngineOptions::kAccidentsCounted):
/// the tested releases and the bad commit are weighed together in one changepoint model
/// (Posterior::Changepoint: one crash rate, one accident rate) rather than one probe at a time
/// against accidents at f's prior, which paid for accidents once per release and, one release
/// read failing, took the bug's rate for the accidents' on the next (a cascade down to the
/// oldest release). The search ends once a release is clean to the target, and the bisection
/// starts from the oldest release tested (`good`), so that every release's runs weigh in it;
/// while the model is unsure, runs go where one tells most about the changepoint (a release
/// or the bad commit); once every tested release is likelier failing, an older one is tried.
/// Out of runs, the likelier side, a horizon saying it is not confirmed.
ReleaseSearch SearchReleasesWeighed(const Context& ctx, const Evidence& ev);

}  // namespace culprit::decide
