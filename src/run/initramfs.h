// The initramfs the QEMU runner boots: a gzip-compressed newc cpio archive holding a static
// busybox and an /init script that mounts proc/sys/dev, prints stage markers, runs basic kernel
// tests, runs the reproducer and reboots (QEMU's -no-reboot turns that into an exit). What the
// markers mean for a run is left to ClassifyConsole (run/qemu_runner.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace culprit::run {

/// Lines /init prints on the console, in this order.
inline constexpr std::string_view kInitStartedMarker = "culprit: init started";
inline constexpr std::string_view kBasicTestsPassedMarker = "culprit: basic tests passed";
inline constexpr std::string_view kBasicTestsFailedMarker = "culprit: basic tests failed";
inline constexpr std::string_view kReproducerStartedMarker = "culprit: reproducer started";
inline constexpr std::string_view kReproducerFinishedMarker = "culprit: reproducer finished";

/// `script` with each placeholder of a marker above (@INIT@, @PASSED@, @FAILED@, @STARTED@,
/// @FINISHED@) replaced by the marker, wherever it stands: one spelling of the markers for
/// every /init culprit writes.
std::string WithMarkers(std::string script);

struct CpioEntry {
  enum class Type { kFile, kDirectory, kSymlink, kCharDevice };
  Type type = Type::kFile;
  std::string path;  ///< relative to the root, no leading '/': "bin/busybox"
  uint32_t permissions = 0644;
  std::string data;           ///< file contents, or the symlink's target
  uint32_t device_major = 0;  ///< kCharDevice only
  uint32_t device_minor = 0;
};

/// The entries as a newc ("070701") cpio archive, in the given order (parents before children),
/// ending with the TRAILER!!! entry. Deterministic: inodes numbered from 1, owner root, mtime 0.
std::string WriteCpioNewc(const std::vector<CpioEntry>& entries);

struct InitramfsSpec {
  std::filesystem::path busybox = "/bin/busybox";  ///< statically linked
  /// A static binary or a script with a #! line (busybox sh is /bin/sh); installed as /repro.
  std::filesystem::path reproducer;
  std::filesystem::path output;  ///< the .cpio.gz to write; its directory must exist
};

/// The /init script: mounts, markers, basic tests, /repro, reboot -f.
std::string InitScript();

/// Writes the archive (root dirs, /dev/console, busybox as /bin/busybox and /bin/sh, /init,
/// /repro) to `spec.output`, gzip-compressed with `gzip -n` (no name or time: reproducible).
/// Fails with kNotFound if busybox or the reproducer is missing, kIo if writing fails, kInfra if
/// gzip cannot run.
Result<void> BuildInitramfs(const InitramfsSpec& spec);

}  // namespace culprit::run
