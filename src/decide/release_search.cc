#include "decide/release_search.h"

#include <algorithm>

namespace culprit::decide {

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

}  // namespace culprit::decide
