// culprit: finds the commit that introduced (or fixed) a crash.
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <iostream>

#include "cli/commands.h"

namespace culprit::cli {

report::ProgressLog TerminalLog() {
  return report::ProgressLog(std::cout, isatty(STDERR_FILENO) ? &std::cerr : nullptr);
}

namespace {

volatile std::sig_atomic_t interrupted = 0;
timespec first_signal{};

// The first SIGINT or SIGTERM asks the job to stop at its next step. One Ctrl-C can arrive
// twice (to culprit and to its process group, as `timeout` sends it): a second signal within a
// second is that same request; a later one means "stop now" and takes the default action.
void OnInterrupt(int sig) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (!interrupted) {
    interrupted = 1;
    first_signal = now;
    return;
  }
  if (now.tv_sec - first_signal.tv_sec >= 1) {
    signal(sig, SIG_DFL);
    raise(sig);
  }
}

}  // namespace

std::function<bool()> CatchInterruptions() {
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return [] { return interrupted != 0; };
}

int ReportError(const std::string& message) {
  std::cerr << "culprit: " << message << "\n";
  return 1;
}

}  // namespace culprit::cli

namespace {

// The table of subcommands, in the order `culprit --help` lists them.
using AddCommand = void (*)(CLI::App&, int*);
constexpr AddCommand kCommands[] = {
    culprit::cli::AddBisectCommand,    culprit::cli::AddResumeCommand,
    culprit::cli::AddShowCommand,      culprit::cli::AddListCommand,
    culprit::cli::AddLogCommand,       culprit::cli::AddAbandonCommand,
    culprit::cli::AddServeCommand,     culprit::cli::AddDemoCommand,
    culprit::cli::AddKernelCommand,    culprit::cli::AddSimulateCommand,
    culprit::cli::AddParseCommand,     culprit::cli::AddAuditCommand,
    culprit::cli::AddSlurmNodeCommand,
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "culprit finds the commit that introduced a crash (cause bisection) or fixed it (fix "
      "bisection), with flaky reproducers and broken builds taken into account."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "culprit 0.1.0");
  int exit_code = 0;
  for (AddCommand add : kCommands) add(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 1;
  }
  return exit_code;
}
