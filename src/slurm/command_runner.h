// Runs the Slurm client commands (sbatch, squeue, scancel, sinfo, sacct) for the cluster code:
// the real one as short subprocesses, fakes in tests (ninja's CommandRunner seam).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"

namespace culprit::slurm {

/// What a client command printed and how it ended.
struct CommandOutput {
  int exit_code = -1;
  std::string out;  ///< stdout and stderr together
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  /// Runs `argv` to its end. A command that fails is a CommandOutput with its exit code; an
  /// Error means it could not be run at all (not installed, no process could be started).
  virtual Result<CommandOutput> Run(const std::vector<std::string>& argv) = 0;
};

/// Runs the commands as subprocesses (culprit's own process group guard, a timeout); their
/// output goes through files in `scratch_dir`.
std::unique_ptr<CommandRunner> MakeCommandRunner(std::filesystem::path scratch_dir,
                                                 std::chrono::seconds timeout);

}  // namespace culprit::slurm
