#include <system_error>

#include "process/subprocess.h"
#include "run/runner.h"

namespace culprit::run {
namespace {

// SIGTERM to SIGKILL at the timeout: a reproducer gets a moment to flush its last lines.
constexpr std::chrono::seconds kKillGrace{2};

Result<void> CreateDir(const std::filesystem::path& dir, const char* what) {
  if (dir.empty()) return {};
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Fail(ErrorKind::kIo,
                std::string("cannot create ") + what + " '" + dir.string() + "': " + ec.message());
  }
  return {};
}

class ProcessRunner : public Runner {
 public:
  Result<RunRecord> Run(const RunSpec& spec) override {
    if (Result<void> made = CreateDir(spec.work_dir, "work directory"); !made)
      return tl::unexpected(made.error());
    if (Result<void> made = CreateDir(spec.log_path.parent_path(), "log directory"); !made)
      return tl::unexpected(made.error());
    Result<process::SubprocessRecord> run = process::RunSubprocess({
        .command = spec.command,
        .cwd = spec.work_dir,
        .env = spec.env,
        .log_path = spec.log_path,
        .max_output_bytes = spec.max_output_bytes,
        .timeout = spec.timeout,
        .kill_grace = kKillGrace,
        .max_memory_bytes = spec.max_memory_bytes,
        .max_file_bytes = spec.max_file_bytes,
        .isolate_network = spec.network != Network::kHost,
        .loopback = spec.network == Network::kLoopback,
        .stop = spec.stop,
    });
    if (!run) return Wrap(run.error(), "running '" + spec.command + "'");
    return RunRecord{.exit_code = run->exit_code,
                     .signal = run->signal,
                     .timed_out = run->timed_out,
                     .output_truncated = run->output_truncated,
                     .output_flooded = run->output_flooded,
                     .network_isolated = run->network_isolated,
                     .loopback_up = run->loopback_up,
                     .cancelled = run->cancelled,
                     .duration = run->duration};
  }
};

}  // namespace

std::string_view NetworkName(Network network) {
  switch (network) {
    case Network::kNone:
      return "none";
    case Network::kLoopback:
      return "loopback";
    case Network::kHost:
      return "host";
  }
  return "loopback";
}

std::optional<Network> ParseNetworkName(std::string_view name) {
  for (Network n : {Network::kNone, Network::kLoopback, Network::kHost}) {
    if (NetworkName(n) == name) return n;
  }
  return std::nullopt;
}

std::unique_ptr<Runner> MakeProcessRunner() { return std::make_unique<ProcessRunner>(); }

}  // namespace culprit::run
