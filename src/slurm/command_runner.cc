#include "slurm/command_runner.h"

#include <atomic>
#include <fstream>
#include <sstream>

#include "process/subprocess.h"

namespace culprit::slurm {
namespace {

class SubprocessCommandRunner : public CommandRunner {
 public:
  SubprocessCommandRunner(std::filesystem::path scratch_dir, std::chrono::seconds timeout)
      : scratch_dir_(std::move(scratch_dir)), timeout_(timeout) {}

  Result<CommandOutput> Run(const std::vector<std::string>& argv) override {
    std::error_code ec;
    std::filesystem::create_directories(scratch_dir_, ec);
    const std::filesystem::path log =
        scratch_dir_ / ("command-" + std::to_string(next_++) + ".out");
    auto run = process::RunSubprocess(
        {.argv = argv, .log_path = log, .max_output_bytes = 4 << 20, .timeout = timeout_});
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    in.close();
    std::filesystem::remove(log, ec);
    if (!run) {
      if (run.error().kind == ErrorKind::kNotFound)
        return Fail(ErrorKind::kBadInput, "'" + argv[0] +
                                              "' is not installed here (the Slurm client "
                                              "commands are needed: scripts/install-deps.sh "
                                              "--slurm, or your cluster's modules)");
      return Wrap(run.error(), "running " + argv[0]);
    }
    if (run->timed_out)
      return Fail(ErrorKind::kInfra, argv[0] + " did not answer within " +
                                         std::to_string(timeout_.count()) +
                                         " s (is slurmctld up? see: scontrol ping)");
    return CommandOutput{.exit_code = run->signal != 0 ? 128 + run->signal : run->exit_code,
                         .out = text.str()};
  }

 private:
  std::filesystem::path scratch_dir_;
  std::chrono::seconds timeout_;
  std::atomic<uint64_t> next_{0};
};

}  // namespace

std::unique_ptr<CommandRunner> MakeCommandRunner(std::filesystem::path scratch_dir,
                                                 std::chrono::seconds timeout) {
  return std::make_unique<SubprocessCommandRunner>(std::move(scratch_dir), timeout);
}

}  // namespace culprit::slurm
