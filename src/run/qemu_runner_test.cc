#include "run/qemu_runner.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "run/initramfs.h"

namespace culprit::run {
namespace {

namespace fs = std::filesystem;
constexpr size_t npos = std::string_view::npos;

const std::string kBoot =
    "[    0.000000] Linux version 6.1.0 (culprit@culprit) (gcc (Debian 12.2.0-14) 12.2.0)\n"
    "[    0.000000] Command line: console=ttyS0 oops=panic panic_on_warn=1 panic=-1\n"
    "[    0.812345] Run /init as init process\n";
const std::string kInit = "culprit: init started\r\n";
const std::string kBasic = "Linux version 6.1.0\nculprit: basic tests passed\n";
const std::string kStarted = "culprit: reproducer started\n";
const std::string kFinished = "culprit: reproducer finished: exit status 0\n";
const std::string kOops =
    "[    2.101010] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
    "[    2.101011] Kernel panic - not syncing: Fatal exception\n";

// One row per stage: a console log, where the caller's parser put the crash, how the VM ended.
struct StageCase {
  const char* name;
  std::string log;
  bool crash = false;  // the crash is kOops, wherever it appears in `log`
  VmRunRecord record;
  VmStage want;
};

class ClassifyConsoleTest : public testing::TestWithParam<StageCase> {};

TEST_P(ClassifyConsoleTest, Stage) {
  const StageCase& c = GetParam();
  size_t crash = c.crash ? c.log.find(kOops) : npos;
  ASSERT_TRUE(!c.crash || crash != npos) << "row " << c.name << " has no oops in its log";
  ConsoleVerdict v = ClassifyConsole(c.log, crash, c.record);
  EXPECT_EQ(VmStageName(v.stage), VmStageName(c.want));
  EXPECT_EQ(v.end, c.log.size());
  if (c.crash) {
    EXPECT_EQ(v.begin, crash);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ClassifyConsoleTest,
    testing::Values(StageCase{.name = "OopsDuringBoot",
                              .log = kBoot + kOops,
                              .crash = true,
                              .want = VmStage::kBootFailed},
                    StageCase{.name = "BootHang",
                              .log = kBoot,
                              .record = {.boot_timed_out = true},
                              .want = VmStage::kBootFailed},
                    StageCase{.name = "NoConsoleAtAll", .log = "", .want = VmStage::kBootFailed},
                    StageCase{.name = "OopsInBasicTests",
                              .log = kBoot + kInit + kOops,
                              .crash = true,
                              .want = VmStage::kBasicTestFailed},
                    StageCase{.name = "BasicTestsFailed",
                              .log = kBoot + kInit + "culprit: basic tests failed\n",
                              .want = VmStage::kBasicTestFailed},
                    StageCase{.name = "OopsAfterReproducerStarted",
                              .log = kBoot + kInit + kBasic + kStarted + kOops,
                              .crash = true,
                              .want = VmStage::kCrashed},
                    StageCase{.name = "OopsAfterReproducerFinished",
                              .log = kBoot + kInit + kBasic + kStarted + kFinished + kOops,
                              .crash = true,
                              .want = VmStage::kCrashed},
                    StageCase{.name = "Finished",
                              .log = kBoot + kInit + kBasic + kStarted + kFinished,
                              .want = VmStage::kOk},
                    StageCase{.name = "RanOutItsTime",
                              .log = kBoot + kInit + kBasic + kStarted + "tick\n",
                              .record = {.run_timed_out = true},
                              .want = VmStage::kOk},
                    StageCase{.name = "SilentAfterStart",
                              .log = kBoot + kInit + kBasic + kStarted,
                              .record = {.silent = true},
                              .want = VmStage::kNoOutput},
                    StageCase{.name = "VmDiedWithoutReport",
                              .log = kBoot + kInit + kBasic + kStarted,
                              .record = {.exit_code = 0},
                              .want = VmStage::kLostConnection},
                    // The kernel echoes its command line; a marker there is not /init's.
                    StageCase{.name = "MarkerOnlyMidLine",
                              .log = kBoot + "Kernel command line: x culprit: init started\n",
                              .want = VmStage::kBootFailed}),
    [](const testing::TestParamInfo<StageCase>& info) { return info.param.name; });

TEST(FindMarkersTest, LineStartsOnly) {
  std::string log = kInit + "xculprit: reproducer started\n" + kStarted;
  ConsoleMarkers m = FindMarkers(log);
  EXPECT_EQ(m.init_started, 0u);
  EXPECT_EQ(m.reproducer_started, log.rfind(kStarted));
  EXPECT_EQ(m.basic_tests_passed, npos);
  EXPECT_EQ(m.reproducer_finished, npos);
}

TEST(QemuArgvTest, TcgAndKvm) {
  VmRunSpec spec{.kernel = "/k/bzImage",
                 .initramfs = "/k/initramfs.cpio.gz",
                 .cpus = 2,
                 .memory_mb = 768,
                 .extra_cmdline = "kasan.fault=panic"};
  std::vector<std::string> tcg = QemuArgv(spec, false, "/tmp/q.pid");
  std::string joined;
  for (const std::string& a : tcg) joined += a + "|";
  EXPECT_EQ(tcg[0], "qemu-system-x86_64");
  EXPECT_NE(joined.find("|-accel|tcg|"), npos);
  EXPECT_NE(joined.find("|-m|768|-smp|2|-kernel|/k/bzImage|-initrd|/k/initramfs.cpio.gz|"), npos);
  EXPECT_NE(joined.find("|-no-reboot|"), npos);
  EXPECT_NE(joined.find("|-pidfile|/tmp/q.pid|"), npos);
  EXPECT_NE(joined.find("console=ttyS0"), npos);
  EXPECT_NE(joined.find("panic=-1 "), npos);
  EXPECT_NE(joined.find(" kasan.fault=panic|"), npos);
  std::vector<std::string> kvm = QemuArgv(spec, true, "/tmp/q.pid");
  EXPECT_EQ(kvm[1], "-accel");
  EXPECT_EQ(kvm[2], "kvm");
  EXPECT_EQ(kvm[4], "host");
}

TEST(QemuArgvTest, Arm64VirtBoard) {
  VmRunSpec spec{.kernel = "/k/Image", .initramfs = "/k/i.cpio.gz", .arch = "arm64"};
  std::vector<std::string> argv = QemuArgv(spec, /*kvm=*/true, "/tmp/q.pid");
  std::string joined;
  for (const std::string& a : argv) joined += a + "|";
  EXPECT_EQ(argv[0], "qemu-system-aarch64");
  EXPECT_NE(joined.find("|-M|virt|-cpu|cortex-a57|-accel|tcg|"), npos);  // never KVM
  EXPECT_NE(joined.find("console=ttyAMA0"), npos);
  EXPECT_EQ(joined.find("-vga"), npos);
}

TEST(QemuArgvTest, DiskImageOverSsh) {
  VmRunSpec spec{.kernel = "/k/bzImage",
                 .disk_image = "/i/disk.img",
                 .ssh_key = "/i/disk.img.key",
                 .ssh_port = 10022};
  std::vector<std::string> argv = QemuArgv(spec, false, "/tmp/q.pid");
  std::string joined;
  for (const std::string& a : argv) joined += a + "|";
  EXPECT_EQ(joined.find("-initrd"), npos);
  EXPECT_NE(joined.find("|-drive|file=/i/disk.img,format=raw,if=virtio,snapshot=on|"), npos);
  EXPECT_NE(joined.find("hostfwd=tcp:127.0.0.1:10022-:22"), npos);
  EXPECT_NE(joined.find("root=/dev/vda rw init=/init"), npos);
  EXPECT_EQ(joined.find("rdinit"), npos);
  std::vector<std::string> ssh = SshArgv(spec, "true");
  EXPECT_EQ(ssh.front(), "ssh");
  EXPECT_EQ(ssh[1], "-p");
  EXPECT_EQ(ssh[2], "10022");
  EXPECT_EQ(ssh[ssh.size() - 2], "root@127.0.0.1");
  EXPECT_EQ(ssh.back(), "true");
}

// The runner against a fake QEMU: a script that writes its -pidfile and then behaves as a row
// says (boots and finishes, never boots, goes silent), with timeouts of a second or two.
class QemuRunnerTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/culprit-qemu-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    std::ofstream(dir_ / "bzImage") << "kernel";
    std::ofstream(dir_ / "initramfs") << "initramfs";
  }
  void TearDown() override { fs::remove_all(dir_); }

  VmRunSpec Spec(const std::string& behaviour) {
    fs::path qemu = dir_ / "fake-qemu";
    std::ofstream(qemu) << "#!/bin/sh\n"
                           "while [ $# -gt 0 ]; do\n"
                           "  if [ \"$1\" = -pidfile ]; then echo $$ > \"$2\"; fi; shift\n"
                           "done\n"
                        << behaviour << "\n";
    chmod(qemu.c_str(), 0755);
    return {.kernel = dir_ / "bzImage",
            .initramfs = dir_ / "initramfs",
            .log_path = dir_ / "logs/console.log",
            .qemu = qemu.string(),
            .accelerator = Accelerator::kTcg,
            .boot_timeout = std::chrono::seconds(1),
            .run_timeout = std::chrono::seconds(3),
            .no_output_timeout = std::chrono::seconds(1),
            .exit_grace = std::chrono::milliseconds(500)};
  }
  std::string Log() {
    std::ifstream in(dir_ / "logs/console.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
  std::unique_ptr<VmRunner> runner_ = MakeQemuRunner();
};

TEST_F(QemuRunnerTest, BootsRunsAndExits) {
  Result<VmRunRecord> r = runner_->Run(Spec(
      "echo 'culprit: init started'; echo 'culprit: basic tests passed';"
      " echo 'culprit: reproducer started'; echo 'culprit: reproducer finished: exit status 0'"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_FALSE(r->boot_timed_out || r->silent || r->run_timed_out);
  EXPECT_GT(r->boot_duration.count(), 0);
  EXPECT_EQ(ClassifyConsole(Log(), npos, *r).stage, VmStage::kOk);
  EXPECT_NE(r->command_line.find("-accel tcg"), npos);
}

TEST_F(QemuRunnerTest, KillsAVmThatNeverBoots) {
  Result<VmRunRecord> r = runner_->Run(Spec("echo booting; sleep 30"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->boot_timed_out);
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_LT(r->duration.count(), 10);
  EXPECT_EQ(ClassifyConsole(Log(), npos, *r).stage, VmStage::kBootFailed);
}

TEST_F(QemuRunnerTest, KillsASilentVm) {
  Result<VmRunRecord> r =
      runner_->Run(Spec("echo 'culprit: init started'; echo 'culprit: basic tests passed';"
                        " echo 'culprit: reproducer started'; sleep 30"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->silent);
  EXPECT_LT(r->duration.count(), 10);
  EXPECT_EQ(ClassifyConsole(Log(), npos, *r).stage, VmStage::kNoOutput);
}

TEST_F(QemuRunnerTest, StopsAReproducerAtTheRunTimeout) {
  Result<VmRunRecord> r = runner_->Run(
      Spec("echo 'culprit: init started'; echo 'culprit: basic tests passed';"
           " echo 'culprit: reproducer started'; while :; do echo tick; sleep 0.2; done"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->run_timed_out);
  EXPECT_FALSE(r->silent);
  EXPECT_EQ(ClassifyConsole(Log(), npos, *r).stage, VmStage::kOk);
}

TEST_F(QemuRunnerTest, LostConnectionWhenTheVmExitsEarly) {
  Result<VmRunRecord> r =
      runner_->Run(Spec("echo 'culprit: init started'; echo 'culprit: basic tests passed';"
                        " echo 'culprit: reproducer started'; exit 1"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_EQ(ClassifyConsole(Log(), npos, *r).stage, VmStage::kLostConnection);
}

TEST_F(QemuRunnerTest, MissingKernelIsAnError) {
  VmRunSpec spec = Spec("true");
  spec.kernel = dir_ / "nope";
  Result<VmRunRecord> r = runner_->Run(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace culprit::run
