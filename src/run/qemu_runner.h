// Boots a kernel under QEMU with an initramfs that runs the reproducer (run/initramfs.h),
// captures the serial console to the run's log and bounds the VM: a boot timeout (no init
// marker in time), a run timeout, a silence timeout; the VM is always reaped. Where a console
// log went wrong is ClassifyConsole, a pure function; naming the crash in it is left to crash/
// (the caller passes the crash's offset), mapping stages to outcomes to job/.
//
// A sibling of run::Runner rather than an implementation: a VM run needs a kernel and an
// initramfs, not a shell command, and says more than an exit status.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace culprit::run {

enum class Accelerator { kAuto, kKvm, kTcg };

struct VmRunSpec {
  std::filesystem::path kernel;     ///< bzImage (x86_64) or Image (arm64)
  std::filesystem::path initramfs;  ///< from BuildInitramfs; unused with a disk image
  std::filesystem::path log_path;   ///< the serial console and QEMU's own messages
  /// "x86_64" (a PC, console ttyS0) or "arm64" (QEMU's virt board with a Cortex-A57, console
  /// ttyAMA0, always TCG).
  std::string arch = "x86_64";
  std::string qemu;  ///< empty: qemu-system-x86_64 or qemu-system-aarch64 by `arch`
  /// Set: boot from this raw disk image (root on a virtio disk, QEMU's snapshot mode so that
  /// runs never change it) whose init prints the stage markers and starts sshd; the
  /// reproducer is copied in and run over ssh as root with `ssh_key`.
  std::filesystem::path disk_image;
  std::filesystem::path ssh_key;
  std::filesystem::path reproducer;  ///< with a disk image: installed as /repro and run
  int ssh_port = 0;  ///< with a disk image: the host port forwarded to the guest's 22
  Accelerator accelerator = Accelerator::kAuto;  ///< kAuto: KVM when /dev/kvm opens, else TCG
  int cpus = 1;
  int memory_mb = 512;
  std::string extra_cmdline;  ///< appended to KernelCmdline()
  /// From QEMU's start to the init marker.
  std::chrono::duration<double> boot_timeout{120};
  /// From the init marker to the end: a reproducer still running then has not crashed the VM.
  std::chrono::duration<double> run_timeout{300};
  /// Silence after the init marker that counts as a hung machine.
  std::chrono::duration<double> no_output_timeout{120};
  /// How long a VM that printed the finished marker may take to exit before it is killed.
  std::chrono::duration<double> exit_grace{5};
  uint64_t max_output_bytes = 64ull << 20;
  std::stop_token stop;  ///< a stop request kills the VM
};

struct VmRunRecord {
  bool kvm = false;             ///< ran with KVM (else TCG)
  std::string command_line;     ///< the QEMU invocation, for the log
  int exit_code = -1;           ///< QEMU's; -1 when it was killed
  int signal = 0;               ///< the signal that ended QEMU, 0 if it exited
  bool boot_timed_out = false;  ///< killed: no init marker within boot_timeout
  bool run_timed_out = false;   ///< killed at run_timeout with output still flowing
  bool silent = false;          ///< killed after no_output_timeout of silence
  bool output_truncated = false;
  bool cancelled = false;                          ///< killed on a stop request
  std::chrono::duration<double> boot_duration{0};  ///< to the init marker; 0 if never seen
  std::chrono::duration<double> duration{0};
};

class VmRunner {
 public:
  virtual ~VmRunner() = default;
  /// A VM that crashes, hangs or never boots still yields a VmRunRecord; an Error means the VM
  /// could not be started (QEMU missing, kernel missing, log not writable).
  virtual Result<VmRunRecord> Run(const VmRunSpec& spec) = 0;
};

std::unique_ptr<VmRunner> MakeQemuRunner();

/// True if /dev/kvm can be opened read-write.
bool KvmUsable();

/// The kernel command line: serial console, syzbot's oops=panic panic_on_warn=1, and panic=-1
/// so that a panic reboots at once (QEMU exits under -no-reboot), then `extra`.
std::string KernelCmdline(std::string_view extra);
/// The same for `spec`: its architecture's console, and root on the disk when it has one.
std::string KernelCmdline(const VmRunSpec& spec);

/// The ssh command line (argv) that runs `remote` as root in the VM of `spec`.
std::vector<std::string> SshArgv(const VmRunSpec& spec, const std::string& remote);

/// QEMU's argv for `spec` (pure). `pidfile` lets the runner kill the VM before its own timeout.
std::vector<std::string> QemuArgv(const VmRunSpec& spec, bool kvm,
                                  const std::filesystem::path& pidfile);

/// Where a run ended up, as syzbot names it in bisection logs.
enum class VmStage {
  kBootFailed,       ///< crash or silence before the init marker: "boot failed: TITLE"
  kBasicTestFailed,  ///< crash or failure before the reproducer: "basic kernel testing failed"
  kCrashed,          ///< crash after the reproducer started: "crashed: TITLE"
  kOk,               ///< the reproducer finished (or ran out its time) without a crash
  kNoOutput,         ///< silence after the reproducer started: "no output from test machine"
  kLostConnection,   ///< the VM died without a crash: "lost connection to test machine"
};

std::string_view VmStageName(VmStage stage);

/// Byte offsets of /init's markers in a console log (npos when absent).
struct ConsoleMarkers {
  size_t init_started = std::string_view::npos;
  size_t basic_tests_passed = std::string_view::npos;
  size_t basic_tests_failed = std::string_view::npos;
  size_t reproducer_started = std::string_view::npos;
  size_t reproducer_finished = std::string_view::npos;
};

/// The first occurrence of each marker at the start of a line (console lines may end in "\r").
ConsoleMarkers FindMarkers(std::string_view log);

struct ConsoleVerdict {
  VmStage stage = VmStage::kOk;
  size_t begin = 0;  ///< the span of the log the stage is about: from the crash (crash stages),
  size_t end = 0;    ///< from the last marker reached (others); to the end of the log
};

/// The stage of a run from its console log, the offset of its first crash as found by the
/// caller's parser (crash::Report::start; npos when the log holds none) and how the VM ended.
/// A crash is placed by the markers before it; without one, the markers reached and the
/// record's kill reason decide (a boot timeout is kBootFailed, silence kNoOutput, a reproducer
/// still running at run_timeout kOk, a VM gone before the finished marker kLostConnection).
ConsoleVerdict ClassifyConsole(std::string_view log, size_t crash_offset,
                               const VmRunRecord& record);

}  // namespace culprit::run
