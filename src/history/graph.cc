// The bisection graph: commits reachable from the tips but not from the stops' parents, in a
// deterministic topological order. With stops, libgit2's revwalk finds the set (its hide logic
// is git's rev-list "everybody uninteresting" walk); without, a date-ordered walk of our own
// stops after `limit` commits. Kahn's algorithm orders the set: no step is quadratic.
#include <algorithm>
#include <cstring>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "history/git_internal.h"

namespace culprit::history {
namespace {

struct OidHash {
  size_t operator()(const git_oid& oid) const {
    size_t h = 0;
    std::memcpy(&h, oid.id, sizeof(h));
    return h;
  }
};
struct OidEqual {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};
using OidIndex = std::unordered_map<git_oid, size_t, OidHash, OidEqual>;

tl::unexpected<Error> TooMany(size_t limit) {
  return Fail(ErrorKind::kBadInput,
              "the commit range has more than " + std::to_string(limit) +
                  " commits (pass a newer good commit or raise the commit limit)");
}

/// A commit as a walk found it: every parent (the graph keeps those inside later).
struct Walked {
  git_oid id;
  std::vector<git_oid> parents;
  std::string title;
};

Walked ToWalked(git_commit* commit) {
  Walked w{.id = *git_commit_id(commit), .parents = {}, .title = ""};
  for (unsigned p = 0; p < git_commit_parentcount(commit); ++p)
    w.parents.push_back(*git_commit_parent_id(commit, p));
  const char* summary = git_commit_summary(commit);
  if (summary != nullptr) w.title = summary;
  return w;
}

/// Commits reachable from the tips minus the ancestors of the stops' parents, by libgit2's
/// revwalk (git's rev-list limiting); kBadInput past `limit`.
Result<std::vector<Walked>> WalkRange(git_repository* repo, const std::vector<git_oid>& tips,
                                      const std::vector<git_oid>& stops, size_t limit) {
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo) < 0)
    return Fail(ErrorKind::kInfra, "starting a revision walk: " + GitErrorText());
  RevwalkPtr walk(raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TIME);
  for (const git_oid& tip : tips) {
    if (git_revwalk_push(walk.get(), &tip) < 0)
      return Fail(ErrorKind::kCorrupt, "walking from " + ToHex(tip) + ": " + GitErrorText());
  }
  for (const git_oid& stop : stops) {
    Result<CommitPtr> commit = LookupCommit(repo, stop);
    if (!commit) return tl::unexpected(commit.error());
    for (unsigned i = 0; i < git_commit_parentcount(commit->get()); ++i) {
      if (git_revwalk_hide(walk.get(), git_commit_parent_id(commit->get(), i)) < 0)
        return Fail(ErrorKind::kCorrupt, "hiding " + ToHex(stop) + "^: " + GitErrorText());
    }
  }
  std::vector<Walked> walked;
  git_oid id;
  int rc = 0;
  while ((rc = git_revwalk_next(&id, walk.get())) == 0) {
    if (walked.size() == limit) return TooMany(limit);
    Result<CommitPtr> commit = LookupCommit(repo, id);
    if (!commit) return tl::unexpected(commit.error());
    walked.push_back(ToWalked(commit->get()));
  }
  if (rc != GIT_ITEROVER) return Fail(ErrorKind::kCorrupt, "walking history: " + GitErrorText());
  return walked;
}

/// The `limit` newest commits reachable from the tips, by commit date (ties: first found),
/// walking only as far as needed: libgit2's revwalk would read the whole history first.
Result<std::vector<Walked>> WalkNewest(git_repository* repo, const std::vector<git_oid>& tips,
                                       size_t limit) {
  struct Queued {
    int64_t time;
    size_t seq;
    CommitPtr commit;
  };
  auto later_first = [](const Queued& a, const Queued& b) {
    return a.time != b.time ? a.time < b.time : a.seq > b.seq;
  };
  std::vector<Queued> heap;  // a max-heap by later_first
  std::unordered_set<git_oid, OidHash, OidEqual> seen;
  size_t seq = 0;
  auto discover = [&](const git_oid& id) -> Result<void> {
    if (!seen.insert(id).second) return {};
    Result<CommitPtr> commit = LookupCommit(repo, id);
    if (!commit) return tl::unexpected(commit.error());
    int64_t time = git_commit_time(commit->get());
    heap.push_back({time, seq++, std::move(*commit)});
    std::push_heap(heap.begin(), heap.end(), later_first);
    return {};
  };
  for (const git_oid& tip : tips) {
    if (Result<void> r = discover(tip); !r) return tl::unexpected(r.error());
  }
  std::vector<Walked> walked;
  while (!heap.empty() && walked.size() < limit) {
    std::pop_heap(heap.begin(), heap.end(), later_first);
    CommitPtr commit = std::move(heap.back().commit);
    heap.pop_back();
    walked.push_back(ToWalked(commit.get()));
    for (const git_oid& parent : walked.back().parents) {
      if (Result<void> r = discover(parent); !r) return tl::unexpected(r.error());
    }
  }
  return walked;
}

/// Kahn's algorithm; among commits whose parents are all placed, the one walked last (the
/// oldest by date) goes first, which makes the order deterministic and close to `git log
/// --reverse --topo-order`.
std::vector<GraphCommit> OrderTopologically(std::vector<GraphCommit> nodes,
                                            const std::vector<std::vector<size_t>>& parents) {
  std::vector<std::vector<size_t>> children(nodes.size());
  std::vector<size_t> waiting(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    waiting[i] = parents[i].size();
    for (size_t p : parents[i]) children[p].push_back(i);
  }
  std::priority_queue<size_t> ready;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (waiting[i] == 0) ready.push(i);
  }
  std::vector<GraphCommit> ordered;
  ordered.reserve(nodes.size());
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    ordered.push_back(std::move(nodes[i]));
    for (size_t child : children[i]) {
      if (--waiting[child] == 0) ready.push(child);
    }
  }
  return ordered;
}

}  // namespace

Result<std::vector<GraphCommit>> WalkGraph(git_repository* repo, const std::vector<git_oid>& tips,
                                           const std::vector<git_oid>& stops, size_t limit) {
  Result<std::vector<Walked>> walked =
      stops.empty() ? WalkNewest(repo, tips, limit) : WalkRange(repo, tips, stops, limit);
  if (!walked) return tl::unexpected(walked.error());
  OidIndex index;
  for (size_t i = 0; i < walked->size(); ++i) index.emplace((*walked)[i].id, i);
  for (const git_oid& stop : stops) {  // a stop hidden by another stop still belongs
    if (index.count(stop) != 0) continue;
    if (walked->size() == limit) return TooMany(limit);
    Result<CommitPtr> commit = LookupCommit(repo, stop);
    if (!commit) return tl::unexpected(commit.error());
    index.emplace(stop, walked->size());
    walked->push_back(ToWalked(commit->get()));
  }
  Result<std::vector<ReleaseTag>> releases = ListReleases(repo);
  if (!releases) return tl::unexpected(releases.error());
  std::unordered_map<std::string, std::string> release_at;
  for (const ReleaseTag& tag : *releases) release_at[tag.commit] = tag.name;  // newest wins

  std::vector<GraphCommit> nodes(walked->size());
  std::vector<std::vector<size_t>> parents(walked->size());
  for (size_t i = 0; i < walked->size(); ++i) {
    Walked& w = (*walked)[i];
    GraphCommit& node = nodes[i];
    node.id = ToHex(w.id);
    node.title = std::move(w.title);
    if (auto it = release_at.find(node.id); it != release_at.end()) node.release = it->second;
    for (const git_oid& parent : w.parents) {
      auto it = index.find(parent);
      if (it == index.end() ||
          std::find(parents[i].begin(), parents[i].end(), it->second) != parents[i].end()) {
        continue;
      }
      parents[i].push_back(it->second);
      node.parents.push_back(ToHex(parent));
    }
  }
  return OrderTopologically(std::move(nodes), parents);
}

}  // namespace culprit::history
