// The engine's common phases, the same for every strategy: check that the bad commit crashes,
// check the fix end (fix mode), test merge bases of good commits that are not ancestors of bad
// (as git does), search releases for a good start (cause mode without good), then let the
// strategy bisect. Every phase is re-derived from the evidence on each Next().
#include "decide/engine.h"

#include <algorithm>
#include <utility>

#include "decide/release_search.h"
#include "decide/strategy.h"

namespace culprit::decide {
namespace {

std::string Name(const CommitDag& dag, CommitIndex c) {
  const CommitNode& n = dag.node(c);
  if (!n.release.empty()) return n.release;
  return n.id.substr(0, 12);
}

std::optional<Action> AsAction(const Judgement& j, CommitIndex c) {
  if (j.kind == Judgement::Kind::kBuild) return Action{.kind = Action::Kind::kBuild, .commit = c};
  if (j.kind == Judgement::Kind::kRuns) {
    return Action{.kind = Action::Kind::kTest, .commit = c, .runs = j.runs};
  }
  return std::nullopt;
}

std::vector<uint8_t> MakeUniverse(const CommitDag& dag, const Problem& problem) {
  std::vector<uint8_t> u =
      MarkAncestors(dag, {problem.mode == Mode::kFix ? problem.good[0] : problem.bad});
  if (problem.mode == Mode::kFix) {
    std::vector<uint8_t> desc = MarkDescendants(dag, problem.bad);
    for (size_t c = 0; c < u.size(); ++c) u[c] = u[c] && desc[c];
  }
  return u;
}

Context MakeContext(const CommitDag& dag, const Problem& problem, const EngineOptions& options) {
  std::vector<uint8_t> universe = MakeUniverse(dag, problem);
  AncestorMass mass(dag, universe);
  return Context{dag, problem, options, std::move(universe), std::move(mass)};
}

class BisectEngine : public Engine {
 public:
  BisectEngine(const CommitDag& dag, const Problem& problem, const EngineOptions& options)
      : ctx_(MakeContext(dag, problem, options)), ev_(dag.size()) {
    // Good commits that are not ancestors of bad: their merge bases with bad are tested first.
    if (problem.mode == Mode::kCause) {
      for (CommitIndex g : problem.good) {
        if (dag.IsAncestor(g, problem.bad)) continue;
        for (CommitIndex base : MergeBases(dag, problem.bad, g)) merge_bases_.push_back({base, g});
      }
    }
    switch (options.strategy) {
      case StrategyKind::kBayes:
        strategy_ = MakeBayesStrategy(ctx_);
        break;
      case StrategyKind::kSyzbot:
        strategy_ = MakeSyzbotStrategy(ctx_);
        break;
      case StrategyKind::kGit:
        strategy_ = MakeGitStrategy(ctx_);
        break;
    }
  }

  Decision Next() override {
    release_search_ = false;
    Decision d = Decide();
    if (auto* a = std::get_if<Action>(&d)) {
      release_search_ = a->release_search;
      if (auto over = OverBudget(*a)) return *over;
    }
    if (auto* c = std::get_if<Conclusion>(&d)) {
      // A culprit is checked against its first parent's build: equal signatures mean it
      // changed nothing that was built (the noop flag). Build it if no test needed it.
      if (c->kind == ConclusionKind::kFound && !ctx_.dag.parents(c->culprit).empty()) {
        const CommitIndex parent = ctx_.dag.parents(c->culprit)[0];
        if (ev_.at(parent).build == BuildState::kUnknown) {
          return Action{.kind = Action::Kind::kBuild, .commit = parent};
        }
      }
      AddFlags(c);
    }
    return d;
  }

  Plan PlanRound(const InFlight& busy, const Capacity& free) override {
    Plan plan;
    Decision d = Next();
    plan.release_search = release_search_;
    if (auto* c = std::get_if<Conclusion>(&d)) {
      plan.conclusion = *c;
      for (CommitIndex b : busy.builds) plan.cancel.push_back(b);
      return plan;
    }
    const Action& a = std::get<Action>(d);
    if (a.kind == Action::Kind::kBuild) {
      if (!busy.Building(a.commit) && free.builds > 0) plan.builds.push_back(a.commit);
      return plan;
    }
    // One commit at a time: the runs asked for, less those already in flight on it, within
    // the run budget counting what is in flight.
    int want = std::min(a.runs - busy.RunsOn(a.commit), free.runs);
    const int budget = ctx_.options.max_runs;
    if (budget > 0) want = std::min(want, budget - ev_.runs() - busy.TotalRuns());
    if (want > 0) plan.runs.push_back({a.commit, want});
    return plan;
  }

  CommitVerdict VerdictOf(CommitIndex c) override {
    if (c < 0 || c >= ctx_.dag.size()) return CommitVerdict::kUndecided;
    if (c == ctx_.problem.bad) {
      // The user says it crashes: it is never called clean, only not reproduced (undecided).
      CommitVerdict v = VerdictOfJudgement(strategy_->Judge(c, ev_, /*is_bad=*/true));
      return v == CommitVerdict::kClean ? CommitVerdict::kUndecided : v;
    }
    return strategy_->VerdictOf(c, ev_);
  }

  void RecordBuild(CommitIndex commit, const BuildEvidence& build) override {
    ev_.RecordBuild(commit, build);
  }
  void RecordRun(CommitIndex commit, Outcome outcome) override { ev_.RecordRun(commit, outcome); }

  Progress progress() const override {
    Progress p = strategy_->progress();
    p.release_search = release_search_;
    return p;
  }

 private:
  Decision Decide() {
    const Problem& pb = ctx_.problem;
    Judgement j = strategy_->Judge(pb.bad, ev_, /*is_bad=*/true);
    if (auto a = AsAction(j, pb.bad)) return *a;
    if (ev_.at(pb.bad).build == BuildState::kFailed) {
      return ErrorConclusion("the bad commit does not build");
    }
    if (ev_.at(pb.bad).target == 0) {
      return ErrorConclusion("the crash was not reproduced on the bad commit");
    }
    if (pb.mode == Mode::kFix) return DecideFix();
    // A good commit the user gave is tested right after the bad one: one wrong --good would
    // otherwise be found out only late, and everything between spent on a false range. One
    // batch of runs; the posterior asks for more if it needs them (bayes only: the other
    // strategies keep their own walks).
    if (ctx_.options.strategy == StrategyKind::kBayes) {
      for (CommitIndex g : pb.good) {
        const CommitEvidence& e = ev_.at(g);
        if (e.build == BuildState::kUnknown)
          return Action{.kind = Action::Kind::kBuild, .commit = g};
        if (e.built() && e.runs() == 0) {
          return Action{.kind = Action::Kind::kTest,
                        .commit = g,
                        .runs = std::max(1, ctx_.options.batch_runs)};
        }
      }
    }
    SearchRange range{.newest = pb.bad, .olds = pb.good};
    for (auto [base, g] : merge_bases_) {
      j = strategy_->Judge(base, ev_, false);
      if (auto a = AsAction(j, base)) return *a;
      if (j.verdict == Verdict::kCrash) {
        return ErrorConclusion("merge base " + Name(ctx_.dag, base) +
                               " is bad: the bug may have been fixed between it and good " +
                               Name(ctx_.dag, g) + " (try --mode fix)");
      }
      if (j.verdict != Verdict::kNoCrash) {
        return ErrorConclusion("merge base " + Name(ctx_.dag, base) + " cannot be tested");
      }
    }
    if (pb.good.empty()) {
      ReleaseSearch rs = SearchReleases(ctx_, *strategy_, ev_);
      if (rs.decision) return *rs.decision;
      range = {.newest = rs.bad, .olds = {rs.good}};
    }
    return strategy_->Bisect(range, ev_);
  }

  Decision DecideFix() {
    const Problem& pb = ctx_.problem;
    const CommitIndex end = pb.good[0];
    Judgement j = strategy_->Judge(end, ev_, false);
    if (auto a = AsAction(j, end)) return *a;
    if (j.verdict == Verdict::kCrash) {
      Conclusion c;
      c.kind = ConclusionKind::kHorizon;
      c.culprit = end;
      c.stop_reason = "the newest commit still crashes";
      return c;
    }
    if (j.verdict != Verdict::kNoCrash) {
      return ErrorConclusion("the newest commit " + Name(ctx_.dag, end) + " cannot be tested");
    }
    return strategy_->Bisect({.newest = end, .olds = {pb.bad}}, ev_);
  }

  std::optional<Conclusion> OverBudget(const Action& a) const {
    const EngineOptions& o = ctx_.options;
    const char* reason = nullptr;
    if (o.max_builds > 0 && a.kind == Action::Kind::kBuild && ev_.builds() >= o.max_builds) {
      reason = "build budget exhausted";
    } else if (o.max_runs > 0 && a.kind == Action::Kind::kTest && ev_.runs() >= o.max_runs) {
      reason = "run budget exhausted";
    }
    if (reason == nullptr) return std::nullopt;
    Conclusion c;
    c.kind = ConclusionKind::kInconclusive;
    c.stop_reason = reason;
    return c;
  }

  void AddFlags(Conclusion* c) const {
    if (c->culprit == kNoCommit) return;
    const CommitDag& dag = ctx_.dag;
    c->flags.merge = dag.IsMerge(c->culprit);
    c->flags.release = dag.IsRelease(c->culprit);
    if (dag.parents(c->culprit).empty()) return;
    const CommitEvidence& e = ev_.at(c->culprit);
    const CommitEvidence& p = ev_.at(dag.parents(c->culprit)[0]);
    c->flags.noop = e.built() && p.built() && !e.signature.empty() && e.signature == p.signature;
  }

  Context ctx_;
  Evidence ev_;
  std::unique_ptr<Strategy> strategy_;
  std::vector<std::pair<CommitIndex, CommitIndex>> merge_bases_;  // (base, good)
  bool release_search_ = false;
};

}  // namespace

bool InFlight::Building(CommitIndex c) const {
  return std::find(builds.begin(), builds.end(), c) != builds.end();
}

int InFlight::RunsOn(CommitIndex c) const {
  int n = 0;
  for (const Runs& r : runs) n += r.commit == c ? r.runs : 0;
  return n;
}

int InFlight::TotalRuns() const {
  int n = 0;
  for (const Runs& r : runs) n += r.runs;
  return n;
}

CommitVerdict VerdictOfJudgement(const Judgement& j) {
  if (j.kind != Judgement::Kind::kVerdict) return CommitVerdict::kUndecided;
  switch (j.verdict) {
    case Verdict::kCrash:
      return CommitVerdict::kCrashes;
    case Verdict::kNoCrash:
      return CommitVerdict::kClean;
    case Verdict::kSkip:
    case Verdict::kAbort:
      return CommitVerdict::kUntestable;
  }
  return CommitVerdict::kUndecided;
}

CommitVerdict Strategy::VerdictOf(CommitIndex c, const Evidence& ev) {
  return VerdictOfJudgement(Judge(c, ev, /*is_bad=*/false));
}

Result<std::unique_ptr<Engine>> MakeEngine(const CommitDag& dag, const Problem& problem,
                                           const EngineOptions& options) {
  auto in_range = [&](CommitIndex c) { return c >= 0 && c < dag.size(); };
  if (!in_range(problem.bad)) return Fail(ErrorKind::kBadInput, "bad commit is out of range");
  for (CommitIndex g : problem.good) {
    if (!in_range(g)) return Fail(ErrorKind::kBadInput, "good commit is out of range");
    if (g == problem.bad)
      return Fail(ErrorKind::kBadInput, "a good commit is the bad commit itself");
  }
  if (problem.mode == Mode::kCause) {
    for (CommitIndex g : problem.good) {
      if (dag.IsAncestor(problem.bad, g)) {
        return Fail(ErrorKind::kBadInput, "good commit " + Name(dag, g) +
                                              " is newer than the bad commit (use --mode fix)");
      }
    }
  } else {
    if (problem.good.empty()) {
      return Fail(ErrorKind::kBadInput, "fix bisection needs a newer commit without the crash");
    }
    if (!dag.IsAncestor(problem.bad, problem.good[0])) {
      return Fail(ErrorKind::kBadInput,
                  "fix end " + Name(dag, problem.good[0]) + " does not contain the bad commit");
    }
  }
  if (!options.commit_prior.empty() &&
      options.commit_prior.size() != static_cast<size_t>(dag.size())) {
    return Fail(ErrorKind::kBadInput, "commit prior must have one weight per commit");
  }
  return std::unique_ptr<Engine>(std::make_unique<BisectEngine>(dag, problem, options));
}

}  // namespace culprit::decide
