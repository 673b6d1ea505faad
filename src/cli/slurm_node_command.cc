// `culprit slurm-node REQUEST`: what a Slurm job runs on its node for the Slurm executor (not
// for users: hidden from --help). Errors go to stderr, which Slurm keeps beside the request.
#include "cli/commands.h"
#include "job/executor.h"

namespace culprit::cli {

void AddSlurmNodeCommand(CLI::App& app, int* exit_code) {
  auto request = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("slurm-node", "");
  cmd->group("");  // hidden: only culprit's Slurm jobs run it
  cmd->add_option("request", *request, "the request file culprit wrote")->required();
  cmd->callback([request, exit_code] {
    auto ok = job::RunNodeRequest(*request);
    *exit_code = ok ? 0 : ReportError(ok.error().message);
  });
}

}  // namespace culprit::cli
