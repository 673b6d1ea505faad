#include "build/kernel_builder.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include "build/kernel_signature.h"
#include "process/subprocess.h"

namespace culprit::build {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Fixed so that two builds of one tree give the same vmlinux (init/version.c embeds them).
constexpr const char* kBuildTimestamp = "1970-01-01 00:00:00 UTC";
constexpr const char* kBuildUser = "culprit";
constexpr const char* kBuildHost = "culprit";

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string FirstLine(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorKind::kIo, "cannot read '" + path.string() + "'");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<void> WriteFile(const fs::path& path, std::string_view data, bool append = false) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << data;
  if (!out.flush()) return Fail(ErrorKind::kIo, "cannot write '" + path.string() + "'");
  return {};
}

// The first line `program --version` prints, e.g. "gcc (Debian 12.2.0-14) 12.2.0".
Result<std::string> VersionLine(const std::string& program, const fs::path& scratch) {
  Result<process::SubprocessRecord> run = process::RunSubprocess(
      {.argv = {program, "--version"}, .log_path = scratch, .timeout = std::chrono::seconds(60)});
  if (!run) return Wrap(run.error(), "asking '" + program + "' for its version");
  Result<std::string> text = ReadFile(scratch);
  std::error_code ec;
  fs::remove(scratch, ec);
  if (!text) return tl::unexpected(text.error());
  if (run->exit_code != 0 || text->empty())
    return Fail(ErrorKind::kInfra, "'" + program + " --version' failed (is it installed?)");
  return FirstLine(*text);
}

// .config with `options` turned off ("# CONFIG_X is not set" replaces any "CONFIG_X=" line).
std::string DisableOptions(std::string_view config, const std::vector<std::string>& options) {
  std::string out;
  std::vector<bool> seen(options.size(), false);
  std::vector<std::string> names;
  for (const std::string& o : options)
    names.push_back(o.rfind("CONFIG_", 0) == 0 ? o : "CONFIG_" + o);
  size_t pos = 0;
  while (pos < config.size()) {
    size_t nl = config.find('\n', pos);
    std::string_view line = config.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? config.size() : nl + 1;
    bool replaced = false;
    for (size_t i = 0; i < names.size() && !replaced; ++i) {
      if (line.rfind(names[i] + "=", 0) == 0 || line == "# " + names[i] + " is not set") {
        if (!seen[i]) out += "# " + names[i] + " is not set\n";
        seen[i] = replaced = true;
      }
    }
    if (!replaced) {
      out += line;
      out += '\n';
    }
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (!seen[i]) out += "# " + names[i] + " is not set\n";
  return out;
}

struct Step {
  bool ok = false;
  int exit_code = -1;
  bool timed_out = false;
  bool cancelled = false;
};

// One make invocation, its output appended to the build log.
Result<Step> RunMake(const KernelBuildSpec& spec, std::vector<std::string> argv,
                     std::chrono::duration<double> timeout, bool first) {
  const fs::path step_log = spec.out_dir / "make-step.log";
  Result<process::SubprocessRecord> run = process::RunSubprocess({.argv = std::move(argv),
                                                                  .env = spec.env,
                                                                  .log_path = step_log,
                                                                  .timeout = timeout,
                                                                  .stop = spec.stop});
  if (!run) return Wrap(run.error(), "running make in '" + spec.source_dir.string() + "'");
  if (!spec.log_path.empty()) {
    Result<std::string> text = ReadFile(step_log);
    if (!text) return tl::unexpected(text.error());
    if (Result<void> w = WriteFile(spec.log_path, *text, !first); !w)
      return tl::unexpected(w.error());
  }
  std::error_code ec;
  fs::remove(step_log, ec);
  return Step{.ok = run->exit_code == 0 && !run->cancelled,
              .exit_code = run->exit_code,
              .timed_out = run->timed_out,
              .cancelled = run->cancelled};
}

Result<void> Copy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Fail(ErrorKind::kIo,
                "cannot copy '" + from.string() + "' to '" + to.string() + "': " + ec.message());
  return {};
}

}  // namespace

std::vector<std::string> KernelMakeArgv(const KernelBuildSpec& spec, const std::string& cc,
                                        int jobs, const std::vector<std::string>& targets) {
  std::vector<std::string> argv = {"make", "-C", spec.source_dir.string(),
                                   "O=" + spec.build_dir.string(), "-j" + std::to_string(jobs),
                                   "CC=" + cc,
                                   std::string("KBUILD_BUILD_TIMESTAMP=") + kBuildTimestamp,
                                   std::string("KBUILD_BUILD_USER=") + kBuildUser,
                                   std::string("KBUILD_BUILD_HOST=") + kBuildHost,
                                   // The build counter (#N in the banner) would make every
                                   // rebuild a different kernel.
                                   "KBUILD_BUILD_VERSION=1", "LOCALVERSION="};
  if (spec.arch == "arm64")
    argv.insert(argv.end(), {"ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-"});
  argv.insert(argv.end(), targets.begin(), targets.end());
  return argv;
}

std::string KernelImageName(std::string_view arch) { return arch == "arm64" ? "Image" : "bzImage"; }

std::string CompilerLine(std::string_view cc_version, std::string_view ld_version) {
  return FirstLine(cc_version) + ", " + FirstLine(ld_version);
}

Result<KernelBuildRecord> BuildKernel(const KernelBuildSpec& spec) {
  const Clock::time_point start = Clock::now();
  if (!fs::is_regular_file(spec.source_dir / "Makefile"))
    return Fail(ErrorKind::kNotFound,
                "no kernel tree at '" + spec.source_dir.string() + "' (no Makefile)");
  Result<std::string> config = ReadFile(spec.config);
  if (!config)
    return Fail(ErrorKind::kNotFound, "cannot read kernel config '" + spec.config.string() + "'");
  std::error_code ec;
  for (const fs::path& dir : {spec.build_dir, spec.out_dir, spec.log_path.parent_path()}) {
    if (dir.empty()) continue;
    fs::create_directories(dir, ec);
    if (ec) return Fail(ErrorKind::kIo, "cannot create '" + dir.string() + "': " + ec.message());
  }

  KernelBuildRecord record;
  record.cc = spec.use_ccache && OnPath("ccache") ? "ccache " + spec.compiler : spec.compiler;
  Result<std::string> cc_version = VersionLine(spec.compiler, spec.out_dir / "cc-version.txt");
  if (!cc_version) return tl::unexpected(cc_version.error());
  const std::string linker =
      spec.arch == "arm64" && spec.linker == "ld" ? "aarch64-linux-gnu-ld" : spec.linker;
  Result<std::string> ld_version = VersionLine(linker, spec.out_dir / "ld-version.txt");
  if (!ld_version) return tl::unexpected(ld_version.error());
  record.compiler = CompilerLine(*cc_version, *ld_version);

  std::vector<std::string> disabled = spec.disable_options;
  disabled.push_back("LOCALVERSION_AUTO");
  if (Result<void> w = WriteFile(spec.build_dir / ".config", DisableOptions(*config, disabled)); !w)
    return tl::unexpected(w.error());

  const int jobs = spec.jobs > 0 ? spec.jobs : std::max(1u, std::thread::hardware_concurrency());
  auto remaining = [&] {
    return std::max<std::chrono::duration<double>>(std::chrono::duration<double>(1),
                                                   spec.timeout - (Clock::now() - start));
  };
  auto finish = [&](const Step& step, const char* name) {
    record.exit_code = step.exit_code;
    record.timed_out = step.timed_out;
    record.cancelled = step.cancelled;
    if (!step.ok) record.failed_step = name;
    record.duration = Clock::now() - start;
  };

  Result<Step> olddefconfig =
      RunMake(spec, KernelMakeArgv(spec, record.cc, 1, {"olddefconfig"}), remaining(), true);
  if (!olddefconfig) return tl::unexpected(olddefconfig.error());
  finish(*olddefconfig, "olddefconfig");
  if (!olddefconfig->ok) return record;
  if (Result<void> c = Copy(spec.build_dir / ".config", spec.out_dir / "kernel.config"); !c)
    return tl::unexpected(c.error());

  const std::string image = KernelImageName(spec.arch);
  Result<Step> build =
      RunMake(spec, KernelMakeArgv(spec, record.cc, jobs, {image}), remaining(), false);
  if (!build) return tl::unexpected(build.error());
  finish(*build, "build");
  if (!build->ok) return record;

  record.bzimage = spec.out_dir / image;
  record.vmlinux = spec.out_dir / "vmlinux";
  const fs::path built =
      spec.build_dir / (spec.arch == "arm64" ? "arch/arm64/boot" : "arch/x86/boot") / image;
  if (Result<void> c = Copy(built, record.bzimage); !c) return tl::unexpected(c.error());
  if (Result<void> c = Copy(spec.build_dir / "vmlinux", record.vmlinux); !c)
    return tl::unexpected(c.error());
  Result<std::string> signature = KernelSignature(record.vmlinux);
  if (!signature) return Wrap(signature.error(), "kernel signature");
  record.signature = *signature;
  record.ok = true;
  record.duration = Clock::now() - start;
  return record;
}

}  // namespace culprit::build
