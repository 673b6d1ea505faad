// The kernel job's real parts behind the pipeline's Builder and Runner interfaces: kernels
// built out of tree with a per-release compiler and config fix-ups, booted under QEMU with the
// reproducer in an initramfs, their consoles classified into the seed's run results.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "build/builder.h"
#include "job/job_config.h"
#include "run/runner.h"

namespace culprit::job {

/// Newest release tag a commit contains ("" if none); supplied by the job from its DAG.
using ReleaseOf = std::function<std::string(const std::string& commit)>;

/// The compiler and the options to disable for a commit containing `release`.
std::string PickCompiler(const KernelSettings& kernel, const std::string& release);
std::vector<std::string> PickDisabledOptions(const KernelSettings& kernel,
                                             const std::string& release);

/// Builds kernels; BuildSpec.command is ignored, CULPRIT_COMMIT picks compiler and fix-ups.
/// Object directories live under `work_dir`, one per compiler, so moves between commits are
/// incremental and ccache stays warm.
std::unique_ptr<build::Builder> MakeKernelBuilder(const KernelSettings& kernel,
                                                  std::filesystem::path work_dir,
                                                  ReleaseOf release_of);

/// Boots CULPRIT_OUT/bzImage with `initramfs`; RunSpec.command is ignored. The record's stage
/// says "boot failed" / "basic kernel testing failed" (exit 125: untestable) or names a hang.
std::unique_ptr<run::Runner> MakeKernelRunner(const KernelSettings& kernel,
                                              std::filesystem::path initramfs);

/// Writes the job's initramfs (busybox, /init, the reproducer) to `path` if it is missing.
Result<void> PrepareInitramfs(const KernelSettings& kernel, const std::filesystem::path& path);

/// The recipe part of cache keys: everything that changes what a kernel build produces / what a
/// VM run does, so that a changed config or reproducer never reuses stale results.
std::string KernelBuildRecipe(const KernelSettings& kernel);
std::string KernelTestRecipe(const KernelSettings& kernel);

}  // namespace culprit::job
