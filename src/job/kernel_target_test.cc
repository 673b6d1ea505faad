#include "job/kernel_target.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace culprit::job {
namespace {

TEST(KernelTarget, CompilerByNewestContainedRelease) {
  KernelSettings k{.compilers = {{"v5.10", "gcc-10"}, {"v6.1", "gcc-12"}, {"v5.15", "gcc-11"}}};
  struct Row {
    const char* release;
    const char* want;
  };
  const Row rows[] = {
      {"", "gcc"},           {"v4.19", "gcc"},       {"v5.10", "gcc-10"}, {"v5.12-rc3", "gcc-10"},
      {"v5.15.7", "gcc-11"}, {"v6.1-rc1", "gcc-11"}, {"v6.1", "gcc-12"},  {"v6.6", "gcc-12"},
  };
  for (const Row& r : rows) EXPECT_EQ(PickCompiler(k, r.release), r.want) << r.release;
}

TEST(KernelTarget, FixupsApplyBeforeTheirRelease) {
  KernelSettings k{.fixups = {{"v5.10", {"KCSAN"}}, {"v6.1", {"RUST", "KMSAN"}}}};
  EXPECT_EQ(PickDisabledOptions(k, "v5.4"), (std::vector<std::string>{"KCSAN", "RUST", "KMSAN"}));
  EXPECT_EQ(PickDisabledOptions(k, "v5.15"), (std::vector<std::string>{"RUST", "KMSAN"}));
  EXPECT_TRUE(PickDisabledOptions(k, "v6.1").empty());
}

TEST(KernelTarget, JobFileKernelTable) {
  auto dir = std::filesystem::temp_directory_path() / ("culprit-kjob-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "job.toml")
      << "repo = '/src/linux'\nbad = 'HEAD'\n[kernel]\n"
         "config = 'k.config'\nreproducer = 'repro'\nvms = 3\n"
         "vm_memory_mb = 1024\ncompilers = [{since = 'v6.1', cc = 'gcc-12'}]\n"
         "fixups = [{before = 'v5.10', disable = ['KCSAN']}]\n";
  auto c = LoadJobFile(dir / "job.toml");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->kernel.has_value());
  EXPECT_EQ(c->kernel->config, dir / "k.config") << "relative to the job file";
  EXPECT_EQ(c->kernel->vms, 3);
  EXPECT_EQ(c->kernel->memory_mb, 1024);
  ASSERT_EQ(c->kernel->compilers.size(), 1u);
  EXPECT_EQ(c->kernel->fixups[0].disable, std::vector<std::string>{"KCSAN"});
  EXPECT_TRUE(Validate(*c)) << "a kernel job needs no build or test command";
  auto back = FromJson(ToJson(*c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kernel->compilers[0].cc, "gcc-12");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace culprit::job
