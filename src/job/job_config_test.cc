#include "job/job_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "job/config_fields.h"
#include "job/config_values.h"

namespace culprit::job {
namespace {

/// A scratch directory with a short name (paths show whole in messages), removed at the end.
class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("cjc-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path Write(const std::string& text) const {
    std::ofstream(path_ / "job.toml") << text;
    return path_ / "job.toml";
  }

 private:
  std::filesystem::path path_;
};

// "FILE" and "DIR" in a wanted message stand for the job file and its directory.
std::string Expand(std::string s, const TempDir& dir) {
  for (auto [from, to] :
       {std::pair<std::string, std::string>{"FILE", (dir.path() / "job.toml").string()},
        {"DIR", dir.path().string()}}) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
  }
  return s;
}

TEST(JobConfig, ValidateNamesTheOption) {
  struct Row {
    const char* name;
    JobConfig config;
    const char* want;  // the error, or nullptr for valid
  };
  JobConfig ok{.bad = "HEAD", .build_command = "make", .test_command = "./t"};
  auto with = [&](auto f) {
    JobConfig c = ok;
    f(c);
    return c;
  };
  const Row rows[] = {
      {"valid", ok, nullptr},
      {"no_bad", with([](JobConfig& c) { c.bad = ""; }),
       "no bad commit given (pass --bad REV: a commit that crashes)"},
      {"no_build_runs_in_the_checkout", with([](JobConfig& c) { c.build_command = "  "; }),
       nullptr},
      {"empty_test", with([](JobConfig& c) { c.test_command = ""; }),
       "empty test command (pass --test CMD; it runs the reproducer, against $CULPRIT_OUT with "
       "--build, else in a checkout of the commit)"},
      {"exit_verdict", with([](JobConfig& c) { c.verdict = Predicate::kExit; }), nullptr},
      {"expect", with([](JobConfig& c) { c.expect = "FAIL: test_\\w+"; }), nullptr},
      {"bad_expect", with([](JobConfig& c) { c.expect = "FAIL: (x"; }),
       "--expect \"FAIL: (x\" is not a valid RE2 regular expression: missing ): FAIL: (x"},
      {"title_with_expect", with([](JobConfig& c) {
         c.expect = "x";
         c.target_title = "KASAN: use-after-free Read in f";
       }),
       "--title picks a crash by its title, --verdict exit and --expect pick failures by exit "
       "status and output: give one or the other"},
      {"infra_exit_125", with([](JobConfig& c) { c.infra_exit = 125; }),
       "--infra-exit 125: exit status 125 already means \"this commit cannot be tested\""},
      {"infra_exit_out_of_range", with([](JobConfig& c) { c.infra_exit = 300; }),
       "--infra-exit must be an integer between 0 and 255, got 300"},
      {"marks", with([](JobConfig& c) {
         c.marks = {"v1.0=good", "abc123=bad", "HEAD~3=skip"};
       }),
       nullptr},
      {"mark_without_verdict", with([](JobConfig& c) { c.marks = {"v1.0"}; }),
       "--mark \"v1.0\" must be REV=good, REV=bad or REV=skip (fix mode also takes new and old)"},
      {"mark_with_an_odd_word", with([](JobConfig& c) { c.marks = {"v1.0=fine"}; }),
       "--mark \"v1.0=fine\" must be REV=good, REV=bad or REV=skip (fix mode also takes new and "
       "old)"},
      {"skip_range", with([](JobConfig& c) { c.skip = {"v1.0..v1.1"}; }), nullptr},
      {"skip_not_a_range", with([](JobConfig& c) { c.skip = {"v1.0"}; }),
       "--skip \"v1.0\" must be a range A..B (B and its ancestors that are not A's, as in git)"},
      {"skip_open_range", with([](JobConfig& c) { c.skip = {"v1.0.."}; }),
       "--skip \"v1.0..\" must be a range A..B (B and its ancestors that are not A's, as in git)"},
      {"kernel_exit_verdict", with([](JobConfig& c) {
         c.kernel = KernelSettings{.config = "c", .reproducer = "r"};
         c.verdict = Predicate::kExit;
       }),
       "--verdict exit needs a test command's exit status; a [kernel] job judges runs by the "
       "VM's console (use --verdict crash, and --expect to pick failures)"},
      {"zero_runs", with([](JobConfig& c) { c.runs = 0; }), "--runs must be an integer ≥ 1, got 0"},
      {"negative_jobs", with([](JobConfig& c) { c.jobs = -1; }),
       "--jobs must be an integer ≥ 0, got -1"},
      {"bad_confidence", with([](JobConfig& c) { c.confidence = 1.5; }),
       "--confidence must be a number > 0.5 and < 1, got 1.5"},
      {"zero_timeout", with([](JobConfig& c) { c.timeout_s = 0; }),
       "--timeout must be a number > 0, got 0.0"},
      {"kernel_without_config", with([](JobConfig& c) { c.kernel = KernelSettings{}; }),
       "[kernel] needs config = \"PATH\" (the kernel .config)"},
      {"kernel_field_out_of_range",
       with([](JobConfig& c) { c.kernel = {.config = "c", .reproducer = "r", .cpus = 0}; }),
       "'kernel.cpus' must be an integer ≥ 1, got 0"},
      {"unknown_executor", with([](JobConfig& c) { c.executor = "k8s"; }),
       "unknown executor 'k8s' (use --executor local or --executor slurm)"},
      {"slurm_field_out_of_range",
       with([](JobConfig& c) { c.slurm = SlurmSettings{.build_cpus = 0}; }),
       "'slurm.build_cpus' must be an integer ≥ 1, got 0"},
  };
  for (const Row& r : rows) {
    auto v = Validate(r.config);
    if (!r.want) {
      EXPECT_TRUE(v) << r.name << ": " << v.error().message;
    } else {
      ASSERT_FALSE(v) << r.name;
      EXPECT_EQ(v.error().message, r.want) << r.name;
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
  kernel.kernel->vms = 5;
  EXPECT_EQ(EffectiveJobs(kernel), 5) << "[kernel] vms, when set";
  kernel.jobs = 2;
  EXPECT_EQ(EffectiveJobs(kernel), 2) << "--jobs over vms";
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
  JobConfig latin1 = c;
  latin1.target_title = "caf\xe9";  // not UTF-8: replaced, never thrown
  EXPECT_NE(ToJson(latin1).find("caf\xef\xbf\xbd"), std::string::npos);
  EXPECT_FALSE(Fingerprint(latin1).empty());
}

TEST(JobConfig, LoadsTomlJobFile) {
  TempDir dir;
  auto path = dir.Write(
      "repo = \"/src/kv\"\nbad = \"HEAD\"\ngood = [\"v1.0\", \"v1.1\"]\n"
      "mode = \"cause\"\nbuild = \"make\"\ntest = \"./t\"\nruns = 20\n"
      "strategy = \"git\"\nrun_memory_limit_mb = 100\n");
  auto c = LoadJobFile(path);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->repo, "/src/kv");
  EXPECT_EQ(c->good, (std::vector<std::string>{"v1.0", "v1.1"}));
  EXPECT_EQ(c->runs, 20);
  EXPECT_EQ(c->strategy, decide::StrategyKind::kGit);
  EXPECT_EQ(c->max_memory_bytes, 100u << 20);
  dir.Write("good = \"v1.0\"\n");
  c = LoadJobFile(path);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->good, std::vector<std::string>{"v1.0"}) << "one good commit as a string";
  dir.Write("bad = \n");
  auto broken = LoadJobFile(path);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().message.rfind(path.string() + ":1:", 0), 0u) << broken.error().message;
  EXPECT_FALSE(LoadJobFile(dir.path())) << "a directory";
  EXPECT_FALSE(LoadJobFile(dir.path() / "none.toml")) << "a missing file";
}

// One row per bad job file; the message is checked whole.
struct BadFile {
  const char* name;
  const char* toml;
  const char* want;
};

const char kKernel[] = "bad = 'HEAD'\n[kernel]\nconfig = 'k.config'\nreproducer = 'repro'\n";

const BadFile kBadFiles[] = {
    {"unknown_key", "bad = 'HEAD'\nrunz = 3\n",
     "FILE:2: unknown key 'runz' (did you mean 'runs'?)"},
    {"unknown_key_far_from_any", "bad = 'HEAD'\nflavour = 'x'\n", "FILE:2: unknown key 'flavour'"},
    {"unknown_key_in_kernel", "+cpuz = 2\n",
     "FILE:5: unknown key 'kernel.cpuz' (did you mean 'kernel.cpus'?)"},
    {"top_level_key_below_kernel", "+runs = 2\n",
     "FILE:5: unknown key 'kernel.runs' ('runs' is a top-level key: move it above [kernel])"},
    {"unknown_key_in_compilers_entry",
     "+compilers = [{since = 'v6.1', cc = 'gcc-12'},\n"
     "  {since = 'v5.10', ccc = 'gcc-10'}]\n",
     "FILE:6: unknown key 'kernel.compilers[1].ccc' (did you mean 'kernel.compilers[1].cc'?)"},
    {"unknown_key_in_compilers_table", "+[[kernel.compilers]]\nsince = 'v6.1'\ncompiler = 'x'\n",
     "FILE:7: unknown key 'kernel.compilers[0].compiler'"},
    {"compiler_without_cc", "+compilers = [{since = 'v6.1'}]\n",
     "FILE:5: 'kernel.compilers[0].cc' is missing: the compiler, e.g. gcc-12"},
    {"kernel_without_reproducer", "[kernel]\nconfig = 'k.config'\n",
     "FILE:1: 'kernel.reproducer' is missing: static binary or script, run as /repro in a "
     "busybox initramfs"},
    {"wrong_type", "bad = 'HEAD'\nruns = \"ten\"\n",
     "FILE:2: 'runs' must be an integer ≥ 1, got \"ten\""},
    {"float_for_integer", "runs = 10.5\n", "FILE:1: 'runs' must be an integer ≥ 1, got 10.5"},
    {"out_of_range", "runs = 0\n", "FILE:1: 'runs' must be an integer ≥ 1, got 0"},
    {"open_range", "confidence = 1\n",
     "FILE:1: 'confidence' must be a number > 0.5 and < 1, got 1"},
    {"negative_timeout", "timeout = -5\n", "FILE:1: 'timeout' must be a number > 0, got -5"},
    {"integer_too_large_for_int", "runs = 99999999999\n",
     "FILE:1: 'runs' must be an integer ≥ 1, got 99999999999"},
    {"unknown_mode", "mode = 'blame'\n", "FILE:1: 'mode' must be one of cause, fix, got \"blame\""},
    {"strategy_not_a_string", "strategy = 2\n",
     "FILE:1: 'strategy' must be one of bayes, syzbot, git, got 2"},
    {"good_not_strings", "good = ['v1', 3]\n",
     "FILE:1: 'good' must be a string or an array of strings, got [\"v1\", 3]"},
    {"empty_path", "state = ''\n", "FILE:1: 'state' must be a path (a non-empty string), got \"\""},
    {"boolean_for_string", "title = true\n", "FILE:1: 'title' must be a string, got true"},
    {"kernel_not_a_table", "kernel = 'yes'\n", "FILE:1: 'kernel' must be a table, got \"yes\""},
    {"compilers_not_an_array", "+compilers = 'gcc'\n",
     "FILE:5: 'kernel.compilers' must be an array of tables, got \"gcc\""},
    {"unknown_key_in_slurm", "bad = 'HEAD'\n[slurm]\npartiton = 'debug'\n",
     "FILE:3: unknown key 'slurm.partiton' (did you mean 'slurm.partition'?)"},
    {"slurm_start_timeout_zero", "[slurm]\nstart_timeout = 0\n",
     "FILE:2: 'slurm.start_timeout' must be a number > 0, got 0"},
    {"kernel_value_out_of_range", "+vm_memory_mb = 8\n",
     "FILE:5: 'kernel.vm_memory_mb' must be an integer ≥ 64, got 8"},
    {"old_memory_mb", "bad = 'HEAD'\nmemory_mb = 512\n",
     "FILE:2: 'memory_mb' is no longer read: write 'run_memory_limit_mb' (the address-space "
     "limit per run, in MiB), or 'vm_memory_mb' under [kernel] (the memory of each VM)"},
    {"old_memory_mb_in_kernel", "+memory_mb = 512\n",
     "FILE:5: 'memory_mb' is no longer read in [kernel]: write 'vm_memory_mb' (the memory of "
     "each VM, in MiB)"},
    {"path_that_cannot_be_resolved", "repo = 'loop/linux'\n",
     "FILE:1: 'repo' = \"DIR/loop/linux\" cannot be resolved: Too many levels of symbolic links"},
    {"good_file_with_every_key",
     "repo = '.'\nbad = 'HEAD'\ngood = ['v1']\nmode = 'fix'\nbuild = 'make'\ntest = './t'\n"
     "runs = 3\njobs = 2\ntimeout = 60\nbuild_timeout = 600.5\nmax_output_bytes = 4096\n"
     "run_memory_limit_mb = 1024\nstate = 's'\njson = 'r.json'\nstrategy = 'syzbot'\n"
     "confidence = 0.9\nmax_builds = 5\nmax_runs = 50\nbuild_cost = 2\ntitle = 'KASAN'\n"
     "max_commits = 1000\nseed = 7\n[kernel]\nconfig = 'k'\nreproducer = 'r'\n"
     "busybox = '/b'\nvms = 2\nvm_memory_mb = 256\ncpus = 2\ncmdline = 'x'\n"
     "boot_timeout = 30\nrun_timeout = 40\n"
     "compilers = [{since = 'v6.1', cc = 'gcc-12'}]\n"
     "[[kernel.fixups]]\nbefore = 'v5.10'\ndisable = ['KCSAN']\n",
     nullptr},
    {"good_file_with_every_slurm_key",
     "bad = 'HEAD'\nexecutor = 'slurm'\n[slurm]\npartition = 'debug'\naccount = 'lab'\n"
     "qos = 'high'\nbuild_time_limit_min = 90\nrun_time_limit_min = 10\nbuild_cpus = 8\n"
     "build_memory_mb = 8000\nrun_memory_mb = 600\nsbatch_options = ['--exclusive']\n"
     "builds = 2\nruns = 16\nstart_timeout = 600\nculprit = '/opt/culprit'\n",
     nullptr},
};

void PrintTo(const BadFile& row, std::ostream* os) { *os << row.name; }

class BadJobFile : public testing::TestWithParam<BadFile> {};

TEST_P(BadJobFile, NamesFileLineAndKey) {
  const BadFile& row = GetParam();
  TempDir dir;
  std::filesystem::create_directory_symlink("loop", dir.path() / "loop");
  // A row starting with '+' continues the [kernel] table of kKernel.
  std::string text = row.toml[0] == '+' ? kKernel + std::string(row.toml + 1) : row.toml;
  auto loaded = LoadJobFile(dir.Write(text));
  if (!row.want) {
    ASSERT_TRUE(loaded) << loaded.error().message;
    return;
  }
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message, Expand(row.want, dir));
  EXPECT_EQ(loaded.error().kind, ErrorKind::kBadInput);
}

INSTANTIATE_TEST_SUITE_P(All, BadJobFile, testing::ValuesIn(kBadFiles),
                         [](const auto& info) { return std::string(info.param.name); });

// Stored settings that are not ours: an error naming the field, never an exception.
TEST(JobConfig, FromJsonNamesTheField) {
  struct Row {
    const char* json;
    const char* want;
  };
  const Row rows[] = {
      {"not json", "stored job settings: not valid JSON"},
      {"[1]", "stored job settings: the settings must be an object, got an array"},
      {R"({"runz": 3})", "stored job settings: unknown field 'runz'"},
      {R"({"memory_mb": 3})", "stored job settings: unknown field 'memory_mb'"},
      {R"({"runs": "3"})", "stored job settings: 'runs' must be an integer ≥ 1, got \"3\""},
      {R"({"runs": 2.5})", "stored job settings: 'runs' must be an integer ≥ 1, got 2.5"},
      {R"({"seed": -1})", "stored job settings: 'seed' must be an integer ≥ 0, got -1"},
      {R"({"good": [1]})",
       "stored job settings: 'good' must be a string or an array of strings, got an array"},
      {R"({"kernel": 1})", "stored job settings: 'kernel' must be an object, got 1"},
      {R"({"kernel": {"compilers": {}}})",
       "stored job settings: 'kernel.compilers' must be an array, got an object"},
      {R"({"kernel": {"compilers": [{"cc": 1}]}})",
       "stored job settings: 'kernel.compilers[0].cc' must be a string, got 1"},
      {R"({"kernel": {"fixups": [2]}})",
       "stored job settings: 'kernel.fixups[0]' must be an object, got 2"},
  };
  for (const Row& r : rows) {
    auto c = FromJson(r.json);
    ASSERT_FALSE(c) << r.json;
    EXPECT_EQ(c.error().message, r.want) << r.json;
    EXPECT_EQ(c.error().kind, ErrorKind::kCorrupt) << r.json;
  }
  auto defaults = FromJson("{}");
  ASSERT_TRUE(defaults) << "a field left out keeps its default";
  EXPECT_EQ(ToJson(*defaults), ToJson(JobConfig{}));
}

TEST(JobConfig, FlagsComeFromTheTable) {
  std::vector<std::string> names;
  for (const FlagSpec& f : JobFlags()) names.push_back(f.name);
  EXPECT_EQ(
      names,
      (std::vector<std::string>{
          "--repo",           "--bad",          "--good",     "--mark",     "--skip",
          "--mode",           "--build",        "--test",     "--verdict",  "--expect",
          "--infra-exit",     "--runs",         "--jobs",     "--builders", "--infra-attempts",
          "--infra-patience", "--build-inputs", "--paths",    "--network",  "--timeout",
          "--memory",         "--state",        "--json",     "--strategy", "--confidence",
          "--no-verify",      "--max-builds",   "--max-runs", "--title",    "--executor"}));
  EXPECT_EQ(JobFlags()[11].help,
            "git: runs per tested commit; syzbot: runs per commit, twice as many on the bad "
            "commit and once the crash is seen flaky (as syzbot does); bayes: unused, it decides "
            "each commit's runs (bounded by --max-runs). Kernel jobs: VM boots (default: 10)");
  EXPECT_EQ(JobFlags()[11].type_name, "INT");
  EXPECT_TRUE(JobFlags()[2].repeatable);
  EXPECT_TRUE(JobFlags()[3].repeatable);
  EXPECT_EQ(JobFlags()[8].type_name, "crash|exit");
  EXPECT_TRUE(JobFlags()[25].is_switch);  // --no-verify
  EXPECT_EQ(JobFlags()[25].help.find("(default"), std::string::npos) << "a switch has none";

  TempDir dir;
  std::filesystem::create_directory_symlink("loop", dir.path() / "loop");
  struct Row {
    const char* flag;
    std::vector<std::string> texts;
    const char* want;  // the error, or nullptr
  };
  const Row rows[] = {
      {"--runs", {"ten"}, "--runs must be an integer ≥ 1, got \"ten\""},
      {"--runs", {"0"}, "--runs must be an integer ≥ 1, got \"0\""},
      {"--runs", {"4"}, nullptr},
      {"--timeout", {"nan"}, "--timeout must be a number > 0, got \"nan\""},
      {"--confidence", {"0.9"}, nullptr},
      {"--mode", {"blame"}, "--mode must be one of cause, fix, got \"blame\""},
      {"--mode", {"fix"}, nullptr},
      {"--memory", {"-1"}, "--memory must be an integer ≥ 0, got \"-1\""},
      {"--memory", {"64"}, nullptr},
      {"--good", {"v1", "v2"}, nullptr},
      {"--repo", {(dir.path() / "loop" / "x").string()}, nullptr},  // filled below
      {"--json", {""}, "--json must be a path (a non-empty string), got \"\""},
      {"--kernel", {"x"}, "unknown option --kernel"},
      {"--verdict", {"exit"}, nullptr},
      {"--verdict", {"status"}, "--verdict must be one of crash, exit, got \"status\""},
      {"--no-verify", {}, nullptr},
      {"--mark", {"v1=good", "v2=bad"}, nullptr},
  };
  JobConfig c;
  for (const Row& r : rows) {
    auto ok = ApplyFlag(c, r.flag, r.texts);
    if (std::string(r.flag) == "--repo") {
      ASSERT_FALSE(ok);
      EXPECT_EQ(ok.error().message, "--repo \"" + r.texts[0] +
                                        "\" cannot be resolved: Too many levels of symbolic links");
    } else if (!r.want) {
      EXPECT_TRUE(ok) << r.flag << ": " << ok.error().message;
    } else {
      ASSERT_FALSE(ok) << r.flag;
      EXPECT_EQ(ok.error().message, r.want);
    }
  }
  EXPECT_EQ(c.runs, 4);
  EXPECT_EQ(c.mode, decide::Mode::kFix);
  EXPECT_EQ(c.max_memory_bytes, 64u << 20);
  EXPECT_EQ(c.good, (std::vector<std::string>{"v1", "v2"}));
  EXPECT_EQ(c.verdict, Predicate::kExit);
  EXPECT_FALSE(c.verify) << "--no-verify sets verify = false";
  EXPECT_EQ(c.marks, (std::vector<std::string>{"v1=good", "v2=bad"}));
  EXPECT_NE(JobFileHelp().find("--no-verify: verify = false"), std::string::npos) << JobFileHelp();
}

// ---- every field of the table, whatever rows it has ----

template <class S>
toml::table EveryField(const std::string& prefix);

// A value unlike the default, in range, for each type of field.
template <class S, class T>
void AddValue(toml::table& file, const Field<S>& f, const T& default_value,
              const std::string& name) {
  if constexpr (kIsOptionalTable<T>) {
    file.insert(f.key, EveryField<typename T::value_type>(name + "."));
  } else if constexpr (kIsTableArray<T>) {
    toml::array list;
    list.push_back(EveryField<typename T::value_type>(name + "[0]."));
    list.push_back(EveryField<typename T::value_type>(name + "[1]."));
    file.insert(f.key, std::move(list));
  } else if constexpr (value::kIsInteger<T>) {
    int64_t v = std::isfinite(f.range.min) ? static_cast<int64_t>(f.range.min) + 2 : 7;
    if (static_cast<T>(v * f.unit) == default_value) v++;
    file.insert(f.key, v);
  } else if constexpr (std::is_same_v<T, bool>) {
    file.insert(f.key, !default_value);
  } else if constexpr (std::is_same_v<T, double>) {
    double v = std::isfinite(f.range.max) ? (f.range.min + f.range.max) / 2
                                          : (std::isfinite(f.range.min) ? f.range.min : 0) + 2.5;
    if (v == default_value) v += 1;
    file.insert(f.key, v);
  } else if constexpr (value::kIsPath<T>) {
    // Relative paths where the file's directory applies, to check that it does.
    file.insert(f.key, f.from_job_file_dir ? "rel-" + name : "/abs/" + name);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    if (name == "mark") {
      file.insert(f.key, toml::array{"a=good", "b=skip"});
    } else if (name == "skip") {
      file.insert(f.key, toml::array{"a..b", "c..d"});
    } else {
      file.insert(f.key, toml::array{"a-" + name, "b-" + name});
    }
  } else if constexpr (std::is_same_v<T, decide::Mode>) {
    file.insert(f.key, "fix");
  } else if constexpr (std::is_same_v<T, decide::StrategyKind>) {
    file.insert(f.key, "git");
  } else if constexpr (std::is_same_v<T, run::Network>) {
    file.insert(f.key, "host");
  } else if (name == "executor") {
    file.insert(f.key, "slurm");  // one of two names, checked by Validate
  } else if (name == "kernel.arch") {
    file.insert(f.key, "arm64");  // likewise
  } else if constexpr (std::is_same_v<T, Predicate>) {
    file.insert(f.key, "exit");
  } else {
    file.insert(f.key, "value of " + name);
  }
}

template <class S>
toml::table EveryField(const std::string& prefix) {
  toml::table file;
  const S defaults{};
  ForEachField<S>(
      [&](const Field<S>& f, auto member) { AddValue(file, f, defaults.*member, prefix + f.key); });
  return file;
}

nlohmann::json Parsed(const std::string& json) { return nlohmann::json::parse(json); }

template <class S>
void ExpectEveryKeyRead(const nlohmann::json& stored, const nlohmann::json& defaults,
                        const std::string& prefix) {
  ForEachField<S>([&](const Field<S>& f, auto member) {
    using T = typename MemberOf<decltype(member)>::Type;
    const std::string name = prefix + f.key;
    ASSERT_TRUE(stored.contains(f.key)) << name;
    if constexpr (kIsOptionalTable<T>) {
      ExpectEveryKeyRead<typename T::value_type>(stored[f.key], defaults[f.key], name + ".");
    } else if constexpr (kIsTableArray<T>) {
      ExpectEveryKeyRead<typename T::value_type>(stored[f.key][1], defaults[f.key][0],
                                                 name + "[1].");
    } else {
      EXPECT_NE(stored[f.key], defaults.value(f.key, nlohmann::json())) << name;
    }
  });
}

TEST(JobConfig, EveryFieldRoundTripsThroughTomlAndJson) {
  TempDir dir;
  std::ostringstream text;
  text << EveryField<JobConfig>("");
  auto loaded = LoadJobFile(dir.Write(text.str()));
  ASSERT_TRUE(loaded) << loaded.error().message << "\n" << text.str();
  // In range; --verdict exit with [kernel] and --title is Validate's own row (above).
  JobConfig checked = *loaded;
  checked.verdict = Predicate::kCrash;
  checked.target_title.clear();
  auto valid = Validate(checked);
  ASSERT_TRUE(valid) << "the values chosen are in range: " << valid.error().message;
  nlohmann::json stored = Parsed(ToJson(*loaded));
  nlohmann::json defaults = Parsed(ToJson(JobConfig{}));
  // Every key of the table was read: none kept its default.
  JobConfig with_entries{
      .kernel = KernelSettings{.compilers = {{}}, .fixups = {{}}, .backports = {{}}},
      .slurm = SlurmSettings{}};
  ExpectEveryKeyRead<JobConfig>(stored, Parsed(ToJson(with_entries)), "");
  // The job file's directory applies to relative paths, and the TOML value reaches the JSON.
  EXPECT_EQ(loaded->repo, dir.path() / "rel-repo");
  EXPECT_EQ(loaded->kernel->config, dir.path() / "rel-kernel.config");
  EXPECT_EQ(stored["kernel"]["compilers"][1]["cc"], "value of kernel.compilers[1].cc");
  EXPECT_EQ(stored["run_memory_limit_mb"], 2);
  EXPECT_EQ(loaded->max_memory_bytes, 2u << 20);

  auto back = FromJson(ToJson(*loaded));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(Parsed(ToJson(*back)), stored);
  EXPECT_EQ(Fingerprint(*back), Fingerprint(*loaded));
}

// A change to one field, named, and whether it is part of the job's question.
struct Change {
  std::string name;
  bool question;
  std::function<void(JobConfig&)> apply;
};

void Bump(int& v) { v++; }
void Bump(bool& v) { v = !v; }
void Bump(uint64_t& v) { v += 1 << 20; }  // a whole unit for every field
void Bump(double& v) { v += 0.01; }
void Bump(std::string& v) { v += "x"; }
void Bump(std::filesystem::path& v) { v /= "x"; }
void Bump(std::optional<std::filesystem::path>& v) { v = v ? *v / "x" : "x"; }
void Bump(std::vector<std::string>& v) { v.push_back("x"); }
void Bump(decide::Mode& v) {
  v = v == decide::Mode::kFix ? decide::Mode::kCause : decide::Mode::kFix;
}
void Bump(Predicate& v) { v = v == Predicate::kExit ? Predicate::kCrash : Predicate::kExit; }
void Bump(decide::StrategyKind& v) {
  v = v == decide::StrategyKind::kGit ? decide::StrategyKind::kBayes : decide::StrategyKind::kGit;
}
void Bump(run::Network& v) {
  v = v == run::Network::kHost ? run::Network::kLoopback : run::Network::kHost;
}

template <class S>
void AddChanges(std::function<S&(JobConfig&)> get, const std::string& prefix, bool question,
                std::vector<Change>& out) {
  ForEachField<S>([&](const Field<S>& f, auto member) {
    using T = typename MemberOf<decltype(member)>::Type;
    const std::string name = prefix + f.key;
    const bool q = question && f.question;
    if constexpr (kIsOptionalTable<T>) {
      out.push_back({name + " (removed)", q, [=](JobConfig& c) { (get(c).*member).reset(); }});
      AddChanges<typename T::value_type>([=](JobConfig& c) ->
                                         typename T::value_type& { return *(get(c).*member); },
                                         name + ".", q, out);
    } else if constexpr (kIsTableArray<T>) {
      out.push_back({name + " (one more)", q, [=](JobConfig& c) {
                       auto& list = get(c).*member;
                       list.push_back(list.front());
                     }});
      AddChanges<typename T::value_type>([=](JobConfig& c) ->
                                         typename T::value_type& { return (get(c).*member)[0]; },
                                         name + "[0].", q, out);
    } else {
      out.push_back({name, q, [=](JobConfig& c) { Bump(get(c).*member); }});
    }
  });
}

TEST(JobConfig, FingerprintChangesExactlyWithTheQuestion) {
  TempDir dir;
  std::ostringstream text;
  text << EveryField<JobConfig>("");
  auto base = LoadJobFile(dir.Write(text.str()));
  ASSERT_TRUE(base) << base.error().message;
  std::vector<Change> changes;
  AddChanges<JobConfig>([](JobConfig& c) -> JobConfig& { return c; }, "", true, changes);
  ASSERT_GT(changes.size(), 30u);
  for (const Change& change : changes) {
    JobConfig changed = *base;
    change.apply(changed);
    EXPECT_EQ(Fingerprint(changed) != Fingerprint(*base), change.question) << change.name;
    EXPECT_NE(ToJson(changed), ToJson(*base)) << change.name << " is stored";
    auto back = FromJson(ToJson(changed));
    ASSERT_TRUE(back) << change.name << ": " << back.error().message;
    EXPECT_EQ(ToJson(*back), ToJson(changed)) << change.name;
  }
  JobConfig same_repo = *base;
  same_repo.repo = dir.path() / "." / "rel-repo";
  EXPECT_EQ(Fingerprint(same_repo), Fingerprint(*base)) << "the same repository by another path";
}

}  // namespace
}  // namespace culprit::job
