// `culprit serve`: a read-only web dashboard over a state directory.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "serve/server.h"

namespace culprit::cli {

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<serve::ServeOptions>();
  auto state = std::make_shared<std::string>(".culprit");
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve a read-only web dashboard of a state directory: its jobs, each job's report (a "
      "running job's log, live), the run and build logs. Stops on Ctrl-C.");
  cmd->add_option("--state", *state, "the state directory (default .culprit)");
  cmd->add_option("--listen", options->listen,
                  "HOST:PORT to listen on (default 127.0.0.1:8080, loopback only; port 0 picks "
                  "a free one)");
  cmd->callback([options, state, exit_code] {
    options->state_dir = *state;
    auto served = serve::Serve(*options, std::cout);
    *exit_code = served ? 0 : ReportError(served.error().message);
  });
}

}  // namespace culprit::cli
