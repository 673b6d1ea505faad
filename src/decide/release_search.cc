#include "decide/release_search.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "decide/posterior.h"

namespace culprit::decide {

namespace {
// Below this a run tells nothing worth its time about where the bug starts: the release search
// is out of runs (a tenth of what the bisection asks of a whole test, kMinInfoBits).
constexpr double kLeastBitsPerRun = 1e-4;
}  // namespace

std::vector<CommitIndex> ReleasesToTry(const CommitDag& dag, CommitIndex bad) {
  std::vector<CommitIndex> releases;
  for (CommitIndex c : dag.Ancestors(bad)) {
    if (c != bad && dag.IsRelease(c)) releases.push_back(c);
  }
  if (releases.empty()) {
    for (CommitIndex c : dag.Ancestors(bad)) {
      if (c != bad && dag.parents(c).empty()) releases.push_back(c);
    }
  }
  std::reverse(releases.begin(), releases.end());
  std::vector<CommitIndex> picked;
  size_t step = 1;
  int taken_at_step = 0;
  for (size_t i = 0; i < releases.size(); i += step) {
    picked.push_back(releases[i]);
    if (++taken_at_step == 3) {
      ++step;
      taken_at_step = 0;
    }
  }
  if (!releases.empty() && picked.back() != releases.back()) picked.push_back(releases.back());
  return picked;
}

ReleaseSearch SearchReleases(const Context& ctx, const Strategy& strategy, const Evidence& ev) {
  ReleaseSearch out;
  out.bad = ctx.problem.bad;
  CommitIndex oldest_bad = kNoCommit;
  Judgement oldest_bad_judged;
  for (CommitIndex r : ReleasesToTry(ctx.dag, ctx.problem.bad)) {
    Judgement j = strategy.Judge(r, ev, false);
    if (j.kind == Judgement::Kind::kBuild) {
      out.decision = Action{.kind = Action::Kind::kBuild, .commit = r, .release_search = true};
      return out;
    }
    if (j.kind == Judgement::Kind::kRuns) {
      out.decision =
          Action{.kind = Action::Kind::kTest, .commit = r, .runs = j.runs, .release_search = true};
      return out;
    }
    switch (j.verdict) {
      case Verdict::kAbort:
        out.decision = ErrorConclusion("unable to determine the verdict because of infra errors");
        return out;
      case Verdict::kSkip:
        continue;
      case Verdict::kCrash:
        oldest_bad = r;
        oldest_bad_judged = j;
        out.bad = r;
        continue;
      case Verdict::kNoCrash:
        out.good = r;
        return out;
    }
  }
  if (oldest_bad == kNoCommit) {
    out.decision = ErrorConclusion("no testable release older than the bad commit");
    return out;
  }
  out.decision =
      HorizonConclusion(oldest_bad, "the oldest tested release crashes", oldest_bad_judged);
  return out;
}

double ProbeRate(int crashes, int clean) {
  return std::max(0.02, static_cast<double>(crashes) / (crashes + clean + 1));
}

int ProbeRunsNeeded(int crashes, int clean) {
  const double p = ProbeRate(crashes, clean);
  return std::clamp(static_cast<int>(std::ceil(std::log(0.01) / std::log1p(-p))), 2, 100);
}

ReleaseSearch SearchReleasesWeighed(const Context& ctx, const Evidence& ev) {
  ReleaseSearch out;
  const CommitIndex bad = ctx.problem.bad;
  out.bad = bad;
  const int need = ProbeRunsNeeded(ev.at(bad).target, ev.at(bad).ok);
  // Runs on one commit before the search is out of runs there: the probe rule's budget.
  const int most = std::max(kMaxRunsOnBad, 6 * need);
  auto act = [&](Action::Kind kind, CommitIndex c, int runs) {
    out.decision = Action{.kind = kind, .commit = c, .runs = runs, .release_search = true};
    return out;
  };
  // The chain: the bad commit, then the releases tested so far, newest first. `next`: the
  // release to try after them; `marked_good`: one a human marked good, which ends the chain.
  std::vector<CommitIndex> chain{bad};
  std::vector<std::pair<int, int>> runs{{ev.at(bad).target, ev.at(bad).ok}};
  CommitIndex next = kNoCommit, marked_good = kNoCommit;
  for (CommitIndex r : ReleasesToTry(ctx.dag, bad)) {
    const CommitEvidence& e = ev.at(r);
    if (auto marked = MarkedVerdict(e); marked && e.target == 0) {
      if (*marked == Verdict::kNoCrash) {
        marked_good = r;
        break;
      }
      continue;  // marked failing: its descendants in the chain fail with it
    }
    if (e.build == BuildState::kUnknown || (e.built() && e.runs() == 0)) {
      next = r;
      break;
    }
    if (e.Untestable()) continue;
    chain.push_back(r);
    runs.push_back({e.target, e.ok});
  }
  auto try_next = [&]() -> std::optional<ReleaseSearch> {
    if (marked_good != kNoCommit) {
      out.good = marked_good;
      out.bad = chain.back();
      return out;
    }
    if (next == kNoCommit) return std::nullopt;
    if (ev.at(next).build == BuildState::kUnknown) return act(Action::Kind::kBuild, next, 0);
    return act(Action::Kind::kTest, next, need);
  };
  const size_t tested = chain.size() - 1;
  if (tested == 0) {
    if (auto t = try_next()) return *t;
    out.decision = ErrorConclusion("no testable release older than the bad commit");
    return out;
  }
  const Posterior::Chain model = Posterior::Changepoint(runs, ctx.options.accident_prior);
  const double target = ctx.options.confidence_target;
  // clean[i]: the chance that chain[i] is clean, growing from the bad commit down.
  std::vector<double> clean(chain.size(), 0.0);
  for (size_t i = 1; i < chain.size(); ++i) clean[i] = clean[i - 1] + model.post[i - 1];
  // Once a release is clean to the bar, the bisection's old end is the oldest release tested
  // (at least as likely clean): every release's runs then weigh in the bisection, those newer
  // than the clean one inside its range, the oldest telling the accident rate of a commit
  // without the bug. From the clean release itself, a bisection whose old end had the bug after
  // all could not tell accidents at the rate that release shows from the bug just above it,
  // and ran thousands of runs (2 searches in 100 at p = 0.1, accidents at 0.05).
  auto good_at = [&](double bar) -> std::optional<ReleaseSearch> {
    for (size_t i = 1; i < chain.size(); ++i) {
      if (clean[i] < bar) continue;
      out.good = chain.back();
      out.bad = chain[i - 1];
      return out;
    }
    return std::nullopt;
  };
  if (auto g = good_at(target)) return *g;
  const double all_fail = model.post[tested];
  auto horizon = [&](double failing) {
    const Judgement j = failing >= target ? Judgement::Of(Verdict::kCrash)
                                          : Judgement::Likelier(Verdict::kCrash, failing);
    out.decision = HorizonConclusion(chain.back(), "the oldest tested release crashes", j);
    return out;
  };
  if (all_fail >= 0.5) {
    // Every tested release likelier failing: an older one tells where the bug starts, and
    // how often commits without it fail.
    if (auto t = try_next()) return *t;
    if (all_fail >= target) return horizon(all_fail);
  }
  // Unsure: runs where one tells most about the changepoint, a batch at a time.
  double best_info = 0;
  size_t best = chain.size();
  for (size_t i = 0; i < chain.size(); ++i) {
    if (runs[i].first + runs[i].second >= most) continue;
    double fails = 0, each = 0;
    for (size_t k = 0; k < chain.size(); ++k) {
      fails += model.post[k] * model.fail[k][i];
      each += model.post[k] * BinaryEntropy(model.fail[k][i]);
    }
    const double info = BinaryEntropy(fails) - each;
    if (info > best_info) {
      best_info = info;
      best = i;
    }
  }
  if (best < chain.size() && best_info > kLeastBitsPerRun) {
    return act(Action::Kind::kTest, chain[best], std::max(1, need / 2));
  }
  // Out of runs: the likelier side, saying so.
  if (auto g = good_at(0.5)) return *g;
  if (auto t = try_next()) return *t;
  return horizon(all_fail);
}

}  // namespace culprit::decide
