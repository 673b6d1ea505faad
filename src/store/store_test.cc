#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
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

void PutRunFor(Store& store, int64_t job_id, int index) {
  RunRow row{.build_key = "k", .test_key = "t", .index = index, .job_id = job_id};
  ASSERT_TRUE(store.PutRun(row));
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

// What each job of a state directory became, and what the queries of `culprit list`, `show`
// and `abandon` say about it.
TEST(Store, ListsFindsAndAbandonsJobs) {
  auto dir = TempDir("jobs");
  auto store = Store::Open(dir);
  ASSERT_TRUE(store) << store.error().message;
  auto first = (*store)->CreateJob({.fingerprint = "a", .config_json = "{}"});
  ASSERT_TRUE(first);
  ASSERT_TRUE((*store)->FinishJob(*first, "{}"));
  auto second = (*store)->CreateJob({.fingerprint = "b", .config_json = "{}"});
  ASSERT_TRUE(second);
  PutRunFor(**store, *second, 0);
  PutRunFor(**store, *second, 1);
  EXPECT_EQ(*(*store)->CountRuns(*second), 2);

  struct {
    int64_t id;
    bool abandon_ok;
    const char* status_after;
  } rows[] = {{*first, false, "finished"}, {*second, true, "abandoned"}};
  for (const auto& row : rows) {
    EXPECT_EQ(static_cast<bool>((*store)->AbandonJob(row.id)), row.abandon_ok) << row.id;
    auto job = (*store)->Job(row.id);
    ASSERT_TRUE(job && job->has_value());
    EXPECT_EQ((*job)->status, row.status_after);
    EXPECT_FALSE((*job)->started.empty());
    EXPECT_FALSE((*job)->finished.empty());
  }
  EXPECT_FALSE((*store)->AbandonJob(*second)) << "abandoned twice";
  auto unfinished = (*store)->UnfinishedJob();
  ASSERT_TRUE(unfinished);
  EXPECT_FALSE(unfinished->has_value()) << "an abandoned job is not resumable";
  auto jobs = (*store)->Jobs();
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].id, *first);
  auto missing = (*store)->Job(99);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ((*store)->LogPath(3), dir / "logs" / "job-3.log");
  std::filesystem::remove_all(dir);
}

// `resume`, `show` and `serve` never create a state directory; serve reads while a job writes.
TEST(Store, OpenModes) {
  auto dir = TempDir("modes");
  for (OpenMode mode : {OpenMode::kExisting, OpenMode::kReadOnly}) {
    auto missing = Store::Open(dir, mode);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
    EXPECT_NE(missing.error().message.find("culprit bisect"), std::string::npos)
        << missing.error().message;
    EXPECT_FALSE(std::filesystem::exists(dir));
  }
  std::filesystem::create_directories(dir);
  auto empty = Store::Open(dir, OpenMode::kExisting);
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("no culprit jobs in"), std::string::npos);

  auto writer = Store::Open(dir);
  ASSERT_TRUE(writer);
  auto id = (*writer)->CreateJob({.fingerprint = "a", .config_json = "{}"});
  ASSERT_TRUE(id);
  auto reader = Store::Open(dir, OpenMode::kReadOnly);
  ASSERT_TRUE(reader) << reader.error().message;
  ASSERT_TRUE((*writer)->FinishJob(*id, "{\"outcome\":\"found\"}"));
  auto job = (*reader)->Job(*id);
  ASSERT_TRUE(job && job->has_value());
  EXPECT_EQ((*job)->status, "finished") << "the reader sees the writer's commits";
  EXPECT_FALSE((*reader)->CreateJob({.fingerprint = "b", .config_json = "{}"}));
  std::filesystem::remove_all(dir);
}

// A database of schema 1 opens, migrates (to `finished` and the columns after it) and keeps its
// jobs; read-only, it is read as it is.
TEST(Store, MigratesSchemaOne) {
  auto dir = TempDir("migrate");
  std::filesystem::create_directories(dir);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "culprit.db").c_str(), &db), SQLITE_OK);
  // The tables of schema 1, as culprit 0.1 created them.
  const std::string v1 = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL,
  config_json TEXT NOT NULL,
  status TEXT NOT NULL,
  target_title TEXT NOT NULL DEFAULT '',
  target_alt_titles TEXT NOT NULL DEFAULT '[]',
  result_json TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS builds (
  key TEXT PRIMARY KEY,
  tree_id TEXT NOT NULL,
  commit_id TEXT NOT NULL,
  ok INTEGER NOT NULL,
  exit_code INTEGER NOT NULL,
  signature TEXT NOT NULL,
  compiler TEXT NOT NULL DEFAULT '',
  out_dir TEXT NOT NULL,
  log_path TEXT NOT NULL,
  duration_s REAL NOT NULL,
  created TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  build_key TEXT NOT NULL,
  test_key TEXT NOT NULL,
  run_index INTEGER NOT NULL,
  status TEXT NOT NULL,
  exit_code INTEGER NOT NULL,
  signal INTEGER NOT NULL,
  title TEXT NOT NULL,
  alt_titles TEXT NOT NULL,
  log_path TEXT NOT NULL,
  duration_s REAL NOT NULL,
  job_id INTEGER NOT NULL,
  created TEXT NOT NULL DEFAULT (datetime('now')),
  UNIQUE (build_key, test_key, run_index)
);
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  created TEXT NOT NULL DEFAULT (datetime('now'))
);
)sql"
                         "INSERT INTO jobs (fingerprint, config_json, status, result_json) "
                         "VALUES ('fp', '{}', 'finished', '{}');"
                         "PRAGMA user_version=1;";
  ASSERT_EQ(sqlite3_exec(db, v1.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  {
    auto reader = Store::Open(dir, OpenMode::kReadOnly);
    ASSERT_TRUE(reader) << reader.error().message;
    auto jobs = (*reader)->Jobs();
    ASSERT_TRUE(jobs) << jobs.error().message;
    ASSERT_EQ(jobs->size(), 1u);
    EXPECT_EQ((*jobs)[0].finished, "");
  }
  auto store = Store::Open(dir);
  ASSERT_TRUE(store) << store.error().message;
  auto id = (*store)->CreateJob({.fingerprint = "b", .config_json = "{}"});
  ASSERT_TRUE(id);
  ASSERT_TRUE((*store)->FinishJob(*id, "{}"));
  auto jobs = (*store)->Jobs();
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].status, "finished");
  EXPECT_FALSE((*jobs)[1].finished.empty());
  std::filesystem::remove_all(dir);
}

// Crash titles that are not UTF-8 are stored (bytes replaced), not thrown on.
TEST(Store, NonUtf8AltTitles) {
  auto dir = TempDir("utf8");
  auto store = Store::Open(dir);
  ASSERT_TRUE(store);
  auto id = (*store)->CreateJob({.fingerprint = "a", .config_json = "{}"});
  ASSERT_TRUE(id);
  ASSERT_TRUE((*store)->SetTarget(*id, "t", {"caf\xe9 crash"}));
  auto job = (*store)->Job(*id);
  ASSERT_TRUE(job && job->has_value());
  EXPECT_EQ((*job)->target_alt_titles, (std::vector<std::string>{"caf\xef\xbf\xbd crash"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace culprit::store
