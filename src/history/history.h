// The project's git history, read through libgit2: revisions, commits, trailers, release tags,
// the commit DAG of a bisection range, edited trees (a commit reverted or cherry-picked) and
// private worktrees for checkouts. The user's checkout, index, refs and objects are never
// written: what culprit writes goes to its private object store and its worktrees.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace culprit::history {

struct Person {
  std::string name;
  std::string email;
};

struct Trailer {
  std::string key;    ///< "Signed-off-by", "Reviewed-by", "Acked-by", "Tested-by", "Reported-by",
                      ///< "Link", "Cc", ...
  std::string value;  ///< "Jens Axboe <axboe@kernel.dk>"
};

struct CommitInfo {
  std::string id;  ///< full hex hash
  std::string tree_id;
  std::vector<std::string> parents;
  std::string title;    ///< first line of the message (first paragraph, as `git log --oneline`)
  std::string message;  ///< the whole message
  Person author;
  Person committer;
  int64_t author_time = 0;  ///< seconds since the epoch
  int author_offset_minutes = 0;
  int64_t commit_time = 0;  ///< committer date, seconds since the epoch
  int commit_offset_minutes = 0;
  std::vector<Trailer> trailers;  ///< in message order
};

/// The trailers of a commit message: the `Key: value` lines of its last paragraph, when that
/// paragraph is a trailer block by git's rules (`git interpret-trailers`), in message order.
std::vector<Trailer> ParseTrailers(std::string_view message);

struct FileStat {
  std::string path;  ///< the new path; "old => new" for a rename
  bool binary = false;
  int insertions = 0;
  int deletions = 0;
};

/// A release tag: vX.Y, vX.Y.Z or vX.Y-rcN.
struct ReleaseTag {
  std::string name;
  std::string commit;  ///< the commit it points to (peeled)
  int major = 0, minor = 0, patch = 0;
  int rc = 0;  ///< 0 = final release; an rc sorts below its release
};

/// Parses a tag name; nullopt for anything that is not a release ("v1.foo", "vv4.1", "v5",
/// "v5.13-rc"). Also accepts vX.Y.Z-rcN, the 2.6-era kernel rcs (v2.6.39-rc1).
std::optional<ReleaseTag> ParseReleaseTag(const std::string& name);
/// Version order: v5.13-rc1 < v5.13-rc7 < v5.13 < v5.13.1 < v5.14-rc1.
bool ReleaseLess(const ReleaseTag& a, const ReleaseTag& b);

/// One node of a bisection graph, in topological order (parents before children).
struct GraphCommit {
  std::string id;
  std::vector<std::string> parents;  ///< only parents inside the graph, first parent first
  std::string title;
  std::string release;  ///< release tag name if one points here
};

/// An edit of a tree: revert or cherry-pick one commit (`git revert` / `git cherry-pick`).
struct TreeEdit {
  enum class Kind { kRevert, kCherryPick };
  Kind kind = Kind::kRevert;
  std::string commit;  ///< any revision
  /// For a merge, the parent (1-based) the change is taken against, as `-m`; 0 for any other
  /// commit (a merge without it, or a non-merge with it, is a kBadInput error naming -m).
  int mainline = 0;
};

/// The result of Repository::EditTree.
struct EditedTree {
  /// A commit in culprit's private object store: parent = base, tree = tree_id, message naming
  /// the edits. The base itself when no edit applied. Deterministic: the same base and edits
  /// give the same id.
  std::string commit_id;
  std::string tree_id;
  std::vector<std::string> applied;  ///< commits of the edits applied (full ids), in order
  struct Failed {
    std::string commit;                  ///< full id
    std::vector<std::string> conflicts;  ///< conflicting paths, sorted; empty if none
    std::string reason;                  ///< "conflicts in 2 files", "changes nothing", ...
  };
  std::vector<Failed> failed;  ///< edits that did not apply, in order
};

/// Real: OpenRepository (libgit2). Not thread-safe: one Repository per thread.
class Repository {
 public:
  virtual ~Repository() = default;

  /// "HEAD", a branch, a tag, a (short) hash -> the full commit hash. kNotFound names the
  /// revision and how to list valid ones.
  virtual Result<std::string> Resolve(const std::string& rev) = 0;
  virtual Result<CommitInfo> Commit(const std::string& id) = 0;
  /// Files changed against the first parent (or the empty tree for a root commit).
  virtual Result<std::vector<FileStat>> DiffStat(const std::string& id) = 0;
  /// The paths commit `id` adds, deletes or modifies against its first parent (every path of
  /// the tree for a root commit; a rename is its two paths), sorted. Compares trees only: no
  /// rename detection, no line counts, so it is cheap on any commit.
  virtual Result<std::vector<std::string>> ChangedPaths(const std::string& id) = 0;
  /// The patch of commit `id` against its first parent (the empty tree for a root commit), as
  /// `git show --format= -M` prints it, cut after `max_bytes` with a last line saying so.
  /// Fakes need not implement it (kNotFound).
  virtual Result<std::string> Diff(const std::string& id, size_t max_bytes) {
    (void)max_bytes;
    return Fail(ErrorKind::kNotFound, "no diff of " + id + " in this repository");
  }
  /// Release tags, sorted oldest to newest by version.
  virtual Result<std::vector<ReleaseTag>> Releases() = 0;
  virtual Result<bool> IsAncestor(const std::string& ancestor, const std::string& descendant) = 0;
  virtual Result<std::vector<std::string>> MergeBases(const std::string& a,
                                                      const std::string& b) = 0;
  /// Every commit reachable from `tips`, but not from `stops` (their ancestors excluded, the
  /// stops themselves included), in topological order; at most `limit` commits (kBadInput
  /// beyond, naming the limit). Release tags pointing into the set are marked. The order is
  /// deterministic for a given repository.
  /// With no `stops` the graph is not an error past `limit`: it holds the `limit` newest
  /// commits by commit date, each linked to a tip inside the graph (the release search reads
  /// only recent history; the walk stops there, so a huge history costs O(limit)).
  virtual Result<std::vector<GraphCommit>> Graph(const std::vector<std::string>& tips,
                                                 const std::vector<std::string>& stops,
                                                 size_t limit) = 0;
  /// True if commit `id` changed any of `paths` (repository-relative files): against its
  /// parent, or for a merge against every parent (a change the merge itself made), or for a
  /// root commit by adding it. Compares tree entries only, so it is cheap on any history.
  virtual Result<bool> Touches(const std::string& id, const std::vector<std::string>& paths) = 0;
  /// Contents of `path` at commit `id` (for MAINTAINERS); kNotFound if absent.
  virtual Result<std::string> ReadFile(const std::string& id, const std::string& path) = 0;
  /// The tree of `base` with `edits` applied in order, each on the result of the previous
  /// (a three-way merge, as git revert / cherry-pick). An edit that does not apply cleanly (a
  /// conflict, or no change at all) is skipped and listed in `failed`; the rest still apply.
  /// The resulting tree and a commit naming it are written to culprit's private object store,
  /// never the user's; every other method, and worktrees, can then read them. An unknown
  /// revision is kNotFound, a wrong mainline kBadInput; without a private store (the
  /// one-argument OpenRepository) this is a kBadInput error.
  virtual Result<EditedTree> EditTree(const std::string& base,
                                      const std::vector<TreeEdit>& edits) = 0;
  /// The user's repository: its working directory (or git directory when bare).
  virtual std::filesystem::path path() const = 0;
  /// culprit's private object store, or empty when opened without one.
  virtual std::filesystem::path private_store() const { return {}; }
};

/// Opens the repository at or above `path`, read-only. kNotFound: "no git repository at PATH
/// ...". EditTree then fails: there is nowhere to write.
Result<std::unique_ptr<Repository>> OpenRepository(const std::filesystem::path& path);
/// Opens the user's repository read-only for culprit, with culprit's private object store at
/// `private_store` (a bare git repository, created if missing, whose objects/info/alternates
/// names the user's object directory): objects culprit writes go there, reads see both. The
/// user's objects are never written, not even their mtimes. kBadInput if `private_store`
/// overlaps the user's checkout or lies inside its .git directory.
Result<std::unique_ptr<Repository>> OpenRepository(const std::filesystem::path& path,
                                                   const std::filesystem::path& private_store);

/// A checkout directory owned by culprit (under the state directory) in which git works, as in
/// a clone: builds can run `git describe`, `git rev-parse HEAD`, `git status`. Checking out
/// moves it from one tree to another touching only changed files, so make and ccache see stable
/// paths and mtimes. Survives being killed mid-checkout: the next Checkout starts clean.
/// Layout of `dir`:
/// - `src/` the checked-out files (path());
/// - `src/.git/` a private repository: objects/info/alternates names the user's object
///   directory and culprit's private store (no object is copied), `index` holds what src/ holds
///   with stat data (the next checkout's baseline), HEAD is detached at the checked-out commit,
///   packed-refs mirrors the user's tags (so `git describe` answers as in the user's
///   repository), reflogs and automatic gc are off;
/// - `tree` the marker naming the tree in src/ (absent during a checkout; missing or garbled =
///   wipe src/, .git included, and check out in full).
/// Untracked files (build outputs) in src/ survive checkouts; `git status` is clean right after
/// one. A directory in the older layout (`src/`, `index`, `tree`, no `src/.git`) is upgraded
/// in place, keeping its files and their stat data. The user's checkout, index, refs and
/// objects are never written. Worktrees in different directories may be used from different
/// threads at once (each has its own libgit2 handles); one Worktree is not thread-safe.
class Worktree {
 public:
  virtual ~Worktree() = default;
  /// Makes path() hold the tree of `commit_id` (any revision of the user's repository, or a
  /// commit EditTree made) and detaches src/.git's HEAD there. Files deleted between the
  /// trees disappear; tracked files the build modified are restored.
  virtual Result<void> Checkout(const std::string& commit_id) = 0;
  /// The checkout directory: `dir`/src.
  virtual std::filesystem::path path() const = 0;
};

/// Opens (creating or upgrading it if needed) the worktree at `dir`, reading objects from
/// `repo`'s repository and private store (through its own libgit2 handles) and mirroring its
/// tags. kBadInput if `dir` would contain the user's checkout or lie inside its .git directory.
Result<std::unique_ptr<Worktree>> OpenWorktree(Repository& repo, const std::filesystem::path& dir);

}  // namespace culprit::history
