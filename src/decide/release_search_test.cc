#include "decide/release_search.h"

#include <gtest/gtest.h>

#include "sim/history.h"

namespace culprit::decide {
namespace {

// Releases every 10 commits of a linear history: 10, 20, ..., 190; bad = 199.
TEST(decide_ReleasesToTry, NewestFirstThinningOutEndingWithTheOldest) {
  CommitDag dag = sim::MakeHistory({.n = 200, .release_every = 10});
  // Every one of the newest three, then every second, then every third, and the oldest.
  std::vector<CommitIndex> want = {190, 180, 170, 150, 130, 110, 80, 50, 20, 10};
  EXPECT_EQ(ReleasesToTry(dag, 199), want);
}

TEST(decide_ReleasesToTry, WithoutReleasesTheRootIsTried) {
  CommitDag dag = sim::MakeHistory({.n = 20, .release_every = 1000});
  EXPECT_EQ(ReleasesToTry(dag, 19), std::vector<CommitIndex>{0});
}

}  // namespace
}  // namespace culprit::decide
