#include "job/fake_parts.h"

#include <algorithm>
#include <fstream>

#include "base/strings.h"
#include "build/builder.h"
#include "decide/ancestor_mass.h"
#include "sim/history.h"

namespace culprit::job::testing {
namespace {

namespace fs = std::filesystem;
using decide::CommitIndex;

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A uniform number in [0, 1) from the seed, the commit, the run and what it is drawn for.
double Draw(uint64_t seed, CommitIndex c, int run, int what) {
  uint64_t h = Mix(seed ^ Mix(static_cast<uint64_t>(c) ^
                              Mix(static_cast<uint64_t>(run) ^ Mix(static_cast<uint64_t>(what)))));
  return static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);
}

std::string KasanReport(const std::string& file) {
  const std::string p = "[   12.345678][ T1234] ";
  std::string out;
  for (const char* line : {
           "==================================================================",
           "BUG: KASAN: use-after-free in io_req_task_submit+0x2a/0x140 FILE:2228",
           "Read of size 8 at addr ffff88801b2c3d40 by task repro/1234",
           "",
           "CPU: 0 PID: 1234 Comm: repro Not tainted 6.1.0 #1",
           "Call Trace:",
           " <TASK>",
           " __dump_stack lib/dump_stack.c:88 [inline]",
           " dump_stack_lvl+0x8b/0xb3 lib/dump_stack.c:106",
           " print_report mm/kasan/report.c:284 [inline]",
           " kasan_report+0xbf/0xf0 mm/kasan/report.c:495",
           " io_req_task_submit+0x2a/0x140 FILE:2228",
           " task_work_run+0x16a/0x250 kernel/task_work.c:179",
           " do_syscall_64+0x35/0x80 arch/x86/entry/common.c:80",
           " entry_SYSCALL_64_after_hwframe+0x63/0xcd",
           " </TASK>",
           "==================================================================",
       }) {
    std::string l = line;
    if (size_t at = l.find("FILE"); at != std::string::npos) l.replace(at, 4, file);
    out += p + l + "\n";
  }
  return out;
}

// A user-space project whose sources sit at the repository's root.
std::string AsanReport(const std::string& file) {
  return "==1234==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc "
         "0x55d4c1a2b3c4 bp 0x7ffd5d0 sp 0x7ffd5c8\n"
         "READ of size 1 at 0x602000000010 thread T0\n"
         "    #0 0x55d4c1a2b3c4 in lookup /tmp/build/" +
         file +
         ":37\n"
         "    #1 0x55d4c1a2b5c6 in main /tmp/build/main.c:41\n\n"
         "SUMMARY: AddressSanitizer: heap-use-after-free /tmp/build/" +
         file + ":37 in lookup\n";
}

constexpr const char* kOtherCrash =
    "[   10.000000][    T1] ------------[ cut here ]------------\n"
    "[   10.000000][    T1] WARNING: CPU: 0 PID: 1 at net/core/dev.c:123 dev_close+0x1/0x2\n"
    "[   10.000000][    T1] Modules linked in:\n"
    "[   10.000000][    T1] CPU: 0 PID: 1 Comm: repro Not tainted 6.1.0 #1\n"
    "[   10.000000][    T1] RIP: 0010:dev_close+0x1/0x2 net/core/dev.c:123\n"
    "[   10.000000][    T1] Call Trace:\n"
    "[   10.000000][    T1]  <TASK>\n"
    "[   10.000000][    T1]  dev_close+0x1/0x2 net/core/dev.c:123\n"
    "[   10.000000][    T1]  sock_ioctl+0x1/0x2 net/socket.c:1200\n"
    "[   10.000000][    T1]  do_syscall_64+0x35/0x80 arch/x86/entry/common.c:80\n"
    "[   10.000000][    T1]  </TASK>\n"
    "[   10.000000][    T1] ---[ end trace 0000000000000000 ]---\n";

}  // namespace

bool FakeWorld::InAny(const std::vector<std::pair<int, int>>& ranges, CommitIndex c) const {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const auto& r) { return c >= r.first && c <= r.second; });
}

bool FakeWorld::Crashes(CommitIndex c) const {
  if (mode == decide::Mode::kCause) return dag.IsAncestor(culprit, c);
  return dag.IsAncestor(introduced, c) && (culprit < 0 || !dag.IsAncestor(culprit, c));
}

std::string FakeWorld::TreeOf(CommitIndex c) const {
  while (InAny(same_tree, c) && !dag.parents(c).empty()) c = dag.parents(c)[0];
  return "tree-" + dag.node(c).id;
}

CommitIndex FakeWorld::IndexOf(const std::string& id) const {
  auto i = dag.IndexOf(id);
  return i ? *i : decide::kNoCommit;
}

std::string FakeWorld::EditId(const Edit& e, const decide::CommitDag& dag) {
  return std::string("edit:") + (e.revert ? "revert:" : "pick:") + dag.node(e.commit).id + ":" +
         dag.node(e.base).id;
}

std::optional<FakeWorld::Edit> FakeWorld::ParseEdit(const std::string& id) const {
  std::vector<std::string_view> parts;
  for (size_t from = 0; from <= id.size();) {
    const size_t to = std::min(id.find(':', from), id.size());
    parts.push_back(std::string_view(id).substr(from, to - from));
    from = to + 1;
  }
  if (parts.size() != 4 || parts[0] != "edit") return std::nullopt;
  Edit e{.revert = parts[1] == "revert",
         .commit = IndexOf(std::string(parts[2])),
         .base = IndexOf(std::string(parts[3]))};
  if (e.commit == decide::kNoCommit || e.base == decide::kNoCommit) return std::nullopt;
  return e;
}

bool FakeWorld::EditCrashes(const Edit& e) const {
  return Crashes(e.base) && (e.commit != culprit || crash_survives_edit);
}

decide::CommitDag MakeFakeDag(const std::string& spec, uint64_t seed) {
  auto parsed = sim::ParseHistorySpec(spec);
  sim::HistorySpec hs = parsed ? *parsed : sim::HistorySpec{};
  hs.seed = seed;
  decide::CommitDag sim = sim::MakeHistory(hs);
  std::vector<decide::CommitNode> nodes;
  for (CommitIndex c = 0; c < sim.size(); ++c) {
    decide::CommitNode n = sim.node(c);
    n.id = build::BuildKey("commit", std::to_string(c)).substr(0, 40);
    n.title = (sim.IsMerge(c) ? "Merge topic " : "change ") + std::to_string(c);
    if (!n.release.empty()) n.release += ".0";
    nodes.push_back(std::move(n));
  }
  return std::move(*decide::CommitDag::Make(std::move(nodes)));
}

Result<CommitIndex> FakeRepository::Find(const std::string& id) const {
  CommitIndex c = world_.IndexOf(id);
  if (c == decide::kNoCommit) return Fail(ErrorKind::kNotFound, "unknown revision '" + id + "'");
  return c;
}

Result<std::string> FakeRepository::Resolve(const std::string& rev) {
  const decide::CommitDag& dag = world_.dag;
  if (rev == "HEAD") return dag.node(dag.size() - 1).id;
  for (CommitIndex c = 0; c < dag.size(); ++c) {
    const decide::CommitNode& n = dag.node(c);
    if (n.release == rev || (rev.size() >= 4 && n.id.rfind(rev, 0) == 0)) return n.id;
  }
  return Fail(ErrorKind::kNotFound, "unknown revision '" + rev + "'");
}

Result<history::CommitInfo> FakeRepository::Commit(const std::string& id) {
  if (auto e = world_.ParseEdit(id)) {
    const std::string& base = world_.dag.node(e->base).id;
    return history::CommitInfo{
        .id = id,
        .tree_id = "tree-" + id,
        .parents = {base},
        .title = (e->revert ? "Revert \"" : "Apply \"") + world_.dag.node(e->commit).title + "\"",
        .message = "edited by culprit\n"};
  }
  auto c = Find(id);
  if (!c) return tl::unexpected(c.error());
  const decide::CommitNode& n = world_.dag.node(*c);
  history::CommitInfo info{.id = n.id, .tree_id = world_.TreeOf(*c), .title = n.title};
  for (CommitIndex p : n.parents) info.parents.push_back(world_.dag.node(p).id);
  info.message = n.title + "\n\nSigned-off-by: Dev <dev@example.org>\n";
  info.author = {"Dev", "dev@example.org"};
  info.committer = info.author;
  info.trailers = {{"Signed-off-by", "Dev <dev@example.org>"}};
  return info;
}

Result<std::vector<history::FileStat>> FakeRepository::DiffStat(const std::string& id) {
  auto c = Find(id);
  if (!c) return tl::unexpected(c.error());
  std::vector<history::FileStat> out;
  if (auto it = world_.changes.find(*c); it != world_.changes.end()) {
    for (const std::string& f : it->second) out.push_back({.path = f, .insertions = 1});
  }
  return out;
}

Result<std::vector<history::ReleaseTag>> FakeRepository::Releases() {
  std::vector<history::ReleaseTag> out;
  for (CommitIndex c = 0; c < world_.dag.size(); ++c) {
    const decide::CommitNode& n = world_.dag.node(c);
    if (n.release.empty()) continue;
    auto tag = history::ParseReleaseTag(n.release);
    if (!tag) continue;
    tag->commit = n.id;
    out.push_back(*tag);
  }
  std::sort(out.begin(), out.end(), history::ReleaseLess);
  return out;
}

Result<bool> FakeRepository::IsAncestor(const std::string& ancestor,
                                        const std::string& descendant) {
  auto a = Find(ancestor);
  auto d = Find(descendant);
  if (!a || !d) return Fail(ErrorKind::kNotFound, "unknown revision");
  return world_.dag.IsAncestor(*a, *d);
}

Result<std::vector<std::string>> FakeRepository::MergeBases(const std::string& a,
                                                            const std::string& b) {
  auto ia = Find(a);
  auto ib = Find(b);
  if (!ia || !ib) return Fail(ErrorKind::kNotFound, "unknown revision");
  std::vector<std::string> out;
  for (CommitIndex c : decide::MergeBases(world_.dag, *ia, *ib))
    out.push_back(world_.dag.node(c).id);
  return out;
}

Result<std::vector<history::GraphCommit>> FakeRepository::Graph(
    const std::vector<std::string>& tips, const std::vector<std::string>& stops, size_t limit) {
  const decide::CommitDag& dag = world_.dag;
  std::vector<CommitIndex> tip_index, stop_index;
  for (const std::string& t : tips) {
    auto c = Find(t);
    if (!c) return tl::unexpected(c.error());
    tip_index.push_back(*c);
  }
  for (const std::string& s : stops) {
    auto c = Find(s);
    if (!c) return tl::unexpected(c.error());
    stop_index.push_back(*c);
  }
  std::vector<uint8_t> in = decide::MarkAncestors(dag, tip_index);
  std::vector<uint8_t> out = decide::MarkAncestors(dag, stop_index);
  std::vector<history::GraphCommit> graph;
  for (CommitIndex c = 0; c < dag.size(); ++c) {
    const bool is_stop = std::find(stop_index.begin(), stop_index.end(), c) != stop_index.end();
    if (!in[static_cast<size_t>(c)] || (out[static_cast<size_t>(c)] && !is_stop)) continue;
    history::GraphCommit g{
        .id = dag.node(c).id, .title = dag.node(c).title, .release = dag.node(c).release};
    for (CommitIndex p : dag.parents(c)) {
      if (in[static_cast<size_t>(p)] &&
          (!out[static_cast<size_t>(p)] ||
           std::find(stop_index.begin(), stop_index.end(), p) != stop_index.end())) {
        g.parents.push_back(dag.node(p).id);
      }
    }
    graph.push_back(std::move(g));
  }
  if (graph.size() > limit) return Fail(ErrorKind::kBadInput, "range too long");
  return graph;
}

Result<bool> FakeRepository::Touches(const std::string& id, const std::vector<std::string>& paths) {
  auto c = Find(id);
  if (!c) return tl::unexpected(c.error());
  auto it = world_.changes.find(*c);
  if (it == world_.changes.end()) return false;
  for (const std::string& f : it->second) {
    if (std::find(paths.begin(), paths.end(), f) != paths.end()) return true;
  }
  return false;
}

Result<std::string> FakeRepository::ReadFile(const std::string& id, const std::string& path) {
  if (auto c = Find(id); !c) return tl::unexpected(c.error());
  if (world_.files.contains(path)) return std::string("contents of " + path + "\n");
  return Fail(ErrorKind::kNotFound, path + " not found");
}

Result<std::vector<std::string>> FakeRepository::ChangedPaths(const std::string& id) {
  auto c = Find(id);
  if (!c) return tl::unexpected(c.error());
  auto it = world_.changes.find(*c);
  return it == world_.changes.end() ? std::vector<std::string>() : it->second;
}

Result<history::EditedTree> FakeRepository::EditTree(const std::string& base,
                                                     const std::vector<history::TreeEdit>& edits) {
  auto b = Find(base);
  if (!b) return tl::unexpected(b.error());
  if (edits.size() != 1) return Fail(ErrorKind::kBadInput, "the fake edits one commit at a time");
  auto c = Find(edits[0].commit);
  if (!c) return tl::unexpected(c.error());
  if (world_.dag.IsMerge(*c) != (edits[0].mainline != 0))
    return Fail(ErrorKind::kBadInput, "-m is for merges, and merges need it");
  const std::string& id = world_.dag.node(*c).id;
  if (world_.edit_conflicts.contains(*c)) {
    return history::EditedTree{
        .commit_id = base,
        .tree_id = world_.TreeOf(*b),
        .failed = {{.commit = id, .conflicts = {"lookup.c"}, .reason = "conflicts in 1 file"}}};
  }
  if (world_.InAny(world_.same_tree, *c)) {
    return history::EditedTree{.commit_id = base,
                               .tree_id = world_.TreeOf(*b),
                               .failed = {{.commit = id, .reason = "changes nothing"}}};
  }
  const FakeWorld::Edit e{
      .revert = edits[0].kind == history::TreeEdit::Kind::kRevert, .commit = *c, .base = *b};
  const std::string edited = FakeWorld::EditId(e, world_.dag);
  return history::EditedTree{.commit_id = edited, .tree_id = "tree-" + edited, .applied = {id}};
}

FakeWorktree::FakeWorktree(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_ / "src", ec);
}

Result<void> FakeWorktree::Checkout(const std::string&) {
  ++checkouts_;
  return {};
}

Result<build::BuildRecord> FakeBuilder::Build(const build::BuildSpec& spec) {
  ++builds_;
  auto it = spec.env.find("CULPRIT_COMMIT");
  CommitIndex c = it == spec.env.end() ? decide::kNoCommit : world_.IndexOf(it->second);
  const std::optional<FakeWorld::Edit> edit =
      it == spec.env.end() ? std::nullopt : world_.ParseEdit(it->second);
  if (c == decide::kNoCommit && !edit)
    return Fail(ErrorKind::kInternal, "fake build of an unknown commit");
  {
    std::lock_guard lock(mu_);
    ++built_[it->second];
  }
  std::error_code ec;
  fs::create_directories(spec.out_dir, ec);
  std::ofstream(spec.log_path) << "building " << it->second << "\n";
  // The program knows which commit it was built from: runs of a commit given another one's
  // program (an avoided build) behave as that commit does.
  std::ofstream(spec.out_dir / "program") << it->second;
  if (edit) {
    if (world_.edited_build_broken) return build::BuildRecord{.ok = false, .exit_code = 2};
    return build::BuildRecord{.ok = true, .exit_code = 0, .signature = "sig-tree-" + it->second};
  }
  if (world_.InAny(world_.build_broken, c)) return build::BuildRecord{.ok = false, .exit_code = 2};
  return build::BuildRecord{.ok = true, .exit_code = 0, .signature = "sig-" + world_.TreeOf(c)};
}

Result<run::RunRecord> FakeRunner::Run(const run::RunSpec& spec) {
  ++runs_;
  auto commit = spec.env.find("CULPRIT_COMMIT");
  auto index = spec.env.find("CULPRIT_RUN");
  if (commit == spec.env.end() || index == spec.env.end())
    return Fail(ErrorKind::kInternal, "fake run without CULPRIT_COMMIT or CULPRIT_RUN");
  const std::optional<FakeWorld::Edit> edit = world_.ParseEdit(commit->second);
  // An edited tree's runs draw apart from its base's.
  CommitIndex c = edit ? edit->base + 100000 : world_.IndexOf(commit->second);
  const int run = std::stoi(index->second);
  if (auto out = spec.env.find("CULPRIT_OUT"); !edit && out != spec.env.end()) {
    std::ifstream program(fs::path(out->second) / "program");
    std::string id;
    // Another tree's program (an avoided build) behaves as that tree; the same tree built
    // for another commit keeps the commit's truth (a test that reads more than the build, as
    // a no-op culprit needs).
    if (program >> id) {
      const CommitIndex from = world_.IndexOf(id);
      if (from != decide::kNoCommit && world_.TreeOf(from) != world_.TreeOf(c)) c = from;
    }
  }
  const bool crashes = edit ? world_.EditCrashes(*edit) : world_.Crashes(c);
  {
    std::lock_guard lock(mu_);
    ++ran_[{commit->second, run}];
  }
  std::error_code ec;
  fs::create_directories(spec.log_path.parent_path(), ec);
  std::ofstream log(spec.log_path, std::ios::trunc);
  log << "repro: starting\n";
  // As a sandbox that isolates what it is asked to (the loop warns otherwise).
  const bool isolated = spec.network != run::Network::kHost;
  if (world_.InAny(world_.boot_broken, edit ? edit->base : c)) {
    log << "Kernel panic - not syncing: VFS: Unable to mount root fs\n";
    return run::RunRecord{
        .exit_code = 1, .network_isolated = isolated, .stage = RunStage::kBootFailed};
  }
  if (c >= world_.infra_range.first && c <= world_.infra_range.second &&
      Draw(world_.seed, c, run, 1) < world_.infra_p) {
    log << "failed to create VM: pool exhausted\n";
    return run::RunRecord{.exit_code = 126, .network_isolated = isolated};
  }
  if (world_.other_crash_p > 0 && Draw(world_.seed, c, run, 2) < world_.other_crash_p) {
    log << (world_.failing_test ? "FAIL: network test timed out\n" : kOtherCrash);
    return run::RunRecord{.exit_code = 1, .network_isolated = isolated};
  }
  if (crashes && Draw(world_.seed, c, run, 3) < world_.crash_p) {
    if (world_.failing_test) {
      log << "FAIL: lookup returns a stale value\n";
      return run::RunRecord{.exit_code = 1, .network_isolated = isolated};
    }
    const std::string& f = world_.crash_file;
    log << (f.find('/') == std::string::npos ? AsanReport(f) : KasanReport(f));
    return run::RunRecord{.exit_code = 1, .network_isolated = isolated};
  }
  log << "repro: done\n";
  return run::RunRecord{.exit_code = 0, .network_isolated = isolated};
}

}  // namespace culprit::job::testing
