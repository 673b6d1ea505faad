// Plain `git bisect run` with k runs per commit: the first target crash makes a commit bad, a
// commit that cannot be built or booted is skipped, anything else is good.
#include <algorithm>

#include "decide/strategy.h"

namespace culprit::decide {
namespace {

class GitStrategy : public GitWalkStrategy {
 public:
  explicit GitStrategy(const Context& ctx) : GitWalkStrategy(ctx) {}

  Judgement Judge(CommitIndex c, const Evidence& ev, bool /*is_bad*/) const override {
    const CommitEvidence& e = ev.at(c);
    if (auto marked = MarkedVerdict(e)) return Judgement::Of(*marked);  // as git takes a mark
    if (e.build == BuildState::kUnknown) return Judgement::Build();
    if (e.build == BuildState::kFailed) return Judgement::Of(Verdict::kSkip);
    if (e.target > 0) return Judgement::Of(Verdict::kCrash);
    const int k = std::max(1, ctx_.options.runs_per_test);
    if (e.runs() < k) return Judgement::Runs(k - e.runs());
    if (e.ok > 0) return Judgement::Of(Verdict::kNoCrash);
    return Judgement::Of(Verdict::kSkip);
  }
};

}  // namespace

std::unique_ptr<Strategy> MakeGitStrategy(const Context& ctx) {
  return std::make_unique<GitStrategy>(ctx);
}

}  // namespace culprit::decide
