// Private to src/history: owning handles for libgit2 objects, libgit2's error text, and the
// helpers the module's files share (revision lookup, release listing, the graph walk, the
// private object store, tree edits).
#pragma once

#include <git2.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "history/history.h"

namespace culprit::history {

template <auto Free>
struct GitFree {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
template <class T, auto Free>
using GitPtr = std::unique_ptr<T, GitFree<Free>>;

using BlobPtr = GitPtr<git_blob, git_blob_free>;
using CommitPtr = GitPtr<git_commit, git_commit_free>;
using ConfigPtr = GitPtr<git_config, git_config_free>;
using DiffPtr = GitPtr<git_diff, git_diff_free>;
using IndexPtr = GitPtr<git_index, git_index_free>;
using ObjectPtr = GitPtr<git_object, git_object_free>;
using OdbPtr = GitPtr<git_odb, git_odb_free>;
using PatchPtr = GitPtr<git_patch, git_patch_free>;
using ReferencePtr = GitPtr<git_reference, git_reference_free>;
using RepoPtr = GitPtr<git_repository, git_repository_free>;
using RevwalkPtr = GitPtr<git_revwalk, git_revwalk_free>;
using SignaturePtr = GitPtr<git_signature, git_signature_free>;
using TreeEntryPtr = GitPtr<git_tree_entry, git_tree_entry_free>;
using TreePtr = GitPtr<git_tree, git_tree_free>;

/// Initializes libgit2 once per process (never shut down: handles may outlive main's locals).
void EnsureLibgit2();
/// libgit2's message for the last failed call on this thread, or "unknown libgit2 error".
std::string GitErrorText();
std::string ToHex(const git_oid& oid);

/// Opens the repository at or above `path` (kNotFound with the --repo hint).
Result<RepoPtr> OpenGitRepository(const std::filesystem::path& path);
/// The working directory of `repo`, or its git directory when bare, without a trailing '/'.
std::filesystem::path RepositoryPath(git_repository* repo);
/// The object directory of `repo` (the common one, for a linked worktree).
Result<std::filesystem::path> ObjectsDir(git_repository* repo);
/// `path` made absolute and canonical as far as it exists, without a trailing '/'.
Result<std::filesystem::path> AbsolutePath(const std::filesystem::path& path);
/// kBadInput if culprit's directory `dir` (absolute) contains the checkout of `repo` or lies
/// inside its git directory: `what` names it ("worktree directory").
Result<void> CheckOutsideRepository(git_repository* repo, const std::filesystem::path& dir,
                                    const std::string& what);
/// Any revision git understands -> the commit it names (annotated tags peeled).
Result<git_oid> ResolveCommit(git_repository* repo, const std::string& rev);
Result<CommitPtr> LookupCommit(git_repository* repo, const git_oid& id);
Result<TreePtr> TreeOfCommit(git_commit* commit);

/// Release tags of `repo` (release_tags.cc), sorted by version.
Result<std::vector<ReleaseTag>> ListReleases(git_repository* repo);

/// Files changed by `commit` against its first parent (diff_stat.cc).
Result<std::vector<FileStat>> ComputeDiffStat(git_repository* repo, const git_oid& commit);
/// The patch text of `commit` against its first parent, at most `max_bytes` (diff_stat.cc).
Result<std::string> ComputePatch(git_repository* repo, const git_oid& commit, size_t max_bytes);
/// Paths changed by `commit` against its first parent, sorted (diff_stat.cc).
Result<std::vector<std::string>> ComputeChangedPaths(git_repository* repo, const git_oid& commit);

/// culprit's private object store (private_store.cc): creates the bare repository at `store`
/// (absolute) if missing and opens it with an object database that writes only there and reads
/// `user`'s objects without ever writing them.
Result<RepoPtr> OpenPrivateStore(git_repository* user, const std::filesystem::path& store);
/// Lets `user`'s handle read the objects of the store at `store` (in memory: the user's
/// alternates file is not written). Nothing is written through `user`.
Result<void> ReadPrivateStore(git_repository* user, const std::filesystem::path& store);

/// `base` with `edits` (their commits full ids) applied, written to `store` (edit_tree.cc);
/// see Repository::EditTree.
Result<EditedTree> ApplyTreeEdits(git_repository* store, const git_oid& base,
                                  const std::vector<TreeEdit>& edits);

/// The bisection graph (graph.cc); see Repository::Graph.
Result<std::vector<GraphCommit>> WalkGraph(git_repository* repo, const std::vector<git_oid>& tips,
                                           const std::vector<git_oid>& stops, size_t limit);

}  // namespace culprit::history
