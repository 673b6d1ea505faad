#include "job/run_job.h"

#include <fstream>
#include <sstream>

#include "base/strings.h"
#include "job/bisection.h"
#include "job/config_minimizer.h"
#include "job/dispatcher.h"
#include "job/executor.h"
#include "job/job_files.h"
#include "job/run_classifier.h"
#include "job/target.h"
#include "report/render.h"

namespace culprit::job {

Result<AttachedJob> AttachJob(store::Store& store, const JobConfig* config, bool resume) {
  auto unfinished = store.UnfinishedJob();
  if (!unfinished) return tl::unexpected(unfinished.error());
  const std::string dir = store.dir().string();
  if (resume || !config) {
    if (!*unfinished)
      return Fail(ErrorKind::kNotFound,
                  "no unfinished job in " + dir + " (start one with: culprit bisect ...)");
    auto stored = FromJson((*unfinished)->config_json);
    if (!stored) return Wrap(stored.error(), dir);
    return AttachedJob{(*unfinished)->id, *stored, true};
  }
  if (*unfinished) {
    if ((*unfinished)->fingerprint == Fingerprint(*config)) {
      auto stored = FromJson((*unfinished)->config_json);
      if (!stored) return Wrap(stored.error(), dir);
      // Same question: continue it, but with this invocation's tunables (jobs, json, ...).
      return AttachedJob{(*unfinished)->id, *config, true};
    }
    auto other = FromJson((*unfinished)->config_json);
    std::string what = other ? "bisecting " + other->bad + " in " + other->repo.string() : "";
    return Fail(ErrorKind::kBadInput, "state directory " + dir + " holds another unfinished job (" +
                                          what + "); continue it with: culprit resume --state " +
                                          dir + ", or pass another --state");
  }
  auto id = store.CreateJob({.fingerprint = Fingerprint(*config), .config_json = ToJson(*config)});
  if (!id) return tl::unexpected(id.error());
  return AttachedJob{*id, *config, false};
}

namespace {

namespace fs = std::filesystem;

/// The real parts of a job: the user's repository, one worktree per build slot, the target
/// and its builder and runner.
struct RealParts {
  std::unique_ptr<history::Repository> repo;
  std::vector<std::unique_ptr<history::Worktree>> worktrees;
  std::unique_ptr<Target> target;
  std::unique_ptr<build::Builder> builder;
  std::unique_ptr<run::Runner> runner;

  Parts View(store::Store& store, report::ProgressLog& log) {
    std::vector<history::Worktree*> slots;
    for (const auto& w : worktrees) slots.push_back(w.get());
    return Parts{*repo, slots, *builder, *runner, store, log, *target, {}};
  }
};

Result<RealParts> MakeRealParts(const JobConfig& config, const fs::path& state_dir,
                                Executor& executor) {
  RealParts parts;
  // Objects culprit makes (reverted or fixed-up trees) go to a store of its own, never into
  // the user's repository.
  auto repo = history::OpenRepository(config.repo, state_dir / "objects");
  if (!repo) return tl::unexpected(repo.error());
  parts.repo = std::move(*repo);
  parts.target = MakeTarget(config, state_dir);
  // One worktree per build slot; without a build, one per run at once (each run checks its
  // commit out in its own, so that tests writing into the checkout never share one).
  const int slots = parts.target->BuildsCommits() ? std::max(1, config.builders)
                                                  : std::max(1, EffectiveJobs(config));
  // Slot 0 keeps the single-slot layout, so an older state directory's checkout is reused.
  for (int slot = 0; slot < slots; ++slot) {
    fs::path dir = state_dir / (slot == 0 ? "worktree" : "worktree-" + std::to_string(slot));
    auto worktree = history::OpenWorktree(*parts.repo, dir);
    if (!worktree) return tl::unexpected(worktree.error());
    parts.worktrees.push_back(std::move(*worktree));
  }
  auto builder = parts.target->MakeBuilder(*parts.repo);
  if (!builder) return tl::unexpected(builder.error());
  parts.builder = executor.Builder(std::move(*builder));
  auto runner = parts.target->MakeRunner();
  if (!runner) return tl::unexpected(runner.error());
  parts.runner = executor.Runner(std::move(*runner));
  return parts;
}

// Config minimization before bisecting, when the job asks for it ([kernel] minimize).
Result<std::optional<report::BisectionResult::MinimizedConfig>> MinimizeIfAsked(
    const JobConfig& config, int64_t job_id, const fs::path& state_dir, Executor& executor,
    RealParts& real, store::Store& store, report::ProgressLog& log) {
  if (!config.kernel || !config.kernel->minimize)
    return std::optional<report::BisectionResult::MinimizedConfig>();
  std::vector<history::Worktree*> slots;
  for (const auto& w : real.worktrees) slots.push_back(w.get());
  history::Repository& repo = *real.repo;
  MinimizeParts parts{
      .repo = repo,
      .worktrees = slots,
      .runner = *real.runner,
      .store = store,
      .log = log,
      .make_builder = [&repo,
                       &executor](Target& target) -> Result<std::unique_ptr<build::Builder>> {
        auto builder = target.MakeBuilder(repo);
        if (!builder) return tl::unexpected(builder.error());
        return executor.Builder(std::move(*builder));
      }};
  auto m = MinimizeKernelConfig(config, job_id, state_dir, std::move(parts));
  if (!m) return tl::unexpected(m.error());
  return std::optional<report::BisectionResult::MinimizedConfig>(std::move(*m));
}

}  // namespace

Result<int> TestOneCommit(const JobConfig& given, const std::string& rev,
                          report::ProgressLog& log) {
  if (auto ok = Validate(given); !ok) return tl::unexpected(ok.error());
  auto store = store::Store::Open(given.state_dir);
  if (!store) return tl::unexpected(store.error());
  JobConfig config = given;
  auto executor = OpenExecutor(config, config.state_dir, log);
  if (!executor) return tl::unexpected(executor.error());
  auto real = MakeRealParts(config, config.state_dir, **executor);
  if (!real) return tl::unexpected(real.error());
  auto id = real->repo->Resolve(rev);
  if (!id) return tl::unexpected(id.error());
  Parts parts = real->View(**store, log);
  Dispatcher dispatch(config, /*job_id=*/0, parts);
  log.TestingCommit(*id);
  auto cached = dispatch.CachedBuild(*id);
  if (!cached) return tl::unexpected(cached.error());
  auto source = dispatch.SourceOf(*id);
  if (!source) return tl::unexpected(source.error());
  for (const std::string& note : (*source)->notes) log.Note(note);
  std::optional<store::BuildRow> build = *cached;
  if (!build) {
    log.Status("building " + ShortHash(*id) + " ...");
    if (auto ok = dispatch.StartBuild(0, *id); !ok) return tl::unexpected(ok.error());
    while (!build) {
      auto done = dispatch.Wait(std::chrono::milliseconds(200));
      if (!done) return tl::unexpected(done.error());
      if (*done) build = (*done)->build;
    }
  }
  log.BuildResult(build->ok, build->signature, build->log_path, cached->has_value(),
                  build->compiler, std::string(real->target->SignatureLabel()));
  if (!build->ok) return 1;
  if (auto ok = dispatch.StartRuns(0, *id, *build, config.runs); !ok)
    return tl::unexpected(ok.error());
  std::vector<store::RunRow> rows;
  while (dispatch.pending() > 0) {
    log.Status("testing " + ShortHash(*id) + " run " + std::to_string(rows.size()) + "/" +
               std::to_string(config.runs));
    auto done = dispatch.Wait(std::chrono::milliseconds(200));
    if (!done) return tl::unexpected(done.error());
    if (*done && !(*done)->cancelled) rows.push_back((*done)->run);
  }
  std::sort(rows.begin(), rows.end(),
            [](const store::RunRow& a, const store::RunRow& b) { return a.index < b.index; });
  std::vector<std::string> lines;
  std::vector<int> indices;
  for (const auto& row : rows) {
    lines.push_back(Describe(row));
    indices.push_back(row.index);
  }
  log.RunResults(lines, indices);
  for (const auto& row : rows) log.Note("  log: " + row.log_path);
  return 0;
}

Result<report::BisectionResult> RunJob(const JobConfig* config, bool resume,
                                       const std::filesystem::path& state_dir,
                                       report::ProgressLog& log,
                                       std::function<bool()> interrupted) {
  if (config) {
    if (auto ok = Validate(*config); !ok) return tl::unexpected(ok.error());
  }
  // `resume` never creates a state directory: a mistyped --state is an error.
  auto store =
      store::Store::Open(state_dir, resume ? store::OpenMode::kExisting : store::OpenMode::kCreate);
  if (!store) return tl::unexpected(store.error());
  auto job = AttachJob(**store, config, resume);
  if (!job) return tl::unexpected(job.error());
  JobLogFile job_log(**store, job->id, log);  // for `culprit log`
  if (job->resumed)
    log.Note("resuming job " + std::to_string(job->id) + " in " + state_dir.string());

  // Errors in the question itself end the job, so that a corrected command starts afresh;
  // errors of the machine (I/O, infrastructure, an interruption) leave it resumable, and say so.
  auto finish_on_bad_input = [&](const Error& e) -> tl::unexpected<Error> {
    job_log.Append("culprit: " + e.message);
    if (e.kind == ErrorKind::kBadInput || e.kind == ErrorKind::kNotFound) {
      report::BisectionResult failed;
      failed.error = e.message;
      (void)(*store)->FinishJob(job->id, report::ToJson(failed));
      return tl::unexpected(e);
    }
    return tl::unexpected(Error{e.kind, e.message + "; nothing stored is lost: culprit resume " +
                                            "--state " + state_dir.string() +
                                            " continues the job"});
  };
  auto executor = OpenExecutor(job->config, state_dir, log);
  if (!executor) return finish_on_bad_input(executor.error());
  auto real = MakeRealParts(job->config, state_dir, **executor);
  if (!real) return finish_on_bad_input(real.error());
  // [kernel] minimize: the bisection runs with the minimized config (job->config keeps the
  // question as asked), or with the job's own if that one stops reproducing.
  auto minimized =
      MinimizeIfAsked(job->config, job->id, state_dir, **executor, *real, **store, log);
  if (!minimized) return finish_on_bad_input(minimized.error());
  fs::path parts_config = job->config.kernel ? job->config.kernel->config : fs::path();
  auto bisect = [&](const JobConfig& with) -> Result<report::BisectionResult> {
    if (with.kernel && with.kernel->config != parts_config) {  // parts for another config
      real = MakeRealParts(with, state_dir, **executor);
      if (!real) return tl::unexpected(real.error());
      parts_config = with.kernel->config;
    }
    Parts parts = real->View(**store, log);
    if (interrupted) parts.interrupted = [interrupted](std::string_view) { return interrupted(); };
    return RunBisection(with, job->id, parts);
  };
  auto result = BisectWithMinimizedConfig(job->config, *minimized, bisect, log);
  if (std::string done = (*executor)->Summary(); !done.empty()) log.Note(done);
  if (!result) return finish_on_bad_input(result.error());
  std::string json = report::ToJson(*result);
  if (auto ok = (*store)->FinishJob(job->id, json); !ok) return tl::unexpected(ok.error());
  if (job->config.json_out) {
    std::ofstream out(*job->config.json_out);
    out << json << "\n";
    if (!out)
      return Fail(ErrorKind::kIo, "cannot write " + job->config.json_out->string() +
                                      " (pass --json with a writable path)");
  }
  // The log file ends as the terminal does: the reports' line, then the closing report.
  std::ostringstream closing;
  report::WriteText(*result, closing);
  log.Note(WriteReports(*result, **store, job->id, closing.str()));
  job_log.Append(closing.str());
  return result;
}

}  // namespace culprit::job
