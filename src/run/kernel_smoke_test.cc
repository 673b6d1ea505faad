// kernel_smoke: builds one kernel commit with build::BuildKernel and boots it under QEMU with
// run::MakeQemuRunner, printing what a bisection log would (compiler, signature, run verdicts)
// and timings. A manual end-to-end check driven by scripts/kernel-e2e.sh; not part of ctest.
//
//   kernel_smoke --source TREE --config FILE --build-dir DIR --out DIR --reproducer FILE
//                [--runs N] [--boot-only]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "build/kernel_builder.h"
#include "crash/report.h"
#include "run/initramfs.h"
#include "run/qemu_runner.h"

namespace {

using namespace culprit;
namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int Usage() {
  std::fprintf(stderr,
               "usage: kernel_smoke --source TREE --config FILE --build-dir DIR --out DIR "
               "--reproducer FILE [--runs N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = {{"--runs", "1"}};
  for (int i = 1; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
  for (const char* f : {"--source", "--config", "--build-dir", "--out", "--reproducer"})
    if (!flags.count(f)) return Usage();
  const fs::path out = flags["--out"];

  build::KernelBuildSpec spec{.source_dir = flags["--source"],
                              .build_dir = flags["--build-dir"],
                              .out_dir = out,
                              .config = flags["--config"],
                              .log_path = out / "build.log"};
  Result<build::KernelBuildRecord> built = build::BuildKernel(spec);
  if (!built) {
    std::fprintf(stderr, "kernel_smoke: %s\n", built.error().message.c_str());
    return 1;
  }
  std::printf("compiler: %s\n", built->compiler.c_str());
  std::printf("build: %s in %.1f s (CC=%s)\n", built->ok ? "ok" : "failed", built->duration.count(),
              built->cc.c_str());
  if (!built->ok) {
    std::printf("build failed at %s (exit %d), see %s\n", built->failed_step.c_str(),
                built->exit_code, spec.log_path.c_str());
    return 3;
  }
  std::printf("kernel signature: %s\n", built->signature.c_str());

  const fs::path initramfs = out / "initramfs.cpio.gz";
  if (Result<void> r =
          run::BuildInitramfs({.reproducer = flags["--reproducer"], .output = initramfs});
      !r) {
    std::fprintf(stderr, "kernel_smoke: %s\n", r.error().message.c_str());
    return 1;
  }
  std::unique_ptr<run::VmRunner> runner = run::MakeQemuRunner();
  const int runs = std::stoi(flags["--runs"]);
  for (int i = 0; i < runs; ++i) {
    run::VmRunSpec vm{.kernel = built->bzimage,
                      .initramfs = initramfs,
                      .log_path = out / ("console-" + std::to_string(i) + ".log"),
                      .boot_timeout = std::chrono::seconds(120),
                      .run_timeout = std::chrono::seconds(120),
                      .no_output_timeout = std::chrono::seconds(60)};
    Result<run::VmRunRecord> rec = runner->Run(vm);
    if (!rec) {
      std::fprintf(stderr, "kernel_smoke: %s\n", rec.error().message.c_str());
      return 1;
    }
    std::string log = ReadFile(vm.log_path);
    crash::Report report = crash::Parse(log);
    run::ConsoleVerdict verdict =
        run::ClassifyConsole(log, report.crashed ? report.start : std::string::npos, *rec);
    std::string line(run::VmStageName(verdict.stage));
    if (report.crashed) line += ": " + report.title;
    std::printf("run #%d: %s\n", i, line.c_str());
    std::printf("  vm: %s, boot to init %.2f s, total %.2f s, exit %d signal %d%s%s%s\n",
                rec->kvm ? "kvm" : "tcg", rec->boot_duration.count(), rec->duration.count(),
                rec->exit_code, rec->signal, rec->boot_timed_out ? " boot-timeout" : "",
                rec->silent ? " silent" : "", rec->run_timed_out ? " run-timeout" : "");
  }
  return 0;
}
