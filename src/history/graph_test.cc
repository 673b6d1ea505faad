#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "history/history.h"
#include "history/test_repo.h"

namespace culprit::history {
namespace {

/// Checks the graph's invariants: no duplicates, parents inside the graph and placed before
/// their children.
void ExpectTopological(const std::vector<GraphCommit>& graph) {
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < graph.size(); ++i)
    EXPECT_TRUE(position.emplace(graph[i].id, i).second) << "duplicate " << graph[i].id;
  for (size_t i = 0; i < graph.size(); ++i) {
    for (const std::string& parent : graph[i].parents) {
      ASSERT_TRUE(position.count(parent)) << "parent outside the graph";
      EXPECT_LT(position[parent], i) << graph[i].title << " placed before its parent";
    }
  }
}

std::vector<std::string> Titles(const std::vector<GraphCommit>& graph) {
  std::vector<std::string> titles;
  for (const GraphCommit& c : graph) titles.push_back(c.title);
  return titles;
}

std::set<std::string> TitleSet(const std::vector<GraphCommit>& graph) {
  std::vector<std::string> titles = Titles(graph);
  return {titles.begin(), titles.end()};
}

const GraphCommit& Find(const std::vector<GraphCommit>& graph, const std::string& title) {
  for (const GraphCommit& c : graph) {
    if (c.title == title) return c;
  }
  static const GraphCommit kMissing;
  ADD_FAILURE() << title << " not in the graph";
  return kMissing;
}

TEST(GraphTest, LinearRangeIncludesTheStop) {
  TestRepo repo;
  std::vector<std::string> ids;
  for (int i = 1; i <= 5; ++i) ids.push_back(repo.Commit("c" + std::to_string(i)));
  Result<std::unique_ptr<Repository>> git = OpenRepository(repo.path());
  ASSERT_TRUE(git);
  Result<std::vector<GraphCommit>> graph = (*git)->Graph({ids[4]}, {ids[1]}, 100);
  ASSERT_TRUE(graph) << graph.error().message;
  EXPECT_EQ(Titles(*graph), (std::vector<std::string>{"c2", "c3", "c4", "c5"}));
  EXPECT_TRUE((*graph)[0].parents.empty());
  EXPECT_EQ((*graph)[1].parents, std::vector<std::string>{ids[1]});
}

/// base(v1.0) - m1 - m2(v1.1-rc1) - m3 - merge - m4
///     \                                 /
///      s1 ---------------------------- s2       (side branch forked at the old tag)
class MergeGraphTest : public testing::Test {
 protected:
  void SetUp() override {
    base_ = repo_.Commit("base", {{"f", "0"}});
    repo_.AnnotatedTag("v1.0");
    repo_.Commit("m1", {{"m", "1"}});
    m2_ = repo_.Commit("m2", {{"m", "2"}});
    repo_.Tag("v1.1-rc1");
    repo_.Branch("side", "v1.0");
    repo_.Switch("side");
    s1_ = repo_.Commit("s1", {{"s", "1"}});
    s2_ = repo_.Commit("s2", {{"s", "2"}});
    repo_.Switch("master");
    m3_ = repo_.Commit("m3", {{"m", "3"}});
    merge_ = repo_.Merge("side", "merge");
    m4_ = repo_.Commit("m4", {{"m", "4"}});
    Result<std::unique_ptr<Repository>> git = OpenRepository(repo_.path());
    ASSERT_TRUE(git) << git.error().message;
    git_ = std::move(*git);
  }
  TestRepo repo_;
  std::string base_, m2_, s1_, s2_, m3_, merge_, m4_;
  std::unique_ptr<Repository> git_;
};

TEST_F(MergeGraphTest, WholeRangeFromTheOldTag) {
  Result<std::vector<GraphCommit>> graph = git_->Graph({m4_}, {"v1.0"}, 100);
  ASSERT_TRUE(graph) << graph.error().message;
  ExpectTopological(*graph);
  EXPECT_EQ(TitleSet(*graph),
            (std::set<std::string>{"base", "m1", "m2", "s1", "s2", "m3", "merge", "m4"}));
  EXPECT_EQ(graph->front().title, "base");
  EXPECT_EQ(graph->back().title, "m4");
  EXPECT_EQ(Find(*graph, "merge").parents, (std::vector<std::string>{m3_, s2_}));
  EXPECT_EQ(Find(*graph, "base").release, "v1.0");
  EXPECT_EQ(Find(*graph, "m2").release, "v1.1-rc1");
  EXPECT_EQ(Find(*graph, "m3").release, "");
}

TEST_F(MergeGraphTest, StopOnMainlineKeepsTheSideBranch) {
  Result<std::vector<GraphCommit>> graph = git_->Graph({m4_}, {m2_}, 100);
  ASSERT_TRUE(graph) << graph.error().message;
  ExpectTopological(*graph);
  EXPECT_EQ(TitleSet(*graph), (std::set<std::string>{"m2", "s1", "s2", "m3", "merge", "m4"}));
  EXPECT_TRUE(Find(*graph, "s1").parents.empty()) << "base is an ancestor of the stop";
}

TEST_F(MergeGraphTest, SeveralStops) {
  Result<std::vector<GraphCommit>> graph = git_->Graph({m4_}, {m3_, s2_}, 100);
  ASSERT_TRUE(graph) << graph.error().message;
  ExpectTopological(*graph);
  EXPECT_EQ(Titles(*graph).size(), 4u);
  EXPECT_EQ(TitleSet(*graph), (std::set<std::string>{"s2", "m3", "merge", "m4"}));
}

TEST_F(MergeGraphTest, OrderIsDeterministic) {
  Result<std::vector<GraphCommit>> one = git_->Graph({m4_}, {base_}, 100);
  Result<std::vector<GraphCommit>> two = git_->Graph({m4_}, {base_}, 100);
  ASSERT_TRUE(one && two);
  EXPECT_EQ(Titles(*one), Titles(*two));
}

TEST_F(MergeGraphTest, TooManyCommitsNamesTheLimit) {
  Result<std::vector<GraphCommit>> graph = git_->Graph({m4_}, {base_}, 5);
  ASSERT_FALSE(graph);
  EXPECT_EQ(graph.error().kind, ErrorKind::kBadInput);
  EXPECT_NE(graph.error().message.find("more than 5 commits"), std::string::npos)
      << graph.error().message;
}

TEST_F(MergeGraphTest, NoStopsWalksToTheRoot) {
  Result<std::vector<GraphCommit>> graph = git_->Graph({m4_}, {}, 200000);
  ASSERT_TRUE(graph) << graph.error().message;
  ExpectTopological(*graph);
  EXPECT_EQ(graph->size(), 8u);
  EXPECT_EQ(graph->front().title, "base");
}

TEST_F(MergeGraphTest, NoStopsKeepsTheNewestUpToTheLimit) {
  Result<std::vector<GraphCommit>> graph = git_->Graph({m4_}, {}, 3);
  ASSERT_TRUE(graph) << graph.error().message;
  ExpectTopological(*graph);
  EXPECT_EQ(TitleSet(*graph), (std::set<std::string>{"m3", "merge", "m4"}));
  EXPECT_EQ(Find(*graph, "merge").parents, std::vector<std::string>{m3_});
}

TEST_F(MergeGraphTest, BadInput) {
  EXPECT_EQ(git_->Graph({}, {base_}, 10).error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(git_->Graph({"v9.9"}, {}, 10).error().kind, ErrorKind::kNotFound);
}

TEST_F(MergeGraphTest, AncestryAndMergeBases) {
  EXPECT_TRUE(*git_->IsAncestor(base_, merge_));
  EXPECT_TRUE(*git_->IsAncestor(s1_, m4_));
  EXPECT_TRUE(*git_->IsAncestor(m3_, m3_));
  EXPECT_FALSE(*git_->IsAncestor(s1_, m3_));
  EXPECT_FALSE(*git_->IsAncestor(m4_, base_));
  EXPECT_EQ(*git_->MergeBases(m3_, s2_), std::vector<std::string>{base_});
  EXPECT_EQ(*git_->MergeBases(m4_, s2_), std::vector<std::string>{s2_});
  EXPECT_EQ(git_->IsAncestor("nope", m4_).error().kind, ErrorKind::kNotFound);
}

TEST(GraphTest, ManyMergedBranchesStayTopological) {
  TestRepo repo;
  std::string root = repo.Commit("root");
  for (int b = 0; b < 8; ++b) {
    std::string name = "b" + std::to_string(b);
    repo.Branch(name, b % 2 ? "HEAD~1" : "HEAD");
    repo.Switch(name);
    for (int i = 0; i < 6; ++i) repo.Commit(name + "-" + std::to_string(i));
    repo.Switch("master");
    repo.Commit("main-" + std::to_string(b));
    repo.Merge(name, "merge " + name);
  }
  Result<std::unique_ptr<Repository>> git = OpenRepository(repo.path());
  ASSERT_TRUE(git);
  Result<std::vector<GraphCommit>> graph = (*git)->Graph({"HEAD"}, {root}, 1000);
  ASSERT_TRUE(graph) << graph.error().message;
  EXPECT_EQ(graph->size(), 1u + 8 * 8);
  ExpectTopological(*graph);
}

}  // namespace
}  // namespace culprit::history
