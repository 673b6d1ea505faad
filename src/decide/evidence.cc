#include "decide/evidence.h"

#include <algorithm>

namespace culprit::decide {

void Evidence::RecordBuild(CommitIndex c, const BuildEvidence& build) {
  CommitEvidence& e = per_commit_[static_cast<size_t>(c)];
  const bool known = e.build != BuildState::kUnknown;
  // A real build, recorded before or after, wins over an avoided one: replay order is free.
  if (known && build.avoided && !e.avoided) return;
  if (!known) built_.insert(std::lower_bound(built_.begin(), built_.end(), c), c);
  avoided_ += (build.avoided ? 1 : 0) - (known && e.avoided ? 1 : 0);
  e.avoided = build.avoided;
  e.build = build.ok ? BuildState::kOk : BuildState::kFailed;
  e.signature = build.ok ? build.signature : "";
  ++version_;
}

void Evidence::RecordRun(CommitIndex c, Outcome outcome) {
  CommitEvidence& e = per_commit_[static_cast<size_t>(c)];
  // A run implies a build; a replay that lost the build record still counts the run.
  if (e.build == BuildState::kUnknown) RecordBuild(c, {.ok = true, .signature = ""});
  ++runs_;
  ++version_;
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

void Evidence::RecordMark(CommitIndex c, CommitVerdict verdict) {
  CommitEvidence& e = per_commit_[static_cast<size_t>(c)];
  const bool weighed = verdict == CommitVerdict::kCrashes || verdict == CommitVerdict::kClean;
  auto at = std::lower_bound(marked_.begin(), marked_.end(), c);
  const bool listed = at != marked_.end() && *at == c;
  if (weighed && !listed) marked_.insert(at, c);
  if (!weighed && listed) marked_.erase(at);
  e.mark = verdict;
  ++version_;
}

}  // namespace culprit::decide
