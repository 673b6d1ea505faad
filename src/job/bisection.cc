// The job loop. Long-ish because it is the one place where every part meets; each step
// (graph, build, test, feed, finish) is its own method.
#include "job/bisection.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "base/strings.h"
#include "crash/report.h"
#include "decide/engine.h"
#include "decide/names.h"
#include "history/maintainers.h"
#include "job/commit_tester.h"
#include "job/run_classifier.h"
#include "report/disassembly.h"
#include "report/render.h"
#include "symbolize/symbolizer.h"

namespace culprit::job {
namespace {

using decide::CommitIndex;

// A test batch that yields nothing but infrastructure errors this many times in a row means
// the machine, not the commit, is broken: stop rather than loop.
constexpr int kMaxInfraBatches = 3;
// A guard against a strategy that never concludes; far above any real bisection.
constexpr int kMaxActions = 20000;

struct CommitState {
  bool built = false;
  store::BuildRow build;
  std::vector<store::RunRow> runs;  // fed to the engine, in order
};

class Bisection {
 public:
  Bisection(const JobConfig& config, int64_t job_id, Parts parts)
      : config_(config), job_id_(job_id), parts_(parts), tester_(config, job_id, parts) {}

  Result<report::BisectionResult> Run();

 private:
  Result<void> LoadGraph();
  Result<void> CheckOrder();
  Result<void> DoBuild(CommitIndex c, bool release_search);
  Result<void> DoTest(CommitIndex c, int runs);
  Result<void> Feed(CommitIndex c, std::vector<store::RunRow> rows, bool print);
  void PrintVerdict(CommitIndex c);
  /// good/bad (fix: new/old) or skip, from the runs so far; counts the target crashes.
  decide::CommitVerdict VerdictOf(CommitIndex c, int* target_crashes);
  /// Prints the verdict of the commit shown last, once the engine moves on from it.
  void FlushVerdict();
  Result<report::BisectionResult> Finish(const decide::Conclusion& conclusion);
  void AddKernelDetails(const store::RunRow& run, report::BisectionResult& r);
  /// Kernel jobs: `report` with file:line added from the run's vmlinux; else unchanged.
  std::string Symbolized(const store::RunRow& run, const std::string& report);
  Result<void> MakeEngine(std::vector<double> commit_prior);
  /// Once the target crash is seen on the bad commit: commits that touched a file of its stack
  /// get prior weight, and the engine is rebuilt on the evidence so far.
  Result<void> AddStackPrior(CommitIndex bad);
  void AddMaintainers(report::BisectionResult& r);
  const std::string& Id(CommitIndex c) const { return dag_.node(c).id; }

  const JobConfig& config_;
  int64_t job_id_;
  Parts parts_;
  CommitTester tester_;
  std::string bad_id_;
  std::vector<std::string> good_ids_;
  decide::CommitDag dag_;
  std::unique_ptr<decide::Engine> engine_;
  std::map<CommitIndex, CommitState> commits_;
  std::vector<CommitIndex> tested_order_;  // commits in the order they were first built
  // Opened vmlinux DWARF by build key: the stack prior and the final report usually symbolize
  // against the same build, and loading a KASAN vmlinux's DWARF takes seconds.
  std::map<std::string, std::unique_ptr<symbolize::Symbolizer>> symbolizers_;
  TargetCrash target_;
  bool target_known_ = false;
  bool prior_tried_ = false;
  decide::Problem problem_;
  std::string last_good_release_;
  bool announced_bisect_ = false;
  int infra_batches_ = 0;
  CommitIndex shown_ = decide::kNoCommit;  // the commit whose "testing commit" header is last
  bool verdict_pending_ = false;
  int steps_ = 0;  // actions taken, for the progress line
};

Result<void> Bisection::CheckOrder() {
  history::Repository& repo = parts_.repo;
  bool fix = config_.mode == decide::Mode::kFix;
  for (const std::string& good : good_ids_) {
    if (good == bad_id_)
      return Fail(ErrorKind::kBadInput, "--good " + ShortHash(good) + " is the bad commit itself");
    if (!fix) {
      auto newer = repo.IsAncestor(bad_id_, good);
      if (!newer) return tl::unexpected(newer.error());
      if (*newer)
        return Fail(ErrorKind::kBadInput, "--good " + ShortHash(good) + " is newer than --bad " +
                                              ShortHash(bad_id_) +
                                              " (swap them, or use --mode fix)");
    } else {
      auto contains = repo.IsAncestor(bad_id_, good);
      if (!contains) return tl::unexpected(contains.error());
      if (!*contains)
        return Fail(ErrorKind::kBadInput,
                    "--good " + ShortHash(good) + " does not contain --bad " + ShortHash(bad_id_) +
                        " (in fix mode --good is a newer commit where the crash is gone)");
    }
  }
  return {};
}

Result<void> Bisection::LoadGraph() {
  history::Repository& repo = parts_.repo;
  auto bad = repo.Resolve(config_.bad);
  if (!bad) return tl::unexpected(bad.error());
  bad_id_ = *bad;
  for (const std::string& rev : config_.good) {
    auto good = repo.Resolve(rev);
    if (!good) return tl::unexpected(good.error());
    good_ids_.push_back(*good);
  }
  bool fix = config_.mode == decide::Mode::kFix;
  if (fix && good_ids_.empty()) {
    auto head = repo.Resolve("HEAD");
    if (!head) return tl::unexpected(head.error());
    if (*head == bad_id_)
      return Fail(ErrorKind::kBadInput,
                  "--bad is the newest commit, so there is nothing to search for a fix (pass "
                  "--good REV, a newer commit where the crash is gone)");
    good_ids_.push_back(*head);
  }
  if (auto ok = CheckOrder(); !ok) return ok;

  Result<std::vector<history::GraphCommit>> graph = std::vector<history::GraphCommit>();
  if (fix) {
    graph = repo.Graph(good_ids_, {bad_id_}, config_.max_commits);
  } else {
    std::vector<std::string> stops = good_ids_;
    for (const std::string& good : good_ids_) {
      auto is_ancestor = repo.IsAncestor(good, bad_id_);
      if (!is_ancestor) return tl::unexpected(is_ancestor.error());
      if (*is_ancestor) continue;
      // As git does: a good commit off the bad line is judged through its merge bases.
      auto bases = repo.MergeBases(good, bad_id_);
      if (!bases) return tl::unexpected(bases.error());
      stops.insert(stops.end(), bases->begin(), bases->end());
    }
    graph = repo.Graph({bad_id_}, stops, config_.max_commits);
  }
  if (!graph) return tl::unexpected(graph.error());

  std::map<std::string, CommitIndex> index;
  std::vector<decide::CommitNode> nodes;
  nodes.reserve(graph->size());
  for (const history::GraphCommit& g : *graph) {
    decide::CommitNode n{.id = g.id, .release = g.release, .title = g.title};
    for (const std::string& p : g.parents) {
      auto it = index.find(p);
      if (it != index.end()) n.parents.push_back(it->second);
    }
    index[g.id] = static_cast<CommitIndex>(nodes.size());
    nodes.push_back(std::move(n));
  }
  auto dag = decide::CommitDag::Make(std::move(nodes));
  if (!dag) return tl::unexpected(dag.error());
  dag_ = std::move(*dag);

  problem_ = {.mode = config_.mode};
  auto bad_index = dag_.IndexOf(bad_id_);
  if (!bad_index) return Fail(ErrorKind::kInternal, "bad commit missing from its own graph");
  problem_.bad = *bad_index;
  for (const std::string& good : good_ids_) {
    auto gi = dag_.IndexOf(good);
    if (gi) problem_.good.push_back(*gi);
  }
  return MakeEngine({});
}

Result<void> Bisection::MakeEngine(std::vector<double> commit_prior) {
  decide::EngineOptions options{.strategy = config_.strategy,
                                .runs_per_test = config_.runs,
                                .confidence_target = config_.confidence,
                                .max_builds = config_.max_builds,
                                .max_runs = config_.max_runs,
                                .build_cost = config_.build_cost,
                                .batch_runs = EffectiveJobs(config_),
                                .commit_prior = std::move(commit_prior),
                                .seed = config_.seed};
  auto engine = decide::MakeEngine(dag_, problem_, options);
  if (!engine) return tl::unexpected(engine.error());
  engine_ = std::move(*engine);
  // The engine's state is a function of its evidence: replay what is known.
  for (const auto& [c, state] : commits_) {
    if (!state.built) continue;
    engine_->RecordBuild(c, {.ok = state.build.ok, .signature = state.build.signature});
    for (const store::RunRow& run : state.runs) engine_->RecordRun(c, ToOutcome(run, target_));
  }
  return {};
}

Result<void> Bisection::AddStackPrior(CommitIndex bad) {
  const CommitState& state = commits_[bad];
  auto run = std::find_if(state.runs.begin(), state.runs.end(), [&](const store::RunRow& r) {
    return ToOutcome(r, target_) == Outcome::kTargetCrash;
  });
  if (run == state.runs.end()) return {};  // --title named a crash not seen yet
  prior_tried_ = true;
  crash::Report report = crash::Parse(ReadBounded(run->log_path, config_.max_output_bytes));
  // Stack paths may be absolute or relative to a build directory: keep the longest tail of
  // each that names a file of the bad commit's tree.
  std::vector<std::string> paths;
  for (const std::string& file : crash::StackFiles(Symbolized(*run, report.report))) {
    for (size_t from = 0; from != std::string::npos;) {
      std::string tail = file.substr(from);
      if (tail.find('/') == std::string::npos) break;  // a bare name is too weak a match
      if (parts_.repo.ReadFile(bad_id_, tail)) {
        paths.push_back(tail);
        break;
      }
      from = file.find('/', from);
      if (from != std::string::npos) ++from;
    }
  }
  if (paths.empty()) return {};
  std::vector<double> prior(static_cast<size_t>(dag_.size()), 0.0);
  int touching = 0;
  for (CommitIndex c = 0; c < dag_.size(); ++c) {
    auto touches = parts_.repo.Touches(Id(c), paths);
    if (!touches) {  // the prior only saves runs: go on without it
      parts_.log.Note("no prior from the crash's stack: " + touches.error().message);
      return {};
    }
    prior[static_cast<size_t>(c)] = *touches ? 1.0 : 0.0;
    touching += *touches;
  }
  if (touching == 0 || touching == dag_.size()) return {};
  parts_.log.Note("prior: " + std::to_string(touching) + " of " + std::to_string(dag_.size()) +
                  " commits touch the crash's stack files (" + Join(paths, ", ") + ")");
  if (auto ok = parts_.store.PutDecision(
          job_id_, "prior " + std::to_string(touching) + " " + Join(paths, " "));
      !ok)
    return ok;
  return MakeEngine(std::move(prior));
}

Result<void> Bisection::DoBuild(CommitIndex c, bool release_search) {
  FlushVerdict();
  const decide::CommitNode& node = dag_.node(c);
  if (release_search) {
    parts_.log.TestingRelease(node.release.empty() ? ShortHash(node.id) : node.release);
  } else if (c != *dag_.IndexOf(bad_id_)) {
    if (!announced_bisect_) {
      announced_bisect_ = true;
      std::string start = "# git bisect start " + bad_id_;
      for (const auto& g : good_ids_) start += " " + g;
      if (good_ids_.empty() && !last_good_release_.empty()) start += " " + last_good_release_;
      parts_.log.Note(start);
    }
    decide::Progress p = engine_->progress();
    parts_.log.Bisecting(std::max(0, p.candidates_left - 1), p.steps_left, node.id, node.title);
  }
  parts_.log.TestingCommit(node.id);
  shown_ = c;
  auto built = tester_.Build(node.id);
  if (!built) return tl::unexpected(built.error());
  const store::BuildRow* row = &built->row;
  bool cached = built->cached;
  CommitState& state = commits_[c];
  if (!state.built) tested_order_.push_back(c);
  state.built = true;
  state.build = *row;
  parts_.log.BuildResult(row->ok, row->signature, row->log_path, cached, row->compiler,
                         config_.kernel ? "kernel signature" : "signature");
  if (auto ok = parts_.store.PutDecision(
          job_id_, "build " + node.id + (row->ok ? " ok " + row->signature : " failed"));
      !ok)
    return ok;
  engine_->RecordBuild(c, {.ok = row->ok, .signature = row->signature});
  verdict_pending_ = true;
  if (!row->ok) return {};
  auto stored = parts_.store.FindRuns(row->key, tester_.test_key());
  if (!stored) return tl::unexpected(stored.error());
  if (!stored->empty()) {
    parts_.log.Note("reusing " + std::to_string(stored->size()) + " stored runs");
    return Feed(c, std::move(*stored), /*print=*/true);
  }
  return {};
}

Result<void> Bisection::DoTest(CommitIndex c, int runs) {
  CommitState& state = commits_[c];
  if (!state.built) {
    // Resumed straight into a test: make sure the build (cached) is known first.
    return DoBuild(c, false);
  }
  if (shown_ != c) {
    FlushVerdict();
    parts_.log.TestingCommit(Id(c));
    shown_ = c;
  }
  verdict_pending_ = true;
  // One target crash settles a commit for the bayes and git strategies (a crash is never seen
  // on a commit without the bug), so the batch stops there; syzbot's rule needs the counts.
  const bool stop_at_crash = target_known_ && config_.strategy != decide::StrategyKind::kSyzbot;
  auto stop = [&](const store::RunRow& row) {
    return stop_at_crash && ToOutcome(row, target_) == Outcome::kTargetCrash;
  };
  auto status = [&](int done) {
    decide::Progress p = engine_->progress();
    parts_.log.Status(
        "step " + std::to_string(steps_) + (p.release_search ? " (release search)" : "") + " | " +
        std::to_string(p.candidates_left) + " candidates left | testing " + ShortHash(Id(c)) +
        " run " + std::to_string(done) + "/" + std::to_string(runs));
  };
  auto rows = tester_.Run(Id(c), state.build, runs, stop, status);
  if (!rows) return tl::unexpected(rows.error());
  bool all_infra = std::all_of(rows->begin(), rows->end(), [](const store::RunRow& r) {
    return r.status == store::RunStatus::kInfra;
  });
  infra_batches_ = all_infra ? infra_batches_ + 1 : 0;
  if (infra_batches_ >= kMaxInfraBatches)
    return Fail(ErrorKind::kInfra, "every run failed to start " + std::to_string(infra_batches_) +
                                       " times in a row (last: " + rows->front().title +
                                       "); check the test command and the machine");
  return Feed(c, std::move(*rows), /*print=*/true);
}

Result<void> Bisection::Feed(CommitIndex c, std::vector<store::RunRow> rows, bool print) {
  CommitState& state = commits_[c];
  bool is_bad = Id(c) == bad_id_;
  if (!target_known_ && is_bad) {
    std::vector<store::RunRow> all = state.runs;
    all.insert(all.end(), rows.begin(), rows.end());
    target_ = PickTarget(all);
    if (!target_.title.empty()) {
      target_known_ = true;
      if (auto ok = parts_.store.SetTarget(job_id_, target_.title, target_.alt_titles); !ok)
        return ok;
    }
  }
  std::vector<std::string> lines;
  int first_index = rows.empty() ? 0 : rows.front().index;
  for (store::RunRow& row : rows) {
    lines.push_back(Describe(row));
    engine_->RecordRun(c, ToOutcome(row, target_));
    state.runs.push_back(std::move(row));
  }
  if (print && !lines.empty()) {
    parts_.log.RunResults(lines, first_index);
  }
  if (is_bad && target_known_ && !prior_tried_ && config_.strategy == decide::StrategyKind::kBayes)
    return AddStackPrior(c);
  return {};
}

void Bisection::FlushVerdict() {
  if (!verdict_pending_ || shown_ == decide::kNoCommit) return;
  verdict_pending_ = false;
  if (Id(shown_) != bad_id_) PrintVerdict(shown_);
}

decide::CommitVerdict Bisection::VerdictOf(CommitIndex c, int* target_crashes) {
  const CommitState& state = commits_[c];
  int target = 0;
  for (const auto& r : state.runs) target += ToOutcome(r, target_) == Outcome::kTargetCrash;
  if (target_crashes != nullptr) *target_crashes = target;
  return engine_->VerdictOf(c);
}

void Bisection::PrintVerdict(CommitIndex c) {
  decide::CommitVerdict verdict = VerdictOf(c, nullptr);
  // Like the seed log, the good-start search prints no verdicts; "# git bisect start" follows it.
  if (!announced_bisect_) {
    if (verdict == decide::CommitVerdict::kClean) last_good_release_ = Id(c);
    return;
  }
  parts_.log.Verdict(std::string(decide::VerdictWord(verdict, config_.mode)), Id(c));
}

Result<report::BisectionResult> Bisection::Finish(const decide::Conclusion& k) {
  report::BisectionResult r;
  r.mode = config_.mode;
  r.strategy = std::string(decide::StrategyName(config_.strategy));
  r.title = target_.title;
  r.confidence = k.confidence;
  r.stop_reason = k.stop_reason;
  r.noop = k.flags.noop;
  r.merge = k.flags.merge;
  r.release = k.flags.release;
  r.outcome = k.kind;
  r.error = k.error;
  if (k.kind == decide::ConclusionKind::kError && r.error.empty()) r.error = "bisection failed";
  for (const auto& cand : k.candidates)
    r.candidates.push_back({Id(cand.commit), dag_.node(cand.commit).title, cand.probability});
  for (const auto& [c, state] : commits_) {
    r.revisions_tested++;
    r.builds += state.built ? 1 : 0;
    r.time.build_s += state.build.duration_s;
    for (const auto& run : state.runs) {
      r.runs++;
      r.time.test_s += run.duration_s;
    }
  }
  r.time.total_s = r.time.build_s + r.time.test_s;
  for (CommitIndex c : tested_order_) {
    const CommitState& state = commits_[c];
    report::TestedRevision t{.commit = Id(c),
                             .title = dag_.node(c).title,
                             .release = dag_.node(c).release,
                             .built = state.build.ok,
                             .signature = state.build.signature,
                             .runs = static_cast<int>(state.runs.size()),
                             .build_s = state.build.duration_s};
    t.verdict = VerdictOf(c, &t.target_crashes);
    for (const auto& run : state.runs) t.test_s += run.duration_s;
    r.tested.push_back(std::move(t));
  }
  if (k.culprit != decide::kNoCommit &&
      (k.kind == decide::ConclusionKind::kFound || k.kind == decide::ConclusionKind::kHorizon)) {
    r.commit = Id(k.culprit);
    r.release_tag = dag_.node(k.culprit).release;
    auto info = parts_.repo.Commit(r.commit);
    if (!info) return tl::unexpected(info.error());
    r.culprit = *info;
    if (k.kind == decide::ConclusionKind::kFound) {
      auto stat = parts_.repo.DiffStat(r.commit);
      if (stat) r.culprit_stat = *stat;
      auto it = commits_.find(k.culprit);
      if (it != commits_.end()) r.culprit_signature = it->second.build.signature;
      if (!info->parents.empty()) {
        auto parent = tester_.Build(info->parents.front());
        if (parent) r.parent_signature = parent->row.ok ? parent->row.signature : "(build failed)";
      }
      r.recipients_to = report::CommitRecipients(*info);
    }
  }
  // The target crash's report, from the first run that showed it.
  for (const auto& [c, state] : commits_) {
    for (const auto& run : state.runs) {
      if (ToOutcome(run, target_) != Outcome::kTargetCrash) continue;
      crash::Report rep = crash::Parse(ReadBounded(run.log_path, config_.max_output_bytes));
      r.crash_report = rep.report;
      r.guilty_file = rep.guilty_file;
      if (config_.kernel) AddKernelDetails(run, r);
      break;
    }
    if (!r.crash_report.empty()) break;
  }
  if (r.outcome == decide::ConclusionKind::kFound) AddMaintainers(r);
  return r;
}

// Against the vmlinux of the build the run used: file:line and inlined frames.
std::string Bisection::Symbolized(const store::RunRow& run, const std::string& report) {
  if (!config_.kernel) return report;
  if (auto it = symbolizers_.find(run.build_key); it != symbolizers_.end()) {
    return symbolize::SymbolizeReport(*it->second, report);
  }
  std::filesystem::path vmlinux;
  for (const auto& [c, state] : commits_)
    if (state.build.key == run.build_key)
      vmlinux = std::filesystem::path(state.build.out_dir) / "vmlinux";
  if (vmlinux.empty()) return report;
  // Kernels are built out of tree in <state>/kernel/obj-<cc>, so DWARF names sources
  // relative to that directory ("../../worktree/src/fs/proc/base.c").
  std::string prefix = std::filesystem::path(parts_.worktree.path())
                           .lexically_relative(parts_.store.dir() / "kernel" / "obj")
                           .string() +
                       "/";
  auto symbolizer = symbolize::OpenSymbolizer(vmlinux, prefix);
  if (!symbolizer) return report;
  symbolize::Symbolizer& opened = *(symbolizers_[run.build_key] = std::move(*symbolizer));
  return symbolize::SymbolizeReport(opened, report);
}

// Symbolizes the report, takes the guilty file from the symbolized stack, and disassembles the
// Code: line.
void Bisection::AddKernelDetails(const store::RunRow& run, report::BisectionResult& r) {
  std::string symbolized = Symbolized(run, r.crash_report);
  if (symbolized != r.crash_report) {
    r.crash_report = std::move(symbolized);
    std::string guilty = crash::GuiltyFile(r.crash_report);
    if (!guilty.empty()) r.guilty_file = guilty;
  }
  for (std::string_view line : SplitLines(r.crash_report)) {
    size_t at = line.find("Code: ");
    if (at == std::string_view::npos) continue;
    std::string listing = report::DisassembleCodeLine(line.substr(at));
    if (!listing.empty()) r.disassembly = listing;
  }
}

// Recipients from the tree's MAINTAINERS for the files the culprit touches and the guilty file.
void Bisection::AddMaintainers(report::BisectionResult& r) {
  auto text = parts_.repo.ReadFile(r.commit, "MAINTAINERS");
  if (!text) return;
  auto maintainers = history::ParseMaintainers(*text);
  if (!maintainers) return;
  std::vector<std::string> files;
  for (const auto& f : r.culprit_stat) files.push_back(f.path);
  if (!r.guilty_file.empty()) files.push_back(r.guilty_file);
  history::Recipients extra = history::ForFiles(*maintainers, files);
  auto add = [](std::vector<std::string>& list, const std::string& who) {
    if (std::find(list.begin(), list.end(), who) == list.end()) list.push_back(who);
  };
  for (const auto& who : extra.to) add(r.recipients_to, who);
  for (const auto& who : extra.cc)
    if (std::find(r.recipients_to.begin(), r.recipients_to.end(), who) == r.recipients_to.end())
      add(r.recipients_cc, who);
}

Result<report::BisectionResult> Bisection::Run() {
  if (auto ok = LoadGraph(); !ok) return tl::unexpected(ok.error());
  if (!config_.target_title.empty()) {
    // --title names the crash to bisect; any other crash on the bad commit is not evidence.
    target_ = {config_.target_title, {}};
    target_known_ = true;
  }
  parts_.log.Start(config_.mode == decide::Mode::kFix, bad_id_);
  for (int step = 0; step < kMaxActions; step++) {
    decide::Decision d = engine_->Next();
    if (auto* k = std::get_if<decide::Conclusion>(&d)) {
      if (auto ok = parts_.store.PutDecision(
              job_id_, "conclude " + std::to_string(static_cast<int>(k->kind)));
          !ok)
        return tl::unexpected(ok.error());
      parts_.log.ClearStatus();
      FlushVerdict();
      return Finish(*k);
    }
    const decide::Action& a = std::get<decide::Action>(d);
    steps_ = step + 1;
    if (auto ok = parts_.store.PutDecision(
            job_id_,
            (a.kind == decide::Action::Kind::kBuild ? "build " : "test ") + Id(a.commit) +
                (a.kind == decide::Action::Kind::kTest ? " x" + std::to_string(a.runs) : ""));
        !ok)
      return tl::unexpected(ok.error());
    Result<void> done = a.kind == decide::Action::Kind::kBuild
                            ? DoBuild(a.commit, a.release_search)
                            : DoTest(a.commit, std::max(1, a.runs));
    if (!done) return tl::unexpected(done.error());
  }
  return Fail(ErrorKind::kInternal,
              "the strategy did not conclude after " + std::to_string(kMaxActions) + " actions");
}

}  // namespace

Result<report::BisectionResult> RunBisection(const JobConfig& config, int64_t job_id, Parts parts) {
  Bisection bisection(config, job_id, parts);
  return bisection.Run();
}

}  // namespace culprit::job
