// The history a syzbot log implies when the repository is not at hand. A log names the tested
// commits and git's walk, not the commits between them, so the model puts the tested commits on
// a line and weighs the ranges between them by git's own counts:
// - git bisect keeps a candidate range; a good verdict moves its lower end up to the tested
//   commit, a bad one its upper end down to it (linear order, as git's walk implies).
// - "Bisecting: N revisions left to test after this (roughly K steps)" is printed by git
//   (bisect.c, bisect_next_all) with N = all - reaches - 1: `all` candidates, `reaches` of them
//   below the midpoint it picked, about half. So all ~ 2 (N + 1), bounded by the step estimate K
//   (estimate_bisect_steps). The count printed after a verdict is the range that verdict left;
//   the difference to the range before is what it cut away.
// - A skipped commit says nothing about the order: it is put in the middle of the range it was
//   picked from (git picks near the midpoint). Its runs still count if they tell anything.
// - Release walk (cause): the releases tested before the bisection are older than the start
//   commit, newest first; each release cycle counts as many commits as the bisected range.
// - "The crash is outside the range" (older than the good end in cause bisection, never fixed in
//   fix bisection) is a priori as likely as the range itself.
// With the repository (cli/audit_command.cc) none of this is needed: the real graph is used.
#include <algorithm>
#include <cmath>

#include "audit/audit.h"
#include "base/strings.h"

namespace culprit::audit {
namespace {

// The fewest candidates for which git's estimate_bisect_steps() says `steps`: it returns
// n = floor(log2(all)) once all - 2^n exceeds 2^n / 3, else n - 1.
double FewestForSteps(int steps) {
  if (steps <= 0) return 1;
  const double e = std::ldexp(1.0, steps);
  return e + std::floor(e / 3) + 1;
}

double CandidatesFromCount(int left, int steps) {
  double all = 2.0 * (left + 1);
  if (steps >= 0 && steps < 60) {
    all = std::clamp(all, FewestForSteps(steps), FewestForSteps(steps + 1) - 1);
  }
  return std::max(all, left + 2.0);
}

bool SameCommit(const std::string& a, const std::string& b) {
  return StartsWith(a, b) || StartsWith(b, a);
}

struct Point {
  std::string id;
  std::string title;
  double x = 0;
};

class Line {
 public:
  bool Has(const std::string& id) const {
    return std::any_of(points_.begin(), points_.end(),
                       [&](const Point& p) { return SameCommit(p.id, id); });
  }
  /// First placement wins: a commit tested twice stays where the walk first put it.
  void Place(const std::string& id, double x, const std::string& title = "") {
    if (!id.empty() && !Has(id)) points_.push_back({id, title, x});
  }
  double At(const std::string& id) const {
    for (const Point& p : points_) {
      if (SameCommit(p.id, id)) return p.x;
    }
    return 0;
  }
  /// Sorted by position; ties keep the order of placement (stable).
  std::vector<Point> Sorted() const {
    std::vector<Point> out = points_;
    std::stable_sort(out.begin(), out.end(),
                     [](const Point& a, const Point& b) { return a.x < b.x; });
    return out;
  }

 private:
  std::vector<Point> points_;
};

// The candidates git had left once the bisection ended: 1 for a named culprit, the listed
// ones when only skipped commits were left.
double FinalCandidates(const SyzbotLog& log) {
  if (log.ending == LogEnding::kCulprit) return 1;
  if (log.ending == LogEnding::kInconclusive) return std::max<double>(1, log.culprits.size());
  return -1;
}

struct Range {
  double lo = 0, hi = 0;
};

// Places the bisection's tests; returns the final range.
Range WalkBisection(const SyzbotLog& log, double size, Line* line, bool* skipped) {
  Range r{0, size};
  std::vector<const TestedCommit*> steps;
  for (const TestedCommit& t : log.tested) {
    if (t.in_bisection && t.verdict != LoggedVerdict::kNone) steps.push_back(&t);
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    const TestedCommit& t = *steps[i];
    const double all = r.hi - r.lo;
    double next = t.left_after >= 0 ? CandidatesFromCount(t.left_after, t.steps_after)
                  : i + 1 == steps.size() && FinalCandidates(log) > 0 ? FinalCandidates(log)
                  : t.verdict == LoggedVerdict::kSkip                 ? all
                                                                      : all / 2;
    if (t.verdict == LoggedVerdict::kSkip) {
      *skipped = true;
      line->Place(t.id, r.lo + all / 2, t.title);
      continue;
    }
    // A good or bad verdict cuts at least one commit and leaves at least one.
    next = all >= 2 ? std::clamp(next, 1.0, all - 1) : all / 2;
    if (t.verdict == LoggedVerdict::kGood) {
      r.lo = r.hi - next;
      line->Place(t.id, r.lo, t.title);
    } else {
      r.hi = r.lo + next;
      line->Place(t.id, r.hi, t.title);
    }
  }
  return r;
}

// Commits tested outside the bisection (start, releases, HEAD) that the walk did not place.
void PlaceWalk(const SyzbotLog& log, double size, Line* line, bool* releases) {
  std::vector<const TestedCommit*> walk;
  for (const TestedCommit& t : log.tested) {
    if (!t.in_bisection) walk.push_back(&t);
  }
  if (log.bisect_bad.empty()) {
    // No bisection: the walk itself is the line (cause: newest first; fix: oldest first).
    for (size_t i = 0; i < walk.size(); ++i) {
      double x = log.mode == LogMode::kCause ? static_cast<double>(walk.size() - 1 - i) : i;
      line->Place(walk[i]->id, x, walk[i]->title);
    }
    return;
  }
  // Cause: the walk runs from the start down through the releases to the good end.
  size_t bad_at = walk.size(), good_at = walk.size();
  for (size_t i = 0; i < walk.size(); ++i) {
    if (bad_at == walk.size() && SameCommit(walk[i]->id, log.bisect_bad)) bad_at = i;
    if (good_at == walk.size() && SameCommit(walk[i]->id, log.bisect_good)) good_at = i;
  }
  const size_t above = std::min(bad_at, walk.size());
  for (size_t i = 0; i < above; ++i) {
    if (!walk[i]->release.empty()) *releases = true;
    line->Place(walk[i]->id, size * static_cast<double>(above - i + 1), walk[i]->title);
  }
  for (size_t i = above; i < walk.size(); ++i) {
    if (!walk[i]->release.empty()) *releases = true;
    line->Place(walk[i]->id, i < good_at ? size / 2 : -size * static_cast<double>(i - good_at),
                walk[i]->title);
  }
}

}  // namespace

Result<AuditHistory> HistoryFromWalk(const SyzbotLog& log) {
  Line line;
  AuditHistory h;
  bool skipped = false, releases = false;
  Range final_range;
  double size = 1;
  if (!log.bisect_bad.empty()) {
    size = log.left_at_start >= 0     ? CandidatesFromCount(log.left_at_start, log.steps_at_start)
           : FinalCandidates(log) > 0 ? FinalCandidates(log)
                                      : 2;
    line.Place(log.bisect_good, 0);
    line.Place(log.bisect_bad, size);
    final_range = WalkBisection(log, size, &line, &skipped);
  }
  PlaceWalk(log, size, &line, &releases);

  std::vector<decide::CommitNode> nodes;
  std::vector<Point> points = line.Sorted();
  for (size_t i = 0; i < points.size(); ++i) {
    decide::CommitNode n{.id = points[i].id, .title = points[i].title};
    if (i > 0) n.parents = {static_cast<decide::CommitIndex>(i - 1)};
    nodes.push_back(std::move(n));
    h.node_of[points[i].id] = static_cast<decide::CommitIndex>(i);
    const double w = i > 0 ? points[i].x - points[i - 1].x : 0;
    if (w > 1e-9) {
      h.hyps.push_back(static_cast<decide::CommitIndex>(i));
      h.weight.push_back(w);
    }
  }
  auto dag = decide::CommitDag::Make(std::move(nodes));
  if (!dag) return tl::unexpected(dag.error());
  h.dag = std::move(*dag);
  h.outside_weight = size;

  if (log.ending == LogEnding::kCulprit) {
    for (size_t i = 0; i < h.hyps.size(); ++i) {
      if (SameCommit(h.dag.node(h.hyps[i]).id, log.culprits.front())) {
        h.answer.push_back({h.hyps[i], 1 / h.weight[i]});
      }
    }
  } else if (log.ending == LogEnding::kInconclusive) {
    for (size_t i = 0; i < h.hyps.size(); ++i) {
      const double x = line.At(h.dag.node(h.hyps[i]).id);
      if (x > final_range.lo + 1e-9 && x <= final_range.hi + 1e-9) {
        h.answer.push_back({h.hyps[i], 1.0});
      }
    }
  }

  h.assumptions.push_back(
      "without the repository the tested commits are put on a line in git's walk order (a good "
      "verdict moves the range's lower end, a bad one its upper end); the culprit is in one of "
      "the ranges between neighbouring tested commits");
  h.assumptions.push_back(
      "a range's size comes from git's 'N revisions left (roughly K steps)': about 2(N+1) "
      "candidates, within what K allows; the prior of a range is proportional to its size");
  if (skipped) {
    h.assumptions.push_back("a skipped commit sits in the middle of the range it was picked from");
  }
  if (releases) {
    h.assumptions.push_back(
        "each release cycle of the release walk holds as many commits as the bisected range");
  }
  h.assumptions.push_back(log.mode == LogMode::kCause
                              ? "a crash older than the range's good end is a priori as likely as "
                                "a culprit inside it"
                              : "a crash never fixed by the newest commit is a priori as likely "
                                "as a fix inside the range");
  return h;
}

}  // namespace culprit::audit
