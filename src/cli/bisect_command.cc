// `culprit bisect` and `culprit resume`.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "job/run_job.h"
#include "report/render.h"

namespace culprit::cli {
namespace {

struct BisectFlags {
  std::string job_file;
  std::string repo, bad, mode, build, test, state, json, strategy, title;
  std::vector<std::string> good;
  int runs = 0, jobs = 0, max_builds = 0, max_runs = 0;
  uint64_t memory_mb = 0;
  double timeout = 0, confidence = 0;
};

int Finish(Result<report::BisectionResult> result, report::ProgressLog& log) {
  log.ClearStatus();
  if (!result) return ReportError(result.error().message);
  report::WriteText(*result, std::cout);
  std::cout.flush();
  if (result->outcome == decide::ConclusionKind::kError) ReportError(result->error);
  return report::ExitStatus(*result);
}

int RunBisect(const BisectFlags& f, CLI::App* cmd) {
  job::JobConfig config;
  if (!f.job_file.empty()) {
    auto loaded = job::LoadJobFile(f.job_file);
    if (!loaded) return ReportError(loaded.error().message);
    config = *loaded;
  }
  auto given = [&](const char* name) { return cmd->count(name) > 0; };
  if (given("--repo")) config.repo = f.repo;
  if (given("--bad")) config.bad = f.bad;
  if (given("--good")) config.good = f.good;
  if (given("--mode")) {
    auto mode = job::ParseMode(f.mode);
    if (!mode) return ReportError(mode.error().message);
    config.mode = *mode;
  }
  if (given("--build")) config.build_command = f.build;
  if (given("--test")) config.test_command = f.test;
  if (given("--runs")) config.runs = f.runs;
  if (given("--jobs")) config.jobs = f.jobs;
  if (given("--timeout")) config.timeout_s = f.timeout;
  if (given("--memory")) config.max_memory_bytes = f.memory_mb << 20;
  if (given("--state")) config.state_dir = f.state;
  if (given("--json")) config.json_out = f.json;
  if (given("--strategy")) {
    auto s = job::ParseStrategy(f.strategy);
    if (!s) return ReportError(s.error().message);
    config.strategy = *s;
  }
  if (given("--confidence")) config.confidence = f.confidence;
  if (given("--max-builds")) config.max_builds = f.max_builds;
  if (given("--max-runs")) config.max_runs = f.max_runs;
  if (given("--title")) config.target_title = f.title;
  report::ProgressLog log = TerminalLog();
  return Finish(job::RunJob(&config, /*resume=*/false, config.state_dir, log), log);
}

}  // namespace

void AddBisectCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<BisectFlags>();
  CLI::App* cmd = app.add_subcommand(
      "bisect",
      "Find the commit that introduced (--mode cause) or fixed (--mode fix) a crash.\n"
      "Exit status: 0 found, 1 error, 2 inconclusive, 3 horizon (older than the history).");
  cmd->add_option("job_file", flags->job_file,
                  "TOML job file with the same keys as the flags (flags override it)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--repo", flags->repo, "the git repository (default: the current directory)");
  cmd->add_option("--bad", flags->bad, "a commit where the crash happens (e.g. HEAD)");
  cmd->add_option("--good", flags->good,
                  "a commit without the crash (repeatable); cause mode without it searches "
                  "release tags for one; fix mode defaults it to HEAD");
  cmd->add_option("--mode", flags->mode, "cause (default): first bad commit; fix: first fixed one");
  cmd->add_option("--build", flags->build,
                  "shell command that builds the checkout; gets CULPRIT_COMMIT and CULPRIT_OUT "
                  "(an empty directory for the artifacts); exit 0 = built");
  cmd->add_option("--test", flags->test,
                  "shell command that runs the reproducer once; gets CULPRIT_COMMIT, CULPRIT_OUT, "
                  "CULPRIT_RUN; its output is the console log; exit 125 = untestable, 126 = "
                  "infrastructure error");
  cmd->add_option("--runs", flags->runs, "runs per tested commit (default 10)");
  cmd->add_option(
      "--jobs", flags->jobs,
      "runs (kernel jobs: VMs) at once; default 1, or for kernel jobs as many as cores and "
      "memory allow");
  cmd->add_option("--timeout", flags->timeout, "seconds before a run is killed (default 300)");
  cmd->add_option("--memory", flags->memory_mb,
                  "address-space limit per run in MiB (default none; sanitizer builds need none)");
  cmd->add_option("--state", flags->state,
                  "state directory: database, builds, run logs (default .culprit)");
  cmd->add_option("--json", flags->json, "also write the result as JSON to this file");
  cmd->add_option("--strategy", flags->strategy, "bayes (default), syzbot or git");
  cmd->add_option("--confidence", flags->confidence,
                  "bayes: stop when the culprit is this likely (default 0.99)");
  cmd->add_option("--max-builds", flags->max_builds, "budget of builds (0 = none)");
  cmd->add_option("--max-runs", flags->max_runs, "budget of runs (0 = none)");
  cmd->add_option("--title", flags->title,
                  "the crash to bisect (default: the one seen on the bad commit)");
  cmd->callback([flags, cmd, exit_code] { *exit_code = RunBisect(*flags, cmd); });
}

void AddResumeCommand(CLI::App& app, int* exit_code) {
  auto state = std::make_shared<std::string>(".culprit");
  CLI::App* cmd = app.add_subcommand(
      "resume",
      "Continue the unfinished job of a state directory (after a kill or a crash); "
      "finished builds and runs are reused, never redone.");
  cmd->add_option("--state", *state, "the job's state directory (default .culprit)");
  cmd->callback([state, exit_code] {
    report::ProgressLog log = TerminalLog();
    *exit_code = Finish(job::RunJob(nullptr, /*resume=*/true, *state, log), log);
  });
}

}  // namespace culprit::cli
