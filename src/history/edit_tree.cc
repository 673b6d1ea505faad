// Edited trees: a commit reverted or cherry-picked onto a tree, as git revert / cherry-pick do
// it (a three-way merge of trees, libgit2's git_revert_commit and git_cherrypick_commit
// without their commit arguments, so that edits chain on trees that are not commits yet).
// Revert merges the commit's parent into the tree with the commit as the common ancestor;
// cherry-pick merges the commit with its parent as the ancestor. Everything is written to the
// repository handed in: culprit's private store.
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "base/strings.h"
#include "history/git_internal.h"

namespace culprit::history {
namespace {

const char* Verb(TreeEdit::Kind kind) {
  return kind == TreeEdit::Kind::kRevert ? "revert" : "cherry-pick";
}

/// The tree `edit` takes its change against: the mainline parent's, or the empty tree (null)
/// for a root commit. kBadInput when the mainline does not fit the commit, as git says.
Result<TreePtr> ParentTree(git_commit* commit, const TreeEdit& edit) {
  const unsigned parents = git_commit_parentcount(commit);
  const std::string id = ShortHash(edit.commit);
  if (parents > 1 && edit.mainline == 0) {
    return Fail(ErrorKind::kBadInput, "cannot " + std::string(Verb(edit.kind)) + " " + id +
                                          ": it is a merge but no mainline was given (-m N: " +
                                          "the parent to take the change against)");
  }
  if (parents <= 1 && edit.mainline != 0) {
    return Fail(ErrorKind::kBadInput, "cannot " + std::string(Verb(edit.kind)) + " " + id +
                                          ": mainline (-m) given but it is not a merge");
  }
  if (edit.mainline < 0 || edit.mainline > static_cast<int>(parents)) {
    return Fail(ErrorKind::kBadInput, "cannot " + std::string(Verb(edit.kind)) + " " + id +
                                          ": it has no parent " + std::to_string(edit.mainline) +
                                          " (-m)");
  }
  if (parents == 0) return TreePtr();
  git_commit* raw = nullptr;
  unsigned index = edit.mainline > 0 ? static_cast<unsigned>(edit.mainline - 1) : 0;
  if (git_commit_parent(&raw, commit, index) < 0)
    return Fail(ErrorKind::kCorrupt, "reading a parent of " + id + ": " + GitErrorText());
  CommitPtr parent(raw);
  return TreeOfCommit(parent.get());
}

/// Conflicting paths of a merge's index (every side's path, for renames), sorted.
Result<std::vector<std::string>> Conflicts(git_index* index) {
  std::set<std::string> paths;
  git_index_conflict_iterator* raw = nullptr;
  if (git_index_conflict_iterator_new(&raw, index) < 0)
    return Fail(ErrorKind::kInternal, "listing conflicts: " + GitErrorText());
  GitPtr<git_index_conflict_iterator, git_index_conflict_iterator_free> it(raw);
  const git_index_entry *ancestor = nullptr, *ours = nullptr, *theirs = nullptr;
  while (git_index_conflict_next(&ancestor, &ours, &theirs, it.get()) == 0) {
    for (const git_index_entry* entry : {ancestor, ours, theirs})
      if (entry != nullptr) paths.insert(entry->path);
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

/// The outcome of one edit: the new tree, or why it did not apply.
struct Step {
  git_oid tree = {};
  std::optional<EditedTree::Failed> failed;
};

Result<Step> Apply(git_repository* repo, git_tree* current, const TreeEdit& edit) {
  git_oid id;
  if (git_oid_fromstr(&id, edit.commit.c_str()) < 0)
    return Fail(ErrorKind::kInternal, "not a full commit id: '" + edit.commit + "'");
  Result<CommitPtr> commit = LookupCommit(repo, id);
  if (!commit) return tl::unexpected(commit.error());
  Result<TreePtr> commit_tree = TreeOfCommit(commit->get());
  if (!commit_tree) return tl::unexpected(commit_tree.error());
  Result<TreePtr> parent_tree = ParentTree(commit->get(), edit);
  if (!parent_tree) return tl::unexpected(parent_tree.error());
  const bool revert = edit.kind == TreeEdit::Kind::kRevert;
  git_tree* ancestor = revert ? commit_tree->get() : parent_tree->get();
  git_tree* theirs = revert ? parent_tree->get() : commit_tree->get();
  git_merge_options opts = GIT_MERGE_OPTIONS_INIT;
  git_index* raw = nullptr;
  if (git_merge_trees(&raw, repo, ancestor, current, theirs, &opts) < 0) {
    return Fail(ErrorKind::kCorrupt, "cannot " + std::string(Verb(edit.kind)) + " " +
                                         ShortHash(edit.commit) + ": " + GitErrorText());
  }
  IndexPtr index(raw);
  Step step;
  if (git_index_has_conflicts(index.get())) {
    Result<std::vector<std::string>> conflicts = Conflicts(index.get());
    if (!conflicts) return tl::unexpected(conflicts.error());
    const size_t n = conflicts->size();
    step.failed = EditedTree::Failed{
        .commit = edit.commit,
        .conflicts = std::move(*conflicts),
        .reason = "conflicts in " + std::to_string(n) + (n == 1 ? " file" : " files")};
    return step;
  }
  if (git_index_write_tree_to(&step.tree, index.get(), repo) < 0) {
    return Fail(ErrorKind::kIo, "writing the tree of " + std::string(Verb(edit.kind)) + " " +
                                    ShortHash(edit.commit) + ": " + GitErrorText());
  }
  if (git_oid_equal(&step.tree, git_tree_id(current)))
    step.failed = EditedTree::Failed{.commit = edit.commit, .reason = "changes nothing"};
  return step;
}

/// `verb ID "title"`: one line of the edited commit's message.
std::string Describe(git_repository* repo, const TreeEdit& edit) {
  std::string line = std::string(Verb(edit.kind)) + " " + edit.commit;
  git_oid id;
  git_commit* raw = nullptr;
  if (git_oid_fromstr(&id, edit.commit.c_str()) == 0 && git_commit_lookup(&raw, repo, &id) == 0) {
    CommitPtr commit(raw);
    const char* summary = git_commit_summary(commit.get());
    if (summary != nullptr) line += " \"" + std::string(summary) + "\"";
  }
  return line;
}

/// The commit naming the edited tree: parent `base`, fixed identity and `base`'s committer
/// date, so the same edits of the same base give the same id.
Result<git_oid> WriteCommit(git_repository* repo, git_commit* base, const git_oid& tree_id,
                            const std::string& message) {
  const git_signature* when = git_commit_committer(base);
  git_signature* raw_signature = nullptr;
  if (git_signature_new(&raw_signature, "culprit", "culprit@localhost", when->when.time,
                        when->when.offset) < 0) {
    return Fail(ErrorKind::kInternal, "making a signature: " + GitErrorText());
  }
  SignaturePtr signature(raw_signature);
  git_tree* raw_tree = nullptr;
  if (git_tree_lookup(&raw_tree, repo, &tree_id) < 0)
    return Fail(ErrorKind::kCorrupt, "reading the edited tree: " + GitErrorText());
  TreePtr tree(raw_tree);
  const git_commit* parents[] = {base};
  git_oid id;
  if (git_commit_create(&id, repo, nullptr, signature.get(), signature.get(), nullptr,
                        message.c_str(), tree.get(), 1, parents) < 0) {
    return Fail(ErrorKind::kIo, "writing the edited commit: " + GitErrorText());
  }
  return id;
}

}  // namespace

Result<EditedTree> ApplyTreeEdits(git_repository* repo, const git_oid& base,
                                  const std::vector<TreeEdit>& edits) {
  Result<CommitPtr> base_commit = LookupCommit(repo, base);
  if (!base_commit) return tl::unexpected(base_commit.error());
  Result<TreePtr> tree = TreeOfCommit(base_commit->get());
  if (!tree) return tl::unexpected(tree.error());
  EditedTree result;
  std::string message = "culprit: edited tree of " + ShortHash(ToHex(base)) + "\n\n";
  for (const TreeEdit& edit : edits) {
    Result<Step> step = Apply(repo, tree->get(), edit);
    if (!step) return tl::unexpected(step.error());
    if (step->failed) {
      message += "not applied: " + Describe(repo, edit) + " (" + step->failed->reason + ")\n";
      result.failed.push_back(std::move(*step->failed));
      continue;
    }
    message += Describe(repo, edit) + "\n";
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo, &step->tree) < 0)
      return Fail(ErrorKind::kCorrupt, "reading an edited tree: " + GitErrorText());
    tree->reset(raw);
    result.applied.push_back(edit.commit);
  }
  result.tree_id = ToHex(*git_tree_id(tree->get()));
  if (result.applied.empty()) {
    result.commit_id = ToHex(base);
    return result;
  }
  Result<git_oid> commit =
      WriteCommit(repo, base_commit->get(), *git_tree_id(tree->get()), message);
  if (!commit) return tl::unexpected(commit.error());
  result.commit_id = ToHex(*commit);
  return result;
}

}  // namespace culprit::history
