// The `git show --stat` numbers of a commit: files, insertions and deletions against its first
// parent, with renames detected as git does by default; and the bare list of changed paths.
#include <set>
#include <string>
#include <utility>

#include "history/git_internal.h"

namespace culprit::history {
namespace {

Result<TreePtr> ParentTree(git_commit* commit) {
  if (git_commit_parentcount(commit) == 0) return TreePtr();
  git_commit* raw_parent = nullptr;
  if (git_commit_parent(&raw_parent, commit, 0) < 0)
    return Fail(ErrorKind::kCorrupt, "reading first parent: " + GitErrorText());
  CommitPtr parent(raw_parent);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, parent.get()) < 0)
    return Fail(ErrorKind::kCorrupt, "reading parent tree: " + GitErrorText());
  return TreePtr(raw_tree);
}

FileStat StatOf(git_diff* diff, size_t index) {
  const git_diff_delta* delta = git_diff_get_delta(diff, index);
  FileStat stat;
  stat.path = delta->new_file.path;
  if (delta->status == GIT_DELTA_DELETED) stat.path = delta->old_file.path;
  if (delta->status == GIT_DELTA_RENAMED)
    stat.path = std::string(delta->old_file.path) + " => " + delta->new_file.path;
  stat.binary = (delta->flags & GIT_DIFF_FLAG_BINARY) != 0;
  git_patch* raw_patch = nullptr;
  if (git_patch_from_diff(&raw_patch, diff, index) < 0 || raw_patch == nullptr) return stat;
  PatchPtr patch(raw_patch);
  size_t context = 0, insertions = 0, deletions = 0;
  if (git_patch_line_stats(&context, &insertions, &deletions, patch.get()) == 0) {
    stat.insertions = static_cast<int>(insertions);
    stat.deletions = static_cast<int>(deletions);
  }
  return stat;
}

/// The diff of `id` against its first parent (or the empty tree), without rename detection.
Result<DiffPtr> DiffAgainstFirstParent(git_repository* repo, const git_oid& id) {
  Result<CommitPtr> commit = LookupCommit(repo, id);
  if (!commit) return tl::unexpected(commit.error());
  Result<TreePtr> tree = TreeOfCommit(commit->get());
  if (!tree) return tl::unexpected(tree.error());
  Result<TreePtr> parent_tree = ParentTree(commit->get());
  if (!parent_tree) return tl::unexpected(parent_tree.error());
  git_diff* raw_diff = nullptr;
  if (git_diff_tree_to_tree(&raw_diff, repo, parent_tree->get(), tree->get(), nullptr) < 0)
    return Fail(ErrorKind::kCorrupt, "diffing " + ToHex(id) + ": " + GitErrorText());
  return DiffPtr(raw_diff);
}

}  // namespace

Result<std::vector<std::string>> ComputeChangedPaths(git_repository* repo, const git_oid& id) {
  Result<DiffPtr> diff = DiffAgainstFirstParent(repo, id);
  if (!diff) return tl::unexpected(diff.error());
  std::set<std::string> paths;
  for (size_t i = 0; i < git_diff_num_deltas(diff->get()); ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff->get(), i);
    paths.insert(delta->old_file.path);
    paths.insert(delta->new_file.path);
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

Result<std::vector<FileStat>> ComputeDiffStat(git_repository* repo, const git_oid& id) {
  Result<DiffPtr> found = DiffAgainstFirstParent(repo, id);
  if (!found) return tl::unexpected(found.error());
  DiffPtr diff = std::move(*found);
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  if (git_diff_find_similar(diff.get(), &find) < 0)
    return Fail(ErrorKind::kCorrupt, "finding renames in " + ToHex(id) + ": " + GitErrorText());
  std::vector<FileStat> stats;
  for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i)
    stats.push_back(StatOf(diff.get(), i));
  return stats;
}

}  // namespace culprit::history
