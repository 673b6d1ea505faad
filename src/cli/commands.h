// The subcommands of `culprit`. Each registers itself on the CLI11 app; its callback stores the
// process exit status in *exit_code. Only cli/ prints errors and picks exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "report/progress_log.h"

namespace culprit::cli {

void AddBisectCommand(CLI::App& app, int* exit_code);
void AddResumeCommand(CLI::App& app, int* exit_code);
void AddDemoCommand(CLI::App& app, int* exit_code);
void AddKernelCommand(CLI::App& app, int* exit_code);
void AddSimulateCommand(CLI::App& app, int* exit_code);
void AddParseCommand(CLI::App& app, int* exit_code);
void AddShowCommand(CLI::App& app, int* exit_code);
void AddListCommand(CLI::App& app, int* exit_code);
void AddLogCommand(CLI::App& app, int* exit_code);
void AddAbandonCommand(CLI::App& app, int* exit_code);
void AddServeCommand(CLI::App& app, int* exit_code);
void AddAuditCommand(CLI::App& app, int* exit_code);
void AddSlurmNodeCommand(CLI::App& app, int* exit_code);

/// The log on stdout, with the progress line on stderr when stderr is a terminal.
report::ProgressLog TerminalLog();

/// Ctrl-C and SIGTERM while a job runs: the first stops the job at its next step (resumable,
/// and the error says how to continue it), a second ends culprit at once. The returned
/// function says whether one came.
std::function<bool()> CatchInterruptions();

/// Prints "culprit: MESSAGE" to stderr and returns 1, the exit status of every error.
int ReportError(const std::string& message);

}  // namespace culprit::cli
