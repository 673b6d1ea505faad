#include "decide/ancestor_mass.h"

#include <algorithm>

namespace culprit::decide {

std::vector<uint8_t> MarkAncestors(const CommitDag& dag, const std::vector<CommitIndex>& from) {
  std::vector<uint8_t> mark(static_cast<size_t>(dag.size()), 0);
  std::vector<CommitIndex> stack;
  for (CommitIndex c : from) {
    if (c < 0 || mark[static_cast<size_t>(c)]) continue;
    mark[static_cast<size_t>(c)] = 1;
    stack.push_back(c);
  }
  while (!stack.empty()) {
    CommitIndex c = stack.back();
    stack.pop_back();
    for (CommitIndex p : dag.parents(c)) {
      if (mark[static_cast<size_t>(p)]) continue;
      mark[static_cast<size_t>(p)] = 1;
      stack.push_back(p);
    }
  }
  return mark;
}

std::vector<uint8_t> MarkDescendants(const CommitDag& dag, CommitIndex from) {
  std::vector<uint8_t> mark(static_cast<size_t>(dag.size()), 0);
  mark[static_cast<size_t>(from)] = 1;
  for (CommitIndex c = from + 1; c < dag.size(); ++c) {
    for (CommitIndex p : dag.parents(c)) {
      if (mark[static_cast<size_t>(p)]) mark[static_cast<size_t>(c)] = 1;
    }
  }
  return mark;
}

std::vector<CommitIndex> MergeBases(const CommitDag& dag, CommitIndex a, CommitIndex b) {
  std::vector<uint8_t> ma = MarkAncestors(dag, {a});
  std::vector<uint8_t> mb = MarkAncestors(dag, {b});
  std::vector<CommitIndex> common;
  for (CommitIndex c = 0; c < dag.size(); ++c) {
    if (ma[static_cast<size_t>(c)] && mb[static_cast<size_t>(c)]) common.push_back(c);
  }
  // A common ancestor that is the parent of another one is not maximal (and parents of common
  // ancestors are common ancestors, so marking parents covers every non-maximal one).
  std::vector<uint8_t> dominated(static_cast<size_t>(dag.size()), 0);
  for (CommitIndex c : common) {
    for (CommitIndex p : dag.parents(c)) dominated[static_cast<size_t>(p)] = 1;
  }
  std::vector<CommitIndex> bases;
  for (CommitIndex c : common) {
    if (!dominated[static_cast<size_t>(c)]) bases.push_back(c);
  }
  return bases;
}

namespace {

// Flags of git's painting walk: reached from the first parent (A) or from another parent (B).
constexpr uint8_t kFromFirst = 1;
constexpr uint8_t kFromOther = 2;

void CollectIntroduced(const CommitDag& dag, CommitIndex merge,
                       const std::vector<uint8_t>& universe, std::vector<uint8_t>& flags,
                       std::vector<CommitIndex>& out) {
  const std::vector<CommitIndex>& parents = dag.parents(merge);
  CommitIndex lowest = merge;
  int pending = 0;  // nodes flagged B only, not yet processed
  auto add = [&](CommitIndex c, uint8_t f) {
    uint8_t& cur = flags[static_cast<size_t>(c)];
    uint8_t next = cur | f;
    if (next == cur) return;
    if (cur == kFromOther) --pending;
    if (next == kFromOther) ++pending;
    cur = next;
    lowest = std::min(lowest, c);
  };
  add(parents[0], kFromFirst);
  for (size_t i = 1; i < parents.size(); ++i) add(parents[i], kFromOther);
  CommitIndex top = merge - 1;
  for (CommitIndex c = top; c >= 0 && pending > 0; --c) {
    uint8_t f = flags[static_cast<size_t>(c)];
    if (f == 0) continue;
    if (f == kFromOther) {
      --pending;
      if (universe[static_cast<size_t>(c)]) out.push_back(c);
    }
    for (CommitIndex p : dag.parents(c)) add(p, f);
  }
  for (CommitIndex c = lowest; c <= top; ++c) flags[static_cast<size_t>(c)] = 0;
}

}  // namespace

AncestorMass::AncestorMass(const CommitDag& dag, const std::vector<uint8_t>& universe)
    : dag_(&dag) {
  std::vector<uint8_t> flags(static_cast<size_t>(dag.size()), 0);
  intro_begin_.reserve(static_cast<size_t>(dag.size()) + 1);
  for (CommitIndex c = 0; c < dag.size(); ++c) {
    intro_begin_.push_back(static_cast<int32_t>(intro_.size()));
    if (dag.IsMerge(c)) CollectIntroduced(dag, c, universe, flags, intro_);
  }
  intro_begin_.push_back(static_cast<int32_t>(intro_.size()));
}

void AncestorMass::Compute(const std::vector<double>& w, std::vector<double>* out) const {
  std::vector<double>& m = *out;
  m.assign(static_cast<size_t>(dag_->size()), 0.0);
  for (CommitIndex c = 0; c < dag_->size(); ++c) {
    const std::vector<CommitIndex>& parents = dag_->parents(c);
    double sum = parents.empty() ? 0.0 : m[static_cast<size_t>(parents[0])];
    sum += w[static_cast<size_t>(c)];
    for (int32_t i = intro_begin_[static_cast<size_t>(c)];
         i < intro_begin_[static_cast<size_t>(c) + 1]; ++i) {
      sum += w[static_cast<size_t>(intro_[static_cast<size_t>(i)])];
    }
    m[static_cast<size_t>(c)] = sum;
  }
}

}  // namespace culprit::decide
