#include "job/kernel_target.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "base/strings.h"
#include "build/kernel_builder.h"
#include "crash/report.h"
#include "job/backports.h"
#include "job/build_inputs.h"
#include "job/run_classifier.h"
#include "report/disassembly.h"
#include "run/initramfs.h"
#include "run/qemu_runner.h"
#include "symbolize/symbolizer.h"

namespace culprit::job {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
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

/// Newest release tag a commit contains ("" if none).
using ReleaseOf = std::function<std::string(const std::string& commit)>;

std::string KernelBuildRecipe(const KernelSettings& kernel) {
  std::string r = "kernel\n" + Slurp(kernel.config);
  for (const auto& c : kernel.compilers) r += "\ncc " + c.since + " " + c.cc;
  for (const auto& f : kernel.fixups) {
    r += "\nfixup " + f.before;
    for (const auto& o : f.disable) r += " " + o;
  }
  // Only when not the default, so that the keys of x86_64 builds stay as they were.
  if (kernel.arch != "x86_64") r += "\narch " + kernel.arch;
  return r;
}

// The compiler for `arch`: a cross compiler's name for arm64 unless the rule gave one.
std::string CompilerFor(const std::string& arch, const std::string& cc) {
  if (arch != "arm64" || cc.rfind("aarch64-", 0) == 0 || cc.rfind("clang", 0) == 0) return cc;
  return "aarch64-linux-gnu-" + cc;
}

std::string KernelTestRecipe(const KernelSettings& kernel) {
  std::ostringstream r;
  r << "vm\n"
    << Slurp(kernel.reproducer) << "\nmem=" << kernel.memory_mb << " cpus=" << kernel.cpus
    << " cmdline=" << kernel.cmdline << " boot=" << kernel.boot_timeout_s
    << " run=" << kernel.run_timeout_s;
  if (kernel.arch != "x86_64") r << " arch=" << kernel.arch;
  if (kernel.image) {
    // The image by path, size and time: hashing gigabytes per job would cost more.
    std::error_code ec;
    const auto size = fs::file_size(*kernel.image, ec);
    const auto time = fs::last_write_time(*kernel.image, ec).time_since_epoch().count();
    r << " image=" << kernel.image->string() << " size=" << size << " mtime=" << time;
  }
  return r.str();
}

// Object directories sit in the build slot's scratch directory beside its checkout, one per
// compiler, so moves between commits are incremental and ccache stays warm.
class KernelBuilder : public build::Builder {
 public:
  KernelBuilder(KernelSettings kernel, fs::path fallback_dir, ReleaseOf release_of)
      : kernel_(std::move(kernel)),
        fallback_dir_(std::move(fallback_dir)),
        release_of_(std::move(release_of)) {}

  Result<build::BuildRecord> Build(const build::BuildSpec& spec) override {
    auto it = spec.env.find("CULPRIT_COMMIT");
    std::string release = it == spec.env.end() ? "" : release_of_(it->second);
    std::string cc = CompilerFor(kernel_.arch, PickCompiler(kernel_, release));
    std::string dir_name = cc;
    for (char& ch : dir_name)
      if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    const fs::path scratch = spec.scratch_dir.empty() ? fallback_dir_ : spec.scratch_dir;
    build::KernelBuildSpec k{
        .source_dir = spec.source_dir,
        .build_dir = scratch / ("obj-" + dir_name),
        .out_dir = spec.out_dir,
        .config = kernel_.config,
        .disable_options = PickDisabledOptions(kernel_, release),
        .arch = kernel_.arch,
        .compiler = cc,
        .log_path = spec.log_path,
        .env = spec.env,
        .timeout = spec.timeout,
        .stop = spec.stop,
    };
    // ccache keys on absolute paths unless told the base: keep hits across object dirs.
    k.env["CCACHE_BASEDIR"] = spec.source_dir.string();
    k.env["CCACHE_NOHASHDIR"] = "1";
    auto built = build::BuildKernel(k);
    if (!built) return tl::unexpected(built.error());
    return build::BuildRecord{.ok = built->ok,
                              .exit_code = built->exit_code,
                              .timed_out = built->timed_out,
                              .cancelled = built->cancelled,
                              .signature = built->signature,
                              .compiler = built->compiler,
                              .duration = built->duration};
  }

 private:
  KernelSettings kernel_;
  fs::path fallback_dir_;
  ReleaseOf release_of_;
};

RunStage StageOf(run::VmStage stage) {
  switch (stage) {
    case run::VmStage::kBootFailed:
      return RunStage::kBootFailed;
    case run::VmStage::kBasicTestFailed:
      return RunStage::kBasicTestFailed;
    case run::VmStage::kNoOutput:
      return RunStage::kNoOutput;
    case run::VmStage::kLostConnection:
      return RunStage::kLostConnection;
    case run::VmStage::kOk:
    case run::VmStage::kCrashed:
      break;
  }
  return RunStage::kNone;
}

// Boots CULPRIT_OUT/bzImage with the job's initramfs; RunSpec.command is ignored.
class KernelRunner : public run::Runner {
 public:
  KernelRunner(KernelSettings kernel, fs::path initramfs)
      : kernel_(std::move(kernel)), initramfs_(std::move(initramfs)), vm_(run::MakeQemuRunner()) {}

  Result<run::RunRecord> Run(const run::RunSpec& spec) override {
    auto out = spec.env.find("CULPRIT_OUT");
    if (out == spec.env.end()) return Fail(ErrorKind::kInternal, "kernel run without CULPRIT_OUT");
    run::VmRunSpec vm{
        .kernel = fs::path(out->second) / build::KernelImageName(kernel_.arch),
        .initramfs = initramfs_,
        .log_path = spec.log_path,
        .arch = kernel_.arch,
        .cpus = kernel_.cpus,
        .memory_mb = kernel_.memory_mb,
        .extra_cmdline = kernel_.cmdline,
        .boot_timeout = std::chrono::duration<double>(kernel_.boot_timeout_s),
        .run_timeout = std::chrono::duration<double>(kernel_.run_timeout_s),
        .max_output_bytes = spec.max_output_bytes,
        .stop = spec.stop,
    };
    if (kernel_.image) {
      vm.disk_image = *kernel_.image;
      vm.ssh_key = kernel_.ssh_key ? *kernel_.ssh_key : fs::path(kernel_.image->string() + ".key");
      vm.reproducer = kernel_.reproducer;
    }
    std::error_code ec;
    fs::create_directories(spec.log_path.parent_path(), ec);
    auto rec = vm_->Run(vm);
    if (!rec) return tl::unexpected(rec.error());
    std::string log = Slurp(spec.log_path);
    crash::Report report = crash::Parse(log);
    run::ConsoleVerdict verdict =
        run::ClassifyConsole(log, report.crashed ? report.start : std::string_view::npos, *rec);
    return run::RunRecord{.exit_code = verdict.stage == run::VmStage::kOk ? 0 : 1,
                          .output_truncated = rec->output_truncated,
                          .cancelled = rec->cancelled,
                          .stage = StageOf(verdict.stage),
                          .duration = rec->duration};
  }

 private:
  KernelSettings kernel_;
  fs::path initramfs_;
  std::unique_ptr<run::VmRunner> vm_;
};

class KernelTarget final : public Target {
 public:
  KernelTarget(const JobConfig& config, fs::path state_dir)
      : config_(config),
        kernel_(*config.kernel),
        state_dir_(std::move(state_dir)),
        predicate_(RunPredicate::Make(config).value_or(RunPredicate())) {}

  // The commit with the fix-ups it lacks cherry-picked onto it ([kernel] backports).
  Result<BuildSource> SourceOf(history::Repository& repo, const std::string& commit_id) override {
    if (kernel_.backports.empty()) return Target::SourceOf(repo, commit_id);
    if (!backports_) {
      auto resolved = ResolveBackports(repo, kernel_.backports);
      if (!resolved) return tl::unexpected(resolved.error());
      backports_ = std::move(*resolved);
    }
    return SourceWithFixups(repo, commit_id, *backports_);
  }

  std::string BuildRecipe() const override { return KernelBuildRecipe(kernel_); }
  std::string TestRecipe() const override {
    return KernelTestRecipe(kernel_) + predicate_.Recipe();
  }
  std::string BuildCommand() const override { return ""; }
  std::string TestCommand() const override { return ""; }
  std::string_view SignatureLabel() const override { return "kernel signature"; }
  bool SandboxesRuns() const override { return false; }

  // kbuild's .cmd files in the slot's object directories (every source and header behind each
  // object), the Kconfig and Makefile tree and scripts/.
  std::optional<std::vector<std::string>> BuildInputs(const store::BuildRow& build) override {
    if (build.source_dir.empty()) return std::nullopt;
    const fs::path root = build.source_dir;
    std::vector<std::string> inputs;
    size_t files = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root.parent_path(), ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("obj-", 0) != 0) continue;
      auto is_cmd = [](std::string_view n) { return n.starts_with(".") && n.ends_with(".cmd"); };
      files += CollectInputs(entry.path(), is_cmd, ParseKbuildCmdFile, entry.path(), root, &inputs);
    }
    if (files == 0) return std::nullopt;
    for (const std::string& p : BuildSystemPatterns()) inputs.push_back(p);
    inputs.push_back("scripts/");
    return inputs;
  }

  ClassifiedRun Classify(const run::RunRecord& record, std::string_view log) const override {
    return ClassifyRun(record, log, predicate_);
  }

  // Against the vmlinux of the build the run used: file:line and inlined frames.
  std::string Symbolize(const store::BuildRow& build, const std::string& report) override {
    symbolize::Symbolizer* s = SymbolizerFor(build);
    return s ? symbolize::SymbolizeReport(*s, report) : report;
  }

  // Symbolizes the report, takes the guilty file from the symbolized stack, disassembles the
  // Code: line and adds MAINTAINERS recipients.
  void AddDetails(const store::RunRow&, const store::BuildRow& build, history::Repository& repo,
                  report::BisectionResult& r) override {
    std::string symbolized = Symbolize(build, r.crash_report);
    if (symbolized != r.crash_report) {
      r.crash_report = std::move(symbolized);
      std::string guilty = crash::GuiltyFile(r.crash_report, r.title);
      if (!guilty.empty()) r.guilty_file = guilty;
    }
    for (std::string_view line : SplitLines(r.crash_report)) {
      size_t at = line.find("Code: ");
      if (at == std::string_view::npos) continue;
      std::string listing = report::DisassembleCodeLine(line.substr(at));
      if (!listing.empty()) r.disassembly = listing;
    }
    AddMaintainerRecipients(repo, r);
  }

  Result<std::unique_ptr<build::Builder>> MakeBuilder(history::Repository& repo) override {
    auto releases = repo.Releases();
    if (!releases) return tl::unexpected(releases.error());
    // The newest release a commit contains picks its compiler and config fix-ups. Builders run
    // on worker threads: they get a repository handle of their own, used under a lock, and
    // remember the answers.
    // With culprit's private store, so that an edited tree (a reverted culprit being verified)
    // gets the compiler and fix-ups of the commit it was made from.
    auto own = repo.private_store().empty()
                   ? history::OpenRepository(repo.path())
                   : history::OpenRepository(repo.path(), repo.private_store());
    if (!own) return tl::unexpected(own.error());
    std::shared_ptr<history::Repository> r = std::move(*own);
    auto memo = std::make_shared<std::map<std::string, std::string>>();
    auto mu = std::make_shared<std::mutex>();
    ReleaseOf release_of = [r, tags = *releases, memo, mu](const std::string& commit) {
      std::lock_guard lock(*mu);
      if (auto it = memo->find(commit); it != memo->end()) return it->second;
      std::string found;
      for (auto it = tags.rbegin(); it != tags.rend() && found.empty(); ++it) {
        auto contained = r->IsAncestor(it->commit, commit);
        if (contained && *contained) found = it->name;
      }
      (*memo)[commit] = found;
      return found;
    };
    return std::unique_ptr<build::Builder>(
        std::make_unique<KernelBuilder>(kernel_, state_dir_ / "kernel", std::move(release_of)));
  }

  Result<std::unique_ptr<run::Runner>> MakeRunner() override {
    if (kernel_.image) {  // the reproducer goes in over ssh
      return std::unique_ptr<run::Runner>(std::make_unique<KernelRunner>(kernel_, fs::path()));
    }
    // One initramfs per reproducer and VM settings, built once for the job.
    fs::path initramfs =
        state_dir_ /
        ("initramfs-" + build::BuildKey("initramfs", KernelTestRecipe(kernel_)).substr(0, 16) +
         ".cpio.gz");
    if (auto ok = PrepareInitramfs(kernel_, initramfs); !ok) return tl::unexpected(ok.error());
    return std::unique_ptr<run::Runner>(std::make_unique<KernelRunner>(kernel_, initramfs));
  }

 private:
  // Opened vmlinux DWARF by build key: the stack prior and the final report usually symbolize
  // against the same build, and loading a KASAN vmlinux's DWARF takes seconds.
  symbolize::Symbolizer* SymbolizerFor(const store::BuildRow& build) {
    if (auto it = symbolizers_.find(build.key); it != symbolizers_.end()) return it->second.get();
    if (!build.ok || build.out_dir.empty()) return nullptr;
    // DWARF names sources by the path the compiler was given: absolute, or relative to the
    // object directory beside the checkout ("../src/fs/proc/base.c").
    std::vector<std::string> prefixes;
    if (!build.source_dir.empty()) prefixes.push_back(build.source_dir);
    prefixes.push_back("../src");
    prefixes.push_back("../../worktree/src");
    auto opened = symbolize::OpenSymbolizer(fs::path(build.out_dir) / "vmlinux", prefixes);
    if (!opened) return nullptr;
    return (symbolizers_[build.key] = std::move(*opened)).get();
  }

  const JobConfig& config_;
  const KernelSettings& kernel_;
  fs::path state_dir_;
  std::optional<std::vector<ResolvedBackport>> backports_;
  RunPredicate predicate_;
  std::map<std::string, std::unique_ptr<symbolize::Symbolizer>> symbolizers_;
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

Result<void> PrepareInitramfs(const KernelSettings& kernel, const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path, ec)) return {};
  fs::path tmp = path;
  tmp += ".tmp";
  if (auto ok = run::BuildInitramfs(
          {.busybox = kernel.busybox, .reproducer = kernel.reproducer, .output = tmp});
      !ok)
    return ok;
  fs::rename(tmp, path, ec);
  if (ec) return Fail(ErrorKind::kIo, "cannot write " + path.string() + ": " + ec.message());
  return {};
}

std::unique_ptr<Target> MakeKernelTarget(const JobConfig& config, const fs::path& state_dir) {
  return std::make_unique<KernelTarget>(config, state_dir);
}

std::unique_ptr<Target> MakeTarget(const JobConfig& config, const fs::path& state_dir) {
  if (config.kernel) return MakeKernelTarget(config, state_dir);
  return MakeProgramTarget(config);
}

}  // namespace culprit::job
