// The baseline: syzkaller's pkg/bisect rules. 10 runs per commit, 20 on the first test and
// once the bug is seen to be flaky; any crash counts; a commit whose kernel signature equals an
// already-judged one takes its verdict without runs; git's midpoint between verdicts.
#include <algorithm>
#include <optional>

#include "decide/strategy.h"
#include "decide/verdict.h"

namespace culprit::decide {

SyzbotVerdict DecideSyzbotVerdict(const RunCounts& r, bool flaky) {
  int skip = r.total - r.crashes - r.ok - r.infra;
  int want_ok = flaky ? r.total * 3 / 4 : r.total / 2;
  if (r.crashes == 0 && r.ok >= want_ok && r.ok > 0) return SyzbotVerdict::kGood;
  if (r.crashes >= std::max(2, (r.total - r.infra) / 6) && r.crashes + r.ok >= r.total / 2) {
    return SyzbotVerdict::kBad;
  }
  if (r.infra > skip) return SyzbotVerdict::kAbort;
  return SyzbotVerdict::kSkip;
}

namespace {

class SyzbotStrategy : public GitWalkStrategy {
 public:
  explicit SyzbotStrategy(const Context& ctx) : GitWalkStrategy(ctx) {}

  Judgement Judge(CommitIndex c, const Evidence& ev, bool is_bad) const override {
    const CommitEvidence& e = ev.at(c);
    if (auto marked = MarkedVerdict(e)) return Judgement::Of(*marked);  // as git takes a mark
    if (e.build == BuildState::kUnknown) return Judgement::Build();
    if (e.build == BuildState::kFailed) return Judgement::Of(Verdict::kSkip);
    const int base = ctx_.options.runs_per_test;
    const bool flaky = IsFlaky(ev);
    const int want = (is_bad || flaky) ? 2 * base : base;
    if (e.runs() == 0 && !is_bad) {
      if (auto reused = SameSignatureVerdict(c, ev, flaky)) return Judgement::Of(*reused);
    }
    if (e.runs() < base || (is_bad && e.runs() < want)) return Judgement::Runs(want - e.runs());
    // Once the bad commit showed the bug flaky, every test is 20 runs, judged when all are in
    // (as syzbot runs them): with fewer VMs than runs they come in rounds, and the first ten
    // must not decide.
    const CommitEvidence& b = ev.at(ctx_.problem.bad);
    if (!is_bad && b.target + b.other > 0 && b.ok > 0 && e.runs() < want) {
      return Judgement::Runs(want - e.runs());
    }
    Verdict v = VerdictOf(e, flaky);
    if (v == Verdict::kSkip && e.runs() < want) return Judgement::Runs(want - e.runs());
    return Judgement::Of(v);
  }

 private:
  static bool IsFlaky(const Evidence& ev) {
    for (CommitIndex c : ev.built()) {
      const CommitEvidence& e = ev.at(c);
      if (e.target + e.other > 0 && e.ok > 0) return true;
    }
    return false;
  }

  static Verdict VerdictOf(const CommitEvidence& e, bool flaky) {
    RunCounts counts{
        .total = e.runs(), .crashes = e.target + e.other, .ok = e.ok, .infra = e.infra};
    switch (DecideSyzbotVerdict(counts, flaky)) {
      case SyzbotVerdict::kGood:
        return Verdict::kNoCrash;
      case SyzbotVerdict::kBad:
        return Verdict::kCrash;
      case SyzbotVerdict::kAbort:
        return Verdict::kAbort;
      case SyzbotVerdict::kSkip:
        return Verdict::kSkip;
    }
    return Verdict::kSkip;
  }

  // syzbot reuses the result of an earlier commit with the same kernel signature.
  std::optional<Verdict> SameSignatureVerdict(CommitIndex c, const Evidence& ev, bool flaky) const {
    const std::string& sig = ev.at(c).signature;
    if (sig.empty()) return std::nullopt;
    for (CommitIndex other : ev.built()) {
      const CommitEvidence& o = ev.at(other);
      if (other == c || o.signature != sig || o.runs() < ctx_.options.runs_per_test) continue;
      Verdict v = VerdictOf(o, flaky);
      if (v == Verdict::kCrash || v == Verdict::kNoCrash) return v;
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Strategy> MakeSyzbotStrategy(const Context& ctx) {
  return std::make_unique<SyzbotStrategy>(ctx);
}

}  // namespace culprit::decide
