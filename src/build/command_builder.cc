#include <system_error>

#include "build/builder.h"
#include "process/subprocess.h"

namespace culprit::build {
namespace {

// A build log is kept whole in practice; the cap only guards the disk against a runaway build.
constexpr uint64_t kMaxBuildLogBytes = 256ull << 20;

Result<void> PrepareDirs(const BuildSpec& spec) {
  std::error_code ec;
  std::filesystem::remove_all(spec.out_dir, ec);  // leftovers of an earlier build
  if (ec) {
    return Fail(ErrorKind::kIo,
                "cannot clear output directory '" + spec.out_dir.string() + "': " + ec.message());
  }
  std::filesystem::create_directories(spec.out_dir, ec);
  if (ec) {
    return Fail(ErrorKind::kIo,
                "cannot create output directory '" + spec.out_dir.string() + "': " + ec.message());
  }
  if (spec.log_path.has_parent_path()) {
    std::filesystem::create_directories(spec.log_path.parent_path(), ec);
    if (ec) {
      return Fail(ErrorKind::kIo, "cannot create log directory for '" + spec.log_path.string() +
                                      "': " + ec.message());
    }
  }
  return {};
}

class CommandBuilder : public Builder {
 public:
  Result<BuildRecord> Build(const BuildSpec& spec) override {
    if (Result<void> prepared = PrepareDirs(spec); !prepared) {
      return tl::unexpected(prepared.error());
    }
    process::SubprocessOptions options{.command = spec.command,
                                       .cwd = spec.source_dir,
                                       .env = spec.env,
                                       .log_path = spec.log_path,
                                       .max_output_bytes = kMaxBuildLogBytes,
                                       .timeout = spec.timeout,
                                       .stop = spec.stop};
    options.env["CULPRIT_OUT"] = std::filesystem::absolute(spec.out_dir).string();
    Result<process::SubprocessRecord> run = process::RunSubprocess(options);
    if (!run) return Wrap(run.error(), "building in '" + spec.source_dir.string() + "'");

    BuildRecord record;
    record.exit_code = run->timed_out ? -1 : run->exit_code;
    record.timed_out = run->timed_out;
    record.cancelled = run->cancelled;
    record.duration = run->duration;
    record.ok = run->exit_code == 0 && !run->timed_out;
    if (!record.ok) return record;
    Result<std::string> signature = Signature(spec.out_dir);
    if (!signature) return tl::unexpected(signature.error());
    record.signature = *std::move(signature);
    return record;
  }
};

}  // namespace

std::unique_ptr<Builder> MakeCommandBuilder() { return std::make_unique<CommandBuilder>(); }

}  // namespace culprit::build
