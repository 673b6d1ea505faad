#include "decide/dag.h"

#include <algorithm>
#include <utility>

namespace culprit::decide {

Result<CommitDag> CommitDag::Make(std::vector<CommitNode> nodes) {
  CommitDag dag;
  dag.children_.resize(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (CommitIndex p : nodes[i].parents) {
      if (p < 0 || static_cast<size_t>(p) >= i) {
        return Fail(ErrorKind::kBadInput, "commit " + std::to_string(i) + " (" + nodes[i].id +
                                              ") has parent index " + std::to_string(p) +
                                              " that is not an older commit");
      }
      dag.children_[static_cast<size_t>(p)].push_back(static_cast<CommitIndex>(i));
    }
    auto [it, inserted] = dag.index_.emplace(nodes[i].id, static_cast<CommitIndex>(i));
    if (!inserted) return Fail(ErrorKind::kBadInput, "duplicate commit id '" + nodes[i].id + "'");
  }
  dag.nodes_ = std::move(nodes);
  return dag;
}

std::optional<CommitIndex> CommitDag::IndexOf(const std::string& id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::vector<CommitIndex> CommitDag::Ancestors(CommitIndex from) const {
  std::vector<CommitIndex> out;
  if (from < 0 || from >= size()) return out;
  std::vector<bool> seen(static_cast<size_t>(from) + 1, false);
  std::vector<CommitIndex> stack = {from};
  seen[static_cast<size_t>(from)] = true;
  while (!stack.empty()) {
    CommitIndex c = stack.back();
    stack.pop_back();
    out.push_back(c);
    for (CommitIndex p : parents(c)) {
      if (!seen[static_cast<size_t>(p)]) {
        seen[static_cast<size_t>(p)] = true;
        stack.push_back(p);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool CommitDag::IsAncestor(CommitIndex ancestor, CommitIndex descendant) const {
  if (ancestor < 0 || descendant < 0 || ancestor > descendant) return false;
  if (ancestor == descendant) return true;
  // Parents have smaller indices, so the walk never needs to go below `ancestor`.
  std::vector<bool> seen(static_cast<size_t>(descendant - ancestor) + 1, false);
  std::vector<CommitIndex> stack = {descendant};
  while (!stack.empty()) {
    CommitIndex c = stack.back();
    stack.pop_back();
    for (CommitIndex p : parents(c)) {
      if (p == ancestor) return true;
      if (p < ancestor || seen[static_cast<size_t>(p - ancestor)]) continue;
      seen[static_cast<size_t>(p - ancestor)] = true;
      stack.push_back(p);
    }
  }
  return false;
}

}  // namespace culprit::decide
