// The audit proper: the log's runs become decide::Evidence on the audit history, decide's
// Posterior (the same one `culprit bisect` stops on) weighs them, and each of syzbot's claims is
// read against it. Only the target crash is evidence of the bug: syzbot took any crash as bad.
#include "audit/audit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "audit/probability.h"
#include "base/strings.h"
#include "crash/report.h"
#include "decide/evidence.h"
#include "decide/posterior.h"
#include "decide/verdict.h"

namespace culprit::audit {
namespace {

using decide::CommitIndex;

constexpr double kPlausibleMass = 0.99;   // plausible ranges hold this share of the mass
constexpr double kPlausibleFloor = 1e-4;  // a range with less mass is not plausible
constexpr size_t kMaxPlausible = 20;

bool SameTitle(const std::string& a, const std::string& b) {
  crash::Report ra{.crashed = true, .title = a}, rb{.crashed = true, .title = b};
  return crash::SameCrash(ra, rb);
}

// The target crash: the most frequent crash title on the first tested commit (the one syzbot
// was asked about), ties by first appearance.
Result<std::pair<std::string, std::string>> TargetTitle(const SyzbotLog& log,
                                                        const AuditOptions& options) {
  if (!options.title.empty()) return std::make_pair(options.title, std::string("--title"));
  const TestedCommit& first = log.tested.front();
  std::vector<std::pair<std::string, int>> counts;
  for (const LoggedRun& r : first.runs) {
    if (r.kind != LoggedRunKind::kCrashed) continue;
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& c) { return c.first == r.title; });
    if (it == counts.end()) {
      counts.push_back({r.title, 1});
    } else {
      ++it->second;
    }
  }
  if (counts.empty()) {
    return Fail(ErrorKind::kBadInput,
                "no crash on the first tested commit " + first.id + " (line " +
                    std::to_string(first.line) +
                    "), so the target crash is unknown (name it with --title)");
  }
  std::stable_sort(counts.begin(), counts.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return std::make_pair(counts.front().first, first.id);
}

Outcome ToOutcome(const LoggedRun& r, const std::string& target) {
  switch (r.kind) {
    case LoggedRunKind::kOk:
      return Outcome::kOk;
    case LoggedRunKind::kCrashed:
      return SameTitle(r.title, target) ? Outcome::kTargetCrash : Outcome::kOtherCrash;
    case LoggedRunKind::kBootFailed:
    case LoggedRunKind::kTestFailed:
      return Outcome::kUntestable;
    case LoggedRunKind::kInfraFailed:
      return Outcome::kInfraError;
  }
  return Outcome::kInfraError;
}

std::optional<CommitIndex> NodeOf(const AuditHistory& h, const std::string& id) {
  auto it = h.node_of.find(id);
  if (it != h.node_of.end()) return it->second;
  for (const auto& [known, node] : h.node_of) {
    if (StartsWith(known, id) || StartsWith(id, known)) return node;
  }
  return std::nullopt;
}

// What syzbot took the commit's runs to say (git's terms are reversed in fix bisection: there
// "good" is the old, crashing behaviour).
std::pair<Claim, std::string> ClaimOf(const SyzbotLog& log, const TestedCommit& t, size_t index) {
  const bool fix = log.mode == LogMode::kFix;
  auto same = [](const std::string& a, const std::string& b) {
    return !b.empty() && (StartsWith(a, b) || StartsWith(b, a));
  };
  if (t.in_bisection) {
    switch (t.verdict) {
      case LoggedVerdict::kGood:
        return {fix ? Claim::kCrash : Claim::kNoCrash, "git bisect"};
      case LoggedVerdict::kBad:
        return {fix ? Claim::kNoCrash : Claim::kCrash, "git bisect"};
      default:
        return {Claim::kNone, "git bisect"};
    }
  }
  if (index == 0) return {Claim::kCrash, "start"};
  const std::string source = t.head ? "HEAD" : "release walk";
  if (same(t.id, log.bisect_good)) return {fix ? Claim::kCrash : Claim::kNoCrash, source};
  if (same(t.id, log.bisect_bad)) return {fix ? Claim::kNoCrash : Claim::kCrash, source};
  // Not printed as a git verdict: syzbot's own rule on the runs (any crash counts).
  decide::RunCounts counts{.total = static_cast<int>(t.runs.size())};
  for (const LoggedRun& r : t.runs) {
    counts.crashes += r.kind == LoggedRunKind::kCrashed;
    counts.ok += r.kind == LoggedRunKind::kOk;
    counts.infra += r.kind == LoggedRunKind::kInfraFailed;
  }
  switch (decide::DecideSyzbotVerdict(counts, /*flaky=*/false)) {
    case decide::SyzbotVerdict::kBad:
      return {Claim::kCrash, source};
    case decide::SyzbotVerdict::kGood:
      return {Claim::kNoCrash, source};
    default:
      return {Claim::kNone, source};
  }
}

class Auditor {
 public:
  Auditor(const SyzbotLog& log, const AuditHistory& h, std::string target)
      : log_(log), h_(h), target_(std::move(target)), ev_(h.dag.size()) {}

  Result<AuditReport> Run() {
    r_.mode = log_.mode;
    r_.ending = log_.ending;
    r_.named = log_.culprits;
    r_.named_title = log_.culprit_title;
    r_.ending_text = log_.ending_text;
    r_.target_title = target_;
    r_.assumptions = h_.assumptions;
    r_.assumptions.push_back(
        "outside the model: config or compiler differences between commits, a crash whose title "
        "changes along the history, runs syzbot made but did not log");
    r_.notes = log_.notes;
    if (log_.ignored_lines > 0) {
      r_.notes.push_back(std::to_string(log_.ignored_lines) +
                         " lines outside the log grammar were skipped (the first at line " +
                         std::to_string(log_.first_ignored_line) + "); none was read as evidence");
    }
    r_.exact = h_.exact;
    r_.runs_per_test = log_.runs_per_test;
    r_.revisions_tested = static_cast<int>(log_.tested.size());
    Record();
    Weigh();
    for (size_t i = 0; i < log_.tested.size(); ++i) r_.verdicts.push_back(Judge(i));
    RankWeakest();
    Plausible();
    if (auto ok = Confidence(); !ok) return tl::unexpected(ok.error());
    Reasons();
    if (h_.exact) Settle();
    return std::move(r_);
  }

 private:
  void Record() {
    std::map<CommitIndex, bool> counted;
    for (const TestedCommit& t : log_.tested) {
      auto node = NodeOf(h_, t.id);
      if (!node) {
        r_.notes.push_back("commit " + ShortHash(t.id) + " (line " + std::to_string(t.line) +
                           ") is outside the history the model reasons over; its runs are left "
                           "out");
        continue;
      }
      const bool failed = t.runs.empty() && !t.reused && !t.build_output.empty();
      if (!t.runs.empty() || !t.signature.empty() || failed) {
        ev_.RecordBuild(*node, {.ok = !failed, .signature = t.signature});
      }
      for (const LoggedRun& run : t.runs) {
        Outcome o = ToOutcome(run, target_);
        ev_.RecordRun(*node, o);
        if (o == Outcome::kTargetCrash) {
          ++r_.target_runs;
          if (!counted[*node]) ++r_.target_commits;
          counted[*node] = true;
        }
      }
    }
  }

  void Weigh() {
    double total = h_.outside_weight;
    for (double w : h_.weight) total += w;
    std::vector<double> prior;
    for (double w : h_.weight) prior.push_back(w / total);
    const double outside = total > 0 ? h_.outside_weight / total : 0;
    post_.emplace(h_.dag, log_.mode == LogMode::kFix ? decide::Mode::kFix : decide::Mode::kCause,
                  h_.hyps, std::move(prior), outside);
    post_->Update(ev_);
    post_->MassByCommit(&mass_);
    r_.outside = post_->outside();
    r_.not_reproducible = post_->not_reproducible();
    const auto& grid = post_->grid();
    const auto& pm = post_->p_marginal();
    double cdf = 0;
    r_.p_low = r_.p_high = -1;
    for (size_t g = 0; g < grid.size(); ++g) {
      r_.p_mean += pm[g] * grid[g];
      cdf += pm[g];
      if (r_.p_low < 0 && cdf >= 0.05) r_.p_low = grid[g];
      if (r_.p_high < 0 && cdf >= 0.95) r_.p_high = grid[g];
    }
    if (r_.p_high < 0) r_.p_high = grid.back();
  }

  double PCrash(CommitIndex c) const {
    double below = 0;
    for (CommitIndex a : h_.dag.Ancestors(c)) below += mass_[static_cast<size_t>(a)];
    return log_.mode == LogMode::kCause ? std::min(1.0, below + r_.outside)
                                        : std::max(0.0, 1 - below - r_.not_reproducible);
  }

  // P(k runs on a commit with the bug all miss the crash), over p's posterior.
  double Miss(int k) const {
    double q = 0;
    for (size_t g = 0; g < post_->grid().size(); ++g) {
      q += post_->p_marginal()[g] * std::pow(1 - post_->grid()[g], k);
    }
    return q;
  }

  VerdictAudit Judge(size_t index) {
    const TestedCommit& t = log_.tested[index];
    VerdictAudit v{.commit = t.id, .title = t.title, .line = t.line, .release = t.release};
    v.verdict = std::string(LoggedVerdictName(t.verdict));
    v.verdict_line = t.verdict_line;
    std::tie(v.claim, v.source) = ClaimOf(log_, t, index);
    v.signature = t.signature;
    v.reused = t.reused;
    v.build_failed = t.runs.empty() && !t.reused && !t.build_output.empty();
    for (const LoggedRun& run : t.runs) {
      switch (ToOutcome(run, target_)) {
        case Outcome::kTargetCrash:
          ++v.target;
          break;
        case Outcome::kOtherCrash:
          ++v.other;
          if (std::find(v.other_titles.begin(), v.other_titles.end(), run.title) ==
              v.other_titles.end()) {
            v.other_titles.push_back(run.title);
          }
          break;
        case Outcome::kOk:
          ++v.ok;
          break;
        case Outcome::kUntestable:
          ++v.untestable;
          break;
        case Outcome::kInfraError:
          ++v.infra;
          break;
      }
    }
    if (auto node = NodeOf(h_, t.id)) v.p_crash = PCrash(*node);
    if (v.p_crash >= 0 && v.claim != Claim::kNone) {
      v.p_wrong = v.claim == Claim::kCrash ? 1 - v.p_crash : v.p_crash;
    }
    v.reason = Reason(v);
    return v;
  }

  std::string Reason(const VerdictAudit& v) const {
    const std::string untestable =
        v.untestable + v.infra > 0
            ? " (" + std::to_string(v.untestable + v.infra) + " untestable runs left out)"
            : "";
    const std::string others = v.other > 0 ? std::to_string(v.other) + " other crashes (" +
                                                 Join(v.other_titles, "; ") +
                                                 ") are not evidence of this bug"
                                           : "";
    if (v.build_failed) return "build failed: no evidence";
    if (v.target + v.ok + v.other == 0 && v.untestable + v.infra == 0) {
      return v.reused ? "no runs of its own: a result reused from an identical kernel"
                      : "no runs in the log";
    }
    if (v.claim == Claim::kNone) {
      std::string s = v.target > 0 ? "skipped although the target crash was seen " +
                                         std::to_string(v.target) + " times"
                      : v.ok > 0 ? "skipped with " + std::to_string(v.ok) + " clean runs"
                                 : "skipped: no run reached the reproducer";
      return s + untestable;
    }
    if (v.claim == Claim::kNoCrash) {
      if (v.target > 0) {
        return "taken as clean although the target crash was seen " + std::to_string(v.target) +
               " times";
      }
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "no target crash in %d runs; a commit with the bug shows none in %d runs "
                    "with probability %s",
                    v.ok + v.other, v.ok + v.other, Percent(Miss(v.ok + v.other)).c_str());
      return buf + untestable;
    }
    if (v.target > 0) {
      return "target crash in " + std::to_string(v.target) + " of " +
             std::to_string(v.target + v.ok + v.other) + " runs" + untestable;
    }
    if (v.other > 0) return "bad only by other crashes: " + others;
    return "taken as crashing with no crash in its runs (" + std::to_string(v.ok) + " clean)";
  }

  // Every claim the model can weigh, the likeliest to be wrong first.
  void RankWeakest() {
    for (size_t i = 0; i < r_.verdicts.size(); ++i) {
      if (r_.verdicts[i].p_wrong >= 0) r_.weakest.push_back(i);
    }
    std::stable_sort(r_.weakest.begin(), r_.weakest.end(), [&](size_t a, size_t b) {
      return r_.verdicts[a].p_wrong > r_.verdicts[b].p_wrong;
    });
  }

  void Plausible() {
    std::vector<size_t> order(h_.hyps.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return post_->mass(a) > post_->mass(b); });
    const double inside = 1 - r_.outside - r_.not_reproducible;
    double sum = 0;
    for (size_t i : order) {
      if (sum >= kPlausibleMass * inside || r_.plausible.size() >= kMaxPlausible) break;
      if (post_->mass(i) < kPlausibleFloor) break;
      const CommitIndex c = h_.hyps[i];
      PlausibleRange p{.upto = h_.dag.node(c).id, .title = h_.dag.node(c).title};
      if (!h_.exact && !h_.dag.parents(c).empty()) p.after = h_.dag.node(h_.dag.parents(c)[0]).id;
      p.commits = h_.weight[i];
      p.probability = post_->mass(i);
      sum += p.probability;
      r_.plausible.push_back(std::move(p));
    }
  }

  Result<void> Confidence() {
    if (log_.ending == LogEnding::kHorizon) {
      r_.confidence = r_.outside;
      return {};
    }
    if (log_.ending == LogEnding::kError) return {};
    if (h_.answer.empty()) {
      return Fail(ErrorKind::kBadInput,
                  "syzbot's answer (line " + std::to_string(log_.ending_line) + ": '" +
                      log_.ending_text + "') is not among the commits the model can place");
    }
    r_.confidence = 0;
    for (const auto& [node, share] : h_.answer) {
      r_.confidence += share * mass_[static_cast<size_t>(node)];
    }
    return {};
  }

  void Reasons() {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "crash rate per run p = %.3g (90%%: %.3g-%.3g), from %d target crashes on %d "
                  "commits%s",
                  r_.p_mean, r_.p_low, r_.p_high, r_.target_runs, r_.target_commits,
                  r_.p_low < 0.5 ? ": a flaky reproducer, so clean runs are weak evidence"
                                 : ": clean runs are strong evidence");
    r_.reasons.push_back(buf);
    if (log_.ending == LogEnding::kCulprit) CulpritReasons();
    if (!r_.weakest.empty() && r_.verdicts[r_.weakest.front()].p_wrong >= 1e-3 &&
        !Mentioned(r_.verdicts[r_.weakest.front()].commit)) {
      const VerdictAudit& w = r_.verdicts[r_.weakest.front()];
      r_.reasons.push_back("weakest verdict: " + (w.verdict.empty() ? w.source : w.verdict) +
                           " on " + ShortHash(w.commit) + " (line " + std::to_string(w.line) +
                           "), wrong with probability " + Percent(std::max(0.0, w.p_wrong)) + ": " +
                           w.reason);
    }
    if (r_.outside >= 0.001) {
      r_.reasons.push_back((log_.mode == LogMode::kCause
                                ? "the crash is older than the range's good end: "
                                : "the crash was never fixed in the range: ") +
                           Percent(r_.outside));
    }
    if (r_.not_reproducible >= 0.001) {
      r_.reasons.push_back("the crashes seen are accidental: " + Percent(r_.not_reproducible));
    }
  }

  bool Mentioned(const std::string& commit) const {
    return std::any_of(r_.reasons.begin(), r_.reasons.end(), [&](const std::string& r) {
      return r.find(ShortHash(commit)) != std::string::npos;
    });
  }

  // The culprit's own runs, those of its tested parents (the verdicts that make it first), and
  // the likeliest place it is not.
  void CulpritReasons() {
    auto culprit = NodeOf(h_, log_.culprits.front());
    if (!culprit) return;
    for (size_t i = 0; i < r_.verdicts.size(); ++i) {
      const VerdictAudit& v = r_.verdicts[i];
      auto node = NodeOf(h_, v.commit);
      if (node == culprit) {
        r_.reasons.push_back("the culprit " + ShortHash(v.commit) + ": " + v.reason);
        break;
      }
    }
    for (CommitIndex parent : h_.dag.parents(*culprit)) {
      for (const VerdictAudit& v : r_.verdicts) {
        if (NodeOf(h_, v.commit) != parent || v.claim == Claim::kNone) continue;
        r_.reasons.push_back("its " + std::string(h_.exact ? "parent " : "neighbour in the walk ") +
                             ShortHash(v.commit) + " (" +
                             (v.verdict.empty() ? v.source : v.verdict) + "): " + v.reason);
        break;
      }
    }
    size_t next = h_.hyps.size();
    for (size_t i = 0; i < h_.hyps.size(); ++i) {
      if (h_.hyps[i] == *culprit || post_->mass(i) <= 0) continue;
      if (next == h_.hyps.size() || post_->mass(i) > post_->mass(next)) next = i;
    }
    if (next < h_.hyps.size()) {
      const CommitIndex c = h_.hyps[next];
      const std::string after = h_.exact || h_.dag.parents(c).empty()
                                    ? ""
                                    : ShortHash(h_.dag.node(h_.dag.parents(c)[0]).id) + "..";
      r_.reasons.push_back("likeliest elsewhere: " + after + ShortHash(h_.dag.node(c).id) + " at " +
                           Percent(post_->mass(next)));
    }
  }

  // Bounds for `culprit bisect` around the plausible commits: tested commits the posterior is
  // sure about (1%) with no plausible commit among their ancestors (the old end) or all of them
  // (the new end), the tightest on each side. Cause: the new end crashes; fix: the old end.
  void Settle() {
    std::vector<uint8_t> plausible(static_cast<size_t>(h_.dag.size()), 0);
    for (const PlausibleRange& p : r_.plausible) {
      if (auto c = h_.dag.IndexOf(p.upto)) plausible[static_cast<size_t>(*c)] = 1;
    }
    struct End {
      std::string id;
      size_t ancestors = 0;
    };
    std::optional<End> old_end, new_end;
    const bool cause = log_.mode == LogMode::kCause;
    for (const VerdictAudit& v : r_.verdicts) {
      auto c = NodeOf(h_, v.commit);
      if (!c || v.p_crash < 0) continue;
      const bool sure = cause ? v.p_crash <= 0.01 : v.p_crash >= 0.99;  // as old end
      const bool sure_new = cause ? v.p_crash >= 0.99 : v.p_crash <= 0.01;
      std::vector<CommitIndex> anc = h_.dag.Ancestors(*c);
      size_t inside = 0;
      for (CommitIndex a : anc) inside += plausible[static_cast<size_t>(a)];
      if (sure && inside == 0 && (!old_end || anc.size() > old_end->ancestors)) {
        old_end = End{v.commit, anc.size()};
      }
      if (sure_new && inside == r_.plausible.size() &&
          (!new_end || anc.size() < new_end->ancestors)) {
        new_end = End{v.commit, anc.size()};
      }
    }
    if (old_end) (cause ? r_.settle_good : r_.settle_bad) = old_end->id;
    if (new_end) (cause ? r_.settle_bad : r_.settle_good) = new_end->id;
  }

  const SyzbotLog& log_;
  const AuditHistory& h_;
  std::string target_;
  decide::Evidence ev_;
  std::optional<decide::Posterior> post_;
  std::vector<double> mass_;
  AuditReport r_;
};

}  // namespace

Result<AuditReport> Audit(const SyzbotLog& log, const AuditHistory& history,
                          const AuditOptions& options) {
  if (log.tested.empty()) return Fail(ErrorKind::kBadInput, "the log tests no commit");
  auto target = TargetTitle(log, options);
  if (!target) return tl::unexpected(target.error());
  Auditor auditor(log, history, target->first);
  auto report = auditor.Run();
  if (report) report->target_from = target->second;
  return report;
}

}  // namespace culprit::audit
