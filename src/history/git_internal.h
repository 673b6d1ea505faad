// Private to src/history: owning handles for libgit2 objects, libgit2's error text, and the
// helpers the module's files share (revision lookup, release listing, the graph walk).
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
using DiffPtr = GitPtr<git_diff, git_diff_free>;
using IndexPtr = GitPtr<git_index, git_index_free>;
using ObjectPtr = GitPtr<git_object, git_object_free>;
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
/// Any revision git understands -> the commit it names (annotated tags peeled).
Result<git_oid> ResolveCommit(git_repository* repo, const std::string& rev);
Result<CommitPtr> LookupCommit(git_repository* repo, const git_oid& id);

/// Release tags of `repo` (release_tags.cc), sorted by version.
Result<std::vector<ReleaseTag>> ListReleases(git_repository* repo);

/// The diff of `commit` against its first parent (the empty tree for a root commit), renames
/// found as git does by default (diff_stat.cc).
Result<DiffPtr> FirstParentDiff(git_repository* repo, const git_oid& commit);
/// Files changed by `commit` against its first parent (diff_stat.cc).
Result<std::vector<FileStat>> ComputeDiffStat(git_repository* repo, const git_oid& commit);
/// The patch text of `commit` against its first parent, at most `max_bytes` (diff_stat.cc).
Result<std::string> ComputePatch(git_repository* repo, const git_oid& commit, size_t max_bytes);

/// The bisection graph (graph.cc); see Repository::Graph.
Result<std::vector<GraphCommit>> WalkGraph(git_repository* repo, const std::vector<git_oid>& tips,
                                           const std::vector<git_oid>& stops, size_t limit);

}  // namespace culprit::history
