// culprit's second opinion on a syzbot bisection: the evidence a log holds (audit/syzbot_log.h)
// weighed with decide's posterior (per-run crash probability p estimated from the runs, only
// the target crash as evidence, untestable runs as no evidence). Says how likely syzbot's
// answer is, which commits stay plausible and which of its verdicts are weakest. Pure: the
// caller reads the log and, if it has the repository, builds the commit graph.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "audit/syzbot_log.h"
#include "base/result.h"
#include "decide/dag.h"
#include "decide/engine.h"

namespace culprit::audit {

/// The commits the model reasons over: a DAG holding the tested commits, which of its nodes
/// may be the culprit, and what each stands for.
struct AuditHistory {
  decide::CommitDag dag;
  std::map<std::string, decide::CommitIndex> node_of;  ///< the log's commit ids -> nodes
  std::vector<decide::CommitIndex> hyps;               ///< nodes that may be the culprit, sorted
  /// Per hyp: the commits it stands for (1 with a repository; the estimated size of the range
  /// it closes without one). The prior is proportional to it.
  std::vector<double> weight;
  /// Commits beyond the range (cause: older than its good end; fix: after its newest commit)
  /// on the same scale: the prior of "syzbot's range holds no culprit".
  double outside_weight = 0;
  /// syzbot's answer as nodes, each with the share of its hyp it claims (a commit in a range
  /// of 10 holds 1/10 of its mass). Empty for a horizon or error ending.
  std::vector<std::pair<decide::CommitIndex, double>> answer;
  bool exact = false;  ///< a real repository's graph: one hyp per commit
  std::vector<std::string> assumptions;
};

/// The history the log implies without the repository: git's walk on a line (see
/// walk_model.cc for the assumptions, which also go into `assumptions`).
Result<AuditHistory> HistoryFromWalk(const SyzbotLog& log);

struct AuditOptions {
  std::string title;  ///< the target crash; empty: the most frequent crash on the first commit
};

/// What syzbot took a commit's runs to say about the crash.
enum class Claim { kNone, kCrash, kNoCrash };

struct VerdictAudit {
  std::string commit;  ///< as the log writes it
  std::string title;
  int line = 0;  ///< "testing commit" line
  std::string release;
  std::string verdict;  ///< "good", "bad", "skip", or "" (release walk, start: no git verdict)
  int verdict_line = 0;
  Claim claim = Claim::kNone;
  std::string source;  ///< "git bisect", "release walk", "start", "HEAD"
  int target = 0, other = 0, ok = 0, untestable = 0, infra = 0;
  std::vector<std::string> other_titles;  ///< unrelated crash titles seen, each once
  std::string signature;
  bool reused = false;  ///< no runs of its own (an earlier result reused)
  bool build_failed = false;
  double p_crash = -1;  ///< posterior P(this commit has the crash); -1: not in the model
  double p_wrong = -1;  ///< posterior P(syzbot's claim is wrong); -1: no claim
  std::string reason;   ///< one line: what the claim rests on
};

/// A stretch of history and the posterior probability that the culprit is in it.
struct PlausibleRange {
  std::string after;  ///< newest commit below it known to the model ("" with a repository)
  std::string upto;   ///< its newest commit (cause) / the commit itself with a repository
  std::string title;
  double commits = 0;  ///< estimated from git's counts (log) or 1 (repository)
  double probability = 0;
};

struct AuditReport {
  LogMode mode = LogMode::kCause;
  LogEnding ending = LogEnding::kError;
  std::vector<std::string> named;  ///< syzbot's culprit or candidates
  std::string named_title;
  std::string ending_text;
  std::string target_title;
  std::string target_from;  ///< commit whose runs gave the target title ("--title" if given)
  /// P(syzbot's answer is right): the named culprit, the candidates holding it, or (horizon)
  /// the crash being outside the range. -1 when syzbot gave no answer (error ending).
  double confidence = -1;
  double p_mean = 0, p_low = 0, p_high = 0;  ///< per-run crash probability: mean, 90% interval
  int target_runs = 0, target_commits = 0;   ///< target crashes seen, on how many commits
  double outside = 0;
  double not_reproducible = 0;
  std::vector<PlausibleRange> plausible;  ///< by probability, holding 99% of the mass
  std::vector<VerdictAudit> verdicts;     ///< every tested commit, in log order
  std::vector<size_t> weakest;            ///< indices into `verdicts`, weakest first
  std::vector<std::string> reasons;       ///< why `confidence` is what it is
  std::vector<std::string> assumptions;
  std::vector<std::string> notes;
  bool exact = false;
  /// With a repository: bounds for a culprit bisect that would settle the doubt.
  std::string settle_good, settle_bad;
  int revisions_tested = 0;
  int runs_per_test = 0;
};

/// kBadInput when the target crash cannot be named (no crash on the first commit and no
/// `options.title`), or when the model cannot place syzbot's answer.
Result<AuditReport> Audit(const SyzbotLog& log, const AuditHistory& history,
                          const AuditOptions& options);

}  // namespace culprit::audit
