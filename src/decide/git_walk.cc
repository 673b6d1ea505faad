// Git's bisection walk (git bisect.c: find_bisection's weighted midpoint, skip handling, "only
// skipped commits left"), re-derived from the recorded evidence on every call so that a resumed
// job replaying its evidence lands on the same next action.
#include <algorithm>
#include <cmath>

#include "decide/strategy.h"

namespace culprit::decide {

std::vector<uint8_t> MarkCandidates(const Context& ctx, const SearchRange& range) {
  std::vector<uint8_t> mark = MarkAncestors(ctx.dag, {range.newest});
  std::vector<uint8_t> old = MarkAncestors(ctx.dag, range.olds);
  for (size_t c = 0; c < mark.size(); ++c) mark[c] = mark[c] && !old[c] && ctx.universe[c];
  return mark;
}

Conclusion ErrorConclusion(std::string message) {
  Conclusion c;
  c.kind = ConclusionKind::kError;
  c.error = std::move(message);
  c.stop_reason = "error";
  return c;
}

Conclusion HorizonConclusion(CommitIndex commit, std::string reason, const Judgement& failing) {
  Conclusion c;
  c.kind = ConclusionKind::kHorizon;
  c.culprit = commit;
  c.stop_reason = std::move(reason);
  if (failing.short_of_target > 0) {
    c.confidence = failing.short_of_target;
    c.short_of_target = true;
    c.stop_reason +=
        ", not confirmed (out of runs: its failures are more likely the bug than accidents)";
  }
  return c;
}

namespace {

// git's weighted midpoint: the candidate whose ancestor count within the range is closest to
// half of it. Ties go to the newer commit. kNoCommit if every candidate is skipped.
CommitIndex Midpoint(const Context& ctx, const std::vector<uint8_t>& cand, int count,
                     CommitIndex newest, const std::vector<uint8_t>& skipped) {
  std::vector<double> w(cand.size()), m;
  for (size_t c = 0; c < cand.size(); ++c) w[c] = cand[c] ? 1.0 : 0.0;
  ctx.mass.Compute(w, &m);
  CommitIndex best = kNoCommit;
  double best_score = -1;
  for (CommitIndex c = 0; c < ctx.dag.size(); ++c) {
    if (!cand[static_cast<size_t>(c)] || c == newest || skipped[static_cast<size_t>(c)]) continue;
    double score = std::min(m[static_cast<size_t>(c)], count - m[static_cast<size_t>(c)]);
    if (score >= best_score) {
      best_score = score;
      best = c;
    }
  }
  return best;
}

// syzbot's confidence: the chance that every "no crash" verdict was right, given the crash rate
// seen on the bad commit.
double NoCrashConfidence(const Evidence& ev, CommitIndex bad, const std::vector<CommitIndex>& ok) {
  const CommitEvidence& b = ev.at(bad);
  int n = b.target + b.ok;
  double rate = n > 0 ? static_cast<double>(b.target) / n : 1.0;
  double conf = 1.0;
  for (CommitIndex c : ok) conf *= 1.0 - std::pow(1.0 - rate, ev.at(c).ok);
  return conf;
}

}  // namespace

Decision GitWalk(const Context& ctx, const Strategy& strategy, const SearchRange& start,
                 const Evidence& ev, int* candidates_left) {
  const bool cause = ctx.problem.mode == Mode::kCause;
  SearchRange range = start;
  // A human's marks narrow the range first, as `git bisect good/bad REV` does (skip marks are
  // verdicts met on the walk). They are not runs: syzbot's confidence does not count them.
  for (CommitIndex c : ev.marked()) {
    if (c == range.newest || !MarkCandidates(ctx, range)[static_cast<size_t>(c)]) continue;
    if ((ev.at(c).mark == CommitVerdict::kCrashes) == cause) {
      range.newest = c;
    } else {
      range.olds.push_back(c);
    }
  }
  std::vector<uint8_t> skipped(static_cast<size_t>(ctx.dag.size()), 0);
  std::vector<CommitIndex> no_crash;
  for (;;) {
    std::vector<uint8_t> cand = MarkCandidates(ctx, range);
    cand[static_cast<size_t>(range.newest)] = 1;
    int count = static_cast<int>(std::count(cand.begin(), cand.end(), 1));
    *candidates_left = count;
    if (count == 1) {
      Conclusion c;
      c.kind = ConclusionKind::kFound;
      c.culprit = range.newest;
      c.confidence = NoCrashConfidence(ev, ctx.problem.bad, no_crash);
      c.stop_reason = "one commit left";
      return c;
    }
    CommitIndex next = Midpoint(ctx, cand, count, range.newest, skipped);
    if (next == kNoCommit) {
      Conclusion c;
      c.kind = ConclusionKind::kInconclusive;
      c.stop_reason = "only skipped commits left";
      for (CommitIndex x = 0; x < ctx.dag.size(); ++x) {
        if (cand[static_cast<size_t>(x)]) c.candidates.push_back({x, 1.0 / count});
      }
      return c;
    }
    Judgement j = strategy.Judge(next, ev, false);
    if (j.kind == Judgement::Kind::kBuild)
      return Action{.kind = Action::Kind::kBuild, .commit = next};
    if (j.kind == Judgement::Kind::kRuns) {
      return Action{.kind = Action::Kind::kTest, .commit = next, .runs = j.runs};
    }
    switch (j.verdict) {
      case Verdict::kAbort:
        return ErrorConclusion("unable to determine the verdict because of infra errors");
      case Verdict::kSkip:
        skipped[static_cast<size_t>(next)] = 1;
        break;
      case Verdict::kCrash:
      case Verdict::kNoCrash:
        if (j.verdict == Verdict::kNoCrash) no_crash.push_back(next);
        if ((j.verdict == Verdict::kCrash) == cause) {
          range.newest = next;
        } else {
          range.olds.push_back(next);
        }
        break;
    }
  }
}

}  // namespace culprit::decide
