// The private worktree: git_checkout_tree into a directory culprit owns, with a private index
// (so libgit2 never reads or writes the user's). That index holds the tree checked out last
// with the files' stat data, and is the checkout's baseline: only files that differ between
// the two trees (or that the build changed) are rewritten, and unchanged files are recognised
// by stat, not re-hashed. (A baseline *tree* would be enough for moving between trees, but
// libgit2 then skips subtrees equal in both and never restores a tracked file the build changed.)
//
// Crash safety: the marker naming the checked-out tree is removed before a checkout and
// written (atomically, by rename) after it succeeded. A missing or unreadable marker means the
// directory's state is unknown: it is wiped and checked out in full.
#include <git2/sys/repository.h>

#include <algorithm>
#include <fstream>
#include <system_error>
#include <utility>

#include "history/git_internal.h"
#include "history/history.h"

namespace culprit::history {
namespace {

namespace fs = std::filesystem;

tl::unexpected<Error> IoError(const std::string& what, const fs::path& path,
                              const std::error_code& ec) {
  return Fail(ErrorKind::kIo, what + " " + path.string() + ": " + ec.message());
}

bool IsWithin(const fs::path& inner, const fs::path& outer) {
  auto [outer_end, inner_it] =
      std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return outer_end == outer.end();
}

Result<void> RemoveContents(const fs::path& dir) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    fs::remove_all(entry.path(), ec);
    if (ec) return IoError("cannot remove", entry.path(), ec);
  }
  if (ec) return IoError("cannot list", dir, ec);
  return {};
}

class GitWorktree final : public Worktree {
 public:
  GitWorktree(RepoPtr repo, const fs::path& dir)
      : repo_(std::move(repo)),
        src_(dir / "src"),
        index_path_(dir / "index"),
        marker_(dir / "tree") {}

  /// Points the repository handle at the private index (never the user's).
  Result<void> OpenIndex() {
    git_index* raw = nullptr;
    if (git_index_open(&raw, index_path_.c_str()) < 0) {
      return Fail(ErrorKind::kIo,
                  "cannot open worktree index " + index_path_.string() + ": " + GitErrorText());
    }
    index_.reset(raw);
    if (git_repository_set_index(repo_.get(), index_.get()) < 0)
      return Fail(ErrorKind::kInfra, "cannot use worktree index: " + GitErrorText());
    return {};
  }

  Result<void> Checkout(const std::string& commit_id) override {
    Result<TreePtr> target = TargetTree(commit_id);
    if (!target) return tl::unexpected(target.error());
    bool clean = MarkerIsValid();
    std::error_code ec;
    fs::remove(marker_, ec);
    if (ec) return IoError("cannot remove", marker_, ec);
    if (!clean) {
      Result<void> reset = Reset();
      if (!reset) return reset;
    }
    git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
    opts.checkout_strategy = GIT_CHECKOUT_FORCE;
    opts.target_directory = src_.c_str();
    opts.baseline_index = index_.get();
    if (git_checkout_tree(repo_.get(), reinterpret_cast<git_object*>(target->get()), &opts) < 0) {
      return Fail(ErrorKind::kIo,
                  "checking out " + commit_id + " into " + src_.string() + ": " + GitErrorText());
    }
    return WriteMarker(*git_tree_id(target->get()));
  }

  fs::path path() const override { return src_; }

 private:
  Result<TreePtr> TargetTree(const std::string& rev) {
    Result<git_oid> id = ResolveCommit(repo_.get(), rev);
    if (!id) return tl::unexpected(id.error());
    Result<CommitPtr> commit = LookupCommit(repo_.get(), *id);
    if (!commit) return tl::unexpected(commit.error());
    git_tree* raw = nullptr;
    if (git_commit_tree(&raw, commit->get()) < 0)
      return Fail(ErrorKind::kCorrupt, "reading tree of " + rev + ": " + GitErrorText());
    return TreePtr(raw);
  }

  /// Whether the marker names a tree the repository has: the last checkout completed, so src/
  /// and the private index agree on it.
  bool MarkerIsValid() {
    std::ifstream in(marker_);
    std::string hex;
    git_oid id;
    if (!(in >> hex) || hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&id, hex.c_str()) < 0)
      return false;
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo_.get(), &id) < 0) return false;
    git_tree_free(raw);
    return true;
  }

  /// Forgets everything: empty src/, empty private index.
  Result<void> Reset() {
    std::error_code ec;
    fs::create_directories(src_, ec);
    if (ec) return IoError("cannot create", src_, ec);
    Result<void> removed = RemoveContents(src_);
    if (!removed) return removed;
    git_index_clear(index_.get());
    if (git_index_write(index_.get()) < 0)
      return Fail(ErrorKind::kIo, "cannot write " + index_path_.string() + ": " + GitErrorText());
    return {};
  }

  Result<void> WriteMarker(const git_oid& tree) {
    fs::path tmp = marker_;
    tmp += ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << ToHex(tree) << "\n";
      out.flush();
      if (!out) return Fail(ErrorKind::kIo, "cannot write " + tmp.string());
    }
    std::error_code ec;
    fs::rename(tmp, marker_, ec);
    if (ec) return IoError("cannot write", marker_, ec);
    return {};
  }

  RepoPtr repo_;
  IndexPtr index_;
  fs::path src_;
  fs::path index_path_;
  fs::path marker_;
};

}  // namespace

Result<std::unique_ptr<Worktree>> OpenWorktree(Repository& repo, const fs::path& dir) {
  Result<RepoPtr> git = OpenGitRepository(repo.path());
  if (!git) return tl::unexpected(git.error());
  std::error_code ec;
  fs::path abs_dir = fs::weakly_canonical(fs::absolute(dir), ec);
  if (abs_dir.has_parent_path() && abs_dir.filename().empty()) abs_dir = abs_dir.parent_path();
  if (ec) return IoError("cannot resolve", dir, ec);
  fs::path workdir = fs::weakly_canonical(RepositoryPath(git->get()), ec);
  fs::path gitdir =
      fs::weakly_canonical(fs::path(git_repository_path(git->get())).parent_path(), ec);
  if (IsWithin(workdir, abs_dir) || IsWithin(abs_dir, gitdir)) {
    return Fail(ErrorKind::kBadInput, "worktree directory " + abs_dir.string() +
                                          " overlaps the repository at " + workdir.string() +
                                          " (choose a state directory outside it)");
  }
  fs::create_directories(abs_dir, ec);
  if (ec) return IoError("cannot create worktree directory", abs_dir, ec);
  auto worktree = std::make_unique<GitWorktree>(std::move(*git), abs_dir);
  Result<void> index = worktree->OpenIndex();
  if (!index) return tl::unexpected(index.error());
  return std::unique_ptr<Worktree>(std::move(worktree));
}

}  // namespace culprit::history
