// Generated commit histories for simulation and engine tests: linear, and merge-heavy like the
// kernel (topic branches forked from mainline, sometimes from an old release, merged back;
// release tags every few hundred mainline commits). Deterministic for a seed.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "decide/dag.h"

namespace culprit::sim {

enum class HistoryKind { kLinear, kKernel };

struct HistorySpec {
  HistoryKind kind = HistoryKind::kLinear;
  int n = 64;  ///< number of commits; the last one (n - 1) is the head of mainline
  uint64_t seed = 1;
  int release_every = 0;  ///< commits between release tags; 0 = n / 6 within [8, 300]
};

/// Parses "linear 64" or "kernel 400".
Result<HistorySpec> ParseHistorySpec(std::string_view spec);

/// Every commit is an ancestor of the head (n - 1); commit 0 is the only root.
decide::CommitDag MakeHistory(const HistorySpec& spec);

}  // namespace culprit::sim
