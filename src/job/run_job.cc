#include "job/run_job.h"

#include <fstream>
#include <sstream>

#include "base/strings.h"
#include "job/bisection.h"
#include "job/commit_tester.h"
#include "job/job_files.h"
#include "job/kernel_parts.h"
#include "job/run_classifier.h"
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

/// The real parts of a job: the user's repository, culprit's worktree, and the builder and
/// runner of a plain or a kernel job.
struct RealParts {
  std::unique_ptr<history::Repository> repo;
  std::unique_ptr<history::Worktree> worktree;
  std::unique_ptr<build::Builder> builder;
  std::unique_ptr<run::Runner> runner;
};

Result<RealParts> MakeRealParts(const JobConfig& config, const std::filesystem::path& state_dir) {
  RealParts parts;
  auto repo = history::OpenRepository(config.repo);
  if (!repo) return tl::unexpected(repo.error());
  parts.repo = std::move(*repo);
  auto worktree = history::OpenWorktree(*parts.repo, state_dir / "worktree");
  if (!worktree) return tl::unexpected(worktree.error());
  parts.worktree = std::move(*worktree);
  if (!config.kernel) {
    parts.builder = build::MakeCommandBuilder();
    parts.runner = run::MakeProcessRunner();
    return parts;
  }
  const KernelSettings& kernel = *config.kernel;
  // One initramfs per reproducer and VM settings, built once for the job.
  std::filesystem::path initramfs =
      state_dir /
      ("initramfs-" + build::BuildKey("initramfs", KernelTestRecipe(kernel)).substr(0, 16) +
       ".cpio.gz");
  if (auto ok = PrepareInitramfs(kernel, initramfs); !ok) return tl::unexpected(ok.error());
  auto releases = parts.repo->Releases();
  if (!releases) return tl::unexpected(releases.error());
  history::Repository* r = parts.repo.get();
  // The newest release a commit contains picks its compiler and config fix-ups.
  ReleaseOf release_of = [r, tags = *releases](const std::string& commit) -> std::string {
    for (auto it = tags.rbegin(); it != tags.rend(); ++it) {
      auto contained = r->IsAncestor(it->commit, commit);
      if (contained && *contained) return it->name;
    }
    return "";
  };
  parts.builder = MakeKernelBuilder(kernel, state_dir / "kernel", release_of);
  parts.runner = MakeKernelRunner(kernel, initramfs);
  return parts;
}

}  // namespace

Result<int> TestOneCommit(const JobConfig& config, const std::string& rev,
                          report::ProgressLog& log) {
  if (auto ok = Validate(config); !ok) return tl::unexpected(ok.error());
  auto store = store::Store::Open(config.state_dir);
  if (!store) return tl::unexpected(store.error());
  auto real = MakeRealParts(config, config.state_dir);
  if (!real) return tl::unexpected(real.error());
  auto id = real->repo->Resolve(rev);
  if (!id) return tl::unexpected(id.error());
  Parts parts{*real->repo, *real->worktree, *real->builder, *real->runner, **store, log};
  CommitTester tester(config, /*job_id=*/0, parts);
  log.TestingCommit(*id);
  auto built = tester.Build(*id);
  if (!built) return tl::unexpected(built.error());
  log.BuildResult(built->row.ok, built->row.signature, built->row.log_path, built->cached,
                  built->row.compiler, config.kernel ? "kernel signature" : "signature");
  if (!built->row.ok) return 1;
  auto status = [&](int done) {
    log.Status("testing " + ShortHash(*id) + " run " + std::to_string(done) + "/" +
               std::to_string(config.runs));
  };
  auto rows = tester.Run(*id, built->row, config.runs, nullptr, status);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<std::string> lines;
  for (const auto& row : *rows) lines.push_back(Describe(row));
  log.RunResults(lines, rows->empty() ? 0 : rows->front().index);
  for (const auto& row : *rows) log.Note("  log: " + row.log_path);
  return 0;
}

Result<report::BisectionResult> RunJob(const JobConfig* config, bool resume,
                                       const std::filesystem::path& state_dir,
                                       report::ProgressLog& log) {
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
  // errors of the machine (I/O, infrastructure) leave it resumable.
  auto finish_on_bad_input = [&](const Error& e) -> tl::unexpected<Error> {
    job_log.Append("culprit: " + e.message);
    if (e.kind == ErrorKind::kBadInput || e.kind == ErrorKind::kNotFound) {
      report::BisectionResult failed;
      failed.error = e.message;
      (void)(*store)->FinishJob(job->id, report::ToJson(failed));
    }
    return tl::unexpected(e);
  };
  auto real = MakeRealParts(job->config, state_dir);
  if (!real) return finish_on_bad_input(real.error());
  Parts parts{*real->repo, *real->worktree, *real->builder, *real->runner, **store, log};
  auto result = RunBisection(job->config, job->id, parts);
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
