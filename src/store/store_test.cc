#include "store/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace culprit::store {
namespace {

std::filesystem::path TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("culprit-store-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(Store, JobLifecycle) {
  auto dir = TempDir("job");
  auto store = Store::Open(dir);
  ASSERT_TRUE(store) << store.error().message;
  auto none = (*store)->UnfinishedJob();
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto id = (*store)->CreateJob({.fingerprint = "fp", .config_json = "{}"});
  ASSERT_TRUE(id);
  ASSERT_TRUE((*store)->SetTarget(*id, "ASan: heap-use-after-free in f", {"a", "b"}));
  auto job = (*store)->UnfinishedJob();
  ASSERT_TRUE(job && job->has_value());
  EXPECT_EQ((*job)->target_title, "ASan: heap-use-after-free in f");
  EXPECT_EQ((*job)->target_alt_titles, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE((*store)->FinishJob(*id, "{\"outcome\":\"found\"}"));
  auto after = (*store)->UnfinishedJob();
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->has_value());
  std::filesystem::remove_all(dir);
}

TEST(Store, BuildsAndRunsSurviveReopen) {
  auto dir = TempDir("reopen");
  {
    auto store = Store::Open(dir);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->PutBuild({.key = "k1",
                                    .tree_id = "t",
                                    .commit = "c",
                                    .ok = true,
                                    .exit_code = 0,
                                    .signature = "sig",
                                    .duration_s = 1.5}));
    for (int i = 0; i < 3; i++) {
      RunRow row{.build_key = "k1",
                 .test_key = "t1",
                 .index = i,
                 .status = i == 1 ? RunStatus::kCrashed : RunStatus::kOk,
                 .title = "T"};
      ASSERT_TRUE((*store)->PutRun(row));
      EXPECT_GT(row.id, 0);
    }
  }
  auto store = Store::Open(dir);
  ASSERT_TRUE(store);
  auto build = (*store)->FindBuild("k1");
  ASSERT_TRUE(build && build->has_value());
  EXPECT_EQ((*build)->signature, "sig");
  EXPECT_DOUBLE_EQ((*build)->duration_s, 1.5);
  auto runs = (*store)->FindRuns("k1", "t1");
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 3u);
  EXPECT_EQ((*runs)[1].status, RunStatus::kCrashed);
  auto other = (*store)->FindRuns("k1", "t2");
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->empty());
  // The same run index cannot be stored twice: a replayed job never duplicates evidence.
  RunRow dup{.build_key = "k1", .test_key = "t1", .index = 0};
  EXPECT_FALSE((*store)->PutRun(dup));
  std::filesystem::remove_all(dir);
}

TEST(Store, RejectsCorruptDatabase) {
  auto dir = TempDir("corrupt");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "culprit.db") << "this is not a database, just some text that is long enough "
                                       "to fill the sqlite header and more and more";
  auto store = Store::Open(dir);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::kCorrupt);
  EXPECT_NE(store.error().message.find("culprit.db"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Store, RejectsUnwritableDirectory) {
  auto store = Store::Open("/proc/culprit-cannot-be-here");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::kIo);
  EXPECT_NE(store.error().message.find("--state"), std::string::npos);
}

}  // namespace
}  // namespace culprit::store
