// The decision engine: given a commit DAG, the known bad (and good) commits and the evidence so
// far, it answers "what to do next" or "what we concluded". Pure logic: no git, no processes,
// no clocks, no global randomness. Its state is a function of the evidence recorded, so a
// resumed job rebuilds it by replaying stored builds and runs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/outcome.h"
#include "base/result.h"
#include "decide/dag.h"

namespace culprit::decide {

enum class Mode {
  kCause,  ///< find the first commit where the target crash appears
  kFix,    ///< find the first commit where it no longer appears
};

enum class StrategyKind {
  kBayes,   ///< default: posterior over candidates, information per unit cost
  kSyzbot,  ///< syzkaller's bisection rules (the baseline)
  kGit,     ///< plain git bisect: k runs, first crash = bad, untestable = skip
};

struct EngineOptions {
  StrategyKind strategy = StrategyKind::kBayes;
  /// Runs per test for kGit, and the base count for kSyzbot (it doubles to 20 as documented).
  int runs_per_test = 10;
  /// kBayes stops when the culprit's posterior reaches this.
  double confidence_target = 0.99;
  /// 0 = unlimited. When reached, kBayes concludes with what it has and says so.
  int max_builds = 0;
  int max_runs = 0;
  /// Cost of one new build measured in runs (a kernel build is worth ~10-30 VM runs).
  double build_cost = 10.0;
  /// Runs made at once (VMs in parallel): kBayes asks for a multiple of this per test, since
  /// the extra runs of a batch cost no wall time. 1 in simulation, where runs are counted.
  int batch_runs = 1;
  /// kBayes: > 0 fixes the per-run crash probability rather than estimating it from the runs
  /// (`culprit simulate --strategies bayes-known-p` measures what knowing it is worth).
  double known_crash_p = 0;
  /// kBayes: prior chance that the predicate also fails by accident, on commits without the
  /// bug (Posterior: a rate f above kEpsilon, estimated from the runs). Crash titles and
  /// `--expect` tell unrelated failures apart, so only misreads remain (kAccidentsToldApart);
  /// `--verdict exit` without `--expect` counts every failure (kAccidentsCounted: flaky tests
  /// are common). From kAccidentsCounted up, the stop rule does not lean on this prior: it
  /// profiles f as it profiles p (Posterior::ProfileOddsAgainst).
  static constexpr double kAccidentsToldApart = 0.01;
  static constexpr double kAccidentsCounted = 0.2;
  double accident_prior = kAccidentsToldApart;
  /// Optional prior weight per commit index (empty = uniform). Commits touching files in the
  /// crash's stack may get more. Must not hurt accuracy when wrong: it is mixed with uniform.
  std::vector<double> commit_prior;
  /// Optional, per commit index (empty = none): 1 if the commit changes no input of the build,
  /// so its program is its first parent's. Such a commit is never built while the program of
  /// its first parent is known: the engine lists it in Plan::avoided (Action::avoid) and the
  /// pipeline records it with that signature and BuildEvidence::avoided. It is rarely the
  /// culprit (prior weight Posterior::kSeparation, as for any commit that leaves its group of
  /// identical programs); if its runs come to say it differs from its first parent's program
  /// (posterior odds above 1), the engine asks for a real build of it after all.
  std::vector<uint8_t> avoidable;
  uint64_t seed = 1;
};

/// What the engine holds about one commit now: the log's `# git bisect` lines, the JSON
/// `tested` list and the HTML table print this, for every strategy. It can change as evidence
/// arrives (a changed mind is printed as such).
enum class CommitVerdict {
  kUndecided,   ///< not tested, or tested without a verdict yet
  kCrashes,     ///< has the target crash (cause mode: "bad"; fix mode: "old")
  kClean,       ///< does not have it (cause mode: "good"; fix mode: "new")
  kUntestable,  ///< cannot be built or run ("skip")
};

/// A verdict a human gave on a commit (`--mark REV=good|bad|skip`, `--skip A..B`): evidence,
/// never a bound. kUntestable: the commit is never built or run. kCrashes / kClean: every
/// strategy takes it as that commit's verdict without testing it, except bayes, which weighs
/// it as a verdict that is wrong with probability Posterior::kMarkError (strong, but runs can
/// overturn it: one target crash on a commit marked good outweighs the mark).
struct Mark {
  CommitIndex commit = kNoCommit;
  CommitVerdict verdict = CommitVerdict::kUndecided;
};

/// The problem statement. In kCause mode: `bad` crashes, `good` (maybe empty) do not; if `good`
/// is empty the engine first searches release tags older than `bad` for a good start.
/// In kFix mode: `bad` crashes (the old commit), `good` holds one newer commit where the crash is
/// expected to be gone (the pipeline defaults it to the branch head).
struct Problem {
  CommitIndex bad = kNoCommit;
  std::vector<CommitIndex> good;
  Mode mode = Mode::kCause;
  /// kFix across trees ("does mainline fix what a stable tree has?"): `bad` is on another tree
  /// than good[0] (not its ancestor). The merge bases of the two are tested right after bad and
  /// must crash (else the conclusion is an error: the bug is not present where the trees
  /// meet); the fix is then searched between them and good[0].
  bool cross_tree = false;
  /// Marks a human gave: on commits other than `bad` and `good`, one per commit.
  std::vector<Mark> marks;
};

/// Per-commit evidence, for strategies and for reports.
struct BuildEvidence {
  bool ok = false;        ///< false: the build failed (the commit is untestable)
  std::string signature;  ///< hash of the built artifacts when ok
  /// Not built: given the program (signature) of its first parent, as Plan::avoided asked. A
  /// real build of the same commit, recorded before or after, takes precedence.
  bool avoided = false;
};

struct Action {
  enum class Kind {
    kBuild,  ///< build the commit (and report its signature) before deciding how many runs
    kTest,   ///< run the reproducer `runs` more times on the (already built) commit
  };
  Kind kind = Kind::kBuild;
  CommitIndex commit = kNoCommit;
  int runs = 0;                 ///< for kTest
  bool release_search = false;  ///< part of the good-start search ("testing release vX.Y")
  /// kBuild of an avoidable commit whose first parent's program is known: record it with
  /// that signature and BuildEvidence::avoided, without building.
  bool avoid = false;
};

enum class ConclusionKind { kFound, kInconclusive, kHorizon, kError };

struct Candidate {
  CommitIndex commit = kNoCommit;
  double probability = 0;
};

struct Flags {
  bool noop = false;     ///< the culprit's signature equals its (first) parent's
  bool merge = false;    ///< the culprit has several parents
  bool release = false;  ///< the culprit is a release tag
};

struct Conclusion {
  ConclusionKind kind = ConclusionKind::kError;
  /// kFound: the culprit. kHorizon: the oldest tested release (cause) or the newest commit (fix).
  CommitIndex culprit = kNoCommit;
  double confidence = 0;  ///< probability that `culprit` is right (kFound)
  /// The estimated chance that a run fails by accident (bayes; 0 when not estimated): what
  /// the revert verification expects of a tree without the bug.
  double accident_rate = 0;
  std::vector<Candidate> candidates;  ///< kInconclusive: every commit that may be it, by prob.
  Flags flags;
  std::string stop_reason;  ///< "confidence target reached", "run budget exhausted", ...
  std::string error;        ///< kError: e.g. "the crash was not reproduced on the bad commit"
  /// kHorizon short of the confidence target: the search stopped (out of tests or budget, or
  /// out of runs on the probe at the end) with the horizon only the likelier reading, and
  /// `confidence` its probability. Reports say "probably"; the exit status is that of an
  /// inconclusive search.
  bool short_of_target = false;
};

/// Where the search stands, for progress lines and "Bisecting: N revisions left" logs.
struct Progress {
  int candidates_left = 0;  ///< commits that may still be the culprit
  int steps_left = 0;       ///< rough number of further tests (log2 of candidates)
  bool release_search = false;
  double confidence = 0;  ///< the likeliest candidate's probability (strategies with a posterior)
  /// Cause bisection without a good commit, once the release search has found where to start:
  /// the release the bisection starts from (its range's old end; "# git bisect start BAD IT").
  CommitIndex search_from = kNoCommit;
};

using Decision = std::variant<Action, Conclusion>;

/// Work the loop has started and whose result is not recorded yet.
struct InFlight {
  std::vector<CommitIndex> builds;  ///< commits being built
  struct Runs {
    CommitIndex commit = kNoCommit;
    int runs = 0;
  };
  std::vector<Runs> runs;  ///< runs started per commit, not yet recorded
  /// Expected time until the first run in flight finishes, and the expected time of a build,
  /// in one unit (the loop's estimates from the work done so far); negative when unknown. A
  /// build chosen on a guess can then wait for a result about to come (see round_plan.h).
  double first_result_in = -1;
  double build_time = -1;

  bool Building(CommitIndex c) const;
  int RunsOn(CommitIndex c) const;
  int TotalRuns() const;
  bool empty() const { return builds.empty() && runs.empty(); }
};

/// Free slots: builds (M) and runs (V) that can start now. The engine takes the slots in use
/// (InFlight) plus these as the whole capacity: with one of each (V = 1, M = 1) it plans one
/// commit at a time, as Next() does.
struct Capacity {
  int builds = 1;
  int runs = 1;
};

/// What to start now, given what is in flight and what is free. An empty plan without a
/// conclusion means "wait for something in flight to finish". Builds may be speculative (a
/// commit the next round may want); runs go to built commits only. The pipeline cancels first,
/// then records `avoided` (in order), then starts builds and runs.
struct Plan {
  std::vector<CommitIndex> builds;  ///< at most the free build slots
  /// Of `builds`, those started for a later round: a guess on results not in yet.
  std::vector<CommitIndex> speculative;
  /// Avoidable commits (EngineOptions::avoidable) to record now without a build, each with its
  /// first parent's signature (recorded before it, or earlier in this list): no slot is used.
  std::vector<CommitIndex> avoided;
  struct Runs {
    CommitIndex commit = kNoCommit;
    int runs = 0;
  };
  std::vector<Runs> runs;  ///< in total at most the free run slots
  /// Commits whose builds in flight are no longer wanted. Runs are never cancelled: a run
  /// that crashes usually takes longer than one that does not, so dropping the runs still in
  /// flight would keep the fast outcomes and bias the evidence against the crash.
  std::vector<CommitIndex> cancel;
  /// The search is over. The loop cancels the builds in flight, records the runs in flight as
  /// they finish and asks again: the conclusion stands once nothing is in flight.
  std::optional<Conclusion> conclusion;
  bool release_search = false;  ///< the plan belongs to the good-start search

  bool empty() const {
    return builds.empty() && runs.empty() && avoided.empty() && cancel.empty() && !conclusion;
  }
  /// One line for the log: "build a1b2c3d4e5f6 (speculative), 6 runs on d4e5f6a1b2c3, 4 on
  /// v5.13, cancel 0a1b2c3d4e5f" ("wait" when empty; commits by release tag or 12-digit id).
  std::string Describe(const CommitDag& dag) const;
};

/// One strategy behind one interface. Not thread-safe; deterministic for a given seed and
/// evidence (order of recording does not change the decision).
class Engine {
 public:
  virtual ~Engine() = default;
  /// The next action, or the conclusion once the search is over. Calling it again without
  /// recording anything returns the same answer.
  virtual Decision Next() = 0;
  /// What to start now with `free` slots while `busy` is in flight (builds and runs in
  /// parallel, several commits at once). Deterministic for the same evidence and arguments.
  /// With one slot each and nothing in flight it is Next() as a plan.
  virtual Plan PlanRound(const InFlight& busy, const Capacity& free) = 0;
  virtual void RecordBuild(CommitIndex commit, const BuildEvidence& build) = 0;
  virtual void RecordRun(CommitIndex commit, Outcome outcome) = 0;
  virtual Progress progress() const = 0;
  /// The engine's judgement of `commit` on the evidence so far.
  virtual CommitVerdict VerdictOf(CommitIndex commit) = 0;
};

/// Fails (kBadInput) on an inconsistent problem: bad out of range, good equal to bad, a good
/// commit that is a descendant of bad in cause mode (or not newer in fix mode), a mark out of
/// range, without a verdict, on bad or a good commit, or twice on one commit.
Result<std::unique_ptr<Engine>> MakeEngine(const CommitDag& dag, const Problem& problem,
                                           const EngineOptions& options);

}  // namespace culprit::decide
