#include <fstream>

#include "base/strings.h"
#include "job/bisection.h"
#include "report/render.h"

namespace culprit::job {

Result<AttachedJob> AttachJob(store::Store& store, const JobConfig* config, bool resume) {
  auto unfinished = store.UnfinishedJob();
  if (!unfinished) return tl::unexpected(unfinished.error());
  const std::string dir = store.dir().string();
  if (resume || !config) {
    if (!*unfinished)
      return Fail(ErrorKind::kNotFound, "no unfinished job in " + dir +
                                            " (start one with: culprit bisect ...)");
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

Result<report::BisectionResult> RunJob(const JobConfig* config, bool resume,
                                       const std::filesystem::path& state_dir,
                                       report::ProgressLog& log) {
  if (config) {
    if (auto ok = Validate(*config); !ok) return tl::unexpected(ok.error());
  }
  auto store = store::Store::Open(state_dir);
  if (!store) return tl::unexpected(store.error());
  auto job = AttachJob(**store, config, resume);
  if (!job) return tl::unexpected(job.error());
  if (job->resumed) log.Note("resuming job " + std::to_string(job->id) + " in " + state_dir.string());

  // Errors in the question itself end the job, so that a corrected command starts afresh;
  // errors of the machine (I/O, infrastructure) leave it resumable.
  auto finish_on_bad_input = [&](const Error& e) -> tl::unexpected<Error> {
    if (e.kind == ErrorKind::kBadInput || e.kind == ErrorKind::kNotFound) {
      report::BisectionResult failed;
      failed.error = e.message;
      (void)(*store)->FinishJob(job->id, report::ToJson(failed));
    }
    return tl::unexpected(e);
  };
  auto repo = history::OpenRepository(job->config.repo);
  if (!repo) return finish_on_bad_input(repo.error());
  auto worktree = history::OpenWorktree(**repo, state_dir / "worktree");
  if (!worktree) return tl::unexpected(worktree.error());
  auto builder = build::MakeCommandBuilder();
  auto runner = run::MakeProcessRunner();
  Parts parts{**repo, **worktree, *builder, *runner, **store, log};
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
  return result;
}

}  // namespace culprit::job
