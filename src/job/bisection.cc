// The job loop. Each step asks the engine for a plan with the slots that are free, starts it
// through the dispatcher, and records one finished (and stored) result; the log and the result
// are written from what the engine says. No part of it knows what kind of target it bisects.
#include "job/bisection.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <thread>

#include "base/strings.h"
#include "crash/report.h"
#include "decide/engine.h"
#include "decide/names.h"
#include "decide/verification.h"
#include "job/build_inputs.h"
#include "job/infra_policy.h"
#include "job/marks.h"
#include "job/run_classifier.h"
#include "job/verification.h"
#include "report/render.h"

namespace culprit::job {
namespace {

using decide::CommitIndex;
using decide::CommitVerdict;
using Clock = std::chrono::steady_clock;

// How often the progress line is refreshed while work is in flight.
constexpr std::chrono::milliseconds kTick{200};
// A guard against a strategy that never concludes; far above any real bisection.
constexpr int kMaxResults = 200000;

struct CommitState {
  std::optional<store::BuildRow> build;
  bool cached = false;
  /// Not built: given its first parent's program (its changes touch no input of the build).
  bool avoided = false;
  std::vector<store::RunRow> runs;                    ///< recorded into the engine, in order
  std::vector<store::RunRow> unprinted;               ///< finished, not yet in the log
  CommitVerdict printed = CommitVerdict::kUndecided;  ///< the verdict the log shows
};

// "300 s", "1.5 s".
std::string FormatSeconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", s);
  return text;
}

// A path in a crash report as a repository path: culprit's private checkout, where the build
// ran, is not where the user's file is.
std::string RepositoryPath(const std::string& path, const std::string& source_dir) {
  if (source_dir.empty()) return path;
  std::string prefix = source_dir;
  if (prefix.back() != '/') prefix += '/';
  return path.starts_with(prefix) ? path.substr(prefix.size()) : path;
}

class Bisection {
 public:
  Bisection(const JobConfig& config, int64_t job_id, Parts parts)
      : config_(config),
        job_id_(job_id),
        parts_(parts),
        dispatch_(config, job_id, parts),
        infra_(config.infra_attempts, config.infra_patience_s) {}

  Result<report::BisectionResult> Run();

 private:
  /// Adds the wall time since the last call to the job's active time in the store (at most
  /// every few seconds unless `now`), so that a killed job loses little of it.
  Result<void> SaveTime(bool now);
  Result<void> LoadGraph();
  Result<void> CheckOrder();
  Result<void> MakeEngine();
  /// The build's inputs (stored, or read from what the build left) joined to what is known;
  /// the engine is rebuilt when the commits that cannot change the program change.
  Result<void> LearnInputs(const store::BuildRow& row, bool cached);
  Result<void> RecomputeAvoidable();
  /// A commit given its parent's program built another one: some input of the build is not
  /// known. Nothing is avoided from now on, and what was avoided is forgotten.
  Result<void> StopAvoiding(CommitIndex contradicted);
  /// Records `c` as its first parent's program, without a build (Plan::avoided).
  Result<void> RecordAvoided(CommitIndex c);
  /// One plan and what it starts, then at most one result recorded. Sets *done on conclusion.
  Result<void> Step(std::optional<decide::Conclusion>* done);
  Result<bool> Start(const decide::Plan& plan);
  Result<void> OnFinished(const job::Finished& f);
  Result<void> RecordBuild(CommitIndex c, const store::BuildRow& row, bool cached);
  Result<void> RecordRun(CommitIndex c, store::RunRow row, bool replayed);
  /// Records the bad commit's held runs once its batch is in, with the target picked from them.
  Result<void> RecordHeldRuns();
  Result<void> AfterRecord(CommitIndex c);
  /// Once the target crash is seen on the bad commit: commits that touched a file of its stack
  /// get prior weight, and the engine is rebuilt on the evidence so far.
  Result<void> AddStackPrior();
  void Header(CommitIndex c, bool release_search);
  bool IsProbedRelease(CommitIndex c) const;
  std::string ReleaseName(CommitIndex c) const;
  void ShowCommit(CommitIndex c);
  void FlushRuns(CommitIndex c);
  void PrintVerdicts();
  std::string SameProgramRun(CommitIndex c) const;
  std::string VerdictDetail(CommitIndex c);
  void Status();
  Result<void> Drain();
  Result<report::BisectionResult> Finish(const decide::Conclusion& k);
  /// Revert verification of a found culprit (job/verification.h), into `r`.
  Result<void> Verify(const decide::Conclusion& k, report::BisectionResult& r);
  void ShowMarks();
  bool Interrupted(std::string_view point) const {
    return parts_.interrupted && parts_.interrupted(point);
  }
  const std::string& Id(CommitIndex c) const { return dag_.node(c).id; }
  int Runs() const { return std::max(1, EffectiveJobs(config_)); }
  // A predicate that counts every failure (exit status, no --expect) cannot tell a flaky
  // unrelated failure from the target.
  double AccidentPrior() const {
    return config_.verdict == Predicate::kExit && config_.expect.empty()
               ? decide::EngineOptions::kAccidentsCounted
               : decide::EngineOptions::kAccidentsToldApart;
  }

  const JobConfig& config_;
  int64_t job_id_;
  Clock::time_point time_saved_ = Clock::now();
  Parts parts_;
  Dispatcher dispatch_;
  InfraPolicy infra_;
  std::string bad_id_;
  std::vector<std::string> good_ids_;
  std::vector<std::string> cross_tree_bases_;  // fix mode across trees: where they meet
  decide::CommitDag dag_;
  decide::Problem problem_;
  std::unique_ptr<decide::Engine> engine_;
  std::map<CommitIndex, CommitState> commits_;
  std::vector<CommitIndex> tested_order_;  // in the order first built
  std::vector<store::RunRow> held_;        // the bad commit's runs before the target is known
  std::vector<double> commit_prior_;       // from the crash's stack, once known
  std::vector<std::string> inputs_;        // what the builds read (or --paths)
  std::vector<uint8_t> avoidable_;         // per commit: changes none of inputs_
  std::map<CommitIndex, std::vector<std::string>> changed_;  // paths each commit changes
  int builds_avoided_ = 0;
  bool avoiding_off_ = false;
  TargetCrash target_;
  bool target_known_ = false;
  bool prior_tried_ = false;
  ResolvedMarks marks_;  // --mark and --skip, in the engine's Problem::marks
  bool announced_bisect_ = false;
  CommitIndex shown_ = decide::kNoCommit;  // the commit whose "testing commit" line is last
  int results_ = 0;
  int rounds_ = 0;
  bool warned_network_ = false;
  int plans_ = 0;
};

Result<void> Bisection::CheckOrder() {
  history::Repository& repo = parts_.repo;
  bool fix = config_.mode == decide::Mode::kFix;
  for (const std::string& good : good_ids_) {
    if (good == bad_id_)
      return Fail(ErrorKind::kBadInput, "--good " + ShortHash(good) + " is the bad commit itself");
    auto newer = repo.IsAncestor(bad_id_, good);
    if (!newer) return tl::unexpected(newer.error());
    if (!fix && *newer)
      return Fail(ErrorKind::kBadInput, "--good " + ShortHash(good) + " is newer than --bad " +
                                            ShortHash(bad_id_) + " (swap them, or use --mode fix)");
    if (fix && !*newer) {
      // Across trees (a stable tree's bad commit, mainline's good end): searched from where
      // they meet, which must crash.
      auto bases = repo.MergeBases(bad_id_, good);
      if (!bases) return tl::unexpected(bases.error());
      if (bases->empty() || good != good_ids_[0])
        return Fail(ErrorKind::kBadInput,
                    "--good " + ShortHash(good) + " does not contain --bad " + ShortHash(bad_id_) +
                        " (in fix mode --good is a newer commit where the crash is gone)");
      cross_tree_bases_ = *bases;
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
  const bool fix = config_.mode == decide::Mode::kFix;
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
  if (fix && !cross_tree_bases_.empty()) {
    graph = repo.Graph({good_ids_[0], bad_id_}, cross_tree_bases_, config_.max_commits);
  } else if (fix) {
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

  problem_ = {.mode = config_.mode, .cross_tree = !cross_tree_bases_.empty()};
  auto bad_index = dag_.IndexOf(bad_id_);
  if (!bad_index) return Fail(ErrorKind::kInternal, "bad commit missing from its own graph");
  problem_.bad = *bad_index;
  for (const std::string& good : good_ids_) {
    if (auto gi = dag_.IndexOf(good)) problem_.good.push_back(*gi);
  }
  auto marks = ResolveMarks(config_, repo, dag_, problem_);
  if (!marks) return tl::unexpected(marks.error());
  marks_ = std::move(*marks);
  problem_.marks = marks_.marks;
  if (!config_.paths.empty()) {  // git bisect -- PATHS: the user says what can matter
    inputs_ = config_.paths;
    return RecomputeAvoidable();
  }
  return MakeEngine();
}

Result<void> Bisection::MakeEngine() {
  decide::EngineOptions options{.strategy = config_.strategy,
                                .runs_per_test = config_.runs,
                                .confidence_target = config_.confidence,
                                .max_builds = config_.max_builds,
                                .max_runs = config_.max_runs,
                                .build_cost = config_.build_cost,
                                .batch_runs = Runs(),
                                .accident_prior = AccidentPrior(),
                                .commit_prior = commit_prior_,
                                .avoidable = avoidable_,
                                .seed = config_.seed};
  auto engine = decide::MakeEngine(dag_, problem_, options);
  if (!engine) return tl::unexpected(engine.error());
  engine_ = std::move(*engine);
  // The engine's state is a function of its evidence: replay what is known.
  for (const auto& [c, state] : commits_) {
    if (!state.build) continue;
    engine_->RecordBuild(
        c, {.ok = state.build->ok, .signature = state.build->signature, .avoided = state.avoided});
    for (const store::RunRow& run : state.runs) engine_->RecordRun(c, ToOutcome(run, target_));
  }
  return {};
}

Result<void> Bisection::LearnInputs(const store::BuildRow& row, bool cached) {
  // The user's pathspec decides, or avoidance is off after a contradiction.
  if (!config_.paths.empty() || !row.ok || avoiding_off_) return {};
  auto stored = parts_.store.FindBuildInputs(row.key);
  if (!stored) return tl::unexpected(stored.error());
  std::optional<std::vector<std::string>> inputs = *stored;
  if (!inputs && !cached) {
    inputs = parts_.target.BuildInputs(row);
    if (inputs) {
      if (auto ok = parts_.store.PutBuildInputs(row.key, *inputs); !ok) return ok;
    }
  }
  if (!inputs) return {};
  const size_t before = inputs_.size();
  inputs_.insert(inputs_.end(), inputs->begin(), inputs->end());
  std::sort(inputs_.begin(), inputs_.end());
  inputs_.erase(std::unique(inputs_.begin(), inputs_.end()), inputs_.end());
  if (inputs_.size() == before) return {};
  return RecomputeAvoidable();
}

Result<void> Bisection::RecomputeAvoidable() {
  InputSet inputs(inputs_);
  std::vector<uint8_t> avoidable(static_cast<size_t>(dag_.size()), 0);
  for (CommitIndex c = 0; c < dag_.size(); ++c) {
    if (c == problem_.bad || dag_.parents(c).empty()) continue;
    auto it = changed_.find(c);
    if (it == changed_.end()) {
      auto paths = parts_.repo.ChangedPaths(Id(c));
      if (!paths) {  // avoidance only saves builds: go on without it
        parts_.log.Note("no build avoidance: " + paths.error().message);
        return {};
      }
      it = changed_.emplace(c, std::move(*paths)).first;
    }
    avoidable[static_cast<size_t>(c)] = inputs.Touches(it->second) ? 0 : 1;
  }
  if (avoidable == avoidable_) return {};
  const bool first = avoidable_.empty();
  avoidable_ = std::move(avoidable);
  if (first) {
    const auto n = std::count(avoidable_.begin(), avoidable_.end(), 1);
    parts_.log.Note(std::to_string(n) + " of " + std::to_string(dag_.size()) +
                    " commits change no input of the build " +
                    (config_.paths.empty() ? std::string("(their builds can be avoided)")
                                           : std::string("(outside --paths)")));
  }
  return MakeEngine();
}

Result<void> Bisection::StopAvoiding(CommitIndex contradicted) {
  const auto& parents = dag_.parents(contradicted);
  parts_.log.Note("contradiction: " + Id(contradicted) + " builds another program than " +
                  (parents.empty() ? std::string("its parent") : Id(parents[0])) +
                  " although it changes none of the build's known inputs (the build reads a file "
                  "its dependency files do not show): no build is avoided from now on" +
                  (config_.paths.empty() ? "" : " (check --paths)"));
  avoiding_off_ = true;
  avoidable_.clear();
  for (auto& [c, state] : commits_) {
    if (!state.avoided) continue;
    state = CommitState{};
    std::erase(tested_order_, c);
  }
  builds_avoided_ = 0;
  return MakeEngine();
}

Result<void> Bisection::RecordAvoided(CommitIndex c) {
  CommitState& state = commits_[c];
  if (state.build) return {};
  const auto& parents = dag_.parents(c);
  const CommitIndex p = parents.empty() ? decide::kNoCommit : parents[0];
  if (p == decide::kNoCommit || !commits_[p].build || !commits_[p].build->ok) {
    return Fail(ErrorKind::kInternal,
                "the engine avoided " + ShortHash(Id(c)) + " before its parent was built");
  }
  auto info = parts_.repo.Commit(Id(c));
  if (!info) return tl::unexpected(info.error());
  const store::BuildRow& parent = *commits_[p].build;
  // Its runs are stored under a key of its own: runs of the parent's build are the parent's.
  store::BuildRow row{
      .key = build::BuildKey(info->tree_id, "avoided\n" + parts_.target.BuildRecipe()),
      .tree_id = info->tree_id,
      .commit = Id(c),
      .ok = true,
      .exit_code = 0,
      .signature = parent.signature,
      .compiler = parent.compiler,
      .out_dir = parent.out_dir,
      .source_dir = parent.source_dir};
  tested_order_.push_back(c);
  state.build = row;
  state.avoided = true;
  ++builds_avoided_;
  parts_.log.Note("build avoided: " + Id(c) + " changes no input of the build (same program as " +
                  Id(p) + ")");
  if (auto ok = parts_.store.PutDecision(job_id_, "avoid " + Id(c) + " as " + Id(p)); !ok)
    return ok;
  engine_->RecordBuild(c, {.ok = true, .signature = row.signature, .avoided = true});
  auto stored = parts_.store.FindRuns(row.key, dispatch_.test_key());
  if (!stored) return tl::unexpected(stored.error());
  for (store::RunRow& run : *stored) {
    if (auto ok = RecordRun(c, std::move(run), /*replayed=*/true); !ok) return ok;
  }
  return AfterRecord(c);
}

Result<void> Bisection::AddStackPrior() {
  const CommitState& state = commits_[problem_.bad];
  auto run = std::find_if(state.runs.begin(), state.runs.end(), [&](const store::RunRow& r) {
    return ToOutcome(r, target_) == Outcome::kTargetCrash;
  });
  if (run == state.runs.end() || !state.build) return {};  // --title named a crash not seen yet
  prior_tried_ = true;
  crash::Report report = crash::Parse(ReadBounded(run->log_path, config_.max_output_bytes));
  // Stack paths may be absolute or relative to a build directory: keep the longest tail of
  // each that names a file of the bad commit's tree. A bare file name counts only when exactly
  // that path exists (projects whose sources sit at the repository's root).
  std::vector<std::string> paths;
  for (const std::string& file :
       crash::StackFiles(parts_.target.Symbolize(*state.build, report.report))) {
    for (size_t from = 0; from != std::string::npos;) {
      std::string tail = file.substr(from);
      if (!tail.empty() && parts_.repo.ReadFile(bad_id_, tail)) {
        if (std::find(paths.begin(), paths.end(), tail) == paths.end()) paths.push_back(tail);
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
  commit_prior_ = std::move(prior);
  return MakeEngine();
}

void Bisection::ShowCommit(CommitIndex c) {
  if (shown_ == c) return;
  parts_.log.TestingCommit(Id(c));
  shown_ = c;
}

// A commit the release search tries: a release, or a root where the history has none.
bool Bisection::IsProbedRelease(CommitIndex c) const {
  return dag_.IsRelease(c) || dag_.parents(c).empty();
}

std::string Bisection::ReleaseName(CommitIndex c) const {
  const decide::CommitNode& node = dag_.node(c);
  return node.release.empty() ? ShortHash(node.id) : node.release;
}

// What the log says before a commit's first build: the seed's release walk, "# git bisect
// start" once the bisection proper begins, "Bisecting: N revisions left" for each new commit.
void Bisection::Header(CommitIndex c, bool release_search) {
  const decide::CommitNode& node = dag_.node(c);
  if (release_search) {
    // A release's program may be built from the commit it shares it with (the release changes
    // no input of the build): that commit is shown as itself, the release as it is avoided.
    if (IsProbedRelease(c)) parts_.log.TestingRelease(ReleaseName(c));
  } else if (c != problem_.bad) {
    if (!announced_bisect_) {
      announced_bisect_ = true;
      std::string start = "# git bisect start " + bad_id_;
      for (const auto& g : good_ids_) start += " " + g;
      const CommitIndex from = engine_->progress().search_from;
      if (good_ids_.empty() && from != decide::kNoCommit) start += " " + Id(from);
      parts_.log.Note(start);
    }
    if (std::find(cross_tree_bases_.begin(), cross_tree_bases_.end(), node.id) !=
        cross_tree_bases_.end()) {
      parts_.log.Note("where the trees meet, which must crash: " + node.id);
    } else {
      decide::Progress p = engine_->progress();
      parts_.log.Bisecting(std::max(0, p.candidates_left - 1), p.steps_left, node.id, node.title);
    }
  }
  shown_ = decide::kNoCommit;
  ShowCommit(c);
}

Result<void> Bisection::RecordBuild(CommitIndex c, const store::BuildRow& row, bool cached) {
  CommitState& state = commits_[c];
  if (!state.build) tested_order_.push_back(c);
  bool contradicted = false;
  if (state.avoided) {
    // Built after all (its runs looked unlike its parent's program, or it is the culprit or
    // the culprit's parent): the program it was given must be the one it builds.
    state.avoided = false;
    --builds_avoided_;
    contradicted = row.ok && row.signature != state.build->signature;
    if (contradicted) {
      // Its runs ran another program: they are not its evidence.
      state.runs.clear();
      state.unprinted.clear();
    }
  }
  state.build = row;
  state.cached = cached;
  ShowCommit(c);
  // Without a build every "build" is a tree id from the store: not news.
  parts_.log.BuildResult(row.ok, row.signature, row.log_path,
                         cached && parts_.target.BuildsCommits(), row.compiler,
                         std::string(parts_.target.SignatureLabel()));
  if (auto ok = parts_.store.PutDecision(
          job_id_, "build " + Id(c) + (row.ok ? " ok " + row.signature : " failed"));
      !ok)
    return ok;
  engine_->RecordBuild(c, {.ok = row.ok, .signature = row.signature});
  if (contradicted) {
    if (auto ok = StopAvoiding(c); !ok) return ok;
  }
  if (auto ok = LearnInputs(row, cached); !ok) return ok;
  if (row.ok) {
    auto stored = parts_.store.FindRuns(row.key, dispatch_.test_key());
    if (!stored) return tl::unexpected(stored.error());
    if (!stored->empty()) {
      parts_.log.Note("reusing " + std::to_string(stored->size()) + " stored runs");
      for (store::RunRow& run : *stored) {
        if (auto ok = RecordRun(c, std::move(run), /*replayed=*/true); !ok) return ok;
      }
      if (auto ok = RecordHeldRuns(); !ok) return ok;
    }
  }
  return AfterRecord(c);
}

Result<void> Bisection::RecordRun(CommitIndex c, store::RunRow row, bool replayed) {
  if (!replayed) {
    std::string tail;
    if (row.status == store::RunStatus::kInfra) {
      tail = LogTail(ReadBounded(row.log_path, 64 << 10), 3);
    }
    infra_.Record(row, tail);
  }
  if (!target_known_ && c == problem_.bad) {
    // The target is the crash seen most on the bad commit's first batch: hold its runs until
    // the batch is in (RecordHeldRuns), so that one early unrelated crash cannot be chosen.
    held_.push_back(std::move(row));
    return {};
  }
  commits_[c].runs.push_back(row);
  commits_[c].unprinted.push_back(row);
  engine_->RecordRun(c, ToOutcome(row, target_));
  return {};
}

Result<void> Bisection::RecordHeldRuns() {
  if (held_.empty() || target_known_) return {};
  const decide::InFlight busy = dispatch_.InFlight();
  if (busy.RunsOn(problem_.bad) > 0) return {};  // the batch is not in yet
  std::vector<store::RunRow> all = commits_[problem_.bad].runs;
  all.insert(all.end(), held_.begin(), held_.end());
  target_ = PickTarget(all, target_);
  if (!target_.title.empty()) {
    target_known_ = true;
    if (IsTimeoutTitle(target_.title)) {
      parts_.log.Note("warning: the crash to bisect is '" + target_.title +
                      "': the test ran past --timeout (" + FormatSeconds(config_.timeout_s) +
                      ") on the bad commit. If it only needs more time, stop (Ctrl-C) and "
                      "raise --timeout; a test that never ends looks the same at every commit");
    } else if (IsHangTitle(target_.title)) {
      parts_.log.Note("warning: the crash to bisect is a hang ('" + target_.title +
                      "'): a slow machine or a reproducer that needs more than --timeout (" +
                      FormatSeconds(config_.timeout_s) +
                      ") can look like one; if it shows on the good end too, suspect the test");
    }
    if (auto ok = parts_.store.SetTarget(job_id_, target_.title, target_.alt_titles); !ok)
      return ok;
  }
  std::vector<store::RunRow> held = std::move(held_);
  held_.clear();
  for (store::RunRow& row : held) {
    commits_[problem_.bad].runs.push_back(row);
    commits_[problem_.bad].unprinted.push_back(row);
    engine_->RecordRun(problem_.bad, ToOutcome(row, target_));
  }
  return {};
}

Result<void> Bisection::AfterRecord(CommitIndex c) {
  if (c == problem_.bad) {
    if (auto ok = RecordHeldRuns(); !ok) return ok;
    if (target_known_ && !prior_tried_ && config_.strategy == decide::StrategyKind::kBayes) {
      if (auto ok = AddStackPrior(); !ok) return ok;
    }
  }
  if (dispatch_.InFlight().RunsOn(c) == 0) FlushRuns(c);
  PrintVerdicts();
  return {};
}

void Bisection::FlushRuns(CommitIndex c) {
  CommitState& state = commits_[c];
  if (state.unprinted.empty()) return;
  std::sort(state.unprinted.begin(), state.unprinted.end(),
            [](const store::RunRow& a, const store::RunRow& b) { return a.index < b.index; });
  std::vector<std::string> lines;
  std::vector<int> indices;
  for (const store::RunRow& r : state.unprinted) {
    lines.push_back(Describe(r));
    indices.push_back(r.index);
  }
  state.unprinted.clear();
  ShowCommit(c);
  parts_.log.RunResults(lines, indices);
}

// The engine's verdict on every tested commit whose runs are all in the log, printed when it
// is first decided and again, as a changed mind, if it turns over. The good-start search
// prints none, as the seed log does; "# git bisect start" follows it.
void Bisection::PrintVerdicts() {
  const decide::InFlight busy = dispatch_.InFlight();
  for (CommitIndex c : tested_order_) {
    if (c == problem_.bad) continue;
    CommitState& state = commits_[c];
    if (!state.unprinted.empty() || busy.RunsOn(c) > 0 || busy.Building(c)) continue;
    // A commit given its parent's program, or built but never run (a speculative build the
    // walk did not need), has nothing of its own to show unless another commit with the same
    // program was run.
    if (state.printed == CommitVerdict::kUndecided && state.runs.empty() &&
        !(state.build && !state.build->ok) && SameProgramRun(c).empty())
      continue;
    const CommitVerdict v = engine_->VerdictOf(c);
    // A verdict that goes back to undecided is not news; one that turns over is.
    if (v == state.printed || v == CommitVerdict::kUndecided) continue;
    if (!announced_bisect_) {
      state.printed = v;
      continue;
    }
    const std::string word(decide::VerdictWord(v, config_.mode));
    const std::string detail = VerdictDetail(c);
    if (state.printed == CommitVerdict::kUndecided) {
      parts_.log.Verdict(word, Id(c), detail);
    } else {
      parts_.log.Note("# culprit changed its verdict on " + Id(c) + ": " + word + " (was " +
                      std::string(decide::VerdictWord(state.printed, config_.mode)) + "; " +
                      detail + ")");
    }
    state.printed = v;
  }
}

// Another commit built into the same program whose runs were made, or "".
std::string Bisection::SameProgramRun(CommitIndex c) const {
  auto it = commits_.find(c);
  if (it == commits_.end() || !it->second.build || !it->second.build->ok) return "";
  const std::string& signature = it->second.build->signature;
  for (const auto& [other, state] : commits_) {
    if (other != c && !state.runs.empty() && state.build && state.build->ok &&
        state.build->signature == signature)
      return Id(other);
  }
  return "";
}

// What a verdict rests on: "2 of 10 runs crashed", "build failed", "10 runs untestable".
std::string Bisection::VerdictDetail(CommitIndex c) {
  const CommitState& state = commits_[c];
  if (state.build && !state.build->ok) return "build failed";
  int target = 0, usable = 0, untestable = 0;
  for (const store::RunRow& r : state.runs) {
    const Outcome o = ToOutcome(r, target_);
    target += o == Outcome::kTargetCrash;
    usable += o == Outcome::kTargetCrash || o == Outcome::kOk || o == Outcome::kOtherCrash;
    untestable += o == Outcome::kUntestable;
  }
  if (state.runs.empty()) {
    if (std::string twin = SameProgramRun(c); !twin.empty()) return "same program as " + twin;
    return "no runs of its own: judged from the commits around it";
  }
  std::string text = std::to_string(target) + " of " + std::to_string(usable) + " runs crashed";
  if (untestable > 0) text += ", " + std::to_string(untestable) + " untestable";
  if (state.avoided) text += "; not built: its parent's program";
  return text;
}

void Bisection::Status() {
  decide::Progress p = engine_->progress();
  const decide::InFlight busy = dispatch_.InFlight();
  std::string text = "step " + std::to_string(plans_);
  if (p.release_search) text += " (release search)";
  text += " | " + std::to_string(p.candidates_left) + " candidates left";
  if (p.confidence > 0) {
    char top[32];
    std::snprintf(top, sizeof top, " | top %.1f%%", 100 * p.confidence);
    text += top;
  }
  for (CommitIndex c : busy.builds) text += " | building " + ShortHash(Id(c));
  for (const decide::InFlight::Runs& r : busy.runs) {
    text += " | " + ShortHash(Id(r.commit)) + " " + std::to_string(r.runs) + " run" +
            (r.runs == 1 ? "" : "s");
  }
  parts_.log.Status(text);
}

Result<bool> Bisection::Start(const decide::Plan& plan) {
  for (CommitIndex c : plan.cancel) dispatch_.CancelBuild(c);
  bool recorded = false;
  for (CommitIndex c : plan.avoided) {
    if (plan.release_search && IsProbedRelease(c)) parts_.log.TestingRelease(ReleaseName(c));
    if (auto ok = RecordAvoided(c); !ok) return tl::unexpected(ok.error());
    recorded = true;
  }
  for (CommitIndex c : plan.builds) {
    // A plan never asks twice for a build, but may ask for one of an avoided commit.
    if (commits_[c].build && !commits_[c].avoided) continue;
    auto cached = dispatch_.CachedBuild(Id(c));
    if (!cached) return tl::unexpected(cached.error());
    if (!commits_[c].avoided) Header(c, plan.release_search);
    auto source = dispatch_.SourceOf(Id(c));  // fix-ups applied to it, for the log
    if (!source) return tl::unexpected(source.error());
    for (const std::string& note : (*source)->notes) parts_.log.Note(note);
    if (*cached) {
      if (auto ok = RecordBuild(c, **cached, /*cached=*/true); !ok)
        return tl::unexpected(ok.error());
      recorded = true;
      continue;
    }
    parts_.log.Status("building " + ShortHash(Id(c)) + " ...");
    if (auto ok = dispatch_.StartBuild(c, Id(c)); !ok) return tl::unexpected(ok.error());
  }
  if (recorded) return true;  // the evidence changed: plan again before running anything
  for (const decide::Plan::Runs& r : plan.runs) {
    const CommitState& state = commits_[r.commit];
    if (!state.build || !state.build->ok) {
      return Fail(ErrorKind::kInternal, "the engine asked for runs on " + ShortHash(Id(r.commit)) +
                                            ", which is not built");
    }
    if (auto ok = dispatch_.StartRuns(r.commit, Id(r.commit), *state.build, r.runs); !ok)
      return tl::unexpected(ok.error());
  }
  return false;
}

Result<void> Bisection::OnFinished(const job::Finished& f) {
  if (f.cancelled) return {};
  if (++results_ > kMaxResults) {
    return Fail(ErrorKind::kInternal, "the strategy did not conclude after " +
                                          std::to_string(kMaxResults) + " builds and runs");
  }
  // Stored, not yet used: stopping here loses nothing.
  if (Interrupted("stored")) return Fail(ErrorKind::kInterrupted, "interrupted");
  if (f.kind == Finished::Kind::kBuild) return RecordBuild(f.commit, f.build, /*cached=*/false);
  if (!f.network_isolated && !warned_network_ && parts_.target.SandboxesRuns() &&
      config_.network != run::Network::kHost && f.run.status != store::RunStatus::kInfra) {
    warned_network_ = true;
    parts_.log.Note(
        "warning: this machine does not permit private network namespaces: runs use "
        "its network (--network " +
        std::string(run::NetworkName(config_.network)) + " cannot be honoured)");
  }
  if (auto ok = RecordRun(f.commit, f.run, /*replayed=*/false); !ok) return ok;
  return AfterRecord(f.commit);
}

Result<void> Bisection::SaveTime(bool now) {
  const Clock::time_point t = Clock::now();
  const double elapsed = std::chrono::duration<double>(t - time_saved_).count();
  if (!now && elapsed < 5) return {};
  time_saved_ = t;
  return parts_.store.AddJobTime(job_id_, elapsed);
}

Result<void> Bisection::Step(std::optional<decide::Conclusion>* done) {
  if (Interrupted("plan")) return Fail(ErrorKind::kInterrupted, "interrupted");
  if (auto ok = SaveTime(false); !ok) return ok;
  if (auto give_up = infra_.GiveUp()) return Fail(ErrorKind::kInfra, *give_up);
  decide::InFlight busy = dispatch_.InFlight();
  // Runs of the bad commit held back until the target is known count as in flight.
  if (!held_.empty()) {
    auto it = std::find_if(busy.runs.begin(), busy.runs.end(),
                           [&](const auto& r) { return r.commit == problem_.bad; });
    if (it == busy.runs.end()) {
      busy.runs.push_back({problem_.bad, static_cast<int>(held_.size())});
    } else {
      it->runs += static_cast<int>(held_.size());
    }
  }
  const bool holding = Clock::now() < infra_.hold_until();
  decide::Capacity free{.builds = dispatch_.free_build_slots(),
                        .runs = holding ? 0 : std::max(0, Runs() - dispatch_.runs_in_flight())};
  decide::Plan plan = engine_->PlanRound(busy, free);
  ++plans_;
  if (plan.conclusion) {
    for (CommitIndex c : plan.cancel) dispatch_.CancelBuild(c);
    if (dispatch_.runs_in_flight() == 0 && held_.empty()) {
      *done = plan.conclusion;
      return Drain();
    }
    // The runs in flight are evidence like any other: record them, then ask again.
    plan = {};
  }
  // A round worth a line: something built, avoided or cancelled, or a commit's test begun
  // (not the runs that keep a test's VMs busy).
  const bool news = !plan.builds.empty() || !plan.avoided.empty() || !plan.cancel.empty() ||
                    std::any_of(plan.runs.begin(), plan.runs.end(),
                                [&](const auto& r) { return busy.RunsOn(r.commit) == 0; });
  if ((Runs() > 1 || config_.builders > 1) && news && !plan.conclusion) {
    parts_.log.Note("round " + std::to_string(++rounds_) + ": " + plan.Describe(dag_));
  }
  auto recorded = Start(plan);
  if (!recorded) return tl::unexpected(recorded.error());
  if (*recorded) return {};
  if (dispatch_.pending() == 0) {
    if (holding) {  // backing off after infrastructure errors
      std::this_thread::sleep_for(
          std::min<Clock::duration>(infra_.hold_until() - Clock::now(), std::chrono::seconds(1)));
      return {};
    }
    return Fail(ErrorKind::kInternal, "the strategy neither concluded nor asked for work");
  }
  Status();
  auto finished = dispatch_.Wait(kTick);
  if (!finished) return tl::unexpected(finished.error());
  if (!*finished) return {};
  return OnFinished(**finished);
}

// The conclusion is in and no run is in flight: builds still in flight are not wanted.
Result<void> Bisection::Drain() {
  dispatch_.CancelAll();
  while (dispatch_.pending() > 0) {
    auto finished = dispatch_.Wait(kTick);
    if (!finished) return tl::unexpected(finished.error());
  }
  return {};
}

Result<report::BisectionResult> Bisection::Finish(const decide::Conclusion& k) {
  report::BisectionResult r;
  r.mode = config_.mode;
  r.strategy = std::string(decide::StrategyName(config_.strategy));
  r.title = target_.title;
  r.confidence = k.confidence;
  r.stop_reason = k.stop_reason;
  r.short_of_target = k.short_of_target;
  r.noop = k.flags.noop;
  r.merge = k.flags.merge;
  r.release = k.flags.release;
  r.outcome = k.kind;
  r.error = k.error;
  if (k.kind == decide::ConclusionKind::kHorizon && !k.short_of_target &&
      IsTimeoutTitle(target_.title)) {
    // The "crash" is culprit's own timeout and it is there at the oldest commit tried too:
    // the test is what fails, not the history. (A horizon only likelier than not says less:
    // it stays one, with its doubt.)
    r.outcome = decide::ConclusionKind::kError;
    r.error = "the test looks broken: it ends in '" + target_.title +
              "' on the bad commit and still on the oldest commit tried, " +
              ShortHash(Id(k.culprit)) + "; check the test command, or raise --timeout (now " +
              FormatSeconds(config_.timeout_s) + ") if it only needs more time";
  }
  r.verdict = std::string(PredicateName(config_.verdict));
  r.expect = config_.expect;
  for (size_t i = 0; i < marks_.shown.size(); ++i) {
    report::MarkInfo m = marks_.shown[i];
    m.verdict = engine_->VerdictOf(marks_.commits[i]);
    r.marks.push_back(std::move(m));
  }
  if (k.kind == decide::ConclusionKind::kError && r.error.empty()) r.error = "bisection failed";
  for (const auto& cand : k.candidates) {
    r.candidates.push_back({.commit = Id(cand.commit),
                            .title = dag_.node(cand.commit).title,
                            .probability = cand.probability,
                            .position = cand.commit});
  }
  r.range_size = dag_.size();
  r.cross_tree = !cross_tree_bases_.empty();
  if (r.cross_tree) r.merge_base = cross_tree_bases_[0];
  r.start_commit = bad_id_;
  r.start_title = dag_.node(problem_.bad).title;
  r.repo = parts_.repo.path().string();
  for (auto& [key, text] : Settings(config_)) r.settings.push_back({key, text});
  for (CommitIndex c : tested_order_) {
    const CommitState& state = commits_[c];
    report::TestedRevision t{.commit = Id(c),
                             .title = dag_.node(c).title,
                             .release = dag_.node(c).release,
                             .verdict = engine_->VerdictOf(c),
                             .built = state.build && state.build->ok,
                             .signature = state.build ? state.build->signature : "",
                             .build_log = state.build ? state.build->log_path : "",
                             .runs = static_cast<int>(state.runs.size()),
                             .build_s = state.build && !state.cached ? state.build->duration_s : 0};
    t.position = c;
    t.avoided = state.avoided;
    for (const store::RunRow& run : state.runs) {
      const bool target = ToOutcome(run, target_) == Outcome::kTargetCrash;
      t.target_crashes += target;
      t.test_s += run.duration_s;
      t.run_list.push_back({.index = run.index,
                            .result = Describe(run),
                            .target = target,
                            .log_path = run.log_path,
                            .duration_s = run.duration_s,
                            .truncated = run.truncated});
    }
    r.revisions_tested++;
    r.builds += state.build && !state.cached && !state.avoided ? 1 : 0;
    r.runs += t.runs;
    r.time.build_s += t.build_s;
    r.time.test_s += t.test_s;
    for (const decide::Mark& m : problem_.marks) {
      if (m.commit == c) t.mark = m.verdict;
    }
    r.tested.push_back(std::move(t));
  }
  // Wall time over every session of the job (builds and runs overlap, so it is not their sum).
  if (auto ok = SaveTime(true); !ok) return tl::unexpected(ok.error());
  auto job = parts_.store.Job(job_id_);
  if (!job) return tl::unexpected(job.error());
  r.time.total_s = *job ? (*job)->active_s : r.time.build_s + r.time.test_s;
  r.builds_avoided = builds_avoided_;
  const bool found = k.kind == decide::ConclusionKind::kFound;
  if (k.culprit != decide::kNoCommit && (found || k.kind == decide::ConclusionKind::kHorizon)) {
    r.commit = Id(k.culprit);
    r.release_tag = dag_.node(k.culprit).release;
    auto info = parts_.repo.Commit(r.commit);
    if (!info) return tl::unexpected(info.error());
    r.culprit = *info;
    if (found) {
      if (auto stat = parts_.repo.DiffStat(r.commit)) r.culprit_stat = *stat;
      const CommitState& culprit = commits_[k.culprit];
      if (culprit.build) r.culprit_signature = culprit.build->signature;
      const auto& parents = dag_.parents(k.culprit);
      if (!parents.empty() && commits_.contains(parents[0]) && commits_[parents[0]].build) {
        const store::BuildRow& p = *commits_[parents[0]].build;
        r.parent_signature = p.ok ? p.signature : "(build failed)";
      } else {
        r.parent_signature = "(not built)";
      }
      r.recipients_to = report::CommitRecipients(*info);
      // The patch itself, for the report page (bounded: a huge merge stays readable).
      if (auto diff = parts_.repo.Diff(r.commit, 256 << 10)) r.culprit_diff = *diff;
    }
  }
  // The target crash's report, from the first run that showed it, with what its build adds.
  for (CommitIndex c : tested_order_) {
    const CommitState& state = commits_[c];
    auto run = std::find_if(state.runs.begin(), state.runs.end(), [&](const store::RunRow& row) {
      return ToOutcome(row, target_) == Outcome::kTargetCrash;
    });
    if (run == state.runs.end() || !state.build) continue;
    crash::Report rep = crash::Parse(ReadBounded(run->log_path, config_.max_output_bytes));
    r.crash_report = rep.report;
    r.guilty_file = RepositoryPath(rep.guilty_file, state.build->source_dir);
    if (found) parts_.target.AddDetails(*run, *state.build, parts_.repo, r);
    break;
  }
  return r;
}

Result<report::BisectionResult> Bisection::Run() {
  if (auto ok = LoadGraph(); !ok) return tl::unexpected(ok.error());
  if (!config_.target_title.empty()) {
    // --title names the crash to bisect; any other crash on the bad commit is not evidence.
    target_ = {config_.target_title, {}};
    target_known_ = true;
  }
  // --verdict exit and --expect say which failures are the target (run_classifier.h).
  target_.verdict = config_.verdict;
  target_.expect = !config_.expect.empty();
  parts_.log.Start(config_.mode == decide::Mode::kFix, bad_id_);
  if (!cross_tree_bases_.empty()) {
    parts_.log.Note("cross-tree: " + ShortHash(bad_id_) + " is not in the history of " +
                    ShortHash(good_ids_[0]) + "; the fix is searched from where they meet, " +
                    Join(cross_tree_bases_, " ") + ", which must crash");
  }
  if (parts_.target.SandboxesRuns()) {
    parts_.log.Note(std::string("runs: network ") + std::string(run::NetworkName(config_.network)) +
                    (config_.network == run::Network::kLoopback
                         ? " (a private namespace: 127.0.0.1 works, nothing leaves the machine)"
                     : config_.network == run::Network::kNone
                         ? " (a private namespace without even loopback)"
                         : " (the machine's network)"));
  }
  ShowMarks();
  std::optional<decide::Conclusion> conclusion;
  while (!conclusion) {
    if (auto ok = Step(&conclusion); !ok) {
      dispatch_.CancelAll();
      (void)SaveTime(true);  // best effort: the job already fails with the first error
      parts_.log.ClearStatus();
      return tl::unexpected(ok.error());
    }
  }
  parts_.log.ClearStatus();
  for (CommitIndex c : tested_order_) FlushRuns(c);
  PrintVerdicts();
  if (auto ok = parts_.store.PutDecision(
          job_id_, "conclude " + std::string(decide::OutcomeName(conclusion->kind)));
      !ok)
    return tl::unexpected(ok.error());
  auto result = Finish(*conclusion);
  if (!result) return result;
  if (auto ok = Verify(*conclusion, *result); !ok) return tl::unexpected(ok.error());
  return result;
}

// The marks a human gave, as git bisect's log would have them, said to be theirs.
void Bisection::ShowMarks() {
  for (const report::MarkInfo& m : marks_.shown) {
    const std::string word(decide::VerdictWord(m.mark, config_.mode));
    if (m.range.empty()) {
      parts_.log.Note("# git bisect " + word + " " + m.commit + " (your mark)");
    } else {
      parts_.log.Note("# git bisect skip " + m.range + " (your mark: " + std::to_string(m.commits) +
                      (m.commits == 1 ? " commit)" : " commits)"));
    }
  }
}

Result<void> Bisection::Verify(const decide::Conclusion& k, report::BisectionResult& r) {
  if (!config_.verify || k.kind != decide::ConclusionKind::kFound || k.culprit == decide::kNoCommit)
    return {};
  VerificationInput in{.mode = config_.mode,
                       .bad_id = bad_id_,
                       .culprit_id = Id(k.culprit),
                       .merge = k.flags.merge,
                       .release = k.flags.release ? dag_.node(k.culprit).release : "",
                       .bad_runs = commits_[problem_.bad].runs,
                       .target = target_,
                       .confidence = k.confidence,
                       .accident_rate = k.accident_rate};
  auto v = VerifyCulprit(config_, job_id_, parts_, dispatch_, infra_, in);
  if (!v) return tl::unexpected(v.error());
  // The bisection's posterior, updated by the verification's Bayes factor (see
  // decide::CombineConfidence): confirmation raises it, refutation drops it below one half.
  r.confidence = decide::CombineConfidence(k.confidence, v->bayes_factor);
  r.verification = std::move(*v);
  return parts_.store.PutDecision(
      job_id_,
      "verification " + std::string(report::VerificationOutcomeName(r.verification->outcome)));
}

}  // namespace

Result<report::BisectionResult> RunBisection(const JobConfig& config, int64_t job_id, Parts parts) {
  if (parts.worktrees.empty()) return Fail(ErrorKind::kInternal, "no worktree to build in");
  Bisection bisection(config, job_id, parts);
  return bisection.Run();
}

}  // namespace culprit::job
