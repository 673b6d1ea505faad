#include "decide/ancestor_mass.h"

#include <gtest/gtest.h>

#include "sim/history.h"

namespace culprit::decide {
namespace {

// Compares the O(N) merge-aware sums with brute force on generated merge-heavy histories.
TEST(decide_AncestorMass, MatchesBruteForceOnKernelHistories) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    CommitDag dag = sim::MakeHistory({.kind = sim::HistoryKind::kKernel, .n = 300, .seed = seed});
    std::vector<uint8_t> universe(static_cast<size_t>(dag.size()), 1);
    universe[5] = 0;
    AncestorMass mass(dag, universe);
    std::vector<double> w(static_cast<size_t>(dag.size()));
    for (size_t i = 0; i < w.size(); ++i) w[i] = universe[i] ? static_cast<double>(i % 7 + 1) : 0;
    std::vector<double> m;
    mass.Compute(w, &m);
    for (CommitIndex c = 0; c < dag.size(); c += 7) {
      double want = 0;
      for (CommitIndex a : dag.Ancestors(c)) want += w[static_cast<size_t>(a)];
      EXPECT_DOUBLE_EQ(m[static_cast<size_t>(c)], want) << "seed " << seed << " commit " << c;
    }
  }
}

TEST(decide_MergeBases, CrissCross) {
  // 0 - 1 - 2 ; 0 - 3 ; 4 = merge(1, 3) ; 5 = merge(3, 1)
  std::vector<CommitNode> nodes = {{.id = "a"},
                                   {.id = "b", .parents = {0}},
                                   {.id = "c", .parents = {1}},
                                   {.id = "d", .parents = {0}},
                                   {.id = "e", .parents = {1, 3}},
                                   {.id = "f", .parents = {3, 1}}};
  auto dag = CommitDag::Make(nodes);
  ASSERT_TRUE(dag.has_value());
  EXPECT_EQ(MergeBases(*dag, 4, 5), (std::vector<CommitIndex>{1, 3}));
  EXPECT_EQ(MergeBases(*dag, 2, 3), (std::vector<CommitIndex>{0}));
  EXPECT_TRUE(dag->IsAncestor(3, 5));
  EXPECT_FALSE(dag->IsAncestor(2, 5));
}

}  // namespace
}  // namespace culprit::decide
