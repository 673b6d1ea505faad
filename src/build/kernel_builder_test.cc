#include "build/kernel_builder.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace culprit::build {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fake kernel tree: a Makefile with the two targets the builder uses. "vmlinux" is a copy of
// /bin/true (an ELF file, so the signature can be taken); a file BROKEN breaks the build.
constexpr const char* kFakeMakefile = R"MK(O ?= .
olddefconfig:
	@echo "olddefconfig CC=$(CC) LOCALVERSION=[$(LOCALVERSION)] USER=$(KBUILD_BUILD_USER)"
	@echo "CONFIG_FROM_OLDDEFCONFIG=y" >> $(O)/.config
bzImage:
	@test ! -e BROKEN || { echo "fs/proc/version.c:22: error: 'pde' undeclared"; exit 2; }
	@mkdir -p $(O)/arch/x86/boot
	@echo "  LD      vmlinux"
	@cp /bin/true $(O)/vmlinux
	@echo bzimage > $(O)/arch/x86/boot/bzImage
)MK";

class KernelBuilderTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/culprit-kbuild-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ / "src");
    std::ofstream(dir_ / "src/Makefile") << kFakeMakefile;
    std::ofstream(dir_ / "job.config") << "CONFIG_64BIT=y\nCONFIG_KASAN=y\n"
                                          "CONFIG_LOCALVERSION_AUTO=y\nCONFIG_PRINTK=y\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  KernelBuildSpec Spec() {
    return {.source_dir = dir_ / "src",
            .build_dir = dir_ / "obj",
            .out_dir = dir_ / "out",
            .config = dir_ / "job.config",
            .disable_options = {"KASAN", "CONFIG_UBSAN"},
            .use_ccache = false,
            .jobs = 2,
            .log_path = dir_ / "logs/build.log",
            .timeout = std::chrono::seconds(60)};
  }

  fs::path dir_;
};

TEST_F(KernelBuilderTest, BuildsOutOfTreeAndCopiesOutputs) {
  Result<KernelBuildRecord> r = BuildKernel(Spec());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->ok) << ReadFile(dir_ / "logs/build.log");
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->failed_step, "");
  EXPECT_EQ(r->cc, "gcc");
  EXPECT_EQ(r->compiler.rfind("gcc", 0), 0u) << r->compiler;
  EXPECT_NE(r->compiler.find(", GNU ld"), std::string::npos) << r->compiler;
  EXPECT_EQ(r->signature.size(), 64u);
  EXPECT_EQ(ReadFile(r->bzimage), "bzimage\n");
  EXPECT_TRUE(fs::exists(r->vmlinux));
  EXPECT_FALSE(fs::exists(dir_ / "src/vmlinux"));  // the tree stays clean

  std::string config = ReadFile(dir_ / "out/kernel.config");
  EXPECT_NE(config.find("CONFIG_64BIT=y\n"), std::string::npos);
  EXPECT_NE(config.find("# CONFIG_KASAN is not set\n"), std::string::npos);
  EXPECT_NE(config.find("# CONFIG_UBSAN is not set\n"), std::string::npos);
  EXPECT_NE(config.find("# CONFIG_LOCALVERSION_AUTO is not set\n"), std::string::npos);
  EXPECT_EQ(config.find("CONFIG_KASAN=y"), std::string::npos);
  EXPECT_NE(config.find("CONFIG_FROM_OLDDEFCONFIG=y"), std::string::npos);

  std::string log = ReadFile(dir_ / "logs/build.log");
  EXPECT_NE(log.find("olddefconfig CC=gcc LOCALVERSION=[] USER=culprit"), std::string::npos) << log;
  EXPECT_NE(log.find("LD      vmlinux"), std::string::npos) << log;

  // Same tree, same settings: same signature.
  Result<KernelBuildRecord> again = BuildKernel(Spec());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->signature, r->signature);
}

TEST_F(KernelBuilderTest, BrokenBuildIsData) {
  std::ofstream(dir_ / "src/BROKEN") << "";
  Result<KernelBuildRecord> r = BuildKernel(Spec());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->failed_step, "build");
  EXPECT_EQ(r->exit_code, 2);
  EXPECT_EQ(r->signature, "");
  EXPECT_NE(ReadFile(dir_ / "logs/build.log").find("'pde' undeclared"), std::string::npos);
}

TEST_F(KernelBuilderTest, MissingTreeOrConfigIsNotFound) {
  KernelBuildSpec spec = Spec();
  spec.config = dir_ / "nope.config";
  Result<KernelBuildRecord> r = BuildKernel(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
  spec = Spec();
  spec.source_dir = dir_ / "nowhere";
  r = BuildKernel(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
}

TEST_F(KernelBuilderTest, MissingCompilerIsInfra) {
  KernelBuildSpec spec = Spec();
  spec.compiler = "no-such-gcc-culprit";
  Result<KernelBuildRecord> r = BuildKernel(spec);
  ASSERT_FALSE(r);
}

TEST(KernelMakeArgvTest, ReproducibleSettings) {
  KernelBuildSpec spec{.source_dir = "/src/linux", .build_dir = "/b/gcc"};
  std::vector<std::string> argv = KernelMakeArgv(spec, "ccache gcc", 2, {"bzImage"});
  std::vector<std::string> want = {"make",
                                   "-C",
                                   "/src/linux",
                                   "O=/b/gcc",
                                   "-j2",
                                   "CC=ccache gcc",
                                   "KBUILD_BUILD_TIMESTAMP=1970-01-01 00:00:00 UTC",
                                   "KBUILD_BUILD_USER=culprit",
                                   "KBUILD_BUILD_HOST=culprit",
                                   "KBUILD_BUILD_VERSION=1",
                                   "LOCALVERSION=",
                                   "bzImage"};
  EXPECT_EQ(argv, want);
}

TEST(KernelMakeArgvTest, Arm64CrossCompiles) {
  KernelBuildSpec spec{.source_dir = "/src/linux", .build_dir = "/b/a", .arch = "arm64"};
  std::vector<std::string> argv =
      KernelMakeArgv(spec, "ccache aarch64-linux-gnu-gcc", 2, {KernelImageName(spec.arch)});
  ASSERT_GE(argv.size(), 3u);
  EXPECT_EQ(argv[argv.size() - 3], "ARCH=arm64");
  EXPECT_EQ(argv[argv.size() - 2], "CROSS_COMPILE=aarch64-linux-gnu-");
  EXPECT_EQ(argv.back(), "Image");
  EXPECT_EQ(KernelImageName("x86_64"), "bzImage");
}

TEST(CompilerLineTest, FirstLines) {
  EXPECT_EQ(CompilerLine("gcc (GCC) 10.2.1 20210217\nCopyright (C) 2020\n",
                         "GNU ld (GNU Binutils for Debian) 2.35.1\nCopyright\n"),
            "gcc (GCC) 10.2.1 20210217, GNU ld (GNU Binutils for Debian) 2.35.1");
}

}  // namespace
}  // namespace culprit::build
