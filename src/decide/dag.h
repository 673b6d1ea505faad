// The commit graph the engine reasons over: commits by dense index, parents before children.
// Built by history (from git) or sim (generated); knows nothing of git itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace culprit::decide {

using CommitIndex = int32_t;
constexpr CommitIndex kNoCommit = -1;

struct CommitNode {
  std::string id;                    ///< full hash (or a synthetic id in simulation)
  std::vector<CommitIndex> parents;  ///< first parent first; every index < this node's index
  std::string release;               ///< release tag name ("v5.13") if this commit is one, else ""
  std::string title;                 ///< first line of the message (for logs; may be empty)
};

/// An immutable DAG in topological order (every parent index is smaller than its child's).
class CommitDag {
 public:
  /// Fails (kBadInput) if a parent index is out of range or not smaller than its child,
  /// or if two nodes share an id.
  static Result<CommitDag> Make(std::vector<CommitNode> nodes);

  int32_t size() const { return static_cast<int32_t>(nodes_.size()); }
  const CommitNode& node(CommitIndex i) const { return nodes_[static_cast<size_t>(i)]; }
  const std::vector<CommitIndex>& parents(CommitIndex i) const { return node(i).parents; }
  const std::vector<CommitIndex>& children(CommitIndex i) const {
    return children_[static_cast<size_t>(i)];
  }
  bool IsRelease(CommitIndex i) const { return !node(i).release.empty(); }
  bool IsMerge(CommitIndex i) const { return node(i).parents.size() > 1; }
  std::optional<CommitIndex> IndexOf(const std::string& id) const;

  /// Every ancestor of `from` (inclusive), as a sorted index list. O(ancestors).
  std::vector<CommitIndex> Ancestors(CommitIndex from) const;
  /// True if `ancestor` is reachable from `descendant` by parent links (or equal).
  bool IsAncestor(CommitIndex ancestor, CommitIndex descendant) const;

 private:
  std::vector<CommitNode> nodes_;
  std::vector<std::vector<CommitIndex>> children_;
  std::unordered_map<std::string, CommitIndex> index_;
};

}  // namespace culprit::decide
