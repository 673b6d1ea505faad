#include "run/disk_image.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "run/initramfs.h"

namespace culprit::run {
namespace {

struct LddRow {
  const char* name;
  const char* output;
  std::vector<std::string> want;
};

const LddRow kLddRows[] = {
    {.name = "debian_dropbear",
     .output = "\tlinux-vdso.so.1 (0x00007ffd)\n"
               "\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007fb2)\n"
               "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fb1)\n"
               "\t/lib64/ld-linux-x86-64.so.2 (0x00007fb3)\n",
     .want = {"/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libc.so.6",
              "/lib64/ld-linux-x86-64.so.2"}},
    {.name = "static", .output = "\tnot a dynamic executable\n", .want = {}},
    {.name = "missing_library",
     .output = "\tlibfoo.so.1 => not found\n\tlibc.so.6 => /lib/libc.so.6 (0x1)\n",
     .want = {"/lib/libc.so.6"}},
};

TEST(DiskImageTest, LibrariesFromLdd) {
  for (const LddRow& row : kLddRows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(LibrariesFromLdd(row.output), row.want);
  }
}

TEST(DiskImageTest, InitPrintsMarkersAndStartsSshd) {
  std::string init = DiskInitScript();
  EXPECT_EQ(init.rfind("#!/bin/sh\n", 0), 0u);
  for (std::string_view marker :
       {kInitStartedMarker, kBasicTestsPassedMarker, kBasicTestsFailedMarker})
    EXPECT_NE(init.find(marker), std::string::npos) << marker;
  EXPECT_NE(init.find("/sbin/dropbear"), std::string::npos);
  EXPECT_NE(init.find("10.0.2.15/24"), std::string::npos);
}

// Whatever the machine has: a missing tool names the package that provides it.
TEST(DiskImageTest, AMissingToolNamesItsPackage) {
  namespace fs = std::filesystem;
  const fs::path present = fs::path(testing::TempDir()) / "culprit-disk-image-tool";
  { std::ofstream(present) << "#!/bin/sh\n"; }
  struct Row {
    fs::path busybox, dropbear;
    const char* package;
  };
  const Row rows[] = {
      {"/nonexistent/busybox", present, "busybox-static"},
      {present, "/nonexistent/dropbear", "dropbear-bin"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.package);
    auto made = MakeDiskImage(
        {.output = "/tmp/culprit-no-image.img", .busybox = row.busybox, .dropbear = row.dropbear});
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().kind, ErrorKind::kNotFound);
    EXPECT_NE(made.error().message.find(row.package), std::string::npos) << made.error().message;
  }
  fs::remove(present);
}

// The real tools, when the machine has them (scripts/install-deps.sh --kernel).
TEST(DiskImageTest, MakesAnExt4ImageAndKey) {
  namespace fs = std::filesystem;
  if (!fs::exists("/usr/sbin/dropbear") || !fs::exists("/usr/sbin/mke2fs") ||
      !fs::exists("/usr/bin/ssh-keygen") || !fs::exists("/bin/busybox"))
    GTEST_SKIP() << "needs dropbear-bin, e2fsprogs, openssh-client, busybox-static";
  char pattern[] = "/tmp/culprit-image-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const fs::path dir = pattern;
  auto made = MakeDiskImage({.output = dir / "disk.img", .size_mb = 32});
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(fs::file_size(dir / "disk.img"), 32u << 20);
  EXPECT_TRUE(fs::exists(dir / "disk.img.key"));
  EXPECT_FALSE(fs::exists(dir / "disk.img.root"));  // the staging tree is gone
  fs::remove_all(dir);
}

}  // namespace
}  // namespace culprit::run
