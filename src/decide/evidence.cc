#include "decide/evidence.h"

#include <algorithm>

namespace culprit::decide {

void Evidence::RecordBuild(CommitIndex c, const BuildEvidence& build) {
  CommitEvidence& e = per_commit_[static_cast<size_t>(c)];
  if (e.build == BuildState::kUnknown) {
    built_.insert(std::lower_bound(built_.begin(), built_.end(), c), c);
  }
  e.build = build.ok ? BuildState::kOk : BuildState::kFailed;
  e.signature = build.ok ? build.signature : "";
}

void Evidence::RecordRun(CommitIndex c, Outcome outcome) {
  CommitEvidence& e = per_commit_[static_cast<size_t>(c)];
  // A run implies a build; a replay that lost the build record still counts the run.
  if (e.build == BuildState::kUnknown) RecordBuild(c, {.ok = true, .signature = ""});
  ++runs_;
  switch (outcome) {
    case Outcome::kTargetCrash:
      ++e.target;
      break;
    case Outcome::kOtherCrash:
      ++e.other;
      break;
    case Outcome::kOk:
      ++e.ok;
      break;
    case Outcome::kUntestable:
      ++e.untestable;
      break;
    case Outcome::kInfraError:
      ++e.infra;
      break;
  }
}

}  // namespace culprit::decide
