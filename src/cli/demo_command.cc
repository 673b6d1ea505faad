// `culprit demo`: builds the example repository and bisects it with the real compiler.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "base/strings.h"
#include "cli/commands.h"
#include "job/bisection.h"
#include "job/demo_repo.h"
#include "report/render.h"

namespace culprit::cli {
namespace {

struct DemoFlags {
  std::string dir;
  std::string strategy = "bayes";
  int jobs = 2;
  int runs = 10;
};

int RunDemo(const DemoFlags& f) {
  std::filesystem::path dir = f.dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/culprit-demo-XXXXXX";
    if (!mkdtemp(tmpl)) return ReportError("cannot create a temporary directory (pass --dir)");
    dir = tmpl;
  }
  std::cout << "demo: writing an example repository to " << (dir / "repo").string() << "\n";
  auto demo = job::MakeDemoRepo(dir / "repo");
  if (!demo) return ReportError(demo.error().message);
  std::cout << "demo: " << demo->commits << " commits; the bug was planted by "
            << ShortHash(demo->planted) << " \"" << demo->planted_title << "\"\n"
            << "demo: culprit bisect --repo " << demo->path.string() << " --bad HEAD --build '"
            << demo->build_command << "' --test '" << demo->test_command << "' --state "
            << (dir / "state").string() << "\n\n";
  job::JobConfig config;
  config.repo = demo->path;
  config.bad = "HEAD";
  config.build_command = demo->build_command;
  config.test_command = demo->test_command;
  config.state_dir = dir / "state";
  config.json_out = dir / "result.json";
  config.jobs = f.jobs;
  config.runs = f.runs;
  config.timeout_s = 60;
  config.build_cost = 5;  // a small C program builds in well under a second
  auto strategy = job::ParseStrategy(f.strategy);
  if (!strategy) return ReportError(strategy.error().message);
  config.strategy = *strategy;
  report::ProgressLog log(std::cout, isatty(STDERR_FILENO) ? &std::cerr : nullptr);
  auto result = job::RunJob(&config, false, config.state_dir, log);
  log.ClearStatus();
  if (!result) return ReportError(result.error().message);
  report::WriteText(*result, std::cout);
  std::cout << "\ndemo: result written to " << config.json_out->string() << "\n";
  if (result->outcome == "found" && result->commit == demo->planted) {
    std::cout << "demo: culprit found the planted commit " << ShortHash(demo->planted) << "\n";
    return 0;
  }
  std::cout << "demo: culprit did NOT single out the planted commit " << ShortHash(demo->planted)
            << " (outcome: " << result->outcome << ")\n";
  return 1;
}

}  // namespace

void AddDemoCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Create a real git repository of a small C program with a planted use-after-free that "
      "AddressSanitizer catches about one run in three, then bisect it and print the report.");
  cmd->add_option("--dir", flags->dir, "where to put the repository and state (default: a new "
                                       "directory under /tmp)");
  cmd->add_option("--strategy", flags->strategy, "bayes (default), syzbot or git");
  cmd->add_option("--jobs", flags->jobs, "runs at once (default 2)");
  cmd->add_option("--runs", flags->runs, "runs per commit for the syzbot and git strategies");
  cmd->callback([flags, exit_code] { *exit_code = RunDemo(*flags); });
}

}  // namespace culprit::cli
