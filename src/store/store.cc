#include "store/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "store/sqlite_statement.h"

namespace culprit::store {
namespace {

// Schema changes after version 1, one entry per version: entry i takes a database from version
// i + 1 to i + 2. kSchema always creates the newest tables; a new database skips these.
constexpr const char* kMigrations[] = {
    // 2: where a VM run ended, and whether its log was cut.
    "ALTER TABLE runs ADD COLUMN stage TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE runs ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE builds ADD COLUMN source_dir TEXT NOT NULL DEFAULT '';",
    // 3: when a job finished or was abandoned (culprit list's duration).
    "ALTER TABLE jobs ADD COLUMN finished TEXT NOT NULL DEFAULT '';",
    // 4: the wall time the job has been running, summed over culprit's sessions.
    "ALTER TABLE jobs ADD COLUMN active_s REAL NOT NULL DEFAULT 0;",
    // 5: whether a failure's output matched the job's --expect (-1: not checked).
    "ALTER TABLE runs ADD COLUMN expect_matched INTEGER NOT NULL DEFAULT -1;",
};
constexpr int kSchemaVersion = 1 + static_cast<int>(std::size(kMigrations));

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint TEXT NOT NULL,
  config_json TEXT NOT NULL,
  status TEXT NOT NULL,
  target_title TEXT NOT NULL DEFAULT '',
  target_alt_titles TEXT NOT NULL DEFAULT '[]',
  result_json TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL DEFAULT (datetime('now')),
  finished TEXT NOT NULL DEFAULT '',
  active_s REAL NOT NULL DEFAULT 0
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
  created TEXT NOT NULL DEFAULT (datetime('now')),
  source_dir TEXT NOT NULL DEFAULT ''
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
  stage TEXT NOT NULL DEFAULT '',
  truncated INTEGER NOT NULL DEFAULT 0,
  expect_matched INTEGER NOT NULL DEFAULT -1,
  UNIQUE (build_key, test_key, run_index)
);
CREATE TABLE IF NOT EXISTS build_inputs (
  key TEXT PRIMARY KEY,
  patterns TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  created TEXT NOT NULL DEFAULT (datetime('now'))
);
)sql";

tl::unexpected<Error> SqlError(sqlite3* db, const std::string& what) {
  const int code = sqlite3_errcode(db) & 0xff;
  if (code == SQLITE_FULL || code == SQLITE_IOERR) {
    // Name the disk: the database's file system is full or failing.
    const char* file = sqlite3_db_filename(db, "main");
    std::string dir =
        file != nullptr ? std::filesystem::path(file).parent_path().string() : std::string("?");
    return Fail(ErrorKind::kIo,
                "state database: " + what + ": " + sqlite3_errmsg(db) + " (" +
                    (code == SQLITE_FULL ? "No space left on device" : "input/output error") +
                    " on the disk of " + dir + "; free space, then resume)");
  }
  return Fail(ErrorKind::kIo, "state database: " + what + ": " + sqlite3_errmsg(db));
}

// Crash titles may hold bytes that are not UTF-8: replaced, never thrown on.
std::string ToJson(const std::vector<std::string>& v) {
  return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> FromJson(const std::string& s) {
  nlohmann::json j = nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return {};
  std::vector<std::string> out;
  for (const auto& e : j)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

RunStatus ParseStatus(const std::string& s) {
  if (s == "crashed") return RunStatus::kCrashed;
  if (s == "untestable") return RunStatus::kUntestable;
  if (s == "infra") return RunStatus::kInfra;
  if (s == "failed") return RunStatus::kFailed;
  return RunStatus::kOk;
}

JobRecord ReadJob(const Statement& st) {
  JobRecord job;
  job.id = st.Int(0);
  job.fingerprint = st.Text(1);
  job.config_json = st.Text(2);
  job.status = st.Text(3);
  job.target_title = st.Text(4);
  job.target_alt_titles = FromJson(st.Text(5));
  job.result_json = st.Text(6);
  job.started = st.Text(7);
  job.finished = st.Text(8);
  job.active_s = st.Real(9);
  return job;
}

// The columns ReadJob reads; a read-only database before schema 3 has no `finished`, one
// before 4 no `active_s`.
std::string JobQuery(int64_t version, const char* rest) {
  return std::string(
             "SELECT id, fingerprint, config_json, status, target_title, "
             "target_alt_titles, result_json, created, ") +
         (version >= 3 ? "finished" : "''") + (version >= 4 ? ", active_s" : ", 0") +
         " FROM jobs " + rest;
}

constexpr const char* kRunning = "status NOT IN ('finished', 'abandoned')";

}  // namespace

std::string_view RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kOk:
      return "ok";
    case RunStatus::kCrashed:
      return "crashed";
    case RunStatus::kUntestable:
      return "untestable";
    case RunStatus::kInfra:
      return "infra";
    case RunStatus::kFailed:
      return "failed";
  }
  return "ok";
}

Store::~Store() { sqlite3_close(db_); }

Result<void> Store::Exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return Fail(ErrorKind::kCorrupt, text);
  }
  return {};
}

Result<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& state_dir, OpenMode mode) {
  std::error_code ec;
  std::filesystem::path db_path = state_dir / "culprit.db";
  if (mode != OpenMode::kCreate) {
    if (!std::filesystem::is_directory(state_dir, ec))
      return Fail(ErrorKind::kNotFound,
                  "no state directory " + state_dir.string() +
                      " (pass --state with the directory of a job started by culprit bisect)");
    if (!std::filesystem::exists(db_path, ec))
      return Fail(ErrorKind::kNotFound,
                  "no culprit jobs in " + state_dir.string() +
                      " (it has no culprit.db; start one with: culprit bisect --state " +
                      state_dir.string() + " ...)");
  }
  std::filesystem::create_directories(state_dir, ec);
  if (ec)
    return Fail(ErrorKind::kIo, "cannot create state directory " + state_dir.string() + ": " +
                                    ec.message() + " (pass --state with a writable directory)");
  sqlite3* db = nullptr;
  int flags = mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (mode == OpenMode::kCreate) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(db_path.c_str(), &db, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Fail(ErrorKind::kIo, "cannot open " + db_path.string() + ": " + msg +
                                    " (pass --state with a writable directory)");
  }
  sqlite3_busy_timeout(db, 10000);
  std::unique_ptr<Store> store(new Store(state_dir, db));
  const std::string corrupt_hint =
      db_path.string() +
      " is not a usable culprit database (move it away, or pass another --state)";
  // WAL keeps every committed result on disk even if the process is killed mid-job, and lets
  // a reader (culprit serve) read while a job writes.
  if (mode != OpenMode::kReadOnly) {
    if (auto r = store->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !r)
      return Fail(ErrorKind::kCorrupt, corrupt_hint + ": " + r.error().message);
  }
  Statement version(db, "PRAGMA user_version");
  if (!version.ok() || version.Step() != SQLITE_ROW) return Fail(ErrorKind::kCorrupt, corrupt_hint);
  int64_t v = version.Int(0);
  if (v > kSchemaVersion)
    return Fail(ErrorKind::kCorrupt, db_path.string() + " was written by a newer culprit (schema " +
                                         std::to_string(v) + "); upgrade culprit");
  if (auto r = store->Exec("PRAGMA quick_check"); !r)
    return Fail(ErrorKind::kCorrupt, corrupt_hint + ": " + r.error().message);
  store->version_ = v;
  if (mode == OpenMode::kReadOnly) {
    if (v < 1) return Fail(ErrorKind::kCorrupt, corrupt_hint);
    return store;
  }
  if (auto r = store->Exec(kSchema); !r)
    return Fail(ErrorKind::kCorrupt, corrupt_hint + ": " + r.error().message);
  if (v < kSchemaVersion) {
    if (auto r = store->Migrate(v); !r)
      return Fail(ErrorKind::kCorrupt, corrupt_hint + ": " + r.error().message);
  }
  return store;
}

// One transaction: a killed migration leaves the old schema, whole.
Result<void> Store::Migrate(int64_t from) {
  if (auto r = Exec("BEGIN IMMEDIATE"); !r) return r;
  {
    // Another process may have migrated while this one waited for the lock.
    Statement version(db_, "PRAGMA user_version");
    if (version.ok() && version.Step() == SQLITE_ROW) from = version.Int(0);
  }
  // A database from before user_version was set (0) got the newest tables from kSchema.
  for (int64_t v = from == 0 ? kSchemaVersion : from; v < kSchemaVersion; ++v) {
    if (auto r = Exec(kMigrations[v - 1]); !r) {
      (void)Exec("ROLLBACK");
      return Fail(ErrorKind::kCorrupt, "upgrading the schema to version " + std::to_string(v + 1) +
                                           ": " + r.error().message);
    }
  }
  std::string set = "PRAGMA user_version=" + std::to_string(kSchemaVersion);
  if (auto r = Exec(set.c_str()); !r) {
    (void)Exec("ROLLBACK");
    return r;
  }
  if (auto r = Exec("COMMIT"); !r) return r;
  version_ = kSchemaVersion;
  return {};
}

Result<std::optional<JobRecord>> Store::OneJob(const char* sql, int64_t id) {
  std::lock_guard lock(mu_);
  Statement st(db_, sql);
  if (!st.ok()) return SqlError(db_, "reading jobs");
  if (id > 0) st.Bind(1, id);
  int rc = st.Step();
  if (rc == SQLITE_DONE) return std::optional<JobRecord>();
  if (rc != SQLITE_ROW) return SqlError(db_, "reading jobs");
  return std::optional<JobRecord>(ReadJob(st));
}

Result<std::optional<JobRecord>> Store::UnfinishedJob() {
  std::string sql =
      JobQuery(version_, (std::string("WHERE ") + kRunning + " ORDER BY id DESC LIMIT 1").c_str());
  return OneJob(sql.c_str(), 0);
}

Result<std::optional<JobRecord>> Store::LatestJob() {
  return OneJob(JobQuery(version_, "ORDER BY id DESC LIMIT 1").c_str(), 0);
}

Result<std::optional<JobRecord>> Store::Job(int64_t id) {
  if (id <= 0) return std::optional<JobRecord>();
  return OneJob(JobQuery(version_, "WHERE id = ?").c_str(), id);
}

Result<std::vector<JobRecord>> Store::Jobs() {
  std::lock_guard lock(mu_);
  Statement st(db_, JobQuery(version_, "ORDER BY id").c_str());
  if (!st.ok()) return SqlError(db_, "reading jobs");
  std::vector<JobRecord> jobs;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) jobs.push_back(ReadJob(st));
  if (rc != SQLITE_DONE) return SqlError(db_, "reading jobs");
  return jobs;
}

Result<void> Store::AbandonJob(int64_t id) {
  std::lock_guard lock(mu_);
  Statement st(db_, (std::string("UPDATE jobs SET status = 'abandoned', finished = datetime('now') "
                                 "WHERE id = ? AND ") +
                     kRunning)
                        .c_str());
  st.Bind(1, id);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, "abandoning job");
  if (sqlite3_changes(db_) == 0)
    return Fail(ErrorKind::kBadInput, "job " + std::to_string(id) + " is not running");
  return {};
}

Result<int64_t> Store::CountRuns(int64_t job_id) {
  std::lock_guard lock(mu_);
  Statement st(db_, "SELECT count(*) FROM runs WHERE job_id = ?");
  st.Bind(1, job_id);
  if (!st.ok() || st.Step() != SQLITE_ROW) return SqlError(db_, "counting runs");
  return st.Int(0);
}

std::filesystem::path Store::LogPath(int64_t job_id) const {
  return dir_ / "logs" / ("job-" + std::to_string(job_id) + ".log");
}

Result<int64_t> Store::CreateJob(const JobRecord& job) {
  std::lock_guard lock(mu_);
  Statement st(db_, "INSERT INTO jobs (fingerprint, config_json, status) VALUES (?, ?, 'running')");
  st.Bind(1, job.fingerprint).Bind(2, job.config_json);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, "creating job");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<void> Store::SetTarget(int64_t job_id, const std::string& title,
                              const std::vector<std::string>& alt_titles) {
  std::lock_guard lock(mu_);
  Statement st(db_, "UPDATE jobs SET target_title = ?, target_alt_titles = ? WHERE id = ?");
  st.Bind(1, title).Bind(2, ToJson(alt_titles)).Bind(3, job_id);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, "recording target crash");
  return {};
}

Result<void> Store::AddJobTime(int64_t job_id, double seconds) {
  std::lock_guard lock(mu_);
  Statement st(db_, "UPDATE jobs SET active_s = active_s + ? WHERE id = ?");
  st.Bind(1, seconds).Bind(2, job_id);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, "recording the job's time");
  return {};
}

Result<void> Store::FinishJob(int64_t job_id, const std::string& result_json) {
  std::lock_guard lock(mu_);
  Statement st(db_,
               "UPDATE jobs SET status = 'finished', result_json = ?, finished = datetime('now') "
               "WHERE id = ?");
  st.Bind(1, result_json).Bind(2, job_id);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, "finishing job");
  return {};
}

Result<std::optional<BuildRow>> Store::FindBuild(const std::string& key) {
  std::lock_guard lock(mu_);
  Statement st(db_,
               "SELECT key, tree_id, commit_id, ok, exit_code, signature, out_dir, log_path, "
               "duration_s, compiler, source_dir FROM builds WHERE key = ?");
  st.Bind(1, key);
  if (!st.ok()) return SqlError(db_, "reading builds");
  if (st.Step() != SQLITE_ROW) return std::optional<BuildRow>();
  BuildRow b;
  b.key = st.Text(0);
  b.tree_id = st.Text(1);
  b.commit = st.Text(2);
  b.ok = st.Int(3) != 0;
  b.exit_code = static_cast<int>(st.Int(4));
  b.signature = st.Text(5);
  b.out_dir = st.Text(6);
  b.log_path = st.Text(7);
  b.duration_s = st.Real(8);
  b.compiler = st.Text(9);
  b.source_dir = st.Text(10);
  return std::optional<BuildRow>(std::move(b));
}

Result<void> Store::PutBuild(const BuildRow& b) {
  std::lock_guard lock(mu_);
  Statement st(db_,
               "INSERT OR REPLACE INTO builds (key, tree_id, commit_id, ok, exit_code, signature, "
               "out_dir, log_path, duration_s, compiler, source_dir) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.Bind(1, b.key).Bind(2, b.tree_id).Bind(3, b.commit).Bind(4, b.ok ? 1 : 0);
  st.Bind(5, b.exit_code).Bind(6, b.signature).Bind(7, b.out_dir).Bind(8, b.log_path);
  st.Bind(9, b.duration_s).Bind(10, b.compiler).Bind(11, b.source_dir);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, "recording build");
  return {};
}

Result<void> Store::PutBuildInputs(const std::string& key,
                                   const std::vector<std::string>& patterns) {
  std::lock_guard lock(mu_);
  Statement st(db_, "INSERT OR REPLACE INTO build_inputs (key, patterns) VALUES (?, ?)");
  st.Bind(1, key).Bind(2, ToJson(patterns));
  if (st.Step() != SQLITE_DONE) return SqlError(db_, "recording a build's inputs");
  return {};
}

Result<std::optional<std::vector<std::string>>> Store::FindBuildInputs(const std::string& key) {
  std::lock_guard lock(mu_);
  Statement st(db_, "SELECT patterns FROM build_inputs WHERE key = ?");
  st.Bind(1, key);
  if (!st.ok()) return SqlError(db_, "reading a build's inputs");
  if (st.Step() != SQLITE_ROW) return std::optional<std::vector<std::string>>();
  return std::optional<std::vector<std::string>>(FromJson(st.Text(0)));
}

Result<std::vector<RunRow>> Store::FindRuns(const std::string& build_key,
                                            const std::string& test_key) {
  std::lock_guard lock(mu_);
  // A read-only database before schema 5 has no `expect_matched`.
  const std::string query =
      std::string(
          "SELECT id, run_index, status, exit_code, signal, title, alt_titles, log_path, "
          "duration_s, job_id, stage, truncated, ") +
      (version_ >= 5 ? "expect_matched" : "-1") +
      " FROM runs WHERE build_key = ? AND test_key = ? ORDER BY run_index";
  Statement st(db_, query.c_str());
  st.Bind(1, build_key).Bind(2, test_key);
  if (!st.ok()) return SqlError(db_, "reading runs");
  std::vector<RunRow> rows;
  while (st.Step() == SQLITE_ROW) {
    RunRow r;
    r.id = st.Int(0);
    r.build_key = build_key;
    r.test_key = test_key;
    r.index = static_cast<int>(st.Int(1));
    r.status = ParseStatus(st.Text(2));
    r.exit_code = static_cast<int>(st.Int(3));
    r.signal = static_cast<int>(st.Int(4));
    r.title = st.Text(5);
    r.alt_titles = FromJson(st.Text(6));
    r.log_path = st.Text(7);
    r.duration_s = st.Real(8);
    r.job_id = st.Int(9);
    r.stage = ParseRunStage(st.Text(10));
    r.truncated = st.Int(11) != 0;
    if (st.Int(12) >= 0) r.expect_matched = st.Int(12) != 0;
    rows.push_back(std::move(r));
  }
  return rows;
}

Result<void> Store::PutRun(RunRow& r) {
  std::lock_guard lock(mu_);
  Statement st(db_,
               "INSERT INTO runs (build_key, test_key, run_index, status, exit_code, signal, "
               "title, alt_titles, log_path, duration_s, job_id, stage, truncated, "
               "expect_matched) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.Bind(1, r.build_key).Bind(2, r.test_key).Bind(3, r.index).Bind(4, RunStatusName(r.status));
  st.Bind(5, r.exit_code).Bind(6, r.signal).Bind(7, r.title).Bind(8, ToJson(r.alt_titles));
  st.Bind(9, r.log_path).Bind(10, r.duration_s).Bind(11, r.job_id);
  st.Bind(12, std::string(RunStageName(r.stage))).Bind(13, r.truncated ? 1 : 0);
  st.Bind(14, r.expect_matched ? (*r.expect_matched ? 1 : 0) : -1);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, "recording run");
  r.id = static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  return {};
}

Result<void> Store::PutDecision(int64_t job_id, const std::string& text) {
  std::lock_guard lock(mu_);
  Statement st(db_, "INSERT INTO decisions (job_id, text) VALUES (?, ?)");
  st.Bind(1, job_id).Bind(2, text);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, "recording decision");
  return {};
}

Result<std::vector<std::string>> Store::Decisions(int64_t job_id) {
  std::lock_guard lock(mu_);
  Statement st(db_, "SELECT text FROM decisions WHERE job_id = ? ORDER BY id");
  st.Bind(1, job_id);
  std::vector<std::string> out;
  while (st.Step() == SQLITE_ROW) out.push_back(st.Text(0));
  return out;
}

}  // namespace culprit::store
