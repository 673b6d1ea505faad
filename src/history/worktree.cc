// The private worktree: a checkout directory with its own repository (src/.git) that borrows
// the user's objects and culprit's private store through alternates, so git works there as in
// a clone (describe, rev-parse, status) while nothing of the user's is written. The user's
// repository is opened only to resolve revisions and list its tags.
//
// libgit2 checks trees out into src/ with src/.git/index as the baseline: the index holds the
// tree checked out last with the files' stat data, so only files that differ between the two
// trees (or that the build changed) are rewritten, and unchanged files are recognised by stat,
// not re-hashed. (A baseline *tree* would be enough for moving between trees, but libgit2 then
// skips subtrees equal in both and never restores a tracked file the build changed.) That
// index is also what git reads, so `git status` is clean after a checkout.
//
// Crash safety: the marker naming the checked-out tree is removed before a checkout and
// written (atomically, by rename) after it succeeded. A missing or unreadable marker, or a
// damaged src/.git, means the directory's state is unknown: it is wiped and checked out in full.
#include <git2/sys/repository.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
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

Result<void> RemoveContents(const fs::path& dir) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    fs::remove_all(entry.path(), ec);
    if (ec) return IoError("cannot remove", entry.path(), ec);
  }
  if (ec && ec != std::errc::no_such_file_or_directory) return IoError("cannot list", dir, ec);
  return {};
}

/// Writes `contents` to `path` atomically (temp file + rename).
Result<void> WriteFileAtomically(const fs::path& path, const std::string& contents) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << contents;
    if (!out.flush()) return Fail(ErrorKind::kIo, "cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return IoError("cannot write", path, ec);
  return {};
}

/// packed-refs holding every tag of `repo`, peeled as git writes them, sorted by name.
Result<std::string> TagMirror(git_repository* repo) {
  git_reference_iterator* raw_it = nullptr;
  if (git_reference_iterator_glob_new(&raw_it, repo, "refs/tags/*") < 0)
    return Fail(ErrorKind::kIo, "listing tags: " + GitErrorText());
  GitPtr<git_reference_iterator, git_reference_iterator_free> it(raw_it);
  std::vector<std::pair<std::string, std::string>> lines;
  git_reference* raw_ref = nullptr;
  while (git_reference_next(&raw_ref, it.get()) == 0) {
    ReferencePtr ref(raw_ref);
    git_reference* raw_resolved = nullptr;
    git_object* raw_peeled = nullptr;
    if (git_reference_resolve(&raw_resolved, ref.get()) < 0) continue;
    ReferencePtr resolved(raw_resolved);
    if (git_reference_peel(&raw_peeled, resolved.get(), GIT_OBJECT_ANY) < 0) continue;
    ObjectPtr peeled(raw_peeled);
    const git_oid* target = git_reference_target(resolved.get());
    std::string line = ToHex(*target) + " " + git_reference_name(ref.get()) + "\n";
    if (!git_oid_equal(target, git_object_id(peeled.get())))
      line += "^" + ToHex(*git_object_id(peeled.get())) + "\n";
    lines.emplace_back(git_reference_name(ref.get()), std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  std::string text = "# pack-refs with: peeled fully-peeled sorted \n";
  for (const auto& [name, line] : lines) text += line;
  return text;
}

class GitWorktree final : public Worktree {
 public:
  /// `user`: the user's repository, with the private store readable. `object_dirs`: what
  /// src/.git borrows objects from.
  GitWorktree(RepoPtr user, const fs::path& dir, std::vector<fs::path> object_dirs)
      : user_(std::move(user)),
        dir_(dir),
        src_(dir / "src"),
        git_dir_(dir / "src" / ".git"),
        marker_(dir / "tree"),
        object_dirs_(std::move(object_dirs)) {}

  /// Upgrades the older layout, then opens src/.git (wiping src/ if it is damaged).
  Result<void> Open() {
    std::error_code ec;
    fs::create_directories(src_, ec);
    if (ec) return IoError("cannot create", src_, ec);
    if (fs::exists(dir_ / "index", ec)) {
      Result<void> upgraded = Upgrade();
      if (!upgraded) return upgraded;
    }
    Result<void> prepared = PrepareGitDir();
    if (prepared || prepared.error().kind != ErrorKind::kCorrupt) return prepared;
    return Reset();
  }

  Result<void> Checkout(const std::string& commit_id) override {
    // Resolved in the user's repository first: an unknown revision leaves the worktree as it is.
    Result<git_oid> commit = ResolveCommit(user_.get(), commit_id);
    if (!commit) return tl::unexpected(commit.error());
    bool clean = MarkerIsValid();
    std::error_code ec;
    fs::remove(marker_, ec);
    if (ec) return IoError("cannot remove", marker_, ec);
    if (!clean) {
      Result<void> reset = Reset();
      if (!reset) return reset;
    }
    Result<TreePtr> tree = TreeOf(*commit);
    if (!tree) return tl::unexpected(tree.error());
    git_index* raw_index = nullptr;
    if (git_repository_index(&raw_index, repo_.get()) < 0)
      return Fail(ErrorKind::kIo,
                  "cannot open the index of " + src_.string() + ": " + GitErrorText());
    IndexPtr index(raw_index);
    git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
    opts.checkout_strategy = GIT_CHECKOUT_FORCE;
    opts.baseline_index = index.get();
    if (git_checkout_tree(repo_.get(), reinterpret_cast<git_object*>(tree->get()), &opts) < 0) {
      return Fail(ErrorKind::kIo,
                  "checking out " + commit_id + " into " + src_.string() + ": " + GitErrorText());
    }
    // Detached HEAD written as git writes it; not through libgit2, which first reads the old
    // HEAD and would stop at one the build garbled.
    Result<void> head = WriteFileAtomically(git_dir_ / "HEAD", ToHex(*commit) + "\n");
    if (!head) return head;
    return WriteMarker(*git_tree_id(tree->get()));
  }

  fs::path path() const override { return src_; }

 private:
  /// The older layout kept the index at `dir/index` and no src/.git: the index moves in (by
  /// rename, the step that completes the upgrade), so the next checkout stays incremental.
  Result<void> Upgrade() {
    std::error_code ec;
    if (!fs::exists(git_dir_ / "HEAD", ec)) {
      Result<void> created = CreateGitDir();
      if (!created) return created;
    }
    fs::rename(dir_ / "index", git_dir_ / "index", ec);
    if (ec) return IoError("cannot move", dir_ / "index", ec);
    return {};
  }

  /// Creates src/.git if it has no HEAD, brings its alternates, shallow list and tags up to
  /// date, and opens it.
  Result<void> PrepareGitDir() {
    repo_.reset();
    std::error_code ec;
    if (!fs::exists(git_dir_ / "HEAD", ec)) {
      Result<void> created = CreateGitDir();
      if (!created) return created;
    }
    std::string alternates;
    for (const fs::path& dir : object_dirs_) alternates += dir.string() + "\n";
    Result<void> written = WriteFileAtomically(git_dir_ / "objects/info/alternates", alternates);
    if (!written) return written;
    Result<void> shallow = MirrorShallow();
    if (!shallow) return shallow;
    Result<std::string> tags = TagMirror(user_.get());
    if (!tags) return tl::unexpected(tags.error());
    Result<void> removed = RemoveContents(git_dir_ / "refs/tags");
    if (!removed) return removed;
    written = WriteFileAtomically(git_dir_ / "packed-refs", *tags);
    if (!written) return written;
    return OpenGitDir();
  }

  Result<void> CreateGitDir() {
    git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    opts.flags = GIT_REPOSITORY_INIT_MKPATH;
    git_repository* raw = nullptr;
    if (git_repository_init_ext(&raw, src_.c_str(), &opts) < 0)
      return Fail(ErrorKind::kIo, "cannot create " + git_dir_.string() + ": " + GitErrorText());
    git_repository_free(raw);
    git_config* raw_config = nullptr;
    if (git_config_open_ondisk(&raw_config, (git_dir_ / "config").c_str()) < 0)
      return Fail(ErrorKind::kIo, "cannot open " + git_dir_.string() + "/config");
    ConfigPtr config(raw_config);
    // A reflog entry per checkout would grow without bound; a gc a build triggers is wasted.
    if (git_config_set_bool(config.get(), "core.logAllRefUpdates", 0) < 0 ||
        git_config_set_int32(config.get(), "gc.auto", 0) < 0) {
      return Fail(ErrorKind::kIo,
                  "cannot write " + git_dir_.string() + "/config: " + GitErrorText());
    }
    return {};
  }

  /// A shallow clone's boundary commits have no parents here either.
  Result<void> MirrorShallow() {
    const fs::path theirs = fs::path(git_repository_commondir(user_.get())) / "shallow";
    const fs::path ours = git_dir_ / "shallow";
    std::error_code ec;
    if (!fs::exists(theirs, ec)) {
      fs::remove(ours, ec);
      if (ec) return IoError("cannot remove", ours, ec);
      return {};
    }
    fs::copy_file(theirs, ours, fs::copy_options::overwrite_existing, ec);
    if (ec) return IoError("cannot copy", theirs, ec);
    return {};
  }

  /// Opens src/.git (never a repository above it) and checks it is the one at src/; kCorrupt
  /// if it cannot.
  Result<void> OpenGitDir() {
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, src_.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0) {
      return Fail(ErrorKind::kCorrupt, "cannot open " + git_dir_.string() + ": " + GitErrorText());
    }
    RepoPtr repo(raw);
    const char* workdir = git_repository_workdir(repo.get());
    if (workdir == nullptr || fs::path(workdir).lexically_normal() != src_ / "") {
      return Fail(ErrorKind::kCorrupt, git_dir_.string() + " has another working directory (" +
                                           (workdir ? workdir : "none") + ")");
    }
    repo_ = std::move(repo);
    return {};
  }

  Result<TreePtr> TreeOf(const git_oid& commit_id) {
    Result<CommitPtr> commit = LookupCommit(repo_.get(), commit_id);
    if (!commit) return tl::unexpected(commit.error());
    return TreeOfCommit(commit->get());
  }

  /// Whether the marker names a tree the repository has, and src/.git is there with its
  /// index: the last checkout completed, so src/ and the index agree on that tree.
  bool MarkerIsValid() {
    if (!repo_) return false;
    std::error_code ec;
    if (!fs::exists(git_dir_ / "HEAD", ec) || !fs::exists(git_dir_ / "index", ec)) return false;
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

  /// Forgets everything: no marker, empty src/, a new src/.git.
  Result<void> Reset() {
    repo_.reset();
    std::error_code ec;
    fs::remove(marker_, ec);
    if (ec) return IoError("cannot remove", marker_, ec);
    fs::create_directories(src_, ec);
    if (ec) return IoError("cannot create", src_, ec);
    Result<void> removed = RemoveContents(src_);
    if (!removed) return removed;
    return PrepareGitDir();
  }

  Result<void> WriteMarker(const git_oid& tree) {
    return WriteFileAtomically(marker_, ToHex(tree) + "\n");
  }

  RepoPtr user_;  // the user's repository: resolves revisions, lists tags; never written
  RepoPtr repo_;  // src/.git
  fs::path dir_;
  fs::path src_;
  fs::path git_dir_;
  fs::path marker_;
  std::vector<fs::path> object_dirs_;
};

}  // namespace

Result<std::unique_ptr<Worktree>> OpenWorktree(Repository& repo, const fs::path& dir) {
  Result<RepoPtr> user = OpenGitRepository(repo.path());
  if (!user) return tl::unexpected(user.error());
  Result<fs::path> abs_dir = AbsolutePath(dir);
  if (!abs_dir) return tl::unexpected(abs_dir.error());
  Result<void> outside = CheckOutsideRepository(user->get(), *abs_dir, "worktree directory");
  if (!outside) return tl::unexpected(outside.error());
  Result<fs::path> user_objects = ObjectsDir(user->get());
  if (!user_objects) return tl::unexpected(user_objects.error());
  std::vector<fs::path> object_dirs = {*user_objects};
  if (const fs::path store = repo.private_store(); !store.empty()) {
    Result<void> readable = ReadPrivateStore(user->get(), store);
    if (!readable) return tl::unexpected(readable.error());
    object_dirs.push_back(store / "objects");
  }
  std::error_code ec;
  fs::create_directories(*abs_dir, ec);
  if (ec) return IoError("cannot create worktree directory", *abs_dir, ec);
  auto worktree = std::make_unique<GitWorktree>(std::move(*user), *abs_dir, object_dirs);
  Result<void> opened = worktree->Open();
  if (!opened) return tl::unexpected(opened.error());
  return std::unique_ptr<Worktree>(std::move(worktree));
}

}  // namespace culprit::history
