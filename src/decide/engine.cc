// The engine's common phases, the same for every strategy: check that the bad commit crashes,
// check the fix end (fix mode), test merge bases of good commits that are not ancestors of bad
// (as git does), search releases for a good start (cause mode without good), then let the
// strategy bisect. Every phase is re-derived from the evidence on each Next().
#include "decide/engine.h"

#include <algorithm>
#include <cmath>
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

// Where a fix search starts: the bad commit, or across trees the merge bases of bad and the
// fix end (where the trees meet).
std::vector<CommitIndex> FixFrom(const CommitDag& dag, const Problem& problem) {
  if (problem.mode != Mode::kFix) return {};
  if (!problem.cross_tree) return {problem.bad};
  return MergeBases(dag, problem.bad, problem.good[0]);
}

std::vector<uint8_t> MakeUniverse(const CommitDag& dag, const Problem& problem) {
  std::vector<uint8_t> u =
      MarkAncestors(dag, {problem.mode == Mode::kFix ? problem.good[0] : problem.bad});
  if (problem.mode == Mode::kFix) {
    std::vector<uint8_t> desc(u.size(), 0);
    for (CommitIndex from : FixFrom(dag, problem)) {
      std::vector<uint8_t> d = MarkDescendants(dag, from);
      for (size_t c = 0; c < u.size(); ++c) desc[c] = desc[c] || d[c];
    }
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
      : ctx_(MakeContext(dag, problem, options)),
        ev_(dag.size()),
        fix_from_(FixFrom(dag, problem)) {
    for (const Mark& m : problem.marks) ev_.RecordMark(m.commit, m.verdict);
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
    bisect_range_.reset();
    Decision d = Decide();
    if (auto* a = std::get_if<Action>(&d)) {
      release_search_ = a->release_search;
      if (auto over = OverBudget(*a)) return *over;
      *a = Avoid(*a);
    }
    if (auto* c = std::get_if<Conclusion>(&d)) {
      // A culprit is checked against its first parent's build: equal signatures mean it
      // changed nothing that was built (the noop flag). Build it if no test needed it, and
      // build for real a culprit or parent that was only given its parent's program (an
      // input the build reads but did not show would make that a wrong claim).
      if (c->kind == ConclusionKind::kFound) {
        if (ev_.at(c->culprit).avoided) {
          return Action{.kind = Action::Kind::kBuild, .commit = c->culprit};
        }
        if (!ctx_.dag.parents(c->culprit).empty()) {
          const CommitIndex parent = ctx_.dag.parents(c->culprit)[0];
          if (ev_.at(parent).build == BuildState::kUnknown || ev_.at(parent).avoided) {
            return Action{.kind = Action::Kind::kBuild, .commit = parent};
          }
        }
      }
      AddFlags(c);
    }
    return d;
  }

  Plan PlanRound(const InFlight& busy, const Capacity& free) override {
    Plan plan = PlanWithin(busy, free);
    Enforce(&plan, busy);
    return plan;
  }

 private:
  // What every plan keeps to, whoever made it: runs in flight are never cancelled (a run that
  // crashes usually takes longer than one that does not: dropping the runs still in flight
  // would keep the fast outcomes and bias the evidence against the crash), and the budgets
  // count the work in flight.
  void Enforce(Plan* plan, const InFlight& busy) const {
    std::erase_if(plan->cancel, [&](CommitIndex c) { return !busy.Building(c); });
    const EngineOptions& o = ctx_.options;
    if (o.max_runs > 0) {
      int left = std::max(0, o.max_runs - ev_.runs() - busy.TotalRuns());
      for (Plan::Runs& r : plan->runs) {
        r.runs = std::min(r.runs, left);
        left -= r.runs;
      }
      std::erase_if(plan->runs, [](const Plan::Runs& r) { return r.runs <= 0; });
    }
    if (o.max_builds > 0) {
      const int left =
          std::max(0, o.max_builds - ev_.builds() - static_cast<int>(busy.builds.size()));
      if (static_cast<int>(plan->builds.size()) > left) plan->builds.resize(left);
    }
  }

  Plan PlanWithin(const InFlight& busy, const Capacity& free) {
    const int vms = free.runs + busy.TotalRuns();
    const int builders = free.builds + static_cast<int>(busy.builds.size());
    Decision d = Next();
    if (auto* c = std::get_if<Conclusion>(&d)) return Concluded(*c, busy);
    Action a = std::get<Action>(d);
    // One commit at a time (V = 1, M = 1) is Next() as a plan, as are strategies without a
    // planner of their own.
    if (vms <= 1 && builders <= 1) return ActionAsPlan(a, busy, free);
    const Problem& pb = ctx_.problem;
    if (a.kind == Action::Kind::kTest && a.commit == pb.bad) a = WithEnoughRuns(a);
    if (bisect_range_) {
      const SearchRange range = *bisect_range_;
      std::optional<Plan> plan = strategy_->PlanBisect(range, ev_, busy, free, false);
      if (!plan) return ActionAsPlan(a, busy, free);
      if (plan->conclusion) return Concluded(*plan->conclusion, busy);
      // Never stall: with nothing in flight and nothing worth starting, take Next()'s step.
      if (plan->builds.empty() && plan->runs.empty() && plan->avoided.empty() && busy.empty()) {
        return ActionAsPlan(a, busy, free);
      }
      Complete(&*plan, busy);
      return *plan;
    }
    Plan plan = ActionAsPlan(a, busy, free);
    if (a.release_search) {
      // While a release is tested, a free builder builds the next release the search would
      // try were this one found failing, as it mostly is (every release newer than the
      // culprit fails): at most one build wasted per search, one build time saved per failing
      // release (bayes only: syzbot and git keep their own walks).
      const CommitIndex next = ReleaseAfter(a.commit);
      if (ctx_.options.strategy == StrategyKind::kBayes && a.kind == Action::Kind::kTest &&
          next != kNoCommit && free.builds > 0 && !busy.Building(next)) {
        plan.builds.push_back(next);
        plan.speculative.push_back(next);
        Complete(&plan, busy);
      }
      return plan;
    }
    // While the ends are being checked (the bad commit's runs, then a user's good commit's
    // build and runs), the bisection can start on the guess that they are what the user says:
    // speculative builds and runs with the slots left (cause mode from a good commit). The
    // ends go first; the other machines do not wait for them.
    const bool simple = pb.mode == Mode::kCause && !pb.good.empty() && merge_bases_.empty();
    const bool at_good = std::find(pb.good.begin(), pb.good.end(), a.commit) != pb.good.end();
    if (!simple || (a.commit != pb.bad && !at_good)) return plan;
    InFlight after = busy;
    for (CommitIndex b : plan.builds) after.builds.push_back(b);
    for (const Plan::Runs& r : plan.runs) after.runs.push_back({r.commit, r.runs});
    bool covered = false;
    if (a.commit == pb.bad) {
      const Judgement j = strategy_->Judge(pb.bad, ev_, /*is_bad=*/true);
      covered = j.kind == Judgement::Kind::kBuild ? after.Building(pb.bad)
                                                  : after.RunsOn(pb.bad) >= j.runs;
    } else {
      covered = a.kind == Action::Kind::kBuild ? after.Building(a.commit)
                                               : after.RunsOn(a.commit) >= a.runs;
    }
    if (!covered) return plan;
    Capacity left{.builds = free.builds - static_cast<int>(plan.builds.size()),
                  .runs = free.runs - after.TotalRuns() + busy.TotalRuns()};
    std::optional<Plan> more =
        strategy_->PlanBisect({.newest = pb.bad, .olds = pb.good}, ev_, after, left, true);
    if (!more) return plan;
    Complete(&*more, after);
    for (CommitIndex b : more->builds) plan.builds.push_back(b);
    for (CommitIndex b : more->builds) plan.speculative.push_back(b);
    for (CommitIndex c : more->avoided) plan.avoided.push_back(c);
    for (const Plan::Runs& r : more->runs) plan.runs.push_back(r);
    for (CommitIndex c : more->cancel) {
      if (c != pb.bad &&
          std::find(plan.cancel.begin(), plan.cancel.end(), c) == plan.cancel.end()) {
        plan.cancel.push_back(c);
      }
    }
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
    const Problem& pb = ctx_.problem;
    if (pb.mode == Mode::kCause && pb.good.empty() && bisect_range_ &&
        bisect_range_->olds.size() == 1) {
      p.search_from = bisect_range_->olds[0];
    }
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
      // Where every failure counts, releases are weighed together (SearchReleasesWeighed),
      // and a release found failing may hold accidents only: the posterior weighs its runs
      // from the bad commit down, with one bug rate and one accident rate for all, rather
      // than taking it for the bad end. (Taken for the bad end, a release search at p = 0.2 /
      // 0.1 with accidents at 0.05 named that release with 99% claimed where its failures
      // were accidents: wrong 4 / 26%, against 1 / 22%.)
      const bool weigh_releases = ctx_.options.strategy == StrategyKind::kBayes &&
                                  ctx_.options.accident_prior >= EngineOptions::kAccidentsCounted;
      ReleaseSearch rs =
          weigh_releases ? SearchReleasesWeighed(ctx_, ev_) : SearchReleases(ctx_, *strategy_, ev_);
      if (rs.decision) return *rs.decision;
      range = {.newest = weigh_releases ? pb.bad : rs.bad, .olds = {rs.good}};
    }
    bisect_range_ = range;
    return strategy_->Bisect(range, ev_);
  }

  Decision DecideFix() {
    const Problem& pb = ctx_.problem;
    const CommitIndex end = pb.good[0];
    if (pb.cross_tree) {
      if (auto d = CheckTreesMeet(end)) return *d;
    }
    Judgement j = strategy_->Judge(end, ev_, false);
    if (auto a = AsAction(j, end)) return *a;
    if (j.verdict == Verdict::kCrash) {
      return HorizonConclusion(end, "the newest commit still crashes", j);
    }
    if (j.verdict != Verdict::kNoCrash) {
      return ErrorConclusion("the newest commit " + Name(ctx_.dag, end) + " cannot be tested");
    }
    bisect_range_ = SearchRange{.newest = end, .olds = fix_from_};
    return strategy_->Bisect(*bisect_range_, ev_);
  }

  // Across trees: the merge bases of bad and the fix end must crash, or there is no fix to
  // find on the fix end's tree. Nothing while they do.
  std::optional<Decision> CheckTreesMeet(CommitIndex end) {
    for (CommitIndex base : fix_from_) {
      if (base == ctx_.problem.bad) continue;
      Judgement j = strategy_->Judge(base, ev_, false);
      if (auto a = AsAction(j, base)) return Decision(*a);
      if (j.verdict == Verdict::kNoCrash) {
        return Decision(ErrorConclusion(
            "the bug is not present where the trees meet: merge base " + Name(ctx_.dag, base) +
            " of the bad commit and " + Name(ctx_.dag, end) +
            " does not crash (the bug came in on the bad commit's tree after they split: "
            "bisect its cause there)"));
      }
      if (j.verdict != Verdict::kCrash) {
        return Decision(ErrorConclusion("merge base " + Name(ctx_.dag, base) +
                                        " where the trees meet cannot be tested"));
      }
    }
    return std::nullopt;
  }

  std::optional<Conclusion> OverBudget(const Action& a) const {
    const EngineOptions& o = ctx_.options;
    const char* reason = nullptr;
    if (o.max_builds > 0 && a.kind == Action::Kind::kBuild && ev_.real_builds() >= o.max_builds) {
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

  // The release the search tries after `c` (the bad commit: the first), if not yet built.
  CommitIndex ReleaseAfter(CommitIndex c) const {
    bool after = c == ctx_.problem.bad;
    for (CommitIndex r : ReleasesToTry(ctx_.dag, ctx_.problem.bad)) {
      if (after) return ev_.at(r).build == BuildState::kUnknown ? r : kNoCommit;
      after = r == c;
    }
    return kNoCommit;
  }

  // Next()'s action as a plan: one commit, its runs less those in flight, within `free`.
  Plan ActionAsPlan(const Action& a, const InFlight& busy, const Capacity& free) {
    Plan plan;
    plan.release_search = a.release_search;
    if (a.kind == Action::Kind::kBuild) {
      if (a.avoid) {
        plan.avoided = AvoidChain(a.commit);
      } else if (!busy.Building(a.commit) && free.builds > 0) {
        plan.builds.push_back(a.commit);
      }
      return plan;
    }
    int want = std::min(a.runs - busy.RunsOn(a.commit), free.runs);
    if (want > 0) plan.runs.push_back({a.commit, want});
    return plan;
  }

  // With VMs to spare, the crashes wanted on the bad commit are asked for in one round: the
  // runs that many crashes take at the rate seen so far ((crashes + 1/2) / (runs + 1)), not a
  // round per missing crash. Extra runs on bad are not lost: they confirm the culprit later.
  Action WithEnoughRuns(Action a) const {
    if (ctx_.options.strategy != StrategyKind::kBayes) return a;
    const CommitEvidence& e = ev_.at(a.commit);
    if (e.target + e.ok == 0) return a;
    const double rate = (e.target + 0.5) / (e.target + e.ok + 1.0);
    a.runs = std::max(a.runs, static_cast<int>(std::ceil(a.runs / rate)));
    return a;
  }

  Plan Concluded(const Conclusion& c, const InFlight& busy) const {
    Plan plan;
    plan.conclusion = c;
    for (CommitIndex b : busy.builds) plan.cancel.push_back(b);
    return plan;
  }

  // A strategy's plan, checked: avoidable commits it wants built are avoided when their first
  // parent's program is known (or their nearest real ancestor is built instead), and nothing
  // is started twice.
  void Complete(Plan* plan, const InFlight& busy) {
    std::vector<CommitIndex> builds;
    for (CommitIndex c : plan->builds) {
      Action a = Avoid({.kind = Action::Kind::kBuild, .commit = c});
      if (a.avoid) {
        for (CommitIndex x : AvoidChain(c)) {
          if (std::find(plan->avoided.begin(), plan->avoided.end(), x) == plan->avoided.end()) {
            plan->avoided.push_back(x);
          }
        }
        continue;
      }
      if (busy.Building(a.commit) ||
          std::find(builds.begin(), builds.end(), a.commit) != builds.end()) {
        continue;
      }
      builds.push_back(a.commit);
    }
    std::vector<CommitIndex> speculative;
    for (CommitIndex c : plan->speculative) {
      if (std::find(builds.begin(), builds.end(), c) != builds.end()) speculative.push_back(c);
    }
    plan->builds = std::move(builds);
    plan->speculative = std::move(speculative);
  }

  bool Avoidable(CommitIndex c) const { return decide::Avoidable(ctx_, c); }

  // The unrecorded avoidable commits from the nearest first-parent ancestor of `c` whose
  // program is known up to `c`, oldest first; empty if `c` cannot be avoided now.
  std::vector<CommitIndex> AvoidChain(CommitIndex c) const {
    std::vector<CommitIndex> chain;
    for (CommitIndex x = c;; x = ctx_.dag.parents(x)[0]) {
      const CommitEvidence& e = ev_.at(x);
      if (e.build == BuildState::kOk) break;
      if (e.build == BuildState::kFailed || !Avoidable(x)) return {};
      chain.push_back(x);
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
  }

  // A build of an avoidable commit not recorded yet becomes "avoid the oldest commit of its
  // chain" when the chain reaches a known program, else a real build of the nearest
  // non-avoidable first-parent ancestor (the same program). A commit recorded as avoided and
  // asked for again is a real build: its runs contradicted the shared program.
  Action Avoid(Action a) const {
    if (a.kind != Action::Kind::kBuild || !Avoidable(a.commit) ||
        ev_.at(a.commit).build != BuildState::kUnknown) {
      return a;
    }
    std::vector<CommitIndex> chain = AvoidChain(a.commit);
    if (!chain.empty()) {
      a.commit = chain.front();
      a.avoid = true;
      return a;
    }
    CommitIndex x = a.commit;
    while (Avoidable(x) && ev_.at(x).build == BuildState::kUnknown) x = ctx_.dag.parents(x)[0];
    if (ev_.at(x).build == BuildState::kUnknown) a.commit = x;
    return a;
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
  std::vector<CommitIndex> fix_from_;  // fix mode: bad, or where the trees meet
  bool release_search_ = false;
  std::optional<SearchRange> bisect_range_;  // set when the last Decide() reached Bisect
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

std::string Plan::Describe(const CommitDag& dag) const {
  std::vector<std::string> parts;
  for (CommitIndex c : builds) {
    const bool guess = std::find(speculative.begin(), speculative.end(), c) != speculative.end();
    parts.push_back("build " + Name(dag, c) + (guess ? " (speculative)" : ""));
  }
  for (CommitIndex c : avoided) parts.push_back("avoid " + Name(dag, c));
  for (size_t i = 0; i < runs.size(); ++i) {
    const char* unit = i > 0 ? " on " : runs[i].runs == 1 ? " run on " : " runs on ";
    parts.push_back(std::to_string(runs[i].runs) + unit + Name(dag, runs[i].commit));
  }
  for (CommitIndex c : cancel) parts.push_back("cancel " + Name(dag, c));
  if (conclusion) parts.push_back("conclude");
  if (parts.empty()) return "wait";
  std::string out = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) out += ", " + parts[i];
  return out;
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

bool Avoidable(const Context& ctx, CommitIndex c) {
  const std::vector<uint8_t>& a = ctx.options.avoidable;
  return static_cast<size_t>(c) < a.size() && a[static_cast<size_t>(c)] != 0 &&
         !ctx.dag.parents(c).empty();
}

bool ProgramKnown(const Context& ctx, const Evidence& ev, CommitIndex c, CommitIndex* from) {
  CommitIndex x = c;
  while (ev.at(x).build == BuildState::kUnknown && Avoidable(ctx, x)) x = ctx.dag.parents(x)[0];
  if (from != nullptr) *from = x;
  return ev.at(x).built();
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
    if (problem.cross_tree) {
      if (MergeBases(dag, problem.bad, problem.good[0]).empty()) {
        return Fail(ErrorKind::kBadInput, "fix end " + Name(dag, problem.good[0]) +
                                              " and the bad commit share no history");
      }
    } else if (!dag.IsAncestor(problem.bad, problem.good[0])) {
      return Fail(ErrorKind::kBadInput, "fix end " + Name(dag, problem.good[0]) +
                                            " does not contain the bad commit (across trees: "
                                            "set cross_tree)");
    }
  }
  std::vector<uint8_t> marked(static_cast<size_t>(dag.size()), 0);
  for (const Mark& m : problem.marks) {
    if (!in_range(m.commit)) return Fail(ErrorKind::kBadInput, "a marked commit is out of range");
    if (m.verdict == CommitVerdict::kUndecided)
      return Fail(ErrorKind::kBadInput, "the mark on " + Name(dag, m.commit) + " has no verdict");
    if (m.commit == problem.bad ||
        std::find(problem.good.begin(), problem.good.end(), m.commit) != problem.good.end()) {
      return Fail(ErrorKind::kBadInput,
                  "commit " + Name(dag, m.commit) + " is an end of the range: it cannot be marked");
    }
    if (marked[static_cast<size_t>(m.commit)]++) {
      return Fail(ErrorKind::kBadInput, "commit " + Name(dag, m.commit) + " is marked twice");
    }
  }
  if (!options.commit_prior.empty() &&
      options.commit_prior.size() != static_cast<size_t>(dag.size())) {
    return Fail(ErrorKind::kBadInput, "commit prior must have one weight per commit");
  }
  return std::unique_ptr<Engine>(std::make_unique<BisectEngine>(dag, problem, options));
}

}  // namespace culprit::decide
