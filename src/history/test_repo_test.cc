#include "history/test_repo.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "history/history.h"

namespace culprit::history {
namespace {

std::string ReadWorkingFile(const TestRepo& repo, const std::string& path) {
  std::ifstream in(repo.path() / path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(TestRepoTest, HashesAreReproducible) {
  TestRepo one, two;
  EXPECT_EQ(one.Commit("init", {{"a", "1"}}), two.Commit("init", {{"a", "1"}}));
  EXPECT_NE(one.Commit("next"), two.Commit("other"));
}

TEST(TestRepoTest, WorkingFilesFollowTheBranch) {
  TestRepo repo;
  repo.Commit("init", {{"dir/a", "1"}, {"b", "x"}});
  repo.Branch("topic");
  repo.Commit("change", {{"dir/a", "2"}, {"b", std::nullopt}});
  EXPECT_EQ(ReadWorkingFile(repo, "dir/a"), "2");
  EXPECT_FALSE(std::filesystem::exists(repo.path() / "b"));
  repo.Switch("topic");
  EXPECT_EQ(ReadWorkingFile(repo, "dir/a"), "1");
  EXPECT_EQ(ReadWorkingFile(repo, "b"), "x");
}

TEST(TestRepoTest, MergeResolvesConflictsWithFiles) {
  TestRepo repo;
  repo.Commit("init", {{"f", "base\n"}});
  repo.Branch("topic");
  std::string ours = repo.Commit("ours", {{"f", "ours\n"}});
  repo.Switch("topic");
  std::string theirs = repo.Commit("theirs", {{"f", "theirs\n"}, {"g", "new\n"}});
  repo.Switch("master");
  std::string merge = repo.Merge("topic", "Merge branch 'topic'", {{"f", "both\n"}});
  EXPECT_EQ(ReadWorkingFile(repo, "f"), "both\n");
  EXPECT_EQ(ReadWorkingFile(repo, "g"), "new\n");
  Result<std::unique_ptr<Repository>> git = OpenRepository(repo.path());
  ASSERT_TRUE(git);
  Result<CommitInfo> info = (*git)->Commit(merge);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->parents, (std::vector<std::string>{ours, theirs}));
  EXPECT_EQ(info->title, "Merge branch 'topic'");
  EXPECT_EQ(repo.Resolve("HEAD"), merge);
}

}  // namespace
}  // namespace culprit::history
