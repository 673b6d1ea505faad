// Durable state of culprit jobs in SQLite: the job and its settings, every build (log,
// signature, duration), every run (log file, status, title, duration), every decision.
// A result is written here before anything uses it, so a killed job loses nothing finished.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/outcome.h"
#include "base/result.h"

struct sqlite3;

namespace culprit::store {

struct JobRecord {
  int64_t id = 0;
  std::string fingerprint;   ///< identifies the job's question (repo, revisions, commands...)
  std::string config_json;   ///< everything needed to resume it
  std::string status;        ///< "running", "finished" or "abandoned"
  std::string target_title;  ///< empty until the bad commit's crash is seen
  std::vector<std::string> target_alt_titles;
  std::string result_json;  ///< the final result when finished
  std::string started;      ///< UTC, "YYYY-MM-DD HH:MM:SS"
  std::string finished;     ///< UTC, when finished or abandoned; empty while running
  double active_s = 0;      ///< wall seconds culprit has spent on it, over all its sessions
};

/// How Store::Open treats the state directory.
enum class OpenMode {
  kCreate,    ///< create the directory and database when missing (bisect)
  kExisting,  ///< the database must exist (resume, show, list, log, abandon)
  kReadOnly,  ///< must exist; never written, while another process may write it (serve)
};

struct BuildRow {
  std::string key;  ///< build::BuildKey(tree, recipe)
  std::string tree_id;
  std::string commit;  ///< the commit first built under this key
  bool ok = false;
  int exit_code = -1;
  std::string signature;
  std::string compiler;  ///< the compiler line, for builders that report one
  std::string out_dir;
  std::string log_path;
  double duration_s = 0;
  std::string source_dir;  ///< the checkout it was built in (kernel DWARF names sources by it)
};

/// A run's raw status, before it is compared with the target crash. kFailed: the test failed
/// without crashing (--verdict exit: exit status 1-127 but 125).
enum class RunStatus { kOk, kCrashed, kUntestable, kInfra, kFailed };
std::string_view RunStatusName(RunStatus s);

struct RunRow {
  int64_t id = 0;
  std::string build_key;
  std::string test_key;  ///< hash of the test recipe (command, timeout, limits)
  int index = 0;         ///< 0-based within (build_key, test_key)
  RunStatus status = RunStatus::kOk;
  int exit_code = -1;
  int signal = 0;
  std::string title;  ///< crash title when crashed (or untestable with a crash); infra: the error
  std::vector<std::string> alt_titles;
  RunStage stage = RunStage::kNone;  ///< where a VM run ended, when it ended early or hung
  bool truncated = false;            ///< the log holds only part of the output
  /// For a failure (crashed or failed) of a job with --expect: whether its output matched.
  std::optional<bool> expect_matched;
  std::string log_path;
  double duration_s = 0;
  int64_t job_id = 0;
};

class Store {
 public:
  ~Store();
  /// Opens `state_dir`/culprit.db, migrating an older schema unless read-only. Errors: kIo for
  /// an unwritable directory, kNotFound for a missing database (kExisting, kReadOnly: naming
  /// `culprit bisect`), kCorrupt for a file that is not a culprit database or has a newer
  /// schema.
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& state_dir,
                                             OpenMode mode = OpenMode::kCreate);

  /// The newest job that is running (neither finished nor abandoned), if any.
  Result<std::optional<JobRecord>> UnfinishedJob();
  Result<std::optional<JobRecord>> LatestJob();
  /// Job `id`, if there is one.
  Result<std::optional<JobRecord>> Job(int64_t id);
  /// Every job, oldest first.
  Result<std::vector<JobRecord>> Jobs();
  /// Ends running job `id` as abandoned (its builds and runs stay, for any later job to
  /// reuse). kBadInput if it is not running.
  Result<void> AbandonJob(int64_t id);
  /// Runs recorded by job `id`.
  Result<int64_t> CountRuns(int64_t job_id);
  /// The job's log file, `<state>/logs/job-N.log` (the job writes it; it may not exist).
  std::filesystem::path LogPath(int64_t job_id) const;
  Result<int64_t> CreateJob(const JobRecord& job);
  Result<void> SetTarget(int64_t job_id, const std::string& title,
                         const std::vector<std::string>& alt_titles);
  Result<void> FinishJob(int64_t job_id, const std::string& result_json);
  /// Adds `seconds` of wall time to the job's active time (JobRecord::active_s).
  Result<void> AddJobTime(int64_t job_id, double seconds);

  Result<std::optional<BuildRow>> FindBuild(const std::string& key);
  Result<void> PutBuild(const BuildRow& build);
  /// The files a build read (repository paths, or glob patterns), for build avoidance: a
  /// commit that changes none of them builds the same program as its parent.
  Result<void> PutBuildInputs(const std::string& key, const std::vector<std::string>& patterns);
  Result<std::optional<std::vector<std::string>>> FindBuildInputs(const std::string& key);

  /// Runs of (build_key, test_key) in index order.
  Result<std::vector<RunRow>> FindRuns(const std::string& build_key, const std::string& test_key);
  /// Stores a run; safe to call from several threads. Fills row.id.
  Result<void> PutRun(RunRow& row);

  Result<void> PutDecision(int64_t job_id, const std::string& text);
  Result<std::vector<std::string>> Decisions(int64_t job_id);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  Store(std::filesystem::path dir, sqlite3* db) : dir_(std::move(dir)), db_(db) {}
  Result<void> Exec(const char* sql);
  Result<void> Migrate(int64_t from_version);
  Result<std::optional<JobRecord>> OneJob(const char* sql, int64_t id);
  std::filesystem::path dir_;
  sqlite3* db_;
  int64_t version_ = 0;  ///< the schema version of the open database
  std::mutex mu_;
};

}  // namespace culprit::store
