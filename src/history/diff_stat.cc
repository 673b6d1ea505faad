// What a commit changed against its first parent: the `git show --stat` numbers (files,
// insertions, deletions) and the patch text, with renames detected as git does by default; and
// the bare list of changed paths.
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

// The diff of `id` against its first parent with renames found, as `git show` prints it.
Result<DiffPtr> DiffWithRenames(git_repository* repo, const git_oid& id) {
  Result<DiffPtr> found = DiffAgainstFirstParent(repo, id);
  if (!found) return tl::unexpected(found.error());
  DiffPtr diff = std::move(*found);
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  if (git_diff_find_similar(diff.get(), &find) < 0)
    return Fail(ErrorKind::kCorrupt, "finding renames in " + ToHex(id) + ": " + GitErrorText());
  return diff;
}

// Collects git_diff_print's lines until the budget is spent; a non-zero return stops the walk.
struct PatchText {
  std::string text;
  size_t max_bytes = 0;
  bool cut = false;
};

int AppendLine(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line,
               void* payload) {
  auto* patch = static_cast<PatchText*>(payload);
  std::string piece;
  if (line->origin == GIT_DIFF_LINE_CONTEXT || line->origin == GIT_DIFF_LINE_ADDITION ||
      line->origin == GIT_DIFF_LINE_DELETION)
    piece += line->origin;
  piece.append(line->content, line->content_len);
  // A file header comes as one piece of several lines: keep those that fit.
  for (size_t begin = 0; begin < piece.size();) {
    size_t end = piece.find('\n', begin);
    end = end == std::string::npos ? piece.size() : end + 1;
    if (patch->text.size() + end - begin > patch->max_bytes) {
      patch->cut = true;
      return 1;
    }
    patch->text.append(piece, begin, end - begin);
    begin = end;
  }
  return 0;
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
  Result<DiffPtr> diff = DiffWithRenames(repo, id);
  if (!diff) return tl::unexpected(diff.error());
  std::vector<FileStat> stats;
  for (size_t i = 0; i < git_diff_num_deltas(diff->get()); ++i)
    stats.push_back(StatOf(diff->get(), i));
  return stats;
}

Result<std::string> ComputePatch(git_repository* repo, const git_oid& id, size_t max_bytes) {
  Result<DiffPtr> diff = DiffWithRenames(repo, id);
  if (!diff) return tl::unexpected(diff.error());
  PatchText patch{.max_bytes = max_bytes};
  int rc = git_diff_print(diff->get(), GIT_DIFF_FORMAT_PATCH, AppendLine, &patch);
  if (rc < 0 && !patch.cut)
    return Fail(ErrorKind::kCorrupt, "printing the diff of " + ToHex(id) + ": " + GitErrorText());
  // Cut at a line boundary, so the last line says why the patch ends there.
  if (patch.cut) patch.text += "... (diff cut at " + std::to_string(max_bytes) + " bytes)\n";
  return patch.text;
}

}  // namespace culprit::history
