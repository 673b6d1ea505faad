#include "report/picture.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "base/strings.h"
#include "decide/names.h"
#include "report/escape.h"

namespace culprit::report {
namespace {

// One commit on the axis: tested, a candidate, the culprit or its parent (or several).
struct Point {
  std::string commit;
  std::string title;
  int position = -1;
  const TestedRevision* tested = nullptr;
  int order = 0;            // 1-based, in test order
  double probability = -1;  // a candidate's posterior; -1: not a candidate
  bool culprit = false;
  bool parent = false;
};

struct RunCounts {
  int crashed = 0, ok = 0, untestable = 0;
  int total() const { return crashed + ok + untestable; }
};

RunCounts CountRuns(const TestedRevision& t) {
  RunCounts n;
  if (t.run_list.empty()) {
    n.crashed = t.target_crashes;
    n.ok = std::max(0, t.runs - t.target_crashes);
    return n;
  }
  for (const auto& run : t.run_list) {
    if (run.target)
      n.crashed++;
    else if (run.result == "OK")
      n.ok++;
    else
      n.untestable++;
  }
  return n;
}

constexpr size_t kMaxCandidates = 40;

// Without range positions, an order that still reads from old to new, as a bisection narrows:
// commits without the crash (cause mode) first, the later tested the nearer the culprit; the
// parent; the candidates and undecided; the culprit; then those with the crash, the later
// tested the nearer the culprit. Fix mode mirrors it (old commits crash).
int Rank(const Point& p, decide::Mode mode) {
  if (p.culprit) return 3;
  if (p.parent) return 1;
  decide::CommitVerdict v = p.tested ? p.tested->verdict : decide::CommitVerdict::kUndecided;
  const bool fix = mode == decide::Mode::kFix;
  if (v == decide::CommitVerdict::kClean) return fix ? 4 : 0;
  if (v == decide::CommitVerdict::kCrashes) return fix ? 0 : 4;
  return 2;
}

bool OlderWithoutPositions(const Point& a, const Point& b, decide::Mode mode) {
  const int ra = Rank(a, mode), rb = Rank(b, mode);
  if (ra != rb) return ra < rb;
  return ra == 4 ? a.order > b.order : a.order < b.order;
}

std::vector<Point> CollectPoints(const BisectionResult& r) {
  std::vector<Point> points;
  std::map<std::string, size_t> index;
  auto at = [&](const std::string& commit) -> Point& {
    auto [it, added] = index.try_emplace(commit, points.size());
    if (added) points.push_back({.commit = commit});
    return points[it->second];
  };
  for (size_t i = 0; i < r.tested.size(); ++i) {
    Point& p = at(r.tested[i].commit);
    p.tested = &r.tested[i];
    p.order = static_cast<int>(i) + 1;
    p.title = r.tested[i].title;
    p.position = r.tested[i].position;
  }
  std::vector<const CandidateInfo*> candidates;
  for (const auto& c : r.candidates) candidates.push_back(&c);
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](auto* a, auto* b) { return a->probability > b->probability; });
  if (candidates.size() > kMaxCandidates) candidates.resize(kMaxCandidates);
  for (const CandidateInfo* c : candidates) {
    Point& p = at(c->commit);
    p.probability = c->probability;
    if (p.title.empty()) p.title = c->title;
    if (p.position < 0) p.position = c->position;
  }
  if (!r.commit.empty()) {
    Point& p = at(r.commit);
    p.culprit = true;
    if (p.title.empty()) p.title = r.culprit.title;
    if (r.outcome == decide::ConclusionKind::kFound && !r.culprit.parents.empty()) {
      Point& parent = at(r.culprit.parents.front());
      parent.parent = true;
      // Unknown position: just before the culprit.
      Point& culprit = points[index[r.commit]];
      if (parent.position < 0 && culprit.position > 0) parent.position = culprit.position - 1;
    }
  }
  const bool positioned =
      std::all_of(points.begin(), points.end(), [](const Point& p) { return p.position >= 0; });
  if (positioned) {
    std::stable_sort(points.begin(), points.end(),
                     [](const Point& a, const Point& b) { return a.position < b.position; });
  } else {
    for (Point& p : points) p.position = -1;
    std::stable_sort(points.begin(), points.end(), [&](const Point& a, const Point& b) {
      return OlderWithoutPositions(a, b, r.mode);
    });
  }
  return points;
}

const char* VerdictColor(decide::CommitVerdict v) {
  switch (v) {
    case decide::CommitVerdict::kCrashes:
      return "#c62828";
    case decide::CommitVerdict::kClean:
      return "#2e7d32";
    case decide::CommitVerdict::kUntestable:
      return "#9e9e9e";
    case decide::CommitVerdict::kUndecided:
      break;
  }
  return "#ffffff";
}

std::string Fixed(double v, int digits = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Percent(double p) { return Fixed(p * 100, p >= 0.1 ? 0 : 1) + "%"; }

// Geometry, in the viewBox's units.
constexpr double kWidth = 960, kMargin = 30;
constexpr double kRunsTop = 50, kRunsHeight = 80, kAxisY = 160;
constexpr double kPosteriorTop = 262, kPosteriorHeight = 68;

class Drawing {
 public:
  Drawing(const BisectionResult& r, std::ostream& out) : r_(r), out_(out) {}

  void Draw() {
    points_ = CollectPoints(r_);
    // Without candidates there is no posterior to draw: the legend moves up.
    height_ = r_.candidates.empty() ? kAxisY + 90 : kPosteriorTop + kPosteriorHeight + 50;
    Layout();
    out_ << "<svg class=\"bisection\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << kWidth
         << " " << height_ << "\" width=\"100%\" role=\"img\" aria-label=\""
         << HtmlEscape(Caption()) << "\">\n<title>" << HtmlEscape(Caption()) << "</title>\n";
    out_ << "<text x=\"" << kMargin << "\" y=\"20\" class=\"caption\">" << HtmlEscape(Caption())
         << "</text>\n";
    out_ << "<text x=\"" << kMargin << "\" y=\"" << kRunsTop - 8
         << "\" class=\"label\">runs per tested commit</text>\n";
    out_ << "<line class=\"axis\" x1=\"" << kMargin << "\" y1=\"" << kAxisY << "\" x2=\""
         << kWidth - kMargin << "\" y2=\"" << kAxisY << "\" stroke=\"#555\"/>\n";
    out_ << "<text x=\"" << kMargin << "\" y=\"" << kAxisY - 8 << "\" class=\"label\">"
         << "older</text>\n";
    out_ << "<text x=\"" << kWidth - kMargin << "\" y=\"" << kAxisY - 8
         << "\" class=\"label\" text-anchor=\"end\">newer</text>\n";
    DrawGaps();
    for (size_t i = 0; i < points_.size(); ++i) DrawPoint(i);
    DrawLegend();
    out_ << "</svg>\n";
  }

 private:
  std::string Caption() const {
    std::string s;
    if (r_.range_size > 0) s += std::to_string(r_.range_size) + " commits searched, ";
    s += std::to_string(r_.tested.size()) + " tested";
    if (!r_.candidates.empty())
      s += ", posterior over " + std::to_string(r_.candidates.size()) + " candidate" +
           (r_.candidates.size() == 1 ? "" : "s");
    if (!r_.commit.empty())
      s += std::string(", ") + (r_.outcome == decide::ConclusionKind::kHorizon ? "horizon " : "") +
           decide::SoughtNoun(r_.mode).data() + " " + ShortHash(r_.commit);
    return s;
  }

  // Slots of equal width, a half slot more where commits were folded between two points.
  void Layout() {
    const size_t n = std::max<size_t>(points_.size(), 1);
    int gaps = 0;
    for (size_t i = 1; i < points_.size(); ++i) gaps += Folded(i) > 0 ? 1 : 0;
    slot_ = std::min(60.0, (kWidth - 2 * kMargin) / (static_cast<double>(n) + 0.5 * gaps));
    double x = kMargin + slot_ / 2;
    for (size_t i = 0; i < points_.size(); ++i) {
      if (i > 0 && Folded(i) > 0) x += slot_ / 2;
      xs_.push_back(x);
      x += slot_;
    }
    for (const auto& p : points_) {
      if (p.tested) max_runs_ = std::max(max_runs_, CountRuns(*p.tested).total());
      max_probability_ = std::max(max_probability_, p.probability);
    }
  }

  // Commits of the range strictly between point i-1 and point i (0 when unknown).
  int Folded(size_t i) const {
    if (points_[i].position < 0 || points_[i - 1].position < 0) return 0;
    return std::max(0, points_[i].position - points_[i - 1].position - 1);
  }

  void DrawGaps() {
    for (size_t i = 1; i < points_.size(); ++i) {
      int folded = Folded(i);
      if (folded == 0) continue;
      double x = (xs_[i - 1] + xs_[i]) / 2;
      out_ << "<g class=\"gap\" data-commits=\"" << folded << "\"><title>" << folded << " commit"
           << (folded == 1 ? "" : "s") << " not shown</title>"
           << "<rect x=\"" << Fixed(x - 4) << "\" y=\"" << kAxisY - 6
           << "\" width=\"8\" height=\"12\" fill=\"#fff\"/>"
           << "<text x=\"" << Fixed(x) << "\" y=\"" << kAxisY + 4
           << "\" class=\"gaptext\" text-anchor=\"middle\">&#8776;</text></g>\n";
    }
  }

  void DrawPoint(size_t i) {
    const Point& p = points_[i];
    const double x = xs_[i];
    if (p.tested) DrawTested(p, x);
    if (p.probability >= 0) DrawCandidate(p, x);
    if (p.parent) {
      out_ << "<g class=\"mark parent\" data-commit=\"" << HtmlEscape(p.commit)
           << "\"><title>parent of the " << decide::SoughtNoun(r_.mode) << ": "
           << HtmlEscape(ShortHash(p.commit) + " " + p.title) << "</title><circle cx=\"" << Fixed(x)
           << "\" cy=\"" << kAxisY
           << "\" r=\"11\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" "
              "stroke-dasharray=\"3 2\"/></g>\n";
    }
    if (p.culprit) {
      out_ << "<g class=\"mark culprit\" data-commit=\"" << HtmlEscape(p.commit)
           << "\" data-outcome=\"" << decide::OutcomeName(r_.outcome) << "\"><title>"
           << decide::SoughtNoun(r_.mode) << ": " << HtmlEscape(ShortHash(p.commit) + " " + p.title)
           << "</title><circle cx=\"" << Fixed(x) << "\" cy=\"" << kAxisY
           << "\" r=\"12\" fill=\"none\" stroke=\"#6a1b9a\" stroke-width=\"3\"/>"
           << "<text x=\"" << Fixed(x) << "\" y=\"" << kAxisY - 18
           << "\" class=\"culprit-label\" text-anchor=\"middle\">" << decide::SoughtNoun(r_.mode)
           << "</text></g>\n";
    }
    if (p.tested || p.culprit || p.parent || slot_ >= 14) {
      out_ << "<text class=\"hash\" transform=\"translate(" << Fixed(x + 3) << " " << kAxisY + 16
           << ") rotate(60)\">" << HtmlEscape(p.commit.substr(0, 7)) << "</text>\n";
    }
  }

  void DrawTested(const Point& p, double x) {
    const TestedRevision& t = *p.tested;
    const RunCounts n = CountRuns(t);
    const std::string verdict(decide::VerdictWord(t.verdict, r_.mode));
    out_ << "<g class=\"mark tested verdict-" << verdict << "\" data-commit=\""
         << HtmlEscape(t.commit) << "\" data-verdict=\"" << verdict << "\" data-order=\"" << p.order
         << "\" data-crashed=\"" << n.crashed << "\" data-ok=\"" << n.ok << "\" data-untestable=\""
         << n.untestable << "\"><title>#" << p.order << " " << HtmlEscape(ShortHash(t.commit))
         << " " << verdict << ": " << (t.built ? "" : "build failed, ") << n.crashed << " crashed, "
         << n.ok << " OK, " << n.untestable << " untestable or other; " << HtmlEscape(t.title)
         << "</title>";
    // The runs as a stacked bar: crashed at the bottom, then untestable, then OK.
    const double w = std::clamp(slot_ * 0.5, 3.0, 16.0);
    const double unit = max_runs_ > 0 ? kRunsHeight / max_runs_ : 0;
    double y = kRunsTop + kRunsHeight;
    for (auto [count, color, cls] :
         {std::tuple{n.crashed, "#c62828", "crashed"},
          std::tuple{n.untestable, "#9e9e9e", "untestable"}, std::tuple{n.ok, "#66bb6a", "ok"}}) {
      if (count == 0) continue;
      y -= count * unit;
      out_ << "<rect class=\"runs " << cls << "\" x=\"" << Fixed(x - w / 2) << "\" y=\"" << Fixed(y)
           << "\" width=\"" << Fixed(w) << "\" height=\"" << Fixed(count * unit) << "\" fill=\""
           << color << "\"/>";
    }
    if (slot_ >= 22)
      out_ << "<text x=\"" << Fixed(x) << "\" y=\"" << Fixed(y - 3)
           << "\" class=\"count\" text-anchor=\"middle\">" << n.crashed << "/" << n.total()
           << "</text>";
    out_ << "<line x1=\"" << Fixed(x) << "\" y1=\"" << kRunsTop + kRunsHeight << "\" x2=\""
         << Fixed(x) << "\" y2=\"" << kAxisY - 7 << "\" stroke=\"#ddd\"/>";
    out_ << "<circle cx=\"" << Fixed(x) << "\" cy=\"" << kAxisY << "\" r=\"7\" fill=\""
         << VerdictColor(t.verdict) << "\" stroke=\"#333\"/>";
    if (slot_ >= 18)
      out_ << "<text x=\"" << Fixed(x) << "\" y=\"" << kAxisY + 3.5
           << "\" class=\"order\" text-anchor=\"middle\" fill=\""
           << (t.verdict == decide::CommitVerdict::kUndecided ? "#000" : "#fff") << "\">" << p.order
           << "</text>";
    out_ << "</g>\n";
  }

  void DrawCandidate(const Point& p, double x) {
    const double w = std::clamp(slot_ * 0.6, 3.0, 20.0);
    const double h = max_probability_ > 0 ? kPosteriorHeight * p.probability / max_probability_ : 0;
    const double base = kPosteriorTop + kPosteriorHeight;
    out_ << "<g class=\"mark candidate\" data-commit=\"" << HtmlEscape(p.commit)
         << "\" data-probability=\"" << Fixed(p.probability, 6) << "\"><title>"
         << HtmlEscape(ShortHash(p.commit) + " " + p.title) << ": " << Percent(p.probability)
         << "</title>";
    if (!p.tested)
      out_ << "<circle cx=\"" << Fixed(x) << "\" cy=\"" << kAxisY
           << "\" r=\"3.5\" fill=\"#fff\" stroke=\"#6a1b9a\"/>";
    out_ << "<rect x=\"" << Fixed(x - w / 2) << "\" y=\"" << Fixed(base - h) << "\" width=\""
         << Fixed(w) << "\" height=\"" << Fixed(h) << "\" fill=\"#8e24aa\"/>";
    if (slot_ >= 26 || p.probability >= 0.2)
      out_ << "<text x=\"" << Fixed(x) << "\" y=\"" << Fixed(base - h - 3)
           << "\" class=\"count\" text-anchor=\"middle\">" << Percent(p.probability) << "</text>";
    out_ << "</g>\n";
  }

  void DrawLegend() {
    const double y = height_ - 14;
    if (!r_.candidates.empty())
      out_ << "<text x=\"" << kMargin << "\" y=\"" << kPosteriorTop - 8
           << "\" class=\"label\">posterior over the candidates at the end</text>\n";
    struct Item {
      const char* color;
      const char* text;
    };
    const bool fix = r_.mode == decide::Mode::kFix;
    const Item items[] = {{"#c62828", fix ? "old (crashes)" : "bad (crashes)"},
                          {"#2e7d32", fix ? "new (no crash)" : "good (no crash)"},
                          {"#9e9e9e", "skip (untestable)"},
                          {"#66bb6a", "run OK"},
                          {"#8e24aa", "candidate probability"},
                          {"#6a1b9a", fix ? "fix (ring)" : "culprit (ring)"},
                          {"#1565c0", "its parent (dashed)"}};
    double x = kMargin;
    out_ << "<g class=\"legend\">";
    for (const Item& item : items) {
      if (r_.candidates.empty() && std::string_view(item.text) == "candidate probability") continue;
      out_ << "<rect x=\"" << Fixed(x) << "\" y=\"" << y - 9 << "\" width=\"10\" height=\"10\" "
           << "fill=\"" << item.color << "\"/><text x=\"" << Fixed(x + 14) << "\" y=\"" << y
           << "\" class=\"label\">" << item.text << "</text>";
      x += 20 + 6.2 * static_cast<double>(std::string_view(item.text).size());
    }
    out_ << "</g>\n";
  }

  const BisectionResult& r_;
  std::ostream& out_;
  std::vector<Point> points_;
  std::vector<double> xs_;
  double slot_ = 0;
  int max_runs_ = 0;
  double max_probability_ = 0;
  double height_ = 0;
};

}  // namespace

void WritePicture(const BisectionResult& result, std::ostream& out) { Drawing(result, out).Draw(); }

}  // namespace culprit::report
