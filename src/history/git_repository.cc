// The libgit2-backed Repository: opening, revision lookup, commit records, file contents and
// ancestry. Diff stats, release tags, the graph walk, the private store and tree edits live in
// their own files.
#include <algorithm>
#include <cstring>
#include <mutex>
#include <system_error>
#include <utility>

#include "base/strings.h"
#include "history/git_internal.h"
#include "history/history.h"

namespace culprit::history {

void EnsureLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

std::string GitErrorText() {
  const git_error* error = git_error_last();
  if (error == nullptr || error->message == nullptr) return "unknown libgit2 error";
  return error->message;
}

std::string ToHex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof(hex), &oid);
  return hex;
}

Result<RepoPtr> OpenGitRepository(const std::filesystem::path& path) {
  EnsureLibgit2();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
  RepoPtr repo(raw);
  if (rc == GIT_ENOTFOUND) {
    return Fail(ErrorKind::kNotFound,
                "no git repository at " + path.string() + " (pass --repo with a git checkout)");
  }
  if (rc < 0) {
    return Fail(ErrorKind::kIo, "cannot open git repository at " + path.string() + ": " +
                                    GitErrorText() + " (pass --repo with a git checkout)");
  }
  return repo;
}

std::filesystem::path RepositoryPath(git_repository* repo) {
  const char* dir = git_repository_workdir(repo);
  if (dir == nullptr) dir = git_repository_path(repo);
  return std::filesystem::path(dir).lexically_normal().parent_path();
}

Result<std::filesystem::path> ObjectsDir(git_repository* repo) {
  git_buf buf = GIT_BUF_INIT;
  if (git_repository_item_path(&buf, repo, GIT_REPOSITORY_ITEM_OBJECTS) < 0) {
    return Fail(ErrorKind::kIo, "cannot find the object directory of " +
                                    RepositoryPath(repo).string() + ": " + GitErrorText());
  }
  std::filesystem::path dir(buf.ptr);
  git_buf_dispose(&buf);
  return AbsolutePath(dir);
}

Result<std::filesystem::path> AbsolutePath(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path abs =
      std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  if (ec) return Fail(ErrorKind::kIo, "cannot resolve " + path.string() + ": " + ec.message());
  if (abs.has_parent_path() && abs.filename().empty()) abs = abs.parent_path();
  return abs;
}

namespace {

bool IsWithin(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto [outer_end, inner_it] =
      std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return outer_end == outer.end();
}

}  // namespace

Result<void> CheckOutsideRepository(git_repository* repo, const std::filesystem::path& dir,
                                    const std::string& what) {
  Result<std::filesystem::path> workdir = AbsolutePath(RepositoryPath(repo));
  if (!workdir) return tl::unexpected(workdir.error());
  bool overlaps = IsWithin(*workdir, dir);
  for (const char* git_dir : {git_repository_path(repo), git_repository_commondir(repo)}) {
    Result<std::filesystem::path> abs_git_dir = AbsolutePath(git_dir);
    if (!abs_git_dir) return tl::unexpected(abs_git_dir.error());
    overlaps = overlaps || IsWithin(dir, *abs_git_dir);
  }
  if (overlaps) {
    return Fail(ErrorKind::kBadInput, what + " " + dir.string() + " overlaps the repository at " +
                                          workdir->string() +
                                          " (choose a state directory outside it)");
  }
  return {};
}

Result<git_oid> ResolveCommit(git_repository* repo, const std::string& rev) {
  std::string where = RepositoryPath(repo).string();
  if (Trim(rev).empty()) return Fail(ErrorKind::kBadInput, "empty revision for " + where);
  git_object* raw = nullptr;
  int rc = git_revparse_single(&raw, repo, rev.c_str());
  ObjectPtr object(raw);
  if (rc == GIT_EAMBIGUOUS) {
    return Fail(ErrorKind::kBadInput,
                "ambiguous revision '" + rev + "' in " + where + " (give more hex digits)");
  }
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
    return Fail(ErrorKind::kNotFound, "unknown revision '" + rev + "' in " + where +
                                          " (list tags with: git tag -l 'v*')");
  }
  if (rc < 0) {
    return Fail(ErrorKind::kIo, "cannot resolve '" + rev + "' in " + where + ": " + GitErrorText());
  }
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0) {
    return Fail(ErrorKind::kBadInput,
                "revision '" + rev + "' in " + where + " does not name a commit");
  }
  ObjectPtr commit(peeled);
  return *git_object_id(commit.get());
}

Result<CommitPtr> LookupCommit(git_repository* repo, const git_oid& id) {
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo, &id) < 0) {
    return Fail(ErrorKind::kCorrupt, "cannot read commit " + ToHex(id) + " in " +
                                         RepositoryPath(repo).string() + ": " + GitErrorText());
  }
  return CommitPtr(raw);
}

Result<TreePtr> TreeOfCommit(git_commit* commit) {
  git_tree* raw = nullptr;
  if (git_commit_tree(&raw, commit) < 0) {
    return Fail(ErrorKind::kCorrupt,
                "reading tree of " + ToHex(*git_commit_id(commit)) + ": " + GitErrorText());
  }
  return TreePtr(raw);
}

namespace {

Person ToPerson(const git_signature* signature) {
  return {.name = signature->name, .email = signature->email};
}

CommitInfo ToCommitInfo(git_commit* commit) {
  CommitInfo info;
  info.id = ToHex(*git_commit_id(commit));
  info.tree_id = ToHex(*git_commit_tree_id(commit));
  for (unsigned i = 0; i < git_commit_parentcount(commit); ++i)
    info.parents.push_back(ToHex(*git_commit_parent_id(commit, i)));
  const char* summary = git_commit_summary(commit);
  info.title = summary != nullptr ? summary : "";
  info.message = git_commit_message(commit);
  const git_signature* author = git_commit_author(commit);
  const git_signature* committer = git_commit_committer(commit);
  info.author = ToPerson(author);
  info.committer = ToPerson(committer);
  info.author_time = author->when.time;
  info.author_offset_minutes = author->when.offset;
  info.commit_time = committer->when.time;
  info.commit_offset_minutes = committer->when.offset;
  info.trailers = ParseTrailers(info.message);
  return info;
}

/// Not thread-safe: libgit2 handles must not be shared between threads.
class GitRepository final : public Repository {
 public:
  /// `store`: culprit's private store, or null (then EditTree fails).
  GitRepository(RepoPtr repo, RepoPtr store, std::filesystem::path store_path)
      : repo_(std::move(repo)),
        store_(std::move(store)),
        path_(RepositoryPath(repo_.get())),
        store_path_(std::move(store_path)) {}

  Result<std::string> Resolve(const std::string& rev) override {
    Result<git_oid> id = ResolveCommit(repo_.get(), rev);
    if (!id) return tl::unexpected(id.error());
    return ToHex(*id);
  }

  Result<CommitInfo> Commit(const std::string& id) override {
    Result<CommitPtr> commit = LookupRevision(id);
    if (!commit) return tl::unexpected(commit.error());
    return ToCommitInfo(commit->get());
  }

  Result<std::vector<FileStat>> DiffStat(const std::string& id) override {
    Result<git_oid> oid = ResolveCommit(repo_.get(), id);
    if (!oid) return tl::unexpected(oid.error());
    return ComputeDiffStat(repo_.get(), *oid);
  }

  Result<std::string> Diff(const std::string& id, size_t max_bytes) override {
    Result<git_oid> oid = ResolveCommit(repo_.get(), id);
    if (!oid) return tl::unexpected(oid.error());
    return ComputePatch(repo_.get(), *oid, max_bytes);
  }

  Result<std::vector<std::string>> ChangedPaths(const std::string& id) override {
    Result<git_oid> oid = ResolveCommit(repo_.get(), id);
    if (!oid) return tl::unexpected(oid.error());
    return ComputeChangedPaths(repo_.get(), *oid);
  }

  Result<std::vector<ReleaseTag>> Releases() override { return ListReleases(repo_.get()); }

  Result<bool> IsAncestor(const std::string& ancestor, const std::string& descendant) override {
    Result<git_oid> a = ResolveCommit(repo_.get(), ancestor);
    if (!a) return tl::unexpected(a.error());
    Result<git_oid> d = ResolveCommit(repo_.get(), descendant);
    if (!d) return tl::unexpected(d.error());
    if (git_oid_equal(&*a, &*d)) return true;
    int rc = git_graph_descendant_of(repo_.get(), &*d, &*a);
    if (rc < 0) return Fail(ErrorKind::kCorrupt, "walking ancestry: " + GitErrorText());
    return rc == 1;
  }

  Result<std::vector<std::string>> MergeBases(const std::string& a, const std::string& b) override {
    Result<git_oid> one = ResolveCommit(repo_.get(), a);
    if (!one) return tl::unexpected(one.error());
    Result<git_oid> two = ResolveCommit(repo_.get(), b);
    if (!two) return tl::unexpected(two.error());
    git_oidarray bases = {nullptr, 0};
    int rc = git_merge_bases(&bases, repo_.get(), &*one, &*two);
    if (rc == GIT_ENOTFOUND) return std::vector<std::string>{};
    if (rc < 0) return Fail(ErrorKind::kCorrupt, "computing merge bases: " + GitErrorText());
    std::vector<std::string> out;
    for (size_t i = 0; i < bases.count; ++i) out.push_back(ToHex(bases.ids[i]));
    git_oidarray_dispose(&bases);
    return out;
  }

  Result<std::vector<GraphCommit>> Graph(const std::vector<std::string>& tips,
                                         const std::vector<std::string>& stops,
                                         size_t limit) override {
    if (tips.empty()) return Fail(ErrorKind::kBadInput, "commit graph needs at least one tip");
    Result<std::vector<git_oid>> tip_ids = ResolveAll(tips);
    if (!tip_ids) return tl::unexpected(tip_ids.error());
    Result<std::vector<git_oid>> stop_ids = ResolveAll(stops);
    if (!stop_ids) return tl::unexpected(stop_ids.error());
    return WalkGraph(repo_.get(), *tip_ids, *stop_ids, limit);
  }

  Result<bool> Touches(const std::string& id, const std::vector<std::string>& paths) override {
    Result<CommitPtr> commit = LookupRevision(id);
    if (!commit) return tl::unexpected(commit.error());
    Result<std::vector<git_oid>> mine = EntryIds(commit->get(), paths);
    if (!mine) return tl::unexpected(mine.error());
    const unsigned parents = git_commit_parentcount(commit->get());
    if (parents == 0) {
      return std::any_of(mine->begin(), mine->end(),
                         [](const git_oid& oid) { return !git_oid_is_zero(&oid); });
    }
    std::vector<bool> changed(paths.size(), true);
    for (unsigned i = 0; i < parents; ++i) {
      git_commit* raw_parent = nullptr;
      if (git_commit_parent(&raw_parent, commit->get(), i) < 0)
        return Fail(ErrorKind::kCorrupt, "reading parent of " + id + ": " + GitErrorText());
      CommitPtr parent(raw_parent);
      Result<std::vector<git_oid>> theirs = EntryIds(parent.get(), paths);
      if (!theirs) return tl::unexpected(theirs.error());
      for (size_t k = 0; k < paths.size(); ++k) {
        if (git_oid_equal(&(*mine)[k], &(*theirs)[k])) changed[k] = false;
      }
    }
    return std::find(changed.begin(), changed.end(), true) != changed.end();
  }

  Result<std::string> ReadFile(const std::string& id, const std::string& path) override {
    Result<CommitPtr> commit = LookupRevision(id);
    if (!commit) return tl::unexpected(commit.error());
    git_tree* raw_tree = nullptr;
    if (git_commit_tree(&raw_tree, commit->get()) < 0)
      return Fail(ErrorKind::kCorrupt, "reading tree of " + id + ": " + GitErrorText());
    TreePtr tree(raw_tree);
    git_tree_entry* raw_entry = nullptr;
    TreeEntryPtr entry;
    if (git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str()) == 0) entry.reset(raw_entry);
    if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB)
      return Fail(ErrorKind::kNotFound, "no file '" + path + "' at commit " + ShortHash(id));
    git_blob* raw_blob = nullptr;
    if (git_blob_lookup(&raw_blob, repo_.get(), git_tree_entry_id(entry.get())) < 0)
      return Fail(ErrorKind::kCorrupt, "reading '" + path + "': " + GitErrorText());
    BlobPtr blob(raw_blob);
    const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
    return std::string(data, static_cast<size_t>(git_blob_rawsize(blob.get())));
  }

  Result<EditedTree> EditTree(const std::string& base,
                              const std::vector<TreeEdit>& edits) override {
    if (!store_) {
      return Fail(ErrorKind::kBadInput, "cannot edit trees of " + path_.string() +
                                            ": it was opened without culprit's private object "
                                            "store (OpenRepository(path, private_store))");
    }
    Result<git_oid> base_id = ResolveCommit(repo_.get(), base);
    if (!base_id) return tl::unexpected(base_id.error());
    std::vector<TreeEdit> resolved = edits;
    for (TreeEdit& edit : resolved) {
      Result<git_oid> id = ResolveCommit(repo_.get(), edit.commit);
      if (!id) return tl::unexpected(id.error());
      edit.commit = ToHex(*id);
    }
    return ApplyTreeEdits(store_.get(), *base_id, resolved);
  }

  std::filesystem::path path() const override { return path_; }
  std::filesystem::path private_store() const override { return store_path_; }

 private:
  // The blob id of each path in `commit`'s tree; all zeros where the path is absent.
  static Result<std::vector<git_oid>> EntryIds(git_commit* commit,
                                               const std::vector<std::string>& paths) {
    git_tree* raw_tree = nullptr;
    if (git_commit_tree(&raw_tree, commit) < 0)
      return Fail(ErrorKind::kCorrupt, "reading a commit's tree: " + GitErrorText());
    TreePtr tree(raw_tree);
    std::vector<git_oid> ids(paths.size());
    for (size_t k = 0; k < paths.size(); ++k) {
      std::memset(&ids[k], 0, sizeof(git_oid));
      git_tree_entry* raw_entry = nullptr;
      if (git_tree_entry_bypath(&raw_entry, tree.get(), paths[k].c_str()) == 0) {
        TreeEntryPtr entry(raw_entry);
        git_oid_cpy(&ids[k], git_tree_entry_id(entry.get()));
      }
    }
    return ids;
  }

  Result<CommitPtr> LookupRevision(const std::string& rev) {
    Result<git_oid> id = ResolveCommit(repo_.get(), rev);
    if (!id) return tl::unexpected(id.error());
    return LookupCommit(repo_.get(), *id);
  }

  Result<std::vector<git_oid>> ResolveAll(const std::vector<std::string>& revs) {
    std::vector<git_oid> ids;
    for (const std::string& rev : revs) {
      Result<git_oid> id = ResolveCommit(repo_.get(), rev);
      if (!id) return tl::unexpected(id.error());
      ids.push_back(*id);
    }
    return ids;
  }

  RepoPtr repo_;   // the user's repository (with the private store readable); never written
  RepoPtr store_;  // culprit's private store: where EditTree writes; null without one
  std::filesystem::path path_;
  std::filesystem::path store_path_;
};

}  // namespace

Result<std::unique_ptr<Repository>> OpenRepository(const std::filesystem::path& path) {
  Result<RepoPtr> repo = OpenGitRepository(path);
  if (!repo) return tl::unexpected(repo.error());
  return std::unique_ptr<Repository>(
      std::make_unique<GitRepository>(std::move(*repo), RepoPtr(), std::filesystem::path()));
}

Result<std::unique_ptr<Repository>> OpenRepository(const std::filesystem::path& path,
                                                   const std::filesystem::path& private_store) {
  Result<RepoPtr> repo = OpenGitRepository(path);
  if (!repo) return tl::unexpected(repo.error());
  Result<std::filesystem::path> store_path = AbsolutePath(private_store);
  if (!store_path) return tl::unexpected(store_path.error());
  Result<void> outside = CheckOutsideRepository(repo->get(), *store_path, "private object store");
  if (!outside) return tl::unexpected(outside.error());
  Result<RepoPtr> store = OpenPrivateStore(repo->get(), *store_path);
  if (!store) return tl::unexpected(store.error());
  Result<void> readable = ReadPrivateStore(repo->get(), *store_path);
  if (!readable) return tl::unexpected(readable.error());
  return std::unique_ptr<Repository>(
      std::make_unique<GitRepository>(std::move(*repo), std::move(*store), *store_path));
}

}  // namespace culprit::history
