// The seam between the engine's common phases (bad check, fix end, merge bases, release search)
// and the strategies that bisect a range. Private to decide.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decide/ancestor_mass.h"
#include "decide/dag.h"
#include "decide/engine.h"
#include "decide/evidence.h"

namespace culprit::decide {

/// What a finished test of one commit said, independent of the mode.
enum class Verdict { kCrash, kNoCrash, kSkip, kAbort };

/// The verdict a human's mark gives (Problem::marks), nullopt without one.
inline std::optional<Verdict> MarkedVerdict(const CommitEvidence& e) {
  switch (e.mark) {
    case CommitVerdict::kCrashes:
      return Verdict::kCrash;
    case CommitVerdict::kClean:
      return Verdict::kNoCrash;
    case CommitVerdict::kUntestable:
      return Verdict::kSkip;
    case CommitVerdict::kUndecided:
      break;
  }
  return std::nullopt;
}

/// A strategy's answer about one commit: build it, run it more, or its verdict.
struct Judgement {
  enum class Kind { kBuild, kRuns, kVerdict };
  Kind kind = Kind::kVerdict;
  int runs = 0;
  Verdict verdict = Verdict::kSkip;
  /// A verdict taken out of runs as the likelier side, short of the confidence target, with
  /// its probability; 0 for a verdict the evidence settles.
  double short_of_target = 0;

  static Judgement Build() { return {.kind = Kind::kBuild}; }
  static Judgement Runs(int n) { return {.kind = Kind::kRuns, .runs = n}; }
  static Judgement Of(Verdict v) { return {.kind = Kind::kVerdict, .verdict = v}; }
  static Judgement Likelier(Verdict v, double probability) {
    return {.kind = Kind::kVerdict, .verdict = v, .short_of_target = probability};
  }
};

/// Everything fixed for the engine's lifetime.
struct Context {
  const CommitDag& dag;
  Problem problem;
  EngineOptions options;
  /// Commits that can matter: cause: ancestors of bad; fix: descendants of bad that are
  /// ancestors of good[0] (side branches without the bug are never candidates).
  std::vector<uint8_t> universe;
  AncestorMass mass;
};

/// The range left once the common phases are done.
struct SearchRange {
  CommitIndex newest = kNoCommit;  ///< cause: the (moved) bad end; fix: good[0]
  std::vector<CommitIndex> olds;   ///< cause: good commits (and merge bases); fix: {bad}
};

/// Marks the candidates of a range: universe, ancestors of newest, not ancestors of olds.
std::vector<uint8_t> MarkCandidates(const Context& ctx, const SearchRange& range);

class Strategy {
 public:
  virtual ~Strategy() = default;
  /// The verdict on a probe commit (bad, fix end, merge base, release) or what it still needs.
  /// `is_bad` marks the first test, on the bad commit.
  virtual Judgement Judge(CommitIndex c, const Evidence& ev, bool is_bad) const = 0;
  /// The next action or the conclusion within `range` (flags are filled in by the engine).
  virtual Decision Bisect(const SearchRange& range, const Evidence& ev) = 0;
  virtual Progress progress() const = 0;
  /// The strategy's judgement of a commit inside or at the ends of the searched range (the
  /// engine answers for the bad commit itself). By default the probe rule: Judge(c, ev, false).
  virtual CommitVerdict VerdictOf(CommitIndex c, const Evidence& ev);
  /// A round of the bisection within `range` with several builds and runs at once
  /// (Engine::PlanRound): nullopt if the strategy walks one commit at a time (then the engine
  /// turns Bisect's action into the plan). `bad_pending`: the bad commit's runs are still in
  /// flight, so the round is speculative and must not conclude. Never more than `free`.
  virtual std::optional<Plan> PlanBisect(const SearchRange& /*range*/, const Evidence& /*ev*/,
                                         const InFlight& /*busy*/, const Capacity& /*free*/,
                                         bool /*bad_pending*/) {
    return std::nullopt;
  }
};

/// A probe judgement as a commit verdict: no verdict yet while it asks for a build or runs.
CommitVerdict VerdictOfJudgement(const Judgement& j);

/// EngineOptions::avoidable says `c` changes no input of the build (and it has a parent).
bool Avoidable(const Context& ctx, CommitIndex c);
/// The program of `c` is known: it is recorded as built, or it is avoidable and not recorded
/// and its chain of avoidable first parents reaches a built commit (then it costs no build).
/// `from` receives that built commit, or `c` itself when it is recorded.
bool ProgramKnown(const Context& ctx, const Evidence& ev, CommitIndex c,
                  CommitIndex* from = nullptr);

std::unique_ptr<Strategy> MakeSyzbotStrategy(const Context& ctx);
std::unique_ptr<Strategy> MakeGitStrategy(const Context& ctx);
std::unique_ptr<Strategy> MakeBayesStrategy(const Context& ctx);

/// Git's bisection walk (weighted midpoint, skip handling), re-derived from the evidence on
/// each call using the strategy's verdicts. Used by the syzbot and git strategies.
/// `candidates_left` receives the size of the remaining range.
Decision GitWalk(const Context& ctx, const Strategy& strategy, const SearchRange& range,
                 const Evidence& ev, int* candidates_left);

/// Strategies that judge commits one at a time and walk the range as git bisect does (syzbot,
/// git): the walk and its progress are shared, the verdict rule is theirs.
class GitWalkStrategy : public Strategy {
 public:
  explicit GitWalkStrategy(const Context& ctx) : ctx_(ctx) {}
  Decision Bisect(const SearchRange& range, const Evidence& ev) override {
    return GitWalk(ctx_, *this, range, ev, &candidates_left_);
  }
  Progress progress() const override {
    int steps = 0;
    while ((1 << steps) < candidates_left_) ++steps;
    return {.candidates_left = candidates_left_, .steps_left = steps};
  }

 protected:
  const Context& ctx_;

 private:
  int candidates_left_ = 0;
};

/// The error conclusion with a message.
Conclusion ErrorConclusion(std::string message);

/// A horizon at `commit` found failing by `failing`: where that verdict was taken out of runs
/// short of the target, the horizon is as sure as its probability, and says so.
Conclusion HorizonConclusion(CommitIndex commit, std::string reason, const Judgement& failing);

}  // namespace culprit::decide
