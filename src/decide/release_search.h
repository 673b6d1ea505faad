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

}  // namespace culprit::decide
