#include "decide/posterior.h"

#include <gtest/gtest.h>

namespace culprit::decide {
namespace {

// Linear history 0 (good) - 1 - 2 (bad): the culprit is 1 or 2. The bad commit crashed 5 times
// out of 5; commit 1 ran clean. With p near 1 one clean run settles it; the robust mass, which
// also asks "and if p were one of the lower plausible values?", wants more clean runs first.
TEST(decide_Posterior, RobustMassWaitsUntilEveryPlausibleP) {
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
  EXPECT_LT(post.RobustMass(culprit_2, 0.01), post.mass(culprit_2) - 0.1);
  for (int i = 0; i < 12; ++i) ev.RecordRun(1, Outcome::kOk);
  post.Update(ev);
  EXPECT_GT(post.mass(culprit_2), 0.99);
  EXPECT_GT(post.RobustMass(culprit_2, 0.01), 0.99);
}

}  // namespace
}  // namespace culprit::decide
