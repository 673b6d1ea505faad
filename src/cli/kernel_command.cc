// `culprit kernel test JOB --commit H`: build and test one kernel commit without bisecting.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "job/run_job.h"

namespace culprit::cli {
namespace {

struct KernelTestFlags {
  std::string job_file;
  std::string commit = "HEAD";
  std::string state;
  std::string runs;
};

int RunKernelTest(const KernelTestFlags& f, CLI::App* cmd) {
  auto config = job::LoadJobFile(f.job_file);
  if (!config) return ReportError(config.error().message);
  if (!config->kernel)
    return ReportError(f.job_file +
                       " has no [kernel] table (see culprit bisect --help for plain "
                       "jobs)");
  // The job file's checks, through bisect's options of the same names.
  for (const auto& [flag, text] : {std::pair{"--runs", f.runs}, std::pair{"--state", f.state}}) {
    if (cmd->count(flag) == 0) continue;
    if (auto ok = job::ApplyFlag(*config, flag, {text}); !ok)
      return ReportError(ok.error().message);
  }
  report::ProgressLog log = TerminalLog();
  auto status = job::TestOneCommit(*config, f.commit, log);
  log.ClearStatus();
  if (!status) return ReportError(status.error().message);
  return *status;
}

}  // namespace

void AddKernelCommand(CLI::App& app, int* exit_code) {
  CLI::App* kernel =
      app.add_subcommand("kernel",
                         "Linux kernel jobs: a job file with a [kernel] table (config, reproducer, "
                         "compilers, fix-ups, QEMU settings)");
  kernel->require_subcommand(1);
  auto flags = std::make_shared<KernelTestFlags>();
  CLI::App* test = kernel->add_subcommand(
      "test",
      "Build one commit with the job's kernel config and boot it in QEMU VMs running the "
      "reproducer: the per-commit block of a bisection log, without bisecting");
  test->add_option("job_file", flags->job_file, "the TOML job file")
      ->required()
      ->check(CLI::ExistingFile);
  test->add_option("--commit", flags->commit, "the commit to test (default HEAD)");
  test->add_option("--runs", flags->runs, "VM runs (default: the job's runs)")->type_name("INT");
  test->add_option("--state", flags->state, "state directory (default: the job's)");
  test->callback([flags, test, exit_code] { *exit_code = RunKernelTest(*flags, test); });
}

}  // namespace culprit::cli
