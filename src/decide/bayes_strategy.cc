// The default strategy: keeps a Posterior over culprits and picks the test (commit, runs) with
// the most expected information per run, a commit not yet built paying for its build (below).
// Information of k runs on c about the culprit: H(sum_h P(h) r_h) - sum_h P(h) H(r_h), where
// hypothesis h predicts "the crash shows" with chance r_h = Q_h = 1 - E[(1 - p)^k (1 - f)^k] if c
// has the bug under h and G_h = 1 - E[(1 - f)^k] if not, (p, f) as the evidence leaves them
// under h (with one shared rate this is H(u*Q + (1-u)*G) - u*H(Q) - (1-u)*H(G), u the mass
// under which c crashes; with f ~ 0, the Z-channel). Near known untestable commits the information
// is discounted by an estimated chance that the commit is testable (untestable commits come in
// clusters), so the search moves to other regions.
#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>

#include "decide/ancestor_mass.h"
#include "decide/posterior.h"
#include "decide/release_search.h"
#include "decide/round_plan.h"
#include "decide/strategy.h"

namespace culprit::decide {
namespace {

// Prior of "the crash is outside the range" when the far end was asserted by the user, or
// tested as a fix end: its runs then weigh against it like any other evidence. A release found
// good by the release search gets the share of commits older than it instead (see Reset).
constexpr double kOutsidePriorAsserted = 1e-3;
constexpr double kOutsidePriorTested = 0.02;
constexpr double kMinInfoBits = 1e-3;  // below this, no test is worth running
// Crashes wanted on bad before bisecting: they pin down p, without which every clean run
// elsewhere is weak evidence (the crash might just have been missed). Measured (kernel history,
// N=1024, seeds 1-3, 600 trials each): 5 -> 6 cut the wrong answers at p=0.5 from 5 to 1 and at
// p=0.3 from 2 to 0 (a lucky 5/5 at p=0.5, 3%, made p look like 1), for 5% more runs at p=1
// and 1% at p=0.1; fewer than 5 cost more runs overall, since the search then guesses p.
constexpr int kCrashesOnBad = 6;
// The culprit is found when its posterior reaches the target and no single p explains the
// evidence under the alternatives better than this share of 1 - target times how well some p
// explains it under the culprit (Posterior::ProfileOddsAgainst: the prior over p, which favours
// reliable reproducers, is left out). A missed crash read as a clean commit while p looked like 1
// cannot end the search: p a little lower explains the same runs almost as well. Measured
// (kernel history, N=1024, seeds 1-3, 600 trials per p) against the earlier rule (the target
// reached under every p whose posterior was at least 1%): 5-9% fewer runs at p = 0.9 to 0.1,
// 5% more at p = 1, wrong answers 0/1/0/0 at p = 0.9/0.5/0.3/0.1 against 3/2/0/0. A share of 1
// was wrong 3/4/1/0 times.
constexpr double kProfileOddsShare = 0.5;
constexpr int kRunChoices[] = {1, 2, 4, 8, 16, 32};
// A build serves every run later made on it, so its cost is spread over them: a commit not yet
// built scores its information per run times kBuildShare / (kBuildShare + build_cost). Charging
// the whole build to the first test instead (info / (build_cost + k)) kept re-running old
// commits whose answer was already nearly certain. Measured (kernel history, N=1024, 200 trials,
// seeds 1-3, build_cost 10): 10-18% fewer runs at every p for 1-2 more builds; 24 (a discount
// of 0.7) was the best of 10, 24 and 56 (discounts 0.5, 0.7 and 0.85).
constexpr double kBuildShare = 24;
constexpr int kFar = 1 << 30;
// Rounds: once one culprit holds this much of the posterior, what is left is mostly to confirm
// it, which the information about the culprit undervalues (see Believe).
constexpr double kConfirming = 0.5;
// Confirmation runs on idle VMs for every culprit at least this likely (see Confirm): at most
// three. Measured (kernel history, N = 1024, V = 10, B = 6.6, T = 7.5, 200 trials, seeds 1-2):
// at p = 1, wall time -6% with one builder and -9% with four, for 6-8% more runs; at p = 0.5
// -1 to -2% for 2-4% more runs; at p <= 0.3 about the same. A floor of 0.1 did no better.
constexpr double kLikely = 0.3;
// Posterior odds above which an avoided commit is built after all (see Contradicted).
constexpr double kContradiction = 0.5;

struct Choice {
  CommitIndex commit = kNoCommit;
  int runs = 0;
  double info = 0;
  double score = 0;
  // What the most runs considered would tell on that commit: tests are chosen one batch at a
  // time, but "nothing left to learn" must not be concluded from one batch's worth.
  double most_info = 0;
};

class BayesStrategy : public Strategy {
 public:
  explicit BayesStrategy(const Context& ctx) : ctx_(ctx) {}

  Judgement Judge(CommitIndex c, const Evidence& ev, bool is_bad) const override {
    if (!is_bad) return JudgeProbe(c, ev, BugRunsFor(c, ev));
    const CommitEvidence& e = ev.at(c);
    if (e.build == BuildState::kUnknown) return Judgement::Build();
    if (e.Untestable()) return Judgement::Of(Verdict::kSkip);
    // With p known, one crash shows the bug reproduces; there is nothing more to learn here.
    const int crashes = ctx_.options.known_crash_p > 0 ? 1 : kCrashesOnBad;
    if (e.target >= crashes || e.runs() >= kMaxRunsOnBad) {
      return Judgement::Of(e.target > 0 ? Verdict::kCrash : Verdict::kNoCrash);
    }
    return Judgement::Runs(std::min(crashes - e.target, kMaxRunsOnBad - e.runs()));
  }

 private:
  // Runs known to carry the bug: what tells its rate when a probe is judged.
  struct BugRuns {
    int crashes = 0, clean = 0;
  };

  // The bad commit's runs, and those of the release probes between c and the bad commit that
  // are found failing: had c the bug they would have it too (they descend from c), had it not
  // they still have it by their own verdict, so either way their runs are the bug's. Releases
  // are judged newest first, each on the ones after it, as the release search walks them. The
  // release search where every failure counts weighs releases in one model instead
  // (SearchReleasesWeighed); this sets how many clean runs a release needs where crash titles
  // tell accidents apart, and the verdicts shown for releases outside the search's range.
  BugRuns BugRunsFor(CommitIndex c, const Evidence& ev) const {
    const CommitEvidence& b = ev.at(ctx_.problem.bad);
    BugRuns out{b.target, b.ok};
    if (!probes_) {
      // Newest first; below_[i][j]: probe i is an ancestor of probe j (j < i).
      probes_ = ReleasesToTry(ctx_.dag, ctx_.problem.bad);
      std::sort(probes_->begin(), probes_->end(), std::greater<>());
      below_.assign(probes_->size(), {});
      for (size_t i = 0; i < probes_->size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
          below_[i].push_back(ctx_.dag.IsAncestor((*probes_)[i], (*probes_)[j]));
        }
      }
    }
    const std::vector<CommitIndex>& probes = *probes_;
    std::vector<BugRuns> pooled(probes.size());
    std::vector<char> failing(probes.size(), 0);
    for (size_t i = 0; i < probes.size() && probes[i] >= c; ++i) {
      const CommitIndex d = probes[i];
      if (d == c) break;
      if (d == ctx_.problem.bad || ev.at(d).runs() == 0 || !ctx_.dag.IsAncestor(c, d)) continue;
      pooled[i] = {b.target, b.ok};
      for (size_t j = 0; j < i; ++j) {
        if (!failing[j] || !below_[i][j]) continue;
        pooled[i].crashes += ev.at(probes[j]).target;
        pooled[i].clean += ev.at(probes[j]).ok;
      }
      const Judgement j = JudgeProbe(d, ev, pooled[i]);
      failing[i] = j.kind == Judgement::Kind::kVerdict && j.verdict == Verdict::kCrash;
      if (failing[i]) {
        out.crashes += ev.at(d).target;
        out.clean += ev.at(d).ok;
      }
    }
    return out;
  }

  Judgement JudgeProbe(CommitIndex c, const Evidence& ev, BugRuns bug_runs) const {
    const CommitEvidence& e = ev.at(c);
    // A probe a human marked takes the mark as its verdict; the posterior still weighs the mark
    // as evidence that can be wrong (Posterior::kMarkError) and may test the commit later.
    if (auto marked = MarkedVerdict(e); marked && e.target == 0) return Judgement::Of(*marked);
    if (e.build == BuildState::kUnknown) return Judgement::Build();
    if (e.Untestable()) return Judgement::Of(Verdict::kSkip);
    // A probe (release, merge base, fix end) is clean once enough OK runs make a missed crash
    // unlikely (1%) at the crash rate seen where the bug is (BugRunsFor); the posterior may ask
    // for more runs on it later (see kOutsidePriorTested).
    const BugRuns& b = bug_runs;
    const double p = ProbeRate(b.crashes, b.clean);
    const int need = ProbeRunsNeeded(b.crashes, b.clean);
    // A target crash decides where crash titles or --expect tell other failures apart (the
    // posterior still weighs the probe's runs later, see kOutsidePriorTested).
    if (e.target > 0 && !AccidentsCounted()) return Judgement::Of(Verdict::kCrash);
    if (e.target > 0) {
      // Where every failure counts, a failure is the bug once the odds of "it fails at the bad
      // commit's rate" (unknown: a beta-binomial on the bad commit's runs) against "it fails
      // only by accident" (f over its prior), from even odds, reach the confidence target; it
      // is clean once they reach it the other way. Out of runs (3 x need), the likelier side,
      // but only where accidents at the rate that fits the probe's runs best (the prior's
      // weights left out) agree. Where that rate explains the runs better than the bug and
      // f's prior does not, the answer is the prior's alone: the probe runs on, up to
      // kMaxRunsOnBad runs, if the runs left could settle it, and then takes the prior's side.
      // With 3 x need runs only (9 when the bad commit always fails), the likelier side read
      // two or three accidents in nine runs at the fix end as "still failing" (3-4% of the
      // searches at f = 0.05). Running on where the runs left cannot settle it (the bug at a
      // rate f's grid holds, p = 0.1) cost a release search 46% more runs for the same answers.
      // Without the prior nothing tells a probe with the bug from one with accidents at the
      // bug's rate (no commit is known clean yet). Tried: the best-fitting rate as the bar for
      // a failure guards against every f on the grid, but never calls a probe failing below
      // p ~ 0.17, and a release search at p = 0.1 then stopped at its first release in 79% of
      // the searches. (With the prior of kAccidentsToldApart the same test would doubt one
      // crash below p ~ 0.15 and cost a release search at p = 0.1 4% more runs, for misreads
      // that are rare.)
      const double target = ctx_.options.confidence_target;
      const double need_odds = std::log(target / (1 - target));
      const double a = 1.0 + b.crashes, z = 1.0 + b.clean;
      const double bug = LogBeta(a + e.target, z + e.ok) - LogBeta(a, z);
      const double prior = ctx_.options.accident_prior;
      double best_rate = Posterior::kEpsilon;
      const double against_best =
          bug - Posterior::AccidentProfileLogLikelihood(e.target, e.ok, prior, &best_rate);
      const double against_prior = bug - Posterior::AccidentLogLikelihood(e.target, e.ok, prior);
      if (against_prior >= need_odds) return Judgement::Of(Verdict::kCrash);
      if (against_prior <= -need_odds) return Judgement::Of(Verdict::kNoCrash);
      if (e.runs() >= 3 * need) {
        // against_best <= against_prior: the profile explains the runs at least as well.
        const bool agree = against_best > 0 || against_prior <= 0;
        // Runs on can settle it only if those left could, were it the bug, turn the best-fitting
        // rate's view round (relative entropy per run, in nats, at the bad commit's rate); a
        // bug whose rate f's grid holds looks like accidents at any count. Those left: as many
        // again as led here, or up to kMaxRunsOnBad if that is more. (Up to kMaxRunsOnBad
        // alone, a probe at p <= 0.15 was out of runs at once, 3 x need being above it: a
        // release search at p = 0.2 / 0.1 with accidents at 0.05 was wrong 5 / 26% instead of
        // 1 / 22%, for 6 / 10% fewer runs.)
        const double left = std::max(kMaxRunsOnBad, 6 * need) - e.runs();
        const double q = std::clamp(p, 1e-6, 1 - 1e-6);
        const double apart =
            q * std::log(q / best_rate) + (1 - q) * std::log((1 - q) / (1 - best_rate));
        if (agree || left * apart < -against_best) {
          // From even odds: the likelier side's probability.
          return Judgement::Likelier(against_prior > 0 ? Verdict::kCrash : Verdict::kNoCrash,
                                     1 / (1 + std::exp(-std::abs(against_prior))));
        }
      }
      return Judgement::Runs(std::max(1, need / 2));
    }
    if (e.ok >= need) return Judgement::Of(Verdict::kNoCrash);
    if (e.runs() >= 3 * need) return Judgement::Of(Verdict::kSkip);
    return Judgement::Runs(need - e.ok);
  }

 public:
  Decision Bisect(const SearchRange& range, const Evidence& ev) override {
    Refresh(range, ev);
    const Posterior& post = *posterior_;
    size_t top = 0;
    for (size_t i = 1; i < post.hyps().size(); ++i) {
      if (post.mass(i) > post.mass(top)) top = i;
    }
    UpdateProgress(post.hyps().empty() ? 0.0 : post.mass(top));
    const double target = ctx_.options.confidence_target;
    if (post.outside() >= target &&
        post.ProfileOddsAgainstOutside() <= kProfileOddsShare * (1 - target)) {
      return Outside(range);
    }
    if (post.not_reproducible() >= target) {
      return ErrorConclusion("the crash does not reproduce (the crashes seen look accidental)");
    }
    if (!post.hyps().empty() && post.mass(top) >= target &&
        post.ProfileOddsAgainst(top) <= kProfileOddsShare * (1 - target)) {
      return Found(post.hyps()[top], post.mass(top), "confidence target reached");
    }
    if (ctx_.options.max_builds > 0 && ev.real_builds() >= ctx_.options.max_builds) {
      return Conclude(top, "build budget exhausted");
    }
    if (ctx_.options.max_runs > 0 && ev.runs() >= ctx_.options.max_runs) {
      return Conclude(top, "run budget exhausted");
    }
    if (CommitIndex c = Contradicted(ev); c != kNoCommit) {
      return Action{.kind = Action::Kind::kBuild, .commit = c};
    }
    Choice best = Choose(range, ev);
    if (best.commit == kNoCommit || best.most_info < kMinInfoBits) {
      // With a flaky reproducer this is the usual end: the posterior passed the target, the
      // bound under every plausible p did not, and no test left would move either much.
      return Conclude(top, post.mass(top) >= ctx_.options.confidence_target
                               ? "confidence target reached; no test left would add much"
                               : "no informative testable commit left");
    }
    if (!ev.at(best.commit).built()) {
      // An avoidable commit: the engine records it without a build when it can.
      return Action{.kind = Action::Kind::kBuild, .commit = best.commit};
    }
    return Action{.kind = Action::Kind::kTest, .commit = best.commit, .runs = best.runs};
  }

  Progress progress() const override { return progress_; }

  std::optional<Plan> PlanBisect(const SearchRange& range, const Evidence& ev, const InFlight& busy,
                                 const Capacity& free, bool bad_pending) override {
    Refresh(range, ev);
    Capacity left = free;
    Plan first;
    if (CommitIndex c = Contradicted(ev); c != kNoCommit && !busy.Building(c) && left.builds > 0) {
      first.builds.push_back(c);
      --left.builds;
    }
    std::vector<CommitIndex> untestable;
    for (CommitIndex c : ev.built()) {
      if (ev.at(c).Untestable()) untestable.push_back(c);
    }
    const Posterior& post = *posterior_;
    double top = 0;
    for (size_t i = 0; i < post.hyps().size(); ++i) top = std::max(top, post.mass(i));
    Plan plan = PlanBayesRound(
        {.ctx = ctx_,
         .ev = ev,
         .range = range,
         .post = *posterior_,
         .busy = busy,
         .free = left,
         .builders = free.builds + static_cast<int>(busy.builds.size()),
         .chance_testable = [&](CommitIndex c) { return ChanceTestable(c, untestable); }});
    // Confirmation, or VMs that would otherwise all stand idle: the runs one commit at a time
    // would make next, on expected outcomes.
    const bool idle = plan.runs.empty() && busy.runs.empty();
    if (!bad_pending && (top >= kConfirming || idle)) {
      Capacity runs_only{.builds = plan.builds.empty() ? left.builds : 0, .runs = left.runs};
      Plan believed = Believe(range, ev, busy, runs_only, kNoCommit);
      plan.runs = believed.runs;
      for (CommitIndex c : believed.builds) plan.builds.push_back(c);
    }
    if (!bad_pending) Confirm(range, ev, busy, left.runs, &plan);
    plan.builds.insert(plan.builds.begin(), first.builds.begin(), first.builds.end());
    return plan;
  }

  // A target crash decides, unless every failure counts (then it may be an accident); otherwise,
  // in the search's range, the posterior chance that c has the crash, at the confidence target
  // either way, and outside it (releases, merge bases, before the search has a range) the probe
  // rule.
  CommitVerdict VerdictOf(CommitIndex c, const Evidence& ev) override {
    const CommitEvidence& e = ev.at(c);
    if (e.build == BuildState::kUnknown && e.mark == CommitVerdict::kUndecided) {
      return CommitVerdict::kUndecided;
    }
    if (e.Untestable()) return CommitVerdict::kUntestable;
    if (e.target > 0 && !AccidentsCounted()) return CommitVerdict::kCrashes;
    const bool in_range =
        posterior_ && (c == range_.newest ||
                       std::find(range_.olds.begin(), range_.olds.end(), c) != range_.olds.end() ||
                       std::binary_search(posterior_->hyps().begin(), posterior_->hyps().end(), c));
    if (!in_range) return VerdictOfJudgement(Judge(c, ev, /*is_bad=*/false));
    const double u = CrashChance(c, ev);
    const double target = ctx_.options.confidence_target;
    if (u >= target) return CommitVerdict::kCrashes;
    if (u <= 1 - target) return CommitVerdict::kClean;
    return CommitVerdict::kUndecided;
  }

 private:
  // P(c has the crash) under the posterior, cached per evidence (runs and builds only grow).
  double CrashChance(CommitIndex c, const Evidence& ev) {
    const int version = ev.version();
    if (version != verdict_version_) {
      posterior_->Update(ev);
      posterior_->MassByCommit(&verdict_w_);
      ctx_.mass.Compute(verdict_w_, &verdict_m_);
      verdict_version_ = version;
    }
    const Posterior& post = *posterior_;
    const double m = verdict_m_[static_cast<size_t>(c)];
    const double u =
        ctx_.problem.mode == Mode::kCause ? m + post.outside() : 1.0 - m - post.not_reproducible();
    return std::clamp(u, 0.0, 1.0);
  }

  void Reset(const SearchRange& range, const Evidence& ev) {
    range_ = range;
    verdict_version_ = -1;
    // The far end was tested by a probe (fix end, release) unless the user gave good commits;
    // decided from the problem alone so that a replay resets the same way.
    const bool tested = ctx_.problem.mode == Mode::kFix || ctx_.problem.good.empty();
    double outside = tested ? kOutsidePriorTested : kOutsidePriorAsserted;
    std::vector<uint8_t> cand = MarkCandidates(ctx_, range);
    std::vector<CommitIndex> hyps;
    for (CommitIndex c = 0; c < ctx_.dag.size(); ++c) {
      if (cand[static_cast<size_t>(c)]) hyps.push_back(c);
    }
    // The release search stops at the newest release that looked good; a crash missed there
    // puts the culprit among the older commits, as likely a priori as any other. With the fixed
    // small prior, 1-1.5% of the searches at p = 0.9 to 0.2 trusted a release whose runs had
    // all missed the crash (kernel history, N=1024, release search, seeds 7 and 11-13); with
    // this one 0.5%, for 1-3% more runs.
    if (ctx_.problem.mode == Mode::kCause && ctx_.problem.good.empty()) {
      double older = 0;
      for (uint8_t o : MarkAncestors(ctx_.dag, range.olds)) older += o;
      outside =
          std::clamp(older / (older + static_cast<double>(hyps.size())), kOutsidePriorTested, 0.99);
    }
    // The optional prior is mixed 50/50 with uniform so a wrong one costs at most a factor 2.
    const std::vector<double>& given = ctx_.options.commit_prior;
    double given_sum = 0;
    if (given.size() == static_cast<size_t>(ctx_.dag.size())) {
      for (CommitIndex c : hyps) given_sum += std::max(0.0, given[static_cast<size_t>(c)]);
    }
    std::vector<double> prior(hyps.size());
    const double n = static_cast<double>(hyps.size());
    double sum = 0;
    for (size_t i = 0; i < hyps.size(); ++i) {
      double u = 1.0 / n;
      double g = given_sum > 0 ? std::max(0.0, given[static_cast<size_t>(hyps[i])]) / given_sum : u;
      prior[i] = 0.5 * u + 0.5 * g;
      // A commit that changes no input of the build leaves the program as it was: as culprit
      // it separates two identical programs, weighed as the posterior weighs such a split
      // among built commits. Once really built, its signature speaks for it instead.
      if (Avoidable(ctx_, hyps[i]) && !RealBuild(ev, hyps[i])) prior[i] *= Posterior::kSeparation;
      sum += prior[i];
    }
    for (double& x : prior) x *= (1 - outside) / sum;
    posterior_.emplace(ctx_.dag, ctx_.problem.mode, std::move(hyps), std::move(prior), outside,
                       ctx_.options.known_crash_p, ctx_.options.accident_prior);
  }

  // The culprit is all but found and only its confirmation is left, which the information
  // about the culprit undervalues (the stop rule asks that no crash rate explain the runs under
  // another culprit): the runs one commit at a time would make next, on the guess that each
  // comes out as expected (a crash where the crash is likely, at the expected rate), up to the
  // free VMs. Work in flight is taken as done the same way. With an `assumed` culprit, a crash
  // is expected exactly where that culprit has the crash.
  Plan Believe(const SearchRange& range, const Evidence& ev, const InFlight& busy,
               const Capacity& free, CommitIndex assumed) {
    const Posterior& post = *posterior_;
    double p = 0;
    for (size_t g = 0; g < Posterior::kGrid; ++g) p += post.p_marginal()[g] * post.grid()[g];
    std::vector<double> u(static_cast<size_t>(ctx_.dag.size()));
    // Descendants of the assumed culprit (parents have smaller indices).
    std::vector<uint8_t> below(static_cast<size_t>(ctx_.dag.size()), 0);
    if (assumed != kNoCommit) {
      for (CommitIndex c = assumed; c < ctx_.dag.size(); ++c) {
        bool d = c == assumed;
        for (CommitIndex q : ctx_.dag.parents(c))
          d = d || (q >= assumed && below[static_cast<size_t>(q)]);
        below[static_cast<size_t>(c)] = d;
      }
    }
    for (CommitIndex c = 0; c < ctx_.dag.size(); ++c) {
      if (assumed == kNoCommit) {
        u[static_cast<size_t>(c)] = CrashChance(c, ev);
      } else {
        const bool b = below[static_cast<size_t>(c)];
        u[static_cast<size_t>(c)] = (ctx_.problem.mode == Mode::kCause) == b ? 1.0 : 0.0;
      }
    }
    Evidence guess = ev;
    auto expect = [&](CommitIndex c, int runs) {
      const int crashes =
          u[static_cast<size_t>(c)] > 0.5 ? std::max(1, static_cast<int>(runs * p + 0.5)) : 0;
      for (int i = 0; i < runs; ++i) {
        guess.RecordRun(c, i < crashes ? Outcome::kTargetCrash : Outcome::kOk);
      }
    };
    for (const InFlight::Runs& r : busy.runs) expect(r.commit, r.runs);
    const std::optional<Posterior> saved = posterior_;
    const Progress progress = progress_;
    Plan plan;
    int left = free.runs;
    for (int step = 0; step < 4 * std::max(1, free.runs) && left > 0; ++step) {
      Decision d = Bisect(range, guess);
      const Action* a = std::get_if<Action>(&d);
      if (a == nullptr) break;
      if (a->kind == Action::Kind::kBuild) {
        if (!busy.Building(a->commit) && free.builds > 0) plan.builds.push_back(a->commit);
        break;
      }
      const int k = std::min(a->runs, left);
      auto it = std::find_if(plan.runs.begin(), plan.runs.end(),
                             [&](const Plan::Runs& r) { return r.commit == a->commit; });
      if (it == plan.runs.end()) {
        plan.runs.push_back({a->commit, k});
      } else {
        it->runs += k;
      }
      left -= k;
      expect(a->commit, k);
    }
    posterior_.emplace(*saved);
    progress_ = progress;
    verdict_version_ = -1;
    return plan;
  }

  // VMs the round leaves idle: the runs that would confirm each likely culprit (posterior at
  // least kLikely), on the guess that it is the culprit, start now. Confirming a culprit takes
  // runs on it and on its parents that locating it did not need (the stop rule rules out every
  // crash rate under which another culprit explains the runs); made a round later, they cost a
  // round of wall time. Idle VMs make them free in wall time, not in runs.
  void Confirm(const SearchRange& range, const Evidence& ev, const InFlight& busy, int free_runs,
               Plan* plan) {
    const Posterior& post = *posterior_;
    int left = free_runs;
    for (const Plan::Runs& r : plan->runs) left -= r.runs;
    std::vector<CommitIndex> likely;
    std::vector<double> mass;
    for (size_t i = 0; i < post.hyps().size(); ++i) {
      if (post.mass(i) < kLikely) continue;
      likely.push_back(post.hyps()[i]);
      mass.push_back(post.mass(i));
    }
    std::vector<size_t> order(likely.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return mass[a] > mass[b]; });
    for (size_t i : order) {
      if (left <= 0) break;
      InFlight after = busy;
      for (const Plan::Runs& r : plan->runs) after.runs.push_back({r.commit, r.runs});
      const Plan more = Believe(range, ev, after, {.builds = 0, .runs = left}, likely[i]);
      for (const Plan::Runs& r : more.runs) {
        const int k = std::min(r.runs, left);
        if (k <= 0) break;
        auto it = std::find_if(plan->runs.begin(), plan->runs.end(),
                               [&](const Plan::Runs& x) { return x.commit == r.commit; });
        if (it == plan->runs.end()) {
          plan->runs.push_back({r.commit, k});
        } else {
          it->runs += k;
        }
        left -= k;
      }
    }
  }

  bool AccidentsCounted() const {
    return ctx_.options.accident_prior >= EngineOptions::kAccidentsCounted;
  }

  static bool RealBuild(const Evidence& ev, CommitIndex c) {
    return ev.at(c).build != BuildState::kUnknown && !ev.at(c).avoided;
  }

  // The posterior on this evidence; rebuilt when the range changes or an avoidable commit was
  // really built (its prior changes).
  void Refresh(const SearchRange& range, const Evidence& ev) {
    int real = 0;
    if (!ctx_.options.avoidable.empty()) {
      for (CommitIndex c : ev.built()) real += Avoidable(ctx_, c) && RealBuild(ev, c);
    }
    if (!posterior_ || range.newest != range_.newest || range.olds != range_.olds ||
        real != real_avoidable_) {
      real_avoidable_ = real;
      Reset(range, ev);
    }
    posterior_->Update(ev);
  }

  // An avoided commit whose runs say its program is not its first parent's after all: the
  // posterior odds that the culprit lies between it and the real build whose program it was
  // given (which the prior put at kSeparation per commit) have passed 1.
  CommitIndex Contradicted(const Evidence& ev) {
    if (ctx_.options.avoidable.empty()) return kNoCommit;
    bool any = false;
    for (CommitIndex c : ev.built()) any = any || ev.at(c).avoided;
    if (!any) return kNoCommit;
    posterior_->MassByCommit(&w_);
    ctx_.mass.Compute(w_, &m_);
    for (CommitIndex c : ev.built()) {
      if (!ev.at(c).avoided) continue;
      CommitIndex x = c;
      while (ev.at(x).avoided && !ctx_.dag.parents(x).empty()) x = ctx_.dag.parents(x)[0];
      if (m_[static_cast<size_t>(c)] - m_[static_cast<size_t>(x)] > kContradiction) return c;
    }
    return kNoCommit;
  }

  Choice Choose(const SearchRange& range, const Evidence& ev) {
    const Posterior& post = *posterior_;
    // For k runs on c: each hypothesis h predicts "the crash shows" with chance Q_h(k) if c has
    // the bug under h, G_h(k) if not, (p, f) as the evidence leaves them under h. The
    // information about the culprit is H(sum_h P(h) r_h) - sum_h P(h) H(r_h), r_h the chance h
    // predicts: four sums over the hypotheses under which c crashes (ancestor sums) and their
    // complements, per run count.
    const int batch = std::max(1, ctx_.options.batch_runs);
    const bool cause = ctx_.problem.mode == Mode::kCause;
    auto& sums = sums_;
    std::array<std::array<double, 4>, kChoices> totals{};
    std::array<double, kChoices> outside_q{}, outside_hq{}, norep_g{}, norep_hg{};
    std::vector<int> run_counts;
    for (int k : kRunChoices) run_counts.push_back(k * batch);
    post.PredictRows(run_counts, &rates_);
    const size_t out_row = post.OutsideRow(), norep_row = post.NotReproducibleRow();
    for (size_t j = 0; j < kChoices; ++j) {
      for (size_t s = 0; s < 4; ++s) {
        w4_[s].assign(static_cast<size_t>(ctx_.dag.size()), 0.0);
      }
      for (size_t i = 0; i < post.hyps().size(); ++i) {
        const size_t c = static_cast<size_t>(post.hyps()[i]), row = post.RowOf(i);
        const double m = post.mass(i), q = rates_.detect[row][j], g = rates_.accident[row][j];
        w4_[0][c] = m * q;
        w4_[1][c] = m * BinaryEntropy(q);
        w4_[2][c] = m * g;
        w4_[3][c] = m * BinaryEntropy(g);
      }
      for (size_t s = 0; s < 4; ++s) {
        for (double v : w4_[s]) totals[j][s] += v;
        ctx_.mass.Compute(w4_[s], &sums[j][s]);
      }
      const double oq = rates_.detect[out_row][j], ng = rates_.accident[norep_row][j];
      outside_q[j] = post.outside() * oq;
      outside_hq[j] = post.outside() * BinaryEntropy(oq);
      norep_g[j] = post.not_reproducible() * ng;
      norep_hg[j] = post.not_reproducible() * BinaryEntropy(ng);
    }
    auto info_of = [&](CommitIndex c, size_t j) {
      const size_t x = static_cast<size_t>(c);
      const auto& a = sums[j];
      const auto& t = totals[j];
      // Cause: c crashes under the hypotheses among its ancestors; fix: under the others.
      const double q = (cause ? a[0][x] : t[0] - a[0][x]) + outside_q[j];
      const double hq = (cause ? a[1][x] : t[1] - a[1][x]) + outside_hq[j];
      const double g = (cause ? t[2] - a[2][x] : a[2][x]) + norep_g[j];
      const double hg = (cause ? t[3] - a[3][x] : a[3][x]) + norep_hg[j];
      return std::max(0.0, BinaryEntropy(std::clamp(q + g, 0.0, 1.0)) - hq - hg);
    };
    post.MassByCommit(&w_);
    ctx_.mass.Compute(w_, &m_);
    std::vector<CommitIndex> untestable;
    for (CommitIndex c : ev.built()) {
      if (ev.at(c).Untestable()) untestable.push_back(c);
    }
    const double new_build_discount = kBuildShare / (kBuildShare + ctx_.options.build_cost);
    Choice best;
    // The ends of the range are always weighed: whether they crash is all but known, but
    // their runs tell the crash rate, which hypotheses may see differently.
    auto consider = [&](CommitIndex c, bool end) {
      const CommitEvidence& e = ev.at(c);
      if (e.Untestable()) return;
      double u = ctx_.problem.mode == Mode::kCause
                     ? m_[static_cast<size_t>(c)] + post.outside()
                     : 1.0 - m_[static_cast<size_t>(c)] - post.not_reproducible();
      u = std::clamp(u, 0.0, 1.0);
      if (!end && (u < 1e-5 || u > 1 - 1e-5)) return;
      // An avoidable commit is free once its first parent's program is known; otherwise it
      // costs the build of the commit whose program it shares (the engine builds that one).
      const bool built = e.built() || ProgramKnown(ctx_, ev, c);
      const double weight = built ? 1.0 : ChanceTestable(c, untestable) * new_build_discount;
      // What runs tell is mostly whether c crashes, at most H(u) <= 2 sqrt(u (1 - u)) bits (Lin
      // 1991); the rest, what they tell of the rates, is small away from the ends (a heuristic
      // bound, no longer a proof): skip hopeless commits before paying for logarithms. A step is
      // linear: 4 ancestor sums per run count, then a constant per commit.
      if (!end && weight * 2 * std::sqrt(u * (1 - u)) <= best.score * batch) return;
      double last = -1;
      for (size_t j = 0; j < kChoices; ++j) {
        const int runs = kRunChoices[j] * batch;
        double info = info_of(c, j);
        double score = weight * info / runs;
        if (score > best.score) {
          // With accidents, more runs can tell less (each may fail anyway): the most any count
          // tells.
          double most = 0;
          for (size_t i = 0; i < kChoices; ++i) most = std::max(most, info_of(c, i));
          best = {c, runs, info, score, most};
        }
        if (score < last) break;  // the score is unimodal in k
        last = score;
      }
    };
    for (CommitIndex c : post.hyps()) consider(c, false);
    if (ev.at(range.newest).built()) consider(range.newest, true);
    for (CommitIndex c : range.olds) consider(c, true);
    return best;
  }

  // Untestable commits come in clusters: a commit d commits away from the nearest known
  // untestable one is testable with chance about 1 - 0.9 * exp(-d / 3).
  static double ChanceTestable(CommitIndex c, const std::vector<CommitIndex>& untestable) {
    if (untestable.empty()) return 1.0;
    auto it = std::lower_bound(untestable.begin(), untestable.end(), c);
    int d = kFar;
    if (it != untestable.end()) d = std::min(d, *it - c);
    if (it != untestable.begin()) d = std::min(d, c - *std::prev(it));
    return 1.0 - 0.9 * std::exp(-d / 3.0);
  }

  Decision Outside(const SearchRange& range) const {
    Conclusion c;
    c.kind = ConclusionKind::kHorizon;
    c.culprit = ctx_.problem.mode == Mode::kFix ? range.newest : range.olds.front();
    c.confidence = posterior_->outside();
    c.stop_reason = ctx_.problem.mode == Mode::kFix ? "the newest commit still crashes"
                                                    : "the good commit crashes too";
    return c;
  }

  Conclusion Found(CommitIndex culprit, double confidence, const char* reason) const {
    Conclusion c;
    c.kind = ConclusionKind::kFound;
    c.culprit = culprit;
    c.confidence = confidence;
    c.accident_rate = posterior_ ? posterior_->ExpectedFalseRate() : 0.0;
    c.stop_reason = reason;
    return c;
  }

  // Found if the target is reached; the horizon, with its probability, if the bug is likelier
  // beyond the range than in it (a probe at the far end taken for clean that the runs since
  // contradict: listing the range's commits would name candidates that hold little of the
  // mass); else the smallest set holding the target mass.
  Conclusion Conclude(size_t top, const char* reason) const {
    const Posterior& post = *posterior_;
    const double target = ctx_.options.confidence_target;
    if (!post.hyps().empty() && post.mass(top) >= target) {
      return Found(post.hyps()[top], post.mass(top), reason);
    }
    if (post.outside() > 0.5) {
      Conclusion c = std::get<Conclusion>(Outside(range_));
      c.stop_reason += std::string(", not confirmed (") + reason + ")";
      c.short_of_target = true;
      return c;
    }
    std::vector<size_t> order(post.hyps().size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return post.mass(a) > post.mass(b); });
    Conclusion c;
    c.kind = ConclusionKind::kInconclusive;
    c.stop_reason = reason;
    double sum = 0;
    for (size_t i : order) {
      if (sum >= target * (1 - post.outside())) break;
      c.candidates.push_back({post.hyps()[i], post.mass(i)});
      sum += post.mass(i);
    }
    return c;
  }

  void UpdateProgress(double top) {
    const Posterior& post = *posterior_;
    int left = 0;
    for (size_t i = 0; i < post.hyps().size(); ++i) left += post.mass(i) >= 1e-3 * top;
    int steps = 0;
    while ((1 << steps) < left) ++steps;
    progress_ = {.candidates_left = left, .steps_left = steps, .confidence = top};
  }

  const Context& ctx_;
  // The release probes, newest first, and which are ancestors of which (see BugRunsFor).
  mutable std::optional<std::vector<CommitIndex>> probes_;
  mutable std::vector<std::vector<char>> below_;
  SearchRange range_;
  std::optional<Posterior> posterior_;
  int real_avoidable_ = 0;
  std::vector<double> w_, m_;
  // Choose's weights and their ancestor sums, per run count (kept to spare allocations).
  static constexpr size_t kChoices = std::size(kRunChoices);
  std::array<std::vector<double>, 4> w4_;
  std::array<std::array<std::vector<double>, 4>, kChoices> sums_;
  Posterior::RowRates rates_;
  Progress progress_;
  int verdict_version_ = -1;
  std::vector<double> verdict_w_, verdict_m_;
};

}  // namespace

std::unique_ptr<Strategy> MakeBayesStrategy(const Context& ctx) {
  return std::make_unique<BayesStrategy>(ctx);
}

}  // namespace culprit::decide
