#include "run/initramfs.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "process/subprocess.h"

namespace culprit::run {
namespace {

namespace fs = std::filesystem;
using T = CpioEntry::Type;

bool OnPath(const char* program) {
  std::string cmd = std::string("command -v ") + program + " >/dev/null 2>&1";
  return system(cmd.c_str()) == 0;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class InitramfsTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/culprit-initramfs-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `command` through the shell with its output; the test fails if it exits non-zero.
  std::string Shell(const std::string& command) {
    Result<process::SubprocessRecord> r =
        process::RunSubprocess({.command = command,
                                .cwd = dir_,
                                .log_path = dir_ / "shell.log",
                                .timeout = std::chrono::seconds(30)});
    EXPECT_TRUE(r && r->exit_code == 0) << command << ": " << ReadFile(dir_ / "shell.log");
    return ReadFile(dir_ / "shell.log");
  }

  fs::path dir_;
};

TEST_F(InitramfsTest, NewcHeaderLayout) {
  std::string a =
      WriteCpioNewc({{.type = T::kFile, .path = "init", .permissions = 0755, .data = "hi"}});
  // 110-byte header, "init\0" padded to 4 (115 -> 116), 2 data bytes padded to 4 (120).
  ASSERT_GE(a.size(), 120u);
  EXPECT_EQ(a.substr(0, 6), "070701");
  EXPECT_EQ(a.substr(6, 8), "00000001");   // ino
  EXPECT_EQ(a.substr(14, 8), "000081ED");  // regular file, 0755
  EXPECT_EQ(a.substr(54, 8), "00000002");  // file size
  EXPECT_EQ(a.substr(94, 8), "00000005");  // name size with NUL
  EXPECT_EQ(a.substr(110, 5), std::string("init\0", 5));
  EXPECT_EQ(a.substr(116, 2), "hi");
  EXPECT_EQ(a.substr(120, 6), "070701");  // the trailer starts aligned
  EXPECT_NE(a.find("TRAILER!!!"), std::string::npos);
  EXPECT_EQ(a.size() % 4, 0u);
}

TEST_F(InitramfsTest, CpioReadsItBack) {
  if (!OnPath("cpio")) GTEST_SKIP() << "cpio not installed";
  std::string a = WriteCpioNewc({
      {.type = T::kDirectory, .path = "bin", .permissions = 0755},
      {.type = T::kFile, .path = "bin/hello", .permissions = 0755, .data = "#!/bin/sh\necho hi\n"},
      {.type = T::kSymlink, .path = "bin/sh", .permissions = 0777, .data = "busybox"},
      {.type = T::kCharDevice,
       .path = "dev-console",
       .permissions = 0600,
       .device_major = 5,
       .device_minor = 1},
  });
  std::ofstream(dir_ / "a.cpio", std::ios::binary) << a;
  EXPECT_EQ(Shell("cpio -it --quiet < a.cpio"), "bin\nbin/hello\nbin/sh\ndev-console\n");
  std::string long_list = Shell("cpio -itv --quiet < a.cpio");
  EXPECT_NE(long_list.find("bin/sh -> busybox"), std::string::npos) << long_list;
  EXPECT_NE(long_list.find("crw-------"), std::string::npos) << long_list;
  fs::create_directory(dir_ / "x");
  Shell("cd x && cpio -id --quiet --no-absolute-filenames bin/hello < ../a.cpio");
  EXPECT_EQ(ReadFile(dir_ / "x/bin/hello"), "#!/bin/sh\necho hi\n");
}

TEST_F(InitramfsTest, InitScriptPrintsMarkersInOrder) {
  std::string s = InitScript();
  EXPECT_EQ(s.rfind("#!/bin/sh\n", 0), 0u);
  size_t init = s.find(kInitStartedMarker), passed = s.find(kBasicTestsPassedMarker),
         started = s.find(kReproducerStartedMarker), repro = s.find("/repro"),
         finished = s.find(kReproducerFinishedMarker), reboot = s.find("reboot -f");
  EXPECT_LT(s.find("mount -t proc"), init);
  EXPECT_LT(init, passed);
  EXPECT_LT(passed, started);
  EXPECT_LT(started, repro);
  EXPECT_LT(repro, finished);
  EXPECT_LT(finished, reboot);
  EXPECT_EQ(s.find('@'), std::string::npos);  // every placeholder replaced
}

TEST_F(InitramfsTest, BuildsAGzipArchive) {
  if (!OnPath("cpio") || !OnPath("gzip")) GTEST_SKIP() << "cpio or gzip not installed";
  std::ofstream(dir_ / "busybox") << "not really busybox";
  std::ofstream(dir_ / "repro.sh") << "#!/bin/sh\nprintf x > /proc/self/comm\n";
  Result<void> r = BuildInitramfs({.busybox = dir_ / "busybox",
                                   .reproducer = dir_ / "repro.sh",
                                   .output = dir_ / "initramfs.cpio.gz"});
  ASSERT_TRUE(r) << r.error().message;
  std::string list = Shell("gzip -dc initramfs.cpio.gz | cpio -it --quiet");
  for (const char* path :
       {"bin\n", "proc\n", "dev/console\n", "bin/busybox\n", "bin/sh\n", "init\n", "repro\n"})
    EXPECT_NE(list.find(path), std::string::npos) << path << " missing from\n" << list;
  EXPECT_FALSE(fs::exists(dir_ / "initramfs.cpio.gz.cpio"));
  // Reproducible: the same inputs give the same bytes.
  std::string first = ReadFile(dir_ / "initramfs.cpio.gz");
  ASSERT_TRUE(BuildInitramfs({.busybox = dir_ / "busybox",
                              .reproducer = dir_ / "repro.sh",
                              .output = dir_ / "initramfs.cpio.gz"}));
  EXPECT_EQ(ReadFile(dir_ / "initramfs.cpio.gz"), first);
}

TEST_F(InitramfsTest, MissingReproducerIsNotFound) {
  std::ofstream(dir_ / "busybox") << "x";
  Result<void> r = BuildInitramfs(
      {.busybox = dir_ / "busybox", .reproducer = dir_ / "nope", .output = dir_ / "out.gz"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
}

TEST(WithMarkers, ReplacesEveryPlaceholderWhereverItStands) {
  EXPECT_EQ(WithMarkers("echo @PASSED@; echo @FAILED@ @PASSED@\n@UNKNOWN@"),
            "echo " + std::string(kBasicTestsPassedMarker) + "; echo " +
                std::string(kBasicTestsFailedMarker) + " " + std::string(kBasicTestsPassedMarker) +
                "\n@UNKNOWN@");
  EXPECT_EQ(WithMarkers("@STARTED@@FINISHED@"),
            std::string(kReproducerStartedMarker) + std::string(kReproducerFinishedMarker));
  EXPECT_EQ(WithMarkers(""), "");
}

}  // namespace
}  // namespace culprit::run
