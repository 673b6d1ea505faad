// A Linux kernel job (a [kernel] table): kernels built out of tree with a per-release compiler
// and config fix-ups, booted under QEMU with the reproducer in an initramfs, their consoles
// classified into the seed's run results; after the conclusion the report is symbolized from
// the build's vmlinux, its Code: line disassembled, and MAINTAINERS names recipients.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "job/target.h"

namespace culprit::job {

/// The kernel target of `config` (which has a [kernel] table).
std::unique_ptr<Target> MakeKernelTarget(const JobConfig& config,
                                         const std::filesystem::path& state_dir);

/// The compiler and the options to disable for a commit containing `release`.
std::string PickCompiler(const KernelSettings& kernel, const std::string& release);
std::vector<std::string> PickDisabledOptions(const KernelSettings& kernel,
                                             const std::string& release);

/// Writes the job's initramfs (busybox, /init, the reproducer) to `path` if it is missing.
Result<void> PrepareInitramfs(const KernelSettings& kernel, const std::filesystem::path& path);

}  // namespace culprit::job
