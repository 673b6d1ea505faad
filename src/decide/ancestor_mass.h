// Sums of per-commit weights over ancestor sets, for every commit at once, in O(N + merges'
// side sets): the cost model of git's weighted midpoint and of the Bayes strategy's m(c).
#pragma once

#include <cstdint>
#include <vector>

#include "decide/dag.h"

namespace culprit::decide {

/// Marks (1) every ancestor of the given commits, inclusive; others stay 0.
std::vector<uint8_t> MarkAncestors(const CommitDag& dag, const std::vector<CommitIndex>& from);
/// Marks every descendant of `from`, inclusive.
std::vector<uint8_t> MarkDescendants(const CommitDag& dag, CommitIndex from);
/// The maximal common ancestors of a and b (git merge-base --all), sorted.
std::vector<CommitIndex> MergeBases(const CommitDag& dag, CommitIndex a, CommitIndex b);

class AncestorMass {
 public:
  /// Precomputes, per merge, the universe members reachable from its other parents but not
  /// from its first parent (git's "painting" walk, once per DAG).
  AncestorMass(const CommitDag& dag, const std::vector<uint8_t>& universe);

  /// out[c] = sum of w[x] over x in ancestors(c) (inclusive) within the universe, for every c.
  /// `w` must be zero outside the universe.
  void Compute(const std::vector<double>& w, std::vector<double>* out) const;

 private:
  const CommitDag* dag_;
  std::vector<int32_t> intro_begin_;  // CSR: intro_[intro_begin_[c] .. intro_begin_[c+1])
  std::vector<CommitIndex> intro_;
};

}  // namespace culprit::decide
