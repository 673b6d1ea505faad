// The bisection over option sets, against predicates that say which options a crash needs;
// then the whole minimizer against fake kernels whose crash depends on their config.
#include "job/config_minimizer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "build/kconfig.h"
#include "job/fake_parts.h"
#include "job/run_classifier.h"

namespace culprit::job {
namespace {

struct Row {
  const char* name;
  int options = 16;         // candidates o00, o01, ...
  std::vector<int> needed;  // all of these must be kept
  std::vector<int> any_of;  // or: any one of these suffices
  int budget = 1000;        // tests that may be answered; past it the answer is false
  std::vector<int> want;    // the options found needed
  int max_tests = 0;        // 0: not checked
};

std::string Name(int i) { return (i < 10 ? "o0" : "o") + std::to_string(i); }

const Row kRows[] = {
    {.name = "none_needed", .needed = {}, .want = {}, .max_tests = 1},
    {.name = "one_needed", .needed = {11}, .want = {11}, .max_tests = 8},
    {.name = "first_needed", .needed = {0}, .want = {0}, .max_tests = 5},
    {.name = "two_apart", .needed = {2, 13}, .want = {2, 13}},
    {.name = "two_together", .needed = {6, 7}, .want = {6, 7}},
    {.name = "all_needed", .options = 4, .needed = {0, 1, 2, 3}, .want = {0, 1, 2, 3}},
    {.name = "either_of_two", .any_of = {3, 12}, .want = {3}},
    {.name = "budget_keeps_options", .needed = {5}, .budget = 2, .want = {0, 1, 2, 3, 4, 5, 6, 7}},
};

TEST(NeededOptions, FindsWhatTheCrashNeeds) {
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.name);
    std::vector<std::string> candidates;
    for (int i = 0; i < row.options; ++i) candidates.push_back(Name(i));
    int tests = 0;
    auto reproduces = [&](const std::vector<std::string>& kept) {
      if (++tests > row.budget) return false;
      auto has = [&](int i) { return std::count(kept.begin(), kept.end(), Name(i)) > 0; };
      bool all = std::all_of(row.needed.begin(), row.needed.end(), has);
      bool any = row.any_of.empty() || std::any_of(row.any_of.begin(), row.any_of.end(), has);
      return all && any;
    };
    std::vector<std::string> want;
    for (int i : row.want) want.push_back(Name(i));
    EXPECT_EQ(NeededOptions(candidates, reproduces), want);
    if (row.max_tests > 0) {
      EXPECT_LE(tests, row.max_tests);
    }
  }
}

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A kernel whose "olddefconfig" drops CONFIG_B_CHILD without CONFIG_B (a dependency), and whose
// run crashes when its config has every option of `needs`.
bool IsSet(const build::Kconfig& c, const std::string& option) {
  auto it = c.find(option);  // not operator[]: it would add the option, set to ""
  return it != c.end() && it->second == "y";
}

struct FakeKernel {
  std::vector<std::string> needs;
  int builds = 0;
};

class ConfigBuilder : public build::Builder {
 public:
  ConfigBuilder(fs::path config, FakeKernel& kernel) : config_(std::move(config)), k_(kernel) {}
  Result<build::BuildRecord> Build(const build::BuildSpec& spec) override {
    ++k_.builds;
    build::Kconfig c = build::ParseKconfig(Slurp(config_));
    if (!IsSet(c, "CONFIG_B")) c.erase("CONFIG_B_CHILD");
    fs::create_directories(spec.out_dir);
    std::ofstream(spec.out_dir / "kernel.config") << build::WriteKconfig(c);
    return build::BuildRecord{.ok = true, .exit_code = 0, .signature = build::WriteKconfig(c)};
  }

 private:
  fs::path config_;
  FakeKernel& k_;
};

class ConfigRunner : public run::Runner {
 public:
  explicit ConfigRunner(const FakeKernel& kernel) : k_(kernel) {}
  Result<run::RunRecord> Run(const run::RunSpec& spec) override {
    build::Kconfig c =
        build::ParseKconfig(Slurp(fs::path(spec.env.at("CULPRIT_OUT")) / "kernel.config"));
    bool crash = std::all_of(k_.needs.begin(), k_.needs.end(),
                             [&](const std::string& o) { return IsSet(c, o); });
    fs::create_directories(spec.log_path.parent_path());
    std::ofstream log(spec.log_path);
    if (!crash) {
      log << "repro: done\n";
      return run::RunRecord{.exit_code = 0};
    }
    log << "BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
           "#PF: supervisor write access in kernel mode\n"
           "#PF: error_code(0x0002) - not-present page\n"
           "Oops: 0002 [#1]\n"
           "CPU: 0 PID: 24 Comm: repro Not tainted 6.1.192 #1\n"
           "RIP: 0010:comm_write+0x57/0xb1\n"
           "RSP: 0018:ffffc9000008fe18 EFLAGS: 00000246\n"
           "Call Trace:\n"
           " <TASK>\n"
           " vfs_write+0xa2/0x15d\n"
           " ksys_write+0x66/0x97\n"
           " do_syscall_64+0x3d/0x4c\n"
           " entry_SYSCALL_64_after_hwframe+0x4b/0xb5\n"
           " </TASK>\n"
           "---[ end trace 0000000000000000 ]---\n";
    return run::RunRecord{.exit_code = 1};
  }

 private:
  const FakeKernel& k_;
};

class ConfigTarget final : public Target {
 public:
  ConfigTarget(const JobConfig& config, FakeKernel& kernel) : config_(config), k_(kernel) {}
  std::string BuildRecipe() const override { return Slurp(config_.kernel->config); }
  std::string TestRecipe() const override { return "repro"; }
  std::string BuildCommand() const override { return ""; }
  std::string TestCommand() const override { return ""; }
  std::string_view SignatureLabel() const override { return "kernel signature"; }
  bool SandboxesRuns() const override { return false; }
  std::optional<std::vector<std::string>> BuildInputs(const store::BuildRow&) override {
    return std::nullopt;  // no build avoidance: every candidate is one config, one build
  }
  ClassifiedRun Classify(const run::RunRecord& record, std::string_view log) const override {
    return ClassifyRun(record, log);
  }
  std::string Symbolize(const store::BuildRow&, const std::string& report) override {
    return report;
  }
  void AddDetails(const store::RunRow&, const store::BuildRow&, history::Repository&,
                  report::BisectionResult&) override {}
  Result<std::unique_ptr<build::Builder>> MakeBuilder(history::Repository&) override {
    return std::unique_ptr<build::Builder>(
        std::make_unique<ConfigBuilder>(config_.kernel->config, k_));
  }
  Result<std::unique_ptr<run::Runner>> MakeRunner() override {
    return std::unique_ptr<run::Runner>(std::make_unique<ConfigRunner>(k_));
  }

 private:
  const JobConfig& config_;
  FakeKernel& k_;
};

struct MinimizeRow {
  const char* name;
  std::vector<std::string> needs;  // options the crash needs
  int budget = 20;
  std::vector<std::string> want_kept;
  bool want_fell_back = false;
  int want_max_builds = 0;  // 0: not checked
};

// The job's config: the baseline (CONFIG_BASE) plus KASAN, KFENCE, A, B, B_CHILD, C ... H.
const MinimizeRow kMinimizeRows[] = {
    {.name = "needs_nothing", .needs = {}, .want_kept = {}, .want_max_builds = 3},
    {.name = "needs_one", .needs = {"CONFIG_E"}, .want_kept = {"CONFIG_E"}},
    {.name = "needs_a_dependency",
     .needs = {"CONFIG_B_CHILD"},
     .want_kept = {"CONFIG_B", "CONFIG_B_CHILD"}},
    {.name = "needs_a_sanitizer",
     .needs = {"CONFIG_KASAN", "CONFIG_C"},
     .want_kept = {"CONFIG_C", "CONFIG_KASAN"}},
    // Out of builds after the sanitizers and two sets that did not reproduce: the smallest
    // config seen to reproduce (no sanitizers), never one that was not seen to.
    {.name = "over_budget",
     .needs = {"CONFIG_E"},
     .budget = 4,
     .want_kept = {"CONFIG_A", "CONFIG_B", "CONFIG_B_CHILD", "CONFIG_C", "CONFIG_D", "CONFIG_E",
                   "CONFIG_F", "CONFIG_G", "CONFIG_H"},
     .want_max_builds = 4},
    {.name = "does_not_reproduce",
     .needs = {"CONFIG_NOWHERE"},
     .want_fell_back = true,
     .want_max_builds = 1},
};

class MinimizerTest : public ::testing::TestWithParam<MinimizeRow> {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/culprit-minimize-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_P(MinimizerTest, KeepsWhatTheCrashNeeds) {
  const MinimizeRow& row = GetParam();
  testing::FakeWorld world{.dag = testing::MakeFakeDag("linear 8", 1), .culprit = 3};
  std::ofstream(dir_ / "full.config") << "CONFIG_BASE=y\nCONFIG_KASAN=y\nCONFIG_KASAN_INLINE=y\n"
                                         "CONFIG_KFENCE=y\nCONFIG_A=y\nCONFIG_B=y\n"
                                         "CONFIG_B_CHILD=y\nCONFIG_C=y\nCONFIG_D=y\nCONFIG_E=y\n"
                                         "CONFIG_F=y\nCONFIG_G=y\nCONFIG_H=y\n";
  std::ofstream(dir_ / "baseline.config") << "CONFIG_BASE=y\n# CONFIG_KASAN is not set\n";
  JobConfig config;
  config.bad = world.dag.node(world.dag.size() - 1).id;
  config.runs = 2;
  config.state_dir = dir_ / "state";
  config.kernel = KernelSettings{.config = dir_ / "full.config",
                                 .reproducer = dir_ / "repro",
                                 .minimize = true,
                                 .baseline_config = dir_ / "baseline.config",
                                 .minimize_builds = row.budget};
  auto store = store::Store::Open(config.state_dir);
  ASSERT_TRUE(store) << store.error().message;
  auto job = (*store)->CreateJob({.fingerprint = "f", .config_json = "{}"});
  ASSERT_TRUE(job);
  testing::FakeRepository repo(world);
  testing::FakeWorktree worktree(dir_ / "worktree");
  FakeKernel kernel{.needs = row.needs};
  ConfigRunner runner(kernel);
  std::ostringstream log_text;
  report::ProgressLog log(log_text, nullptr);
  auto minimize = [&] {
    return MinimizeKernelConfig(config, *job, config.state_dir,
                                {.repo = repo,
                                 .worktrees = {&worktree},
                                 .runner = runner,
                                 .store = **store,
                                 .log = log,
                                 .make_builder = [&](Target& t) { return t.MakeBuilder(repo); },
                                 .make_target = [&](const JobConfig& c) -> std::unique_ptr<Target> {
                                   return std::make_unique<ConfigTarget>(c, kernel);
                                 }});
  };
  auto m = minimize();
  ASSERT_TRUE(m) << m.error().message << "\n" << log_text.str();
  EXPECT_EQ(m->fell_back, row.want_fell_back) << log_text.str();
  EXPECT_EQ(m->builds, kernel.builds);
  if (row.want_max_builds > 0) {
    EXPECT_LE(kernel.builds, row.want_max_builds) << log_text.str();
  }
  if (row.want_fell_back) return;
  EXPECT_EQ(m->kept, row.want_kept) << log_text.str();
  EXPECT_EQ(m->kept.size() + m->dropped.size(), 12u);  // every option but CONFIG_BASE
  // The minimized config reproduces, and it is what a resumed job uses without building.
  build::Kconfig minimized = build::ParseKconfig(Slurp(m->path));
  for (const std::string& o : row.needs) EXPECT_TRUE(IsSet(minimized, o)) << o;
  const int builds = kernel.builds;
  auto again = minimize();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->path, m->path);
  EXPECT_EQ(kernel.builds, builds);
}

INSTANTIATE_TEST_SUITE_P(All, MinimizerTest, ::testing::ValuesIn(kMinimizeRows),
                         [](const auto& info) { return std::string(info.param.name); });

// The bisection after minimization: with the minimized config, and with the job's own when
// the minimized one stops reproducing (and only then).
struct FallBackRow {
  const char* name;
  bool minimized = true;   // minimization gave a config
  bool fell_back = false;  // ... or fell back already (the job's config did not reproduce)
  const char* minimized_error = "";       // the bisection's error with the minimized config
  std::vector<std::string> want_configs;  // the configs bisected with, in order
  bool want_fell_back = false;
};

const FallBackRow kFallBackRows[] = {
    {.name = "not_asked", .minimized = false, .want_configs = {"job.config"}},
    {.name = "minimized_reproduces", .want_configs = {"min.config"}},
    {.name = "stops_reproducing",
     .minimized_error = "the crash was not reproduced on the bad commit",
     .want_configs = {"min.config", "job.config"},
     .want_fell_back = true},
    {.name = "other_error_is_kept",
     .minimized_error = "cannot write the database",
     .want_configs = {"min.config"}},
    {.name = "fell_back_before",
     .fell_back = true,
     .want_configs = {"job.config"},
     .want_fell_back = true},
};

class FallBackTest : public ::testing::TestWithParam<FallBackRow> {};

TEST_P(FallBackTest, NeverWrongForMinimizing) {
  const FallBackRow& row = GetParam();
  JobConfig config;
  config.kernel = KernelSettings{.config = "job.config", .minimize = row.minimized};
  std::optional<report::BisectionResult::MinimizedConfig> minimized;
  if (row.minimized) minimized = {.path = "min.config", .fell_back = row.fell_back, .note = "m"};
  std::vector<std::string> configs;
  auto bisect = [&](const JobConfig& with) -> Result<report::BisectionResult> {
    configs.push_back(with.kernel->config.string());
    report::BisectionResult r;
    r.outcome = decide::ConclusionKind::kFound;
    if (with.kernel->config == "min.config" && *row.minimized_error) {
      r.outcome = decide::ConclusionKind::kError;
      r.error = row.minimized_error;
    }
    return r;
  };
  std::ostringstream log_text;
  report::ProgressLog log(log_text, nullptr);
  auto result = BisectWithMinimizedConfig(config, minimized, bisect, log);
  ASSERT_TRUE(result);
  EXPECT_EQ(configs, row.want_configs);
  EXPECT_EQ(config.kernel->config, "job.config");  // the question as asked stays
  if (!row.minimized) {
    EXPECT_FALSE(result->minimized_config);
    return;
  }
  ASSERT_TRUE(result->minimized_config);
  EXPECT_EQ(result->minimized_config->fell_back, row.want_fell_back);
  if (configs.size() == 2) {
    EXPECT_EQ(result->outcome, decide::ConclusionKind::kFound);
    EXPECT_NE(log_text.str().find("no longer reproduces"), std::string::npos) << log_text.str();
    EXPECT_NE(result->minimized_config->note.find("stopped reproducing"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(All, FallBackTest, ::testing::ValuesIn(kFallBackRows),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace culprit::job
