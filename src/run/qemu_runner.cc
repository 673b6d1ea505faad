#include "run/qemu_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <fstream>
#include <optional>
#include <system_error>
#include <thread>

#include "process/subprocess.h"
#include "run/initramfs.h"
#include "run/vm_ssh.h"

namespace culprit::run {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

constexpr auto kPollInterval = std::chrono::milliseconds(50);
// QEMU's own timeout is a backstop for a watcher that could not kill it (no pidfile).
constexpr Seconds kBackstopMargin{30};

std::string Join(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) {
    if (!s.empty()) s += ' ';
    s += a.find_first_of(" \"'") == std::string::npos ? a : "'" + a + "'";
  }
  return s;
}

size_t FindAtLineStart(std::string_view log, std::string_view marker) {
  for (size_t pos = log.find(marker); pos != std::string_view::npos;
       pos = log.find(marker, pos + 1)) {
    if (pos == 0 || log[pos - 1] == '\n' || log[pos - 1] == '\r') return pos;
  }
  return std::string_view::npos;
}

// Follows the growing console log: new bytes, and which markers have appeared so far. Markers
// are searched in the new bytes plus a carry-over, so one split across two reads is found.
class ConsoleFollower {
 public:
  explicit ConsoleFollower(fs::path path) : path_(std::move(path)) {}

  /// Reads what was appended since the last call; true if anything was.
  bool Poll() {
    if (!in_.is_open()) {
      in_.open(path_, std::ios::binary);
      if (!in_.is_open()) return false;
    }
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(offset_));
    std::array<char, 64 << 10> buffer;
    bool grew = false;
    while (in_.read(buffer.data(), buffer.size()) || in_.gcount() > 0) {
      size_t n = static_cast<size_t>(in_.gcount());
      offset_ += n;
      grew = true;
      window_.append(buffer.data(), n);
      markers_ = Merge(markers_, window_);
      kernel_started_ = kernel_started_ || window_.find("Linux version ") != std::string::npos;
      if (window_.size() > kCarry) window_.erase(0, window_.size() - kCarry);
      if (n < buffer.size()) break;
    }
    return grew;
  }
  const ConsoleMarkers& markers() const { return markers_; }
  /// The kernel printed its banner.
  bool kernel_started() const { return kernel_started_; }

 private:
  static constexpr size_t kCarry = 128;
  // Offsets are meaningless here (the window moves); only presence counts.
  static ConsoleMarkers Merge(ConsoleMarkers seen, std::string_view window) {
    ConsoleMarkers now = FindMarkers(window);
    auto merge = [](size_t& a, size_t b) {
      if (a == std::string_view::npos) a = b;
    };
    merge(seen.init_started, now.init_started);
    merge(seen.basic_tests_passed, now.basic_tests_passed);
    merge(seen.basic_tests_failed, now.basic_tests_failed);
    merge(seen.reproducer_started, now.reproducer_started);
    merge(seen.reproducer_finished, now.reproducer_finished);
    return seen;
  }

  fs::path path_;
  std::ifstream in_;
  uint64_t offset_ = 0;
  std::string window_ = "\n";  // the log's start counts as a line start
  ConsoleMarkers markers_;
  bool kernel_started_ = false;
};

// Holds QEMU by a pidfd taken from its pidfile while it is still our unreaped child, so a
// kill can never reach a recycled pid.
class VmHandle {
 public:
  VmHandle(fs::path pidfile, const std::atomic<bool>& done)
      : pidfile_(std::move(pidfile)), done_(done) {}
  ~VmHandle() {
    if (pidfd_ >= 0) close(pidfd_);
  }
  void TryOpen() {
    if (pidfd_ >= 0 || done_) return;
    std::ifstream in(pidfile_);
    pid_t pid = 0;
    if (!(in >> pid) || pid <= 0) return;
    int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (fd >= 0 && !done_)
      pidfd_ = fd;
    else if (fd >= 0)
      close(fd);
  }
  /// SIGKILL to QEMU; RunSubprocess then reaps it and takes down the rest of its group.
  bool Kill() {
    TryOpen();
    if (pidfd_ < 0) return false;
    return syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0) == 0;
  }

 private:
  fs::path pidfile_;
  const std::atomic<bool>& done_;
  int pidfd_ = -1;
};

enum class KillReason { kNone, kBoot, kSilence, kRunTimeout, kFinished, kKvmProbe, kNoSsh };

// /dev/kvm can open in sandboxes whose KVM cannot run a guest (QEMU aborts setting MSRs, or
// the guest never prints). Under Accelerator::kAuto a KVM boot that shows no kernel banner
// this soon is abandoned and retried under TCG, and KVM is not tried again by this process.
constexpr Seconds kKvmProbeTimeout{15};
std::atomic<bool> kvm_broken{false};

// Watches the console until QEMU is gone, killing it at the first limit it hits.
// `no_ssh`: the ssh side gave up (disk images): the VM is of no more use.
KillReason Watch(const VmRunSpec& spec, bool kvm_probe, const std::atomic<bool>& done,
                 const std::atomic<bool>& no_ssh, VmHandle& vm, ConsoleFollower& console,
                 Seconds* boot_duration) {
  const Clock::time_point start = Clock::now();
  Clock::time_point last_output = start;
  std::optional<Clock::time_point> init_at, finished_at;
  KillReason reason = KillReason::kNone;
  while (!done) {
    std::this_thread::sleep_for(kPollInterval);
    vm.TryOpen();
    const Clock::time_point now = Clock::now();
    if (console.Poll()) last_output = now;
    const ConsoleMarkers& m = console.markers();
    if (!init_at && m.init_started != std::string_view::npos) {
      init_at = now;
      *boot_duration = now - start;
    }
    if (!finished_at && m.reproducer_finished != std::string_view::npos) finished_at = now;
    KillReason due = KillReason::kNone;
    if (kvm_probe && !console.kernel_started()) {
      if (now - start > kKvmProbeTimeout) due = KillReason::kKvmProbe;
    } else if (finished_at) {
      if (now - *finished_at > spec.exit_grace) due = KillReason::kFinished;
    } else if (no_ssh) {
      due = KillReason::kNoSsh;
    } else if (!init_at) {
      if (now - start > spec.boot_timeout) due = KillReason::kBoot;
    } else if (now - last_output > spec.no_output_timeout) {
      due = KillReason::kSilence;
    } else if (now - *init_at > spec.run_timeout) {
      due = KillReason::kRunTimeout;
    }
    if (due != KillReason::kNone && reason == KillReason::kNone && vm.Kill()) reason = due;
  }
  console.Poll();
  if (kvm_probe && !console.kernel_started()) return KillReason::kKvmProbe;
  return reason;
}

class QemuRunner : public VmRunner {
 public:
  Result<VmRunRecord> Run(const VmRunSpec& spec) override {
    std::vector<fs::path> inputs = {spec.kernel};
    if (spec.disk_image.empty()) {
      inputs.push_back(spec.initramfs);
    } else {
      inputs.insert(inputs.end(), {spec.disk_image, spec.ssh_key, spec.reproducer});
    }
    for (const fs::path& p : inputs) {
      if (!fs::is_regular_file(p))
        return Fail(ErrorKind::kNotFound, "missing VM input '" + p.string() + "'");
    }
    std::error_code ec;
    if (spec.log_path.has_parent_path()) fs::create_directories(spec.log_path.parent_path(), ec);
    if (ec) {
      return Fail(ErrorKind::kIo, "cannot create log directory '" +
                                      spec.log_path.parent_path().string() + "': " + ec.message());
    }
    const fs::path pidfile = spec.log_path.string() + ".qemu.pid";
    fs::remove(pidfile, ec);

    const bool auto_kvm = spec.accelerator == Accelerator::kAuto && spec.arch != "arm64" &&
                          !kvm_broken && KvmUsable();
    if (auto_kvm) {
      Result<VmRunRecord> record = RunOnce(spec, pidfile, true, true);
      if (!record || record->kvm) return record;
      kvm_broken = true;  // RunOnce saw no kernel banner under KVM: fall back to TCG
    }
    return RunOnce(spec, pidfile, spec.accelerator == Accelerator::kKvm, false);
  }

 private:
  Result<VmRunRecord> RunOnce(const VmRunSpec& given, const fs::path& pidfile, bool kvm,
                              bool kvm_probe) {
    std::error_code ec;
    fs::remove(pidfile, ec);
    VmRunRecord record;
    record.kvm = kvm;
    VmRunSpec spec = given;
    if (!spec.disk_image.empty() && spec.ssh_port == 0) {
      spec.ssh_port = FreeLoopbackPort();
      if (spec.ssh_port == 0) return Fail(ErrorKind::kInfra, "no free loopback port for ssh");
    }
    std::vector<std::string> argv = QemuArgv(spec, record.kvm, pidfile);
    record.command_line = Join(argv);

    std::atomic<bool> done{false};
    std::optional<Result<process::SubprocessRecord>> qemu;
    std::thread thread([&] {
      qemu = process::RunSubprocess({
          .argv = argv,
          .log_path = spec.log_path,
          .max_output_bytes = spec.max_output_bytes,
          .timeout = spec.boot_timeout + spec.run_timeout + spec.exit_grace + kBackstopMargin,
          .kill_grace = Seconds(1),
          .stop = spec.stop,
      });
      done = true;
    });
    // Disk images: the reproducer goes in over ssh once the guest's sshd answers.
    std::atomic<bool> no_ssh{false};
    std::stop_source ssh_stop;
    std::thread ssh;
    if (!spec.disk_image.empty()) {
      ssh = std::thread([&] {
        std::string error;
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 spec.boot_timeout + spec.run_timeout);
        if (!RunReproducerOverSsh(spec, deadline, ssh_stop.get_token(), &error)) no_ssh = true;
      });
    }
    VmHandle vm(pidfile, done);
    ConsoleFollower console(spec.log_path);
    KillReason reason = Watch(spec, kvm_probe, done, no_ssh, vm, console, &record.boot_duration);
    thread.join();
    ssh_stop.request_stop();
    if (ssh.joinable()) ssh.join();
    fs::remove(pidfile, ec);
    if (!*qemu) return Wrap(qemu->error(), "running '" + spec.qemu + "'");
    if (reason == KillReason::kKvmProbe) {
      record.kvm = false;  // tells Run to retry under TCG
      return record;
    }

    const process::SubprocessRecord& r = **qemu;
    record.exit_code = r.exit_code;
    record.signal = r.signal;
    record.output_truncated = r.output_truncated;
    record.cancelled = r.cancelled;
    record.duration = r.duration;
    record.boot_timed_out = reason == KillReason::kBoot ||
                            (reason == KillReason::kNoSsh && record.boot_duration.count() == 0);
    record.silent = reason == KillReason::kSilence;
    record.run_timed_out =
        reason == KillReason::kRunTimeout || (r.timed_out && reason == KillReason::kNone);
    return record;
  }
};

}  // namespace

std::unique_ptr<VmRunner> MakeQemuRunner() { return std::make_unique<QemuRunner>(); }

bool KvmUsable() {
  int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

std::string KernelCmdline(std::string_view extra) {
  VmRunSpec spec;
  spec.extra_cmdline = std::string(extra);
  return KernelCmdline(spec);
}

std::string KernelCmdline(const VmRunSpec& spec) {
  std::string s = spec.arch == "arm64" ? "console=ttyAMA0" : "console=ttyS0";
  s += " oops=panic panic_on_warn=1 panic=-1 nokaslr ";
  s += spec.disk_image.empty() ? "rdinit=/init" : "root=/dev/vda rw init=/init";
  s += " printk.devkmsg=on";
  if (!spec.extra_cmdline.empty()) {
    s += ' ';
    s += spec.extra_cmdline;
  }
  return s;
}

std::vector<std::string> QemuArgv(const VmRunSpec& spec, bool kvm, const fs::path& pidfile) {
  const bool arm64 = spec.arch == "arm64";
  std::vector<std::string> argv = {!spec.qemu.empty() ? spec.qemu
                                   : arm64            ? "qemu-system-aarch64"
                                                      : "qemu-system-x86_64"};
  if (arm64) argv.insert(argv.end(), {"-M", "virt", "-cpu", "cortex-a57"});
  if (kvm && !arm64) {
    argv.insert(argv.end(), {"-accel", "kvm", "-cpu", "host"});
  } else {
    argv.insert(argv.end(), {"-accel", "tcg"});
  }
  argv.insert(argv.end(), {"-m", std::to_string(spec.memory_mb), "-smp", std::to_string(spec.cpus),
                           "-kernel", spec.kernel.string()});
  if (spec.disk_image.empty()) {
    argv.insert(argv.end(), {"-initrd", spec.initramfs.string()});
  } else {
    // snapshot=on: writes go to a temporary overlay, so VMs share the image and never change
    // it; user networking forwards a loopback port to the guest's sshd.
    argv.insert(
        argv.end(),
        {"-drive", "file=" + spec.disk_image.string() + ",format=raw,if=virtio,snapshot=on",
         "-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:" + std::to_string(spec.ssh_port) + "-:22",
         "-device", "virtio-net-pci,netdev=net0"});
  }
  argv.insert(argv.end(), {"-append", KernelCmdline(spec),
                           // The serial console on stdout (RunSubprocess's log); no monitor,
                           // no display, and a guest reboot (also panic=-1) ends QEMU.
                           "-display", "none"});
  if (!arm64) argv.insert(argv.end(), {"-vga", "none"});
  argv.insert(argv.end(),
              {"-serial", "stdio", "-monitor", "none", "-no-reboot", "-pidfile", pidfile.string()});
  return argv;
}

std::vector<std::string> SshArgv(const VmRunSpec& spec, const std::string& remote) {
  return {"ssh",
          "-p",
          std::to_string(spec.ssh_port),
          "-i",
          spec.ssh_key.string(),
          "-o",
          "StrictHostKeyChecking=no",
          "-o",
          "UserKnownHostsFile=/dev/null",
          "-o",
          "BatchMode=yes",
          "-o",
          "ConnectTimeout=5",
          "-o",
          "LogLevel=ERROR",
          "root@127.0.0.1",
          remote};
}

std::string_view VmStageName(VmStage stage) {
  switch (stage) {
    case VmStage::kBootFailed:
      return "boot failed";
    case VmStage::kBasicTestFailed:
      return "basic kernel testing failed";
    case VmStage::kCrashed:
      return "crashed";
    case VmStage::kOk:
      return "OK";
    case VmStage::kNoOutput:
      return "no output from test machine";
    case VmStage::kLostConnection:
      return "lost connection to test machine";
  }
  return "unknown";
}

ConsoleMarkers FindMarkers(std::string_view log) {
  return {.init_started = FindAtLineStart(log, kInitStartedMarker),
          .basic_tests_passed = FindAtLineStart(log, kBasicTestsPassedMarker),
          .basic_tests_failed = FindAtLineStart(log, kBasicTestsFailedMarker),
          .reproducer_started = FindAtLineStart(log, kReproducerStartedMarker),
          .reproducer_finished = FindAtLineStart(log, kReproducerFinishedMarker)};
}

ConsoleVerdict ClassifyConsole(std::string_view log, size_t crash_offset,
                               const VmRunRecord& record) {
  constexpr size_t npos = std::string_view::npos;
  const ConsoleMarkers m = FindMarkers(log);
  const size_t end = log.size();
  if (crash_offset != npos && crash_offset < end) {
    if (m.init_started == npos || crash_offset < m.init_started)
      return {VmStage::kBootFailed, crash_offset, end};
    if (m.reproducer_started == npos || crash_offset < m.reproducer_started)
      return {VmStage::kBasicTestFailed, crash_offset, end};
    return {VmStage::kCrashed, crash_offset, end};
  }
  if (m.init_started == npos) return {VmStage::kBootFailed, 0, end};
  if (m.reproducer_started == npos) {
    size_t from = m.basic_tests_failed != npos ? m.basic_tests_failed : m.init_started;
    return {VmStage::kBasicTestFailed, from, end};
  }
  if (m.reproducer_finished != npos) return {VmStage::kOk, m.reproducer_finished, end};
  if (record.silent) return {VmStage::kNoOutput, m.reproducer_started, end};
  if (record.run_timed_out) return {VmStage::kOk, m.reproducer_started, end};
  return {VmStage::kLostConnection, m.reproducer_started, end};
}

}  // namespace culprit::run
