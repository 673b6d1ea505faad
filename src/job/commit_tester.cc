#include "job/commit_tester.h"

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "base/strings.h"
#include "job/kernel_parts.h"
#include "job/run_classifier.h"

namespace culprit::job {
namespace {

std::string TestKeyOf(const JobConfig& config) {
  std::ostringstream recipe;
  recipe << "test\n"
         << (config.kernel ? KernelTestRecipe(*config.kernel) : config.test_command)
         << "\ntimeout=" << config.timeout_s << "\nmemory=" << config.max_memory_bytes
         << "\noutput=" << config.max_output_bytes;
  return build::BuildKey("test", recipe.str());
}

}  // namespace

std::string ReadBounded(const std::filesystem::path& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  std::string data;
  if (!in) return data;
  data.resize(limit);
  in.read(data.data(), static_cast<std::streamsize>(limit));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

CommitTester::CommitTester(const JobConfig& config, int64_t job_id, Parts parts)
    : config_(config),
      job_id_(job_id),
      parts_(parts),
      build_recipe_(config.kernel ? KernelBuildRecipe(*config.kernel) : config.build_command),
      test_key_(TestKeyOf(config)) {}

Result<CommitBuild> CommitTester::Build(const std::string& id) {
  auto info = parts_.repo.Commit(id);
  if (!info) return tl::unexpected(info.error());
  std::string key = build::BuildKey(info->tree_id, build_recipe_);
  auto cached = parts_.store.FindBuild(key);
  if (!cached) return tl::unexpected(cached.error());
  if (*cached && (!(*cached)->ok || std::filesystem::exists((*cached)->out_dir)))
    return CommitBuild{**cached, true};
  if (auto ok = parts_.worktree.Checkout(id); !ok)
    return Wrap(ok.error(), "checking out " + ShortHash(id));
  std::filesystem::path dir = parts_.store.dir() / "builds" / key.substr(0, 24);
  std::filesystem::create_directories(dir);
  build::BuildSpec spec{
      .command = config_.build_command,
      .source_dir = parts_.worktree.path(),
      .out_dir = dir / "out",
      .log_path = dir / "build.log",
      .env = {{"CULPRIT_COMMIT", id}},
      .timeout = std::chrono::seconds(static_cast<int64_t>(config_.build_timeout_s)),
  };
  parts_.log.Status("building " + ShortHash(id) + " ...");
  auto built = parts_.builder.Build(spec);
  if (!built) return Wrap(built.error(), "building " + ShortHash(id));
  store::BuildRow row{.key = key,
                      .tree_id = info->tree_id,
                      .commit = id,
                      .ok = built->ok,
                      .exit_code = built->exit_code,
                      .signature = built->signature,
                      .compiler = built->compiler,
                      .out_dir = spec.out_dir.string(),
                      .log_path = spec.log_path.string(),
                      .duration_s = built->duration.count()};
  if (auto ok = parts_.store.PutBuild(row); !ok) return tl::unexpected(ok.error());
  return CommitBuild{row, false};
}

Result<std::vector<store::RunRow>> CommitTester::Run(
    const std::string& commit_id, const store::BuildRow& build, int runs,
    const std::function<bool(const store::RunRow&)>& stop, const std::function<void(int)>& status) {
  const std::string& key = build.key;
  auto existing = parts_.store.FindRuns(key, test_key_);
  if (!existing) return tl::unexpected(existing.error());
  int first = existing->empty() ? 0 : existing->back().index + 1;
  std::filesystem::path dir =
      parts_.store.dir() / "runs" / (key.substr(0, 16) + "-" + test_key_.substr(0, 8));
  std::filesystem::create_directories(dir);

  std::vector<store::RunRow> rows(static_cast<size_t>(runs));
  std::vector<Error> errors;
  std::mutex mu;
  std::atomic<int> next{0}, done{0}, workers_done{0};
  std::atomic<bool> stopped{false};
  auto worker = [&] {
    for (int n = next++; n < runs && !stopped; n = next++) {
      int index = first + n;
      run::RunSpec spec{
          .command = config_.test_command,
          .work_dir = dir / ("work-" + std::to_string(index)),
          .log_path = dir / ("run-" + std::to_string(index) + ".log"),
          .env = {{"CULPRIT_COMMIT", commit_id},
                  {"CULPRIT_OUT", build.out_dir},
                  {"CULPRIT_RUN", std::to_string(index)}},
          .timeout = std::chrono::duration<double>(config_.timeout_s),
          .max_output_bytes = config_.max_output_bytes,
          .max_memory_bytes = config_.max_memory_bytes,
      };
      store::RunRow& row = rows[static_cast<size_t>(n)];
      row = {.build_key = key,
             .test_key = test_key_,
             .index = index,
             .log_path = spec.log_path.string(),
             .job_id = job_id_};
      auto record = parts_.runner.Run(spec);
      if (!record) {
        row.status = store::RunStatus::kInfra;
        row.title = record.error().message;
      } else {
        ClassifiedRun cls =
            ClassifyRun(*record, ReadBounded(spec.log_path, config_.max_output_bytes));
        row.status = cls.status;
        row.title = cls.title;
        row.alt_titles = cls.alt_titles;
        row.exit_code = record->exit_code;
        row.signal = record->signal;
        row.duration_s = record->duration.count();
      }
      if (stop && stop(row)) stopped = true;
      std::error_code ec;
      std::filesystem::remove_all(spec.work_dir, ec);
      auto stored = parts_.store.PutRun(row);
      std::lock_guard lock(mu);
      if (!stored) errors.push_back(stored.error());
      done++;
    }
    workers_done++;
  };
  int threads = std::max(1, std::min(EffectiveJobs(config_), runs));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; t++) pool.emplace_back(worker);
  while (workers_done < threads) {
    if (status) status(done.load());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  for (auto& t : pool) t.join();
  if (!errors.empty()) return Wrap(errors.front(), "storing a run");
  // Runs never started after an early stop leave empty rows behind.
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [](const store::RunRow& r) { return r.build_key.empty(); }),
             rows.end());
  return rows;
}

}  // namespace culprit::job
