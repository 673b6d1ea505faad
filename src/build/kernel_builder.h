// Builds one Linux kernel commit: out of tree (O=, the checkout stays clean), from the job's
// .config brought forward with `make olddefconfig`, with reproducible settings and one stable
// compiler per build directory (so that moving between commits rebuilds only what changed).
// Outputs bzImage, vmlinux and the final .config, the compiler line and the kernel signature.
// Choosing commits, configs and compilers per release is left to job/.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "base/result.h"

namespace culprit::build {

struct KernelBuildSpec {
  std::filesystem::path source_dir;  ///< the checkout; never written to
  /// Object directory (make O=), kept between builds for incremental rebuilds; created if
  /// missing. Use one per compiler: switching CC there rebuilds everything.
  std::filesystem::path build_dir;
  std::filesystem::path out_dir;  ///< created; receives bzImage, vmlinux, kernel.config
  std::filesystem::path config;   ///< the job's .config
  /// Per-release fix-ups: options turned off before olddefconfig ("KASAN" or "CONFIG_KASAN").
  std::vector<std::string> disable_options;
  /// "x86_64", or "arm64" (ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-, target Image).
  std::string arch = "x86_64";
  std::string compiler = "gcc";            ///< CC; its --version names the compiler line
  bool use_ccache = true;                  ///< CC="ccache <compiler>" when ccache is on PATH
  std::string linker = "ld";               ///< only for the compiler line (arm64: cross ld)
  int jobs = 0;                            ///< make -j; 0: the number of CPUs
  std::filesystem::path log_path;          ///< olddefconfig and build output
  std::map<std::string, std::string> env;  ///< extra variables (CCACHE_DIR, ...)
  std::chrono::seconds timeout{3600};
  std::stop_token stop;  ///< a stop request kills make at once
};

struct KernelBuildRecord {
  bool ok = false;     ///< bzImage and vmlinux built
  int exit_code = -1;  ///< of the failing (or last) make; -1 if killed
  bool timed_out = false;
  bool cancelled = false;   ///< stopped on request
  std::string failed_step;  ///< "olddefconfig" or "build" when !ok
  /// "compiler: gcc (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40" minus the
  /// "compiler: " prefix, as syzbot prints it.
  std::string compiler;
  std::string cc;                 ///< the CC make got: "ccache gcc"
  std::string signature;          ///< KernelSignature(vmlinux) when ok
  std::filesystem::path bzimage;  ///< in out_dir, when ok: bzImage, or arm64's Image
  std::filesystem::path vmlinux;  ///< in out_dir, when ok
  std::chrono::duration<double> duration{0};
};

/// A failed build is data (ok == false); an Error means the build could not be attempted:
/// missing source or config (kNotFound), make/compiler not runnable (kInfra), disk (kIo).
Result<KernelBuildRecord> BuildKernel(const KernelBuildSpec& spec);

/// The make variables of a build (pure): O=, CC=, -j, fixed KBUILD_BUILD_TIMESTAMP/USER/HOST
/// and an empty LOCALVERSION (no "+" for a git tree), then `targets`.
std::vector<std::string> KernelMakeArgv(const KernelBuildSpec& spec, const std::string& cc,
                                        int jobs, const std::vector<std::string>& targets);

/// The boot image a build of `arch` outputs in out_dir: "bzImage" (x86_64) or "Image" (arm64).
std::string KernelImageName(std::string_view arch);

/// "<first line of cc --version>, <first line of ld --version>".
std::string CompilerLine(std::string_view cc_version, std::string_view ld_version);

}  // namespace culprit::build
