#include "job/job_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace culprit::job {
namespace {

TEST(JobConfig, ValidateNamesTheOption) {
  struct Row {
    const char* name;
    JobConfig config;
    const char* want;  // substring of the error, or nullptr for valid
  };
  JobConfig ok{.bad = "HEAD", .build_command = "make", .test_command = "./t"};
  auto with = [&](auto f) {
    JobConfig c = ok;
    f(c);
    return c;
  };
  const Row rows[] = {
      {"valid", ok, nullptr},
      {"no_bad", with([](JobConfig& c) { c.bad = ""; }), "--bad"},
      {"empty_build", with([](JobConfig& c) { c.build_command = "  "; }), "--build"},
      {"empty_test", with([](JobConfig& c) { c.test_command = ""; }), "--test"},
      {"zero_runs", with([](JobConfig& c) { c.runs = 0; }), "--runs"},
      {"negative_jobs", with([](JobConfig& c) { c.jobs = -1; }), "--jobs"},
      {"bad_confidence", with([](JobConfig& c) { c.confidence = 1.5; }), "--confidence"},
  };
  for (const Row& r : rows) {
    auto v = Validate(r.config);
    if (!r.want) {
      EXPECT_TRUE(v) << r.name;
    } else {
      ASSERT_FALSE(v) << r.name;
      EXPECT_NE(v.error().message.find(r.want), std::string::npos)
          << r.name << ": " << v.error().message;
    }
  }
}

TEST(JobConfig, EffectiveJobs) {
  JobConfig plain;
  EXPECT_EQ(EffectiveJobs(plain), 1);
  plain.jobs = 3;
  EXPECT_EQ(EffectiveJobs(plain), 3);
  JobConfig kernel{.kernel = KernelSettings{.memory_mb = 512}};
  int vms = EffectiveJobs(kernel);
  EXPECT_GE(vms, 1);
  EXPECT_LE(vms, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  kernel.kernel->memory_mb = 1 << 30;  // more than any machine: memory is the limit
  EXPECT_EQ(EffectiveJobs(kernel), 1);
}

TEST(JobConfig, JsonRoundTrip) {
  JobConfig c{.repo = "/src/linux",
              .bad = "abc",
              .good = {"v5.13", "def"},
              .mode = decide::Mode::kFix,
              .build_command = "make",
              .test_command = "./repro",
              .runs = 7,
              .jobs = 3,
              .json_out = "/tmp/x.json",
              .strategy = decide::StrategyKind::kSyzbot,
              .target_title = "KASAN: x"};
  auto back = FromJson(ToJson(c));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->repo, c.repo);
  EXPECT_EQ(back->good, c.good);
  EXPECT_EQ(back->mode, decide::Mode::kFix);
  EXPECT_EQ(back->runs, 7);
  EXPECT_EQ(back->strategy, decide::StrategyKind::kSyzbot);
  EXPECT_EQ(*back->json_out, "/tmp/x.json");
  EXPECT_EQ(Fingerprint(*back), Fingerprint(c));
  EXPECT_FALSE(FromJson("not json"));
}

TEST(JobConfig, LoadsTomlJobFile) {
  auto path = std::filesystem::temp_directory_path() /
              ("culprit-job-" + std::to_string(getpid()) + ".toml");
  std::ofstream(path) << "repo = \"/src/kv\"\nbad = \"HEAD\"\ngood = [\"v1.0\", \"v1.1\"]\n"
                         "mode = \"cause\"\nbuild = \"make\"\ntest = \"./t\"\nruns = 20\n"
                         "strategy = \"git\"\n";
  auto c = LoadJobFile(path);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->repo, "/src/kv");
  EXPECT_EQ(c->good, (std::vector<std::string>{"v1.0", "v1.1"}));
  EXPECT_EQ(c->runs, 20);
  EXPECT_EQ(c->strategy, decide::StrategyKind::kGit);
  std::ofstream(path) << "bad = \n";
  auto broken = LoadJobFile(path);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find(path.string() + ":1"), std::string::npos)
      << broken.error().message;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace culprit::job
