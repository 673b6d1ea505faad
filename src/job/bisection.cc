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
#include "job/run_classifier.h"
#include "report/render.h"

namespace culprit::job {
namespace {

using decide::CommitIndex;

// A test batch that yields nothing but infrastructure errors this many times in a row means
// the machine, not the commit, is broken: stop rather than loop.
constexpr int kMaxInfraBatches = 3;
// A guard against a strategy that never concludes; far above any real bisection.
constexpr int kMaxActions = 20000;

std::string ReadBounded(const std::filesystem::path& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  std::string data;
  if (!in) return data;
  data.resize(limit);
  in.read(data.data(), static_cast<std::streamsize>(limit));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

struct CommitState {
  bool built = false;
  store::BuildRow build;
  std::vector<store::RunRow> runs;  // fed to the engine, in order
};

class Bisection {
 public:
  Bisection(const JobConfig& config, int64_t job_id, Parts parts)
      : config_(config), job_id_(job_id), parts_(parts) {}

  Result<report::BisectionResult> Run();

 private:
  Result<void> LoadGraph();
  Result<void> CheckOrder();
  struct Built {
    store::BuildRow row;
    bool cached = false;
  };
  Result<Built> BuildCommit(const std::string& id);
  Result<void> DoBuild(CommitIndex c, bool release_search);
  Result<void> DoTest(CommitIndex c, int runs);
  Result<void> Feed(CommitIndex c, std::vector<store::RunRow> rows, bool print);
  void PrintVerdict(CommitIndex c);
  /// Prints the verdict of the commit shown last, once the engine moves on from it.
  void FlushVerdict();
  Result<report::BisectionResult> Finish(const decide::Conclusion& conclusion);
  std::string TestKey() const;
  const std::string& Id(CommitIndex c) const { return dag_.node(c).id; }

  const JobConfig& config_;
  int64_t job_id_;
  Parts parts_;
  std::string bad_id_;
  std::vector<std::string> good_ids_;
  decide::CommitDag dag_;
  std::unique_ptr<decide::Engine> engine_;
  std::map<CommitIndex, CommitState> commits_;
  TargetCrash target_;
  bool target_known_ = false;
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
                                              ShortHash(bad_id_) + " (swap them, or use --mode fix)");
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

  decide::Problem problem{.mode = config_.mode};
  auto bad_index = dag_.IndexOf(bad_id_);
  if (!bad_index) return Fail(ErrorKind::kInternal, "bad commit missing from its own graph");
  problem.bad = *bad_index;
  for (const std::string& good : good_ids_) {
    auto gi = dag_.IndexOf(good);
    if (gi) problem.good.push_back(*gi);
  }
  decide::EngineOptions options{.strategy = config_.strategy,
                                .runs_per_test = config_.runs,
                                .confidence_target = config_.confidence,
                                .max_builds = config_.max_builds,
                                .max_runs = config_.max_runs,
                                .build_cost = config_.build_cost,
                                .seed = config_.seed};
  auto engine = decide::MakeEngine(dag_, problem, options);
  if (!engine) return tl::unexpected(engine.error());
  engine_ = std::move(*engine);
  return {};
}

std::string Bisection::TestKey() const {
  std::ostringstream recipe;
  recipe << "test\n" << config_.test_command << "\ntimeout=" << config_.timeout_s
         << "\nmemory=" << config_.max_memory_bytes << "\noutput=" << config_.max_output_bytes;
  return build::BuildKey("test", recipe.str());
}

Result<Bisection::Built> Bisection::BuildCommit(const std::string& id) {
  auto info = parts_.repo.Commit(id);
  if (!info) return tl::unexpected(info.error());
  std::string key = build::BuildKey(info->tree_id, config_.build_command);
  auto cached = parts_.store.FindBuild(key);
  if (!cached) return tl::unexpected(cached.error());
  if (*cached && (!(*cached)->ok || std::filesystem::exists((*cached)->out_dir))) {
    return Built{**cached, true};
  }
  if (auto ok = parts_.worktree.Checkout(id); !ok)
    return Wrap(ok.error(), "checking out " + ShortHash(id));
  std::filesystem::path dir = parts_.store.dir() / "builds" / key.substr(0, 24);
  std::filesystem::create_directories(dir);
  build::BuildSpec spec{
      .command = config_.build_command,
      .source_dir = parts_.worktree.path(),
      .out_dir = dir / "out",
      .log_path = dir / "build.log",
      .env = {{"CULPRIT_COMMIT", id}},
      .timeout = std::chrono::seconds(static_cast<int64_t>(config_.build_timeout_s)),
  };
  parts_.log.Status("building " + ShortHash(id) + " ...");
  auto built = parts_.builder.Build(spec);
  if (!built) return Wrap(built.error(), "building " + ShortHash(id));
  store::BuildRow row{.key = key,
                      .tree_id = info->tree_id,
                      .commit = id,
                      .ok = built->ok,
                      .exit_code = built->exit_code,
                      .signature = built->signature,
                      .out_dir = spec.out_dir.string(),
                      .log_path = spec.log_path.string(),
                      .duration_s = built->duration.count()};
  if (auto ok = parts_.store.PutBuild(row); !ok) return tl::unexpected(ok.error());
  return Built{row, false};
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
  auto built = BuildCommit(node.id);
  if (!built) return tl::unexpected(built.error());
  const store::BuildRow* row = &built->row;
  bool cached = built->cached;
  CommitState& state = commits_[c];
  state.built = true;
  state.build = *row;
  parts_.log.BuildResult(row->ok, row->signature, row->log_path, cached);
  if (auto ok = parts_.store.PutDecision(job_id_, "build " + node.id + (row->ok ? " ok " + row->signature : " failed")); !ok)
    return ok;
  engine_->RecordBuild(c, {.ok = row->ok, .signature = row->signature});
  verdict_pending_ = true;
  if (!row->ok) return {};
  auto stored = parts_.store.FindRuns(row->key, TestKey());
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
  const std::string key = state.build.key;
  const std::string test_key = TestKey();
  auto existing = parts_.store.FindRuns(key, test_key);
  if (!existing) return tl::unexpected(existing.error());
  int first = existing->empty() ? 0 : existing->back().index + 1;
  std::filesystem::path dir =
      parts_.store.dir() / "runs" / (key.substr(0, 16) + "-" + test_key.substr(0, 8));
  std::filesystem::create_directories(dir);

  std::vector<store::RunRow> rows(static_cast<size_t>(runs));
  std::vector<Error> errors;
  std::mutex mu;
  std::atomic<int> next{0}, done{0}, workers_done{0};
  // One target crash settles a commit for the bayes and git strategies (a crash is never seen
  // on a commit without the bug), so the batch stops there; syzbot's rule needs the counts.
  const bool stop_at_crash = target_known_ && config_.strategy != decide::StrategyKind::kSyzbot;
  std::atomic<bool> stop{false};
  auto worker = [&] {
    for (int n = next++; n < runs && !stop; n = next++) {
      int index = first + n;
      run::RunSpec spec{
          .command = config_.test_command,
          .work_dir = dir / ("work-" + std::to_string(index)),
          .log_path = dir / ("run-" + std::to_string(index) + ".log"),
          .env = {{"CULPRIT_COMMIT", Id(c)},
                  {"CULPRIT_OUT", state.build.out_dir},
                  {"CULPRIT_RUN", std::to_string(index)}},
          .timeout = std::chrono::duration<double>(config_.timeout_s),
          .max_output_bytes = config_.max_output_bytes,
          .max_memory_bytes = config_.max_memory_bytes,
      };
      store::RunRow& row = rows[static_cast<size_t>(n)];
      row = {.build_key = key, .test_key = test_key, .index = index,
             .log_path = spec.log_path.string(), .job_id = job_id_};
      auto record = parts_.runner.Run(spec);
      if (!record) {
        row.status = store::RunStatus::kInfra;
        row.title = record.error().message;
      } else {
        ClassifiedRun cls = ClassifyRun(*record, ReadBounded(spec.log_path, config_.max_output_bytes));
        row.status = cls.status;
        row.title = cls.title;
        row.alt_titles = cls.alt_titles;
        row.exit_code = record->exit_code;
        row.signal = record->signal;
        row.duration_s = record->duration.count();
      }
      if (stop_at_crash && ToOutcome(row, target_) == Outcome::kTargetCrash) stop = true;
      std::error_code ec;
      std::filesystem::remove_all(spec.work_dir, ec);
      auto stored = parts_.store.PutRun(row);
      std::lock_guard lock(mu);
      if (!stored) errors.push_back(stored.error());
      done++;
    }
    workers_done++;
  };
  int threads = std::min(config_.jobs, runs);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; t++) pool.emplace_back(worker);
  while (workers_done < threads) {
    decide::Progress p = engine_->progress();
    parts_.log.Status("step " + std::to_string(steps_) + (p.release_search ? " (release search)" : "") +
                      " | " + std::to_string(p.candidates_left) + " candidates left | testing " +
                      ShortHash(Id(c)) + " run " + std::to_string(done.load()) + "/" +
                      std::to_string(runs));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  for (auto& t : pool) t.join();
  if (!errors.empty()) return Wrap(errors.front(), "storing a run");
  // Runs never started after an early stop leave empty rows behind.
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [](const store::RunRow& r) { return r.build_key.empty(); }),
             rows.end());
  bool all_infra = std::all_of(rows.begin(), rows.end(), [](const store::RunRow& r) {
    return r.status == store::RunStatus::kInfra;
  });
  infra_batches_ = all_infra ? infra_batches_ + 1 : 0;
  if (infra_batches_ >= kMaxInfraBatches)
    return Fail(ErrorKind::kInfra, "every run failed to start " + std::to_string(infra_batches_) +
                                       " times in a row (last: " + rows.front().title +
                                       "); check the test command and the machine");
  return Feed(c, std::move(rows), /*print=*/true);
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
  return {};
}

void Bisection::FlushVerdict() {
  if (!verdict_pending_ || shown_ == decide::kNoCommit) return;
  verdict_pending_ = false;
  if (Id(shown_) != bad_id_) PrintVerdict(shown_);
}

void Bisection::PrintVerdict(CommitIndex c) {
  const CommitState& state = commits_[c];
  int target = 0, usable = 0;
  for (const auto& r : state.runs) {
    Outcome o = ToOutcome(r, target_);
    target += o == Outcome::kTargetCrash;
    usable += o == Outcome::kTargetCrash || o == Outcome::kOk || o == Outcome::kOtherCrash;
  }
  bool fix = config_.mode == decide::Mode::kFix;
  std::string verdict;
  if (!state.build.ok || usable == 0)
    verdict = "skip";
  else if (target > 0)
    verdict = fix ? "old" : "bad";
  else
    verdict = fix ? "new" : "good";
  // Like the seed log, the good-start search prints no verdicts; "# git bisect start" follows it.
  if (!announced_bisect_) {
    if (verdict == "good") last_good_release_ = Id(c);
    return;
  }
  parts_.log.Verdict(verdict, Id(c));
}

Result<report::BisectionResult> Bisection::Finish(const decide::Conclusion& k) {
  report::BisectionResult r;
  r.mode = config_.mode == decide::Mode::kFix ? "fix" : "cause";
  r.strategy = StrategyName(config_.strategy);
  r.title = target_.title;
  r.confidence = k.confidence;
  r.stop_reason = k.stop_reason;
  r.noop = k.flags.noop;
  r.merge = k.flags.merge;
  r.release = k.flags.release;
  switch (k.kind) {
    case decide::ConclusionKind::kFound: r.outcome = "found"; break;
    case decide::ConclusionKind::kInconclusive: r.outcome = "inconclusive"; break;
    case decide::ConclusionKind::kHorizon: r.outcome = "horizon"; break;
    case decide::ConclusionKind::kError: r.outcome = "error"; break;
  }
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
        auto parent = BuildCommit(info->parents.front());
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
      break;
    }
    if (!r.crash_report.empty()) break;
  }
  return r;
}

Result<report::BisectionResult> Bisection::Run() {
  if (auto ok = LoadGraph(); !ok) return tl::unexpected(ok.error());
  parts_.log.Start(config_.mode == decide::Mode::kFix, bad_id_);
  for (int step = 0; step < kMaxActions; step++) {
    decide::Decision d = engine_->Next();
    if (auto* k = std::get_if<decide::Conclusion>(&d)) {
      if (auto ok = parts_.store.PutDecision(job_id_, "conclude " + std::to_string(static_cast<int>(k->kind))); !ok)
        return tl::unexpected(ok.error());
      parts_.log.ClearStatus();
      FlushVerdict();
      return Finish(*k);
    }
    const decide::Action& a = std::get<decide::Action>(d);
    steps_ = step + 1;
    if (auto ok = parts_.store.PutDecision(
            job_id_, (a.kind == decide::Action::Kind::kBuild ? "build " : "test ") + Id(a.commit) +
                         (a.kind == decide::Action::Kind::kTest ? " x" + std::to_string(a.runs) : ""));
        !ok)
      return tl::unexpected(ok.error());
    Result<void> done = a.kind == decide::Action::Kind::kBuild ? DoBuild(a.commit, a.release_search)
                                                              : DoTest(a.commit, std::max(1, a.runs));
    if (!done) return tl::unexpected(done.error());
  }
  return Fail(ErrorKind::kInternal, "the strategy did not conclude after " +
                                        std::to_string(kMaxActions) + " actions");
}

}  // namespace

Result<report::BisectionResult> RunBisection(const JobConfig& config, int64_t job_id, Parts parts) {
  Bisection bisection(config, job_id, parts);
  return bisection.Run();
}

}  // namespace culprit::job
