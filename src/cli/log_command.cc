// `culprit log [JOB]`: the bisection log of a job, as the terminal showed it.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/job_lookup.h"
#include "job/job_files.h"

namespace culprit::cli {
namespace {

int PrintLog(const std::string& state, const std::string& job_arg) {
  auto opened = OpenJob(state, job_arg);
  if (!opened) return ReportError(opened.error().message);
  const int64_t id = opened->job.id;
  std::string text = job::ReadJobLog(*opened->store, id);
  if (text.empty())
    return ReportError("no log kept for job " + std::to_string(id) + " in " + state + " (no " +
                       opened->store->LogPath(id).string() +
                       ": an older culprit ran it); its report: culprit show " +
                       std::to_string(id) + " --state " + state);
  std::cout << text;
  std::cout.flush();
  return 0;
}

}  // namespace

void AddLogCommand(CLI::App& app, int* exit_code) {
  auto job = std::make_shared<std::string>();
  auto state = std::make_shared<std::string>(".culprit");
  CLI::App* cmd = app.add_subcommand(
      "log",
      "Print the bisection log of a job as it was printed (default: the latest job); a "
      "running job's log so far.");
  cmd->add_option("job", *job, "the job's number, as `culprit list` shows it");
  cmd->add_option("--state", *state, "the state directory (default .culprit)");
  cmd->callback([job, state, exit_code] { *exit_code = PrintLog(*state, *job); });
}

}  // namespace culprit::cli
