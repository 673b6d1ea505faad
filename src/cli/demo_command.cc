// `culprit demo`: builds the example repository and bisects it with the real compiler.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "base/strings.h"
#include "cli/commands.h"
#include "decide/names.h"
#include "demo/demo_repo.h"
#include "job/run_job.h"
#include "process/subprocess.h"
#include "report/render.h"

namespace culprit::cli {
namespace {

struct DemoFlags {
  std::string dir;
  bool kernel = false;
  bool kasan = false;
  std::string strategy = "bayes";
  int jobs = 0;  // 0: two runs at once for the C demo, automatic VMs for the kernel demo
  int runs = 10;
};

std::filesystem::path DemoDir(const DemoFlags& f) {
  if (!f.dir.empty()) return f.dir;
  char tmpl[] = "/tmp/culprit-demo-XXXXXX";
  if (!mkdtemp(tmpl)) return {};
  return tmpl;
}

int Conclude(const report::BisectionResult& result, const std::string& planted,
             const std::filesystem::path& json) {
  report::WriteText(result, std::cout);
  std::cout << "\ndemo: result written to " << json.string() << "\n";
  if (result.outcome == decide::ConclusionKind::kFound && result.commit == planted) {
    std::cout << "demo: culprit found the planted commit " << ShortHash(planted) << "\n";
    // The answer is checked too: the bad commit without the planted change must not crash.
    const bool confirmed = result.verification &&
                           result.verification->outcome == report::VerificationOutcome::kConfirmed;
    if (confirmed) {
      std::cout << "demo: reverting it on the bad commit made the crash go away (confirmed)\n";
      return 0;
    }
    std::cout << "demo: but the revert verification did NOT confirm it ("
              << (result.verification ? result.verification->detail : "not run") << ")\n";
    return 1;
  }
  std::cout << "demo: culprit did NOT single out the planted commit " << ShortHash(planted)
            << " (outcome: " << decide::OutcomeName(result.outcome) << ")\n";
  return 1;
}

// The kernel demo: a scratch history on Debian's linux-source-6.1 (scripts/
// make-kernel-history.sh), tiny x86_64 kernels built per commit, booted under QEMU.
int RunKernelDemo(const DemoFlags& f, const std::filesystem::path& dir) {
  std::filesystem::path script =
      std::filesystem::path(CULPRIT_SCRIPTS_DIR) / "make-kernel-history.sh";
  std::cout << "demo: making a kernel history in " << (dir / "linux").string()
            << " (about a minute)\n";
  process::SubprocessOptions o{
      .command = "'" + script.string() + "' '" + (dir / "linux").string() + "'",
      .log_path = dir / "history.log",
      .timeout = std::chrono::minutes(20)};
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return ReportError("cannot create " + dir.string() + ": " + ec.message());
  auto made = process::RunSubprocess(o);
  std::ifstream in(o.log_path);
  std::string line, planted;
  while (std::getline(in, line))
    if (line.rfind("planted: ", 0) == 0) planted = line.substr(9);
  if (!made || made->exit_code != 0 || planted.empty())
    return ReportError("making the kernel history failed; see " + o.log_path.string() +
                       " (needs linux-source-6.1: scripts/install-deps.sh --kernel)");
  std::ofstream(dir / "repro.sh")
      << "#!/bin/sh\n# A task name written without a trailing "
         "newline.\nprintf culprit > /proc/self/comm\ncat /proc/self/comm\n";
  std::filesystem::permissions(dir / "repro.sh", std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ec);
  if (ec) return ReportError("cannot write " + (dir / "repro.sh").string() + ": " + ec.message());
  job::JobConfig config;
  config.repo = dir / "linux";
  config.bad = "HEAD";
  config.state_dir = dir / "state";
  config.json_out = dir / "result.json";
  config.jobs = f.jobs;
  config.runs = f.runs;
  auto strategy = job::ParseStrategy(f.strategy);
  if (!strategy) return ReportError(strategy.error().message);
  config.strategy = *strategy;
  config.kernel =
      job::KernelSettings{.config = dir / (f.kasan ? "kernel-kasan.config" : "kernel.config"),
                          .reproducer = dir / "repro.sh",
                          .boot_timeout_s = 120,
                          .run_timeout_s = 60};
  std::cout << "demo: the bug was planted by " << ShortHash(planted) << "\n\n";
  report::ProgressLog log = TerminalLog();
  auto result = job::RunJob(&config, false, config.state_dir, log);
  log.ClearStatus();
  if (!result) return ReportError(result.error().message);
  return Conclude(*result, planted, *config.json_out);
}

int RunDemo(const DemoFlags& f) {
  std::filesystem::path dir = DemoDir(f);
  if (dir.empty()) return ReportError("cannot create a temporary directory (pass --dir)");
  if (f.kernel) return RunKernelDemo(f, dir);
  std::cout << "demo: writing an example repository to " << (dir / "repo").string() << "\n";
  auto demo = demo::MakeDemoRepo(dir / "repo");
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
  config.jobs = f.jobs > 0 ? f.jobs : 2;
  config.runs = f.runs;
  config.timeout_s = 60;
  config.build_cost = 5;  // a small C program builds in well under a second
  auto strategy = job::ParseStrategy(f.strategy);
  if (!strategy) return ReportError(strategy.error().message);
  config.strategy = *strategy;
  report::ProgressLog log = TerminalLog();
  auto result = job::RunJob(&config, false, config.state_dir, log);
  log.ClearStatus();
  if (!result) return ReportError(result.error().message);
  return Conclude(*result, demo->planted, *config.json_out);
}

}  // namespace

void AddDemoCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Create a real git repository of a small C program with a planted use-after-free that "
      "AddressSanitizer catches about one run in three, then bisect it and print the report.");
  cmd->add_option("--dir", flags->dir,
                  "where to put the repository and state (default: a new "
                  "directory under /tmp)");
  cmd->add_flag("--kernel", flags->kernel,
                "the Linux kernel demo instead: a scratch history on linux-source-6.1, kernels "
                "built per commit and booted under QEMU (needs scripts/install-deps.sh --kernel)");
  cmd->add_flag("--kasan", flags->kasan, "with --kernel: kernels built with KASAN");
  cmd->add_option("--strategy", flags->strategy, "bayes (default), syzbot or git");
  cmd->add_option("--jobs", flags->jobs,
                  "runs at once (default: 2; kernel demo: as many VMs as cores and memory allow)");
  cmd->add_option("--runs", flags->runs, "runs per commit for the syzbot and git strategies");
  cmd->callback([flags, exit_code] { *exit_code = RunDemo(*flags); });
}

}  // namespace culprit::cli
