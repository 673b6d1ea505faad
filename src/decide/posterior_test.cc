#include "decide/posterior.h"

#include <gtest/gtest.h>

namespace culprit::decide {
namespace {

// Linear history 0 (good) - 1 - 2 (bad): the culprit is 1 or 2. The bad commit crashed 5 times
// out of 5; commit 1 ran clean. With p near 1 one clean run settles it, and the posterior says
// so; but p = 5/6 explains the same runs with culprit 1 (a missed crash) almost as well, and the
// profile odds against 2 stay high until clean runs on 1 rule out every p.
TEST(decide_Posterior, ProfileOddsWaitUntilNoPExplainsAMiss) {
  auto dag =
      CommitDag::Make({{.id = "a"}, {.id = "b", .parents = {0}}, {.id = "c", .parents = {1}}});
  ASSERT_TRUE(dag.has_value());
  Evidence ev(dag->size());
  ev.RecordBuild(2, {.ok = true, .signature = "s2"});
  for (int i = 0; i < 5; ++i) ev.RecordRun(2, Outcome::kTargetCrash);
  ev.RecordBuild(1, {.ok = true, .signature = "s1"});
  ev.RecordRun(1, Outcome::kOk);
  Posterior post(*dag, Mode::kCause, {1, 2}, {0.4995, 0.4995}, 1e-3);
  post.Update(ev);
  const size_t culprit_2 = 1;
  EXPECT_GT(post.mass(culprit_2), 0.9);
  // max over p of p^5 (1 - p) is 0.067, at p = 5/6.
  EXPECT_GT(post.ProfileOddsAgainst(culprit_2), 0.05);
  for (int i = 0; i < 12; ++i) ev.RecordRun(1, Outcome::kOk);
  post.Update(ev);
  EXPECT_GT(post.mass(culprit_2), 0.99);
  // max over p of p^5 (1 - p)^13 is 3e-5, at p = 5/18.
  EXPECT_LT(post.ProfileOddsAgainst(culprit_2), 1e-3);
}

}  // namespace
}  // namespace culprit::decide
