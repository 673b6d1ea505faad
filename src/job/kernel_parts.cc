#include "job/kernel_parts.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "build/kernel_builder.h"
#include "crash/report.h"
#include "history/history.h"
#include "job/run_classifier.h"
#include "run/initramfs.h"
#include "run/qemu_runner.h"

namespace culprit::job {
namespace {

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// True if release `a` is older than `b` by version (unparsable names compare as equal).
bool OlderRelease(const std::string& a, const std::string& b) {
  auto ra = history::ParseReleaseTag(a), rb = history::ParseReleaseTag(b);
  return ra && rb && history::ReleaseLess(*ra, *rb);
}

class KernelBuilder : public build::Builder {
 public:
  KernelBuilder(KernelSettings kernel, std::filesystem::path work_dir, ReleaseOf release_of)
      : kernel_(std::move(kernel)), work_dir_(std::move(work_dir)), release_of_(release_of) {}

  Result<build::BuildRecord> Build(const build::BuildSpec& spec) override {
    auto it = spec.env.find("CULPRIT_COMMIT");
    std::string release = it == spec.env.end() ? "" : release_of_(it->second);
    std::string cc = PickCompiler(kernel_, release);
    std::string dir_name = cc;
    for (char& ch : dir_name)
      if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    build::KernelBuildSpec k{
        .source_dir = spec.source_dir,
        .build_dir = work_dir_ / ("obj-" + dir_name),
        .out_dir = spec.out_dir,
        .config = kernel_.config,
        .disable_options = PickDisabledOptions(kernel_, release),
        .compiler = cc,
        .log_path = spec.log_path,
        .env = spec.env,
        .timeout = spec.timeout,
    };
    // ccache keys on absolute paths unless told the base: keep hits across object dirs.
    k.env["CCACHE_BASEDIR"] = spec.source_dir.string();
    k.env["CCACHE_NOHASHDIR"] = "1";
    auto built = build::BuildKernel(k);
    if (!built) return tl::unexpected(built.error());
    return build::BuildRecord{.ok = built->ok,
                              .exit_code = built->exit_code,
                              .timed_out = built->timed_out,
                              .signature = built->signature,
                              .compiler = built->compiler,
                              .duration = built->duration};
  }

 private:
  KernelSettings kernel_;
  std::filesystem::path work_dir_;
  ReleaseOf release_of_;
};

class KernelRunner : public run::Runner {
 public:
  KernelRunner(KernelSettings kernel, std::filesystem::path initramfs)
      : kernel_(std::move(kernel)), initramfs_(std::move(initramfs)), vm_(run::MakeQemuRunner()) {}

  Result<run::RunRecord> Run(const run::RunSpec& spec) override {
    auto out = spec.env.find("CULPRIT_OUT");
    if (out == spec.env.end()) return Fail(ErrorKind::kInternal, "kernel run without CULPRIT_OUT");
    run::VmRunSpec vm{
        .kernel = std::filesystem::path(out->second) / "bzImage",
        .initramfs = initramfs_,
        .log_path = spec.log_path,
        .cpus = kernel_.cpus,
        .memory_mb = kernel_.memory_mb,
        .extra_cmdline = kernel_.cmdline,
        .boot_timeout = std::chrono::duration<double>(kernel_.boot_timeout_s),
        .run_timeout = std::chrono::duration<double>(kernel_.run_timeout_s),
        .max_output_bytes = spec.max_output_bytes,
    };
    std::error_code ec;
    std::filesystem::create_directories(spec.log_path.parent_path(), ec);
    auto rec = vm_->Run(vm);
    if (!rec) return tl::unexpected(rec.error());
    std::string log = Slurp(spec.log_path);
    crash::Report report = crash::Parse(log);
    run::ConsoleVerdict verdict =
        run::ClassifyConsole(log, report.crashed ? report.start : std::string_view::npos, *rec);
    run::RunRecord r{.exit_code = 0, .signal = 0, .duration = rec->duration};
    switch (verdict.stage) {
      case run::VmStage::kOk:
        break;
      case run::VmStage::kCrashed:
        r.exit_code = 1;
        break;
      case run::VmStage::kBootFailed:
      case run::VmStage::kBasicTestFailed:
        r.exit_code = kUntestableExit;
        r.stage = std::string(run::VmStageName(verdict.stage));
        break;
      case run::VmStage::kNoOutput:
      case run::VmStage::kLostConnection:
        r.exit_code = 1;
        r.stage = std::string(run::VmStageName(verdict.stage));
        break;
    }
    return r;
  }

 private:
  KernelSettings kernel_;
  std::filesystem::path initramfs_;
  std::unique_ptr<run::VmRunner> vm_;
};

}  // namespace

std::string PickCompiler(const KernelSettings& kernel, const std::string& release) {
  std::string best_since, cc = "gcc";
  for (const CompilerRule& rule : kernel.compilers) {
    bool contained =
        rule.since.empty() || release == rule.since || OlderRelease(rule.since, release);
    if (!contained) continue;
    if (best_since.empty() || OlderRelease(best_since, rule.since)) {
      best_since = rule.since;
      cc = rule.cc;
    }
  }
  return cc;
}

std::vector<std::string> PickDisabledOptions(const KernelSettings& kernel,
                                             const std::string& release) {
  std::vector<std::string> out;
  for (const ConfigFixup& fix : kernel.fixups) {
    if (release.empty() || OlderRelease(release, fix.before))
      out.insert(out.end(), fix.disable.begin(), fix.disable.end());
  }
  return out;
}

std::unique_ptr<build::Builder> MakeKernelBuilder(const KernelSettings& kernel,
                                                  std::filesystem::path work_dir,
                                                  ReleaseOf release_of) {
  return std::make_unique<KernelBuilder>(kernel, std::move(work_dir), std::move(release_of));
}

std::unique_ptr<run::Runner> MakeKernelRunner(const KernelSettings& kernel,
                                              std::filesystem::path initramfs) {
  return std::make_unique<KernelRunner>(kernel, std::move(initramfs));
}

Result<void> PrepareInitramfs(const KernelSettings& kernel, const std::filesystem::path& path) {
  if (std::filesystem::exists(path)) return {};
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  if (auto ok = run::BuildInitramfs(
          {.busybox = kernel.busybox, .reproducer = kernel.reproducer, .output = tmp});
      !ok)
    return ok;
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Fail(ErrorKind::kIo, "cannot write " + path.string() + ": " + ec.message());
  return {};
}

std::string KernelBuildRecipe(const KernelSettings& kernel) {
  std::string r = "kernel\n" + Slurp(kernel.config);
  for (const auto& c : kernel.compilers) r += "\ncc " + c.since + " " + c.cc;
  for (const auto& f : kernel.fixups) {
    r += "\nfixup " + f.before;
    for (const auto& o : f.disable) r += " " + o;
  }
  return r;
}

std::string KernelTestRecipe(const KernelSettings& kernel) {
  std::ostringstream r;
  r << "vm\n"
    << Slurp(kernel.reproducer) << "\nmem=" << kernel.memory_mb << " cpus=" << kernel.cpus
    << " cmdline=" << kernel.cmdline << " boot=" << kernel.boot_timeout_s
    << " run=" << kernel.run_timeout_s;
  return r.str();
}

}  // namespace culprit::job
