// `culprit bisect` and `culprit resume`.
#include <unistd.h>

#include <deque>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "job/run_job.h"
#include "report/render.h"

namespace culprit::cli {
namespace {

// An option made from the job's field table, kept as the texts given: applied over the job
// file only when given, with the job file's checks.
struct JobOption {
  job::FlagSpec spec;
  std::string text;                // a single value
  std::vector<std::string> texts;  // a repeatable one
  bool given = false;              // a switch
};

struct BisectFlags {
  std::string job_file;
  std::deque<JobOption> options;  // a deque: CLI11 holds pointers to the texts
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
  for (const JobOption& option : f.options) {
    const job::FlagSpec& flag = option.spec;
    if (cmd->count(flag.name) == 0) continue;
    auto ok = job::ApplyFlag(config, flag.name,
                             flag.is_switch    ? std::vector<std::string>()
                             : flag.repeatable ? option.texts
                                               : std::vector{option.text});
    if (!ok) return ReportError(ok.error().message);
  }
  report::ProgressLog log = TerminalLog();
  return Finish(job::RunJob(&config, /*resume=*/false, config.state_dir, log, CatchInterruptions()),
                log);
}

}  // namespace

void AddBisectCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<BisectFlags>();
  CLI::App* cmd = app.add_subcommand(
      "bisect",
      "Find the commit that introduced (--mode cause) or fixed (--mode fix) a crash, or a\n"
      "failing test (--verdict exit), then check it by reverting it on the bad commit.\n"
      "Exit status: 0 found, 1 error, 2 inconclusive (or a horizon only likelier than not),\n"
      "3 horizon (older than the history, or still there at the newest commit), 4 found but\n"
      "the revert verification refuted it (the answer is suspect).");
  cmd->add_option("job_file", flags->job_file,
                  "TOML job file: the flags' keys and those listed below (flags override it)")
      ->check(CLI::ExistingFile);
  for (const job::FlagSpec& flag : job::JobFlags()) {
    JobOption& o = flags->options.emplace_back(JobOption{.spec = flag});
    if (flag.is_switch) {
      cmd->add_flag(flag.name, o.given, flag.help);
      continue;
    }
    CLI::Option* option = flag.repeatable ? cmd->add_option(flag.name, o.texts, flag.help)
                                          : cmd->add_option(flag.name, o.text, flag.help);
    option->type_name(flag.type_name);
  }
  cmd->footer(job::JobFileHelp());
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
    *exit_code =
        Finish(job::RunJob(nullptr, /*resume=*/true, *state, log, CatchInterruptions()), log);
  });
}

}  // namespace culprit::cli
