#include "decide/names.h"

#include <gtest/gtest.h>

namespace culprit::decide {
namespace {

TEST(Names, EveryEnumValueRoundTrips) {
  for (Mode m : {Mode::kCause, Mode::kFix}) EXPECT_EQ(ParseModeName(ModeName(m)), m);
  for (StrategyKind s : {StrategyKind::kBayes, StrategyKind::kSyzbot, StrategyKind::kGit}) {
    EXPECT_EQ(ParseStrategyName(StrategyName(s)), s);
  }
  for (ConclusionKind k : {ConclusionKind::kFound, ConclusionKind::kInconclusive,
                           ConclusionKind::kHorizon, ConclusionKind::kError}) {
    EXPECT_EQ(ParseOutcomeName(OutcomeName(k)), k);
  }
  for (Mode m : {Mode::kCause, Mode::kFix}) {
    for (CommitVerdict v : {CommitVerdict::kUndecided, CommitVerdict::kCrashes,
                            CommitVerdict::kClean, CommitVerdict::kUntestable}) {
      EXPECT_EQ(ParseVerdictWord(VerdictWord(v, m)), v);
    }
  }
  EXPECT_FALSE(ParseModeName("Cause").has_value());
  EXPECT_EQ(VerdictWord(CommitVerdict::kCrashes, Mode::kFix), "old");
  EXPECT_EQ(VerdictWord(CommitVerdict::kClean, Mode::kCause), "good");
}

}  // namespace
}  // namespace culprit::decide
