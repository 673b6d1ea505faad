// `culprit abandon [JOB]`: ends an unfinished job, so the state directory can take a new one.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/job_lookup.h"
#include "job/job_config.h"
#include "job/job_files.h"

namespace culprit::cli {
namespace {

int Abandon(const std::string& state, const std::string& job_arg) {
  auto opened = OpenJob(state, job_arg, /*unfinished_only=*/true);
  if (!opened) return ReportError(opened.error().message);
  const store::JobRecord& job = opened->job;
  const std::string name = "job " + std::to_string(job.id);
  if (job.status == "finished" || job.status == "abandoned")
    return ReportError(name + " in " + state + " is " + job.status + ": nothing to abandon");
  if (auto ok = opened->store->AbandonJob(job.id); !ok) return ReportError(ok.error().message);
  auto runs = opened->store->CountRuns(job.id);
  std::string what;
  if (auto config = job::FromJson(job.config_json))
    what = " (bisecting " + config->bad + " in " + config->repo.string() + ")";
  std::ofstream(opened->store->LogPath(job.id), std::ios::app)
      << "job abandoned with culprit abandon\n";
  std::cout << "abandoned " << name << what << ".\n"
            << "Its builds and " << (runs ? std::to_string(*runs) + " " : "") << "runs stay in "
            << state << ": any later job there that builds or runs the same commits reuses them.\n"
            << "Its log and settings stay too (culprit log " << job.id << " --state " << state
            << "). Start a new job with: culprit bisect --state " << state << " ...\n";
  return 0;
}

}  // namespace

void AddAbandonCommand(CLI::App& app, int* exit_code) {
  auto job = std::make_shared<std::string>();
  auto state = std::make_shared<std::string>(".culprit");
  CLI::App* cmd = app.add_subcommand(
      "abandon",
      "End an unfinished job as abandoned, so that the state directory can take a new one. Its "
      "builds and runs stay and are reused. Stop a culprit still running it first (Ctrl-C).");
  cmd->add_option("job", *job, "the job's number (default: the unfinished job)");
  cmd->add_option("--state", *state, "the state directory (default .culprit)");
  cmd->callback([job, state, exit_code] { *exit_code = Abandon(*state, *job); });
}

}  // namespace culprit::cli
