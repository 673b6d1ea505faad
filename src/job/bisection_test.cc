// The whole job loop against fake parts, one scenario a row (syzkaller's bisect_test.go):
// target picking, the stack prior and its rebuild, resume by replay, fix mode, release search,
// infrastructure errors, identical trees, a culprit whose parent no test needed, untestable
// stretches, a kill between "stored" and "used", builds and runs in flight. The store is the
// real one (SQLite in a temporary directory); builds and runs are instant.
#include "job/bisection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "decide/names.h"
#include "job/fake_parts.h"
#include "job/target.h"
#include "report/render.h"

namespace culprit::job {
namespace {

namespace fs = std::filesystem;
using decide::CommitIndex;
using decide::ConclusionKind;
using decide::Mode;
using decide::StrategyKind;
using testing::FakeBuilder;
using testing::FakeRepository;
using testing::FakeRunner;
using testing::FakeWorktree;
using testing::FakeWorld;
using Ranges = std::vector<std::pair<int, int>>;

constexpr int kPlanted = -2;  // want_culprit: the planted culprit

struct LoopScenario {
  const char* name;
  const char* history = "linear 64";
  int culprit = 40;
  Mode mode = Mode::kCause;
  int introduced = 0;           // fix mode
  int bad = -1;                 // -1: the head
  std::vector<int> good = {0};  // empty: release search (cause) or the head (fix)
  StrategyKind strategy = StrategyKind::kBayes;
  double crash_p = 1.0;
  int vms = 1;
  int builders = 1;
  Ranges build_broken = {};
  Ranges boot_broken = {};
  Ranges same_tree = {};
  std::pair<int, int> infra_range = {1, 0};
  double infra_p = 0;
  double other_crash_p = 0;
  const char* title = "";  // --title
  const char* crash_file = "fs/io_uring.c";
  std::vector<int> touch_crash_file;  // commits changing the crash's file (the stack prior)
  // Build avoidance: every commit changes src/N.c, or docs/N.md when N % docs_every == 0 (and
  // data/N.txt when N is in data_commits: a file the build reads without declaring it).
  int docs_every = 0;
  std::vector<int> data_commits = {};
  std::vector<std::string> build_inputs = {};
  std::vector<std::string> paths = {};
  int interrupt_at_stored = 0;        // > 0: stop after this many stored results, then resume
  int interrupt_in_verification = 0;  // > 0: the same, counting from "verifying:"
  bool failing_test = false;          // the bug is a failing test (exit 1), not a crash
  Predicate verdict = Predicate::kCrash;
  const char* expect = "";
  bool build = true;                               // false: the test runs in the checkout
  std::vector<std::pair<int, const char*>> marks;  // --mark COMMIT=WORD
  std::vector<std::pair<int, int>> skip;           // --skip A..B
  std::set<int> edit_conflicts;                    // reverting them conflicts
  bool edited_build_broken = false;                // the reverted tree does not build
  bool crash_survives_edit = false;                // the crash comes from elsewhere
  bool verify = true;                              // false: --no-verify
  int infra_attempts = 50;
  double infra_patience_s = 600;
  uint64_t seed = 1;
  // What must come out.
  ConclusionKind want = ConclusionKind::kFound;
  int want_culprit = kPlanted;
  std::vector<int> want_candidates = {};             // kInconclusive: the exact set, when given
  ErrorKind want_error_kind = ErrorKind::kInternal;  // for rows that end in an Error
  bool want_job_error = false;                       // RunBisection returns an Error
  const char* want_text = "";                        // in the error, else in the log
  const char* want_target = "";                      // the target crash title
  bool want_noop = false;
  bool want_parent_signature = false;
  int want_builds_avoided_at_least = 0;
  /// The verification's outcome (found culprits are verified unless --no-verify).
  std::optional<report::VerificationOutcome> want_verification;
  std::vector<int> want_unbuilt = {};  // commits never built (marked by hand)

  bool want_interruption() const {
    return interrupt_at_stored > 0 || interrupt_in_verification > 0;
  }
};

using report::VerificationOutcome;

const LoopScenario kScenarios[] = {
    {.name = "linear_certain", .want_target = "KASAN: use-after-free Read in io_req_task_submit"},
    {.name = "kernel_history_flaky",
     .history = "kernel 300",
     .culprit = 170,
     .crash_p = 0.5,
     .vms = 4},
    {.name = "syzbot_ten_vms", .strategy = StrategyKind::kSyzbot, .vms = 10},
    {.name = "syzbot_flaky", .strategy = StrategyKind::kSyzbot, .crash_p = 0.8, .vms = 5},
    {.name = "git_strategy", .strategy = StrategyKind::kGit, .vms = 3},
    // An unrelated crash on the bad commit is not the target; it is a crash like any other
    // elsewhere and never evidence.
    {.name = "target_is_the_most_frequent_crash",
     .crash_p = 0.9,
     .vms = 4,
     .other_crash_p = 0.15,
     .want_target = "KASAN: use-after-free Read in io_req_task_submit"},
    {.name = "title_names_the_target",
     .crash_p = 0.8,
     .vms = 2,
     .other_crash_p = 0.2,
     .title = "KASAN: use-after-free Read in io_req_task_submit",
     .want_target = "KASAN: use-after-free Read in io_req_task_submit"},
    {.name = "title_never_seen_on_bad",
     .title = "WARNING in nothing_like_it",
     .want = ConclusionKind::kError,
     .want_culprit = -1,
     .want_text = "not reproduced"},
    {.name = "stack_prior_rebuilds_the_engine",
     .history = "kernel 300",
     .culprit = 150,
     .crash_p = 0.5,
     .vms = 2,
     .touch_crash_file = {20, 150, 260},
     .want_text = "prior: 3 of"},
    // A project with its sources at the root: the bare file name counts when it exists.
    {.name = "stack_prior_for_a_root_level_file",
     .crash_file = "lookup.c",
     .touch_crash_file = {40, 50},
     .want_text = "(lookup.c)"},
    {.name = "fix_mode",
     .culprit = 40,
     .mode = Mode::kFix,
     .introduced = 3,
     .bad = 5,
     .good = {63}},
    {.name = "fix_mode_flaky",
     .culprit = 30,
     .mode = Mode::kFix,
     .introduced = 3,
     .bad = 5,
     .good = {63},
     .crash_p = 0.6,
     .vms = 3},
    {.name = "release_search",
     .history = "kernel 300",
     .culprit = 220,
     .good = {},
     .vms = 2,
     .want_text = "testing release v"},
    {.name = "release_search_horizon",
     .history = "kernel 300",
     .culprit = 0,
     .good = {},
     .want = ConclusionKind::kHorizon,
     .want_culprit = -1},
    // A reliable reproducer: with runs this sparse on the stretch, a flaky one loses to a
    // streak of misses now and then (the 1% the confidence target allows), on a path that
    // depends on the order results come in; this row is about the retries.
    {.name = "infra_errors_on_a_stretch_are_retried",
     .crash_p = 1.0,
     .vms = 3,
     .infra_range = {20, 50},
     .infra_p = 0.6,
     .infra_patience_s = 0},
    {.name = "infra_errors_everywhere_stop_the_job",
     .vms = 2,
     .infra_range = {0, 63},
     .infra_p = 1.0,
     .infra_attempts = 6,
     .infra_patience_s = 0,
     .want_error_kind = ErrorKind::kInfra,
     .want_job_error = true,
     .want_text = "failed to create VM: pool exhausted"},
    {.name = "identical_tree_marks_a_noop_culprit", .same_tree = {{40, 40}}, .want_noop = true},
    {.name = "identical_trees_before_the_culprit", .same_tree = {{30, 39}}},
    // Git-walk strategies never test the culprit's first parent on a merge-heavy history's
    // merges: the engine builds it before concluding, for the noop check.
    {.name = "culprit_parent_built_for_the_noop_check",
     .history = "kernel 300",
     .culprit = 200,
     .vms = 2,
     .want_parent_signature = true},
    {.name = "untestable_stretch_around_the_culprit",
     .build_broken = {{38, 42}},
     .want = ConclusionKind::kInconclusive,
     .want_candidates = {38, 39, 40, 41, 42, 43}},
    {.name = "boot_failures_around_the_culprit",
     .boot_broken = {{38, 42}},
     .want = ConclusionKind::kInconclusive,
     .want_candidates = {38, 39, 40, 41, 42, 43}},
    {.name = "broken_stretch_before_the_culprit", .build_broken = {{20, 30}}},
    {.name = "killed_between_stored_and_used", .crash_p = 0.6, .vms = 3, .interrupt_at_stored = 7},
    {.name = "killed_late",
     .history = "kernel 300",
     .culprit = 120,
     .crash_p = 0.5,
     .vms = 4,
     .interrupt_at_stored = 60},
    // One VM, so that the path is the same whatever the machine's load: with several, which
    // commits the search lands on (avoidable or not) depends on the order results come in.
    {.name = "avoids_builds_that_change_no_input",
     .history = "kernel 300",
     .culprit = 140,
     .crash_p = 0.6,
     .vms = 1,
     .docs_every = 2,
     .build_inputs = {"src/"},
     .want_text = "build avoided: ",
     .want_builds_avoided_at_least = 1},
    {.name = "paths_restrict_the_candidates",
     .culprit = 41,
     .docs_every = 3,
     .paths = {"src/"},
     .want_text = "(outside --paths)",
     .want_builds_avoided_at_least = 1},
    // The culprit changes a file the build reads without declaring it: given its parent's
    // program, it looks clean; built for real before the end, it shows another program.
    {.name = "an_avoided_commit_that_differs_is_built",
     .culprit = 40,
     .docs_every = 1,
     .data_commits = {40},
     .build_inputs = {"src/"},
     .want_text = "contradiction: "},
    {.name = "builds_and_runs_in_flight",
     .history = "kernel 300",
     .culprit = 90,
     .crash_p = 0.4,
     .vms = 6,
     .builders = 3},
    // Revert verification: the culprit reverted on the bad commit, built and run.
    {.name = "verification_confirms",
     .culprit = 37,
     .crash_p = 0.4,
     .vms = 3,
     .want_text = "verified: crash gone with ",
     .want_verification = VerificationOutcome::kConfirmed},
    {.name = "verification_confirms_a_merge",
     .history = "kernel 300",
     .culprit = 200,
     .vms = 2,
     .want_verification = VerificationOutcome::kConfirmed},
    {.name = "verification_cherry_picks_the_fix",
     .culprit = 37,
     .mode = Mode::kFix,
     .introduced = 3,
     .bad = 5,
     .good = {63},
     .crash_p = 0.6,
     .vms = 2,
     .want_text = "verifying: cherry-picking ",
     .want_verification = VerificationOutcome::kConfirmed},
    {.name = "verification_refutes_a_culprit_the_crash_outlives",
     .culprit = 37,
     .crash_p = 0.5,
     .vms = 3,
     .crash_survives_edit = true,
     .want_text = "verification refuted: the crash is still there",
     .want_verification = VerificationOutcome::kRefuted},
    {.name = "verification_revert_conflicts",
     .culprit = 37,
     .edit_conflicts = {37},
     .want_text = "conflicts in 1 file (lookup.c)",
     .want_verification = VerificationOutcome::kNotApplicable},
    {.name = "verification_reverted_tree_does_not_build",
     .culprit = 37,
     .edited_build_broken = true,
     .want_text = "does not build",
     .want_verification = VerificationOutcome::kNotApplicable},
    {.name = "verification_of_a_noop_culprit",
     .culprit = 36,
     .same_tree = {{36, 36}},
     .want_text = "changes nothing",
     .want_noop = true,
     .want_verification = VerificationOutcome::kNotApplicable},
    {.name = "verification_of_a_release",
     .culprit = 40,  // linear 64 tags v4.0 at 40
     .want_text = "is the release v4.0",
     .want_verification = VerificationOutcome::kNotApplicable},
    {.name = "verification_off", .culprit = 37, .verify = false},
    {.name = "verification_killed_and_resumed",
     .culprit = 37,
     .crash_p = 0.5,
     .vms = 2,
     .interrupt_in_verification = 3,
     .want_verification = VerificationOutcome::kConfirmed},
    {.name = "verification_without_a_build",
     .culprit = 37,
     .crash_p = 0.5,
     .vms = 3,
     .build = false,
     .want_verification = VerificationOutcome::kConfirmed},
    // A failing test, judged by its exit status as git bisect run does.
    {.name = "exit_verdict_flaky_failing_test",
     .culprit = 37,
     .crash_p = 0.33,
     .vms = 3,
     .failing_test = true,
     .verdict = Predicate::kExit,
     .want_target = "exit status 1",
     .want_verification = VerificationOutcome::kConfirmed},
    // Every failure counts and there is no good commit: the release search weighs the
    // releases with the bad commit (Posterior::Changepoint) through the job loop.
    {.name = "exit_verdict_release_search",
     .history = "kernel 300",
     .culprit = 220,
     .good = {},
     .crash_p = 0.5,
     .vms = 3,
     .failing_test = true,
     .verdict = Predicate::kExit,
     .want_text = "testing release v"},
    // The same with failures of another kind now and then, killed and resumed mid-search.
    {.name = "exit_verdict_release_search_with_accidents_resumed",
     .history = "kernel 300",
     .culprit = 220,
     .good = {},
     .crash_p = 0.5,
     .vms = 3,
     .other_crash_p = 0.05,
     .interrupt_at_stored = 40,
     .failing_test = true,
     .verdict = Predicate::kExit},
    {.name = "exit_verdict_without_a_build",
     .culprit = 37,
     .crash_p = 0.33,
     .vms = 3,
     .failing_test = true,
     .verdict = Predicate::kExit,
     .build = false,
     .want_verification = VerificationOutcome::kConfirmed},
    // A second, unrelated failure everywhere: --expect keeps it out of the evidence.
    {.name = "exit_verdict_expect_ignores_another_failure",
     .culprit = 37,
     .crash_p = 0.4,
     .vms = 3,
     .other_crash_p = 0.2,
     .failing_test = true,
     .verdict = Predicate::kExit,
     .expect = "stale value",
     .want_text = "(output does not match --expect)"},
    {.name = "crash_verdict_expect_picks_the_crash",
     .crash_p = 0.8,
     .vms = 2,
     .other_crash_p = 0.3,
     .expect = "use-after-free",
     .want_target = "KASAN: use-after-free Read in io_req_task_submit"},
    // Marks a human gave: evidence, never built for their verdict, shown as theirs.
    {.name = "marks_narrow_the_search",
     .crash_p = 0.5,
     .vms = 2,
     .marks = {{30, "good"}, {50, "bad"}},
     .want_text = "(your mark)",
     .want_unbuilt = {30, 50}},
    {.name = "marks_syzbot",
     .strategy = StrategyKind::kSyzbot,
     .marks = {{30, "good"}, {50, "bad"}},
     .want_unbuilt = {30, 50}},
    {.name = "skip_range_around_the_culprit",
     .skip = {{37, 42}},
     .want = ConclusionKind::kInconclusive,
     .want_text = "# git bisect skip ",
     .want_unbuilt = {38, 39, 40, 41, 42}},
    {.name = "marks_killed_and_resumed",
     .crash_p = 0.6,
     .vms = 3,
     .interrupt_at_stored = 5,
     .marks = {{20, "good"}, {55, "bad"}, {45, "skip"}},
     .want_unbuilt = {20, 55, 45}},
};

void PrintTo(const LoopScenario& s, std::ostream* os) { *os << s.name; }

bool IsWellFormed(const LoopScenario& s) {
  if (s.want_job_error && std::string(s.want_text).empty()) return false;
  if (!s.want_candidates.empty() && s.want != ConclusionKind::kInconclusive) return false;
  if (s.mode == Mode::kFix && s.good.size() != 1) return false;
  return true;
}

struct Outcome {
  Result<report::BisectionResult> result = Fail(ErrorKind::kInternal, "not run");
  std::string log;
  int builds = 0;
  int runs = 0;
  int builds_repeated = 0;  ///< builds of a commit beyond its first
  std::string repeated;     ///< the commits built more than once
  int runs_repeated = 0;    ///< runs of a (commit, number) beyond its first
  int stored_builds = 0;
  int stored_runs = 0;
  int interruptions = 0;
  std::set<std::string> built_commits;
};

class LoopTest : public ::testing::TestWithParam<LoopScenario> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("culprit-loop-" + std::to_string(getpid()) + "-" + GetParam().name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  FakeWorld World(const LoopScenario& s) {
    FakeWorld w{.dag = testing::MakeFakeDag(s.history, 7),
                .mode = s.mode,
                .culprit = s.culprit,
                .introduced = s.introduced,
                .crash_p = s.crash_p,
                .build_broken = s.build_broken,
                .boot_broken = s.boot_broken,
                .same_tree = s.same_tree,
                .infra_range = s.infra_range,
                .infra_p = s.infra_p,
                .other_crash_p = s.other_crash_p,
                .seed = s.seed,
                .crash_file = s.crash_file,
                .failing_test = s.failing_test,
                .edit_conflicts = {s.edit_conflicts.begin(), s.edit_conflicts.end()},
                .edited_build_broken = s.edited_build_broken,
                .crash_survives_edit = s.crash_survives_edit};
    w.files.insert(s.crash_file);
    for (int c : s.touch_crash_file) w.changes[c].push_back(s.crash_file);
    if (s.docs_every > 0) {
      for (int c = 1; c < w.dag.size(); ++c) {
        const std::string n = std::to_string(c);
        w.changes[c].push_back(c % s.docs_every == 0 ? "docs/" + n + ".md" : "src/" + n + ".c");
      }
      // The planted culprit always changes the program, through the source or a data file.
      w.changes[s.culprit].push_back("src/" + std::to_string(s.culprit) + ".c");
      for (int c : s.data_commits) {
        w.changes[c] = {"data/" + std::to_string(c) + ".txt"};
      }
    }
    return w;
  }

  JobConfig Config(const LoopScenario& s, const FakeWorld& w) {
    JobConfig c;
    c.repo = "/fake/repo";
    c.bad = w.dag.node(s.bad < 0 ? w.dag.size() - 1 : s.bad).id;
    for (int g : s.good) c.good.push_back(w.dag.node(g).id);
    c.mode = s.mode;
    c.strategy = s.strategy;
    c.build_command = s.build ? "make" : "";
    c.test_command = "./repro";
    c.verdict = s.verdict;
    c.expect = s.expect;
    c.verify = s.verify;
    for (const auto& [commit, word] : s.marks)
      c.marks.push_back(w.dag.node(commit).id + "=" + word);
    for (const auto& [from, to] : s.skip)
      c.skip.push_back(w.dag.node(from).id + ".." + w.dag.node(to).id);
    c.jobs = s.vms;
    c.builders = s.builders;
    c.target_title = s.title;
    c.infra_attempts = s.infra_attempts;
    c.build_inputs = s.build_inputs;
    c.paths = s.paths;
    c.infra_patience_s = s.infra_patience_s;
    c.state_dir = dir_ / "state";
    c.seed = s.seed;
    return c;
  }

  Outcome Run(const LoopScenario& s, const FakeWorld& world) {
    Outcome out;
    JobConfig config = Config(s, world);
    auto store = store::Store::Open(config.state_dir);
    EXPECT_TRUE(store.has_value());
    if (!store) return out;
    auto job = (*store)->CreateJob({.fingerprint = "f", .config_json = "{}"});
    EXPECT_TRUE(job.has_value());
    FakeRepository repo(world);
    std::vector<std::unique_ptr<FakeWorktree>> slots;
    std::vector<history::Worktree*> worktrees;
    // As run_job.cc: without a build, one worktree per run at once.
    for (int i = 0; i < (s.build ? s.builders : std::max(s.builders, s.vms)); ++i) {
      slots.push_back(std::make_unique<FakeWorktree>(dir_ / ("worktree-" + std::to_string(i))));
      worktrees.push_back(slots.back().get());
    }
    FakeBuilder builder(world);
    FakeRunner runner(world);
    std::unique_ptr<Target> target = MakeProgramTarget(config);
    std::ostringstream log_text;
    report::ProgressLog log(log_text, nullptr);
    int stored = 0, stored_verifying = 0;
    auto interrupt = [&](std::string_view point) {
      if (point != "stored") return false;
      if (s.interrupt_in_verification > 0 &&
          log_text.str().find("verifying:") != std::string::npos &&
          ++stored_verifying == s.interrupt_in_verification)
        return true;
      return s.interrupt_at_stored > 0 && ++stored == s.interrupt_at_stored;
    };
    Parts parts{repo, worktrees, builder, runner, **store, log, *target, interrupt};
    out.result = RunBisection(config, *job, parts);
    if (!out.result && out.result.error().kind == ErrorKind::kInterrupted) {
      // A kill between "stored" and "used": a new process resumes on the same state.
      ++out.interruptions;
      parts.interrupted = nullptr;
      log_text << "--- resumed ---\n";
      out.result = RunBisection(config, *job, parts);
    }
    out.log = log_text.str();
    out.builds = builder.builds();
    out.runs = runner.runs();
    for (const auto& [commit, n] : builder.built()) {
      out.builds_repeated += n - 1;
      if (n > 1) out.repeated += commit + " ";
      out.built_commits.insert(commit);
    }
    for (const auto& [run, n] : runner.ran()) out.runs_repeated += n - 1;
    if (auto decisions = (*store)->Decisions(*job)) {
      for (const std::string& d : *decisions) out.stored_builds += d.rfind("build ", 0) == 0;
    }
    return out;
  }

  fs::path dir_;
};

// The last verdict the log printed per commit: "# git bisect WORD H" or a changed mind.
std::map<std::string, std::string> PrintedVerdicts(const std::string& log) {
  std::map<std::string, std::string> last;
  static const std::regex kVerdict(
      R"(^# git bisect (good|bad|old|new|skip) ([0-9a-f]{40})( \(.*\))?$)");
  static const std::regex kChanged(
      R"(^# culprit changed its verdict on ([0-9a-f]{40}): (good|bad|old|new|skip) )");
  std::istringstream in(log);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, kVerdict)) last[m[2]] = m[1];
    if (std::regex_search(line, m, kChanged)) last[m[1]] = m[2];
  }
  return last;
}

TEST_P(LoopTest, Scenario) {
  const LoopScenario& s = GetParam();
  ASSERT_TRUE(IsWellFormed(s)) << "contradictory row";
  FakeWorld world = World(s);
  Outcome out = Run(s, world);
  SCOPED_TRACE(out.log);
  if (std::getenv("LOOP_LOG")) std::cerr << out.log;
  if (s.want_job_error) {
    ASSERT_FALSE(out.result.has_value());
    EXPECT_EQ(out.result.error().kind, s.want_error_kind);
    EXPECT_NE(out.result.error().message.find(s.want_text), std::string::npos)
        << out.result.error().message;
    return;
  }
  ASSERT_TRUE(out.result.has_value()) << out.result.error().message;
  const report::BisectionResult& r = *out.result;
  EXPECT_EQ(r.outcome, s.want) << decide::OutcomeName(r.outcome) << ": " << r.error << " "
                               << r.stop_reason;
  if (s.want == ConclusionKind::kFound) {
    const int want = s.want_culprit == kPlanted ? s.culprit : s.want_culprit;
    EXPECT_EQ(r.commit, world.dag.node(want).id) << "planted " << want;
  }
  if (!s.want_candidates.empty()) {
    std::vector<int> got;
    for (const auto& c : r.candidates) got.push_back(world.IndexOf(c.commit));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, s.want_candidates);
  }
  if (*s.want_text) {
    const std::string& where = r.outcome == ConclusionKind::kError ? r.error : out.log;
    EXPECT_NE(where.find(s.want_text), std::string::npos) << where;
  }
  if (*s.want_target) {
    EXPECT_EQ(r.title, s.want_target);
  }
  EXPECT_EQ(r.noop, s.want_noop);
  EXPECT_GE(r.builds_avoided, s.want_builds_avoided_at_least);
  if (s.want_parent_signature) {
    EXPECT_NE(r.parent_signature, "");
    EXPECT_NE(r.parent_signature, "(not built)");
  }
  if (s.want_verification) {
    ASSERT_TRUE(r.verification.has_value());
    EXPECT_EQ(r.verification->outcome, *s.want_verification)
        << VerificationOutcomeName(r.verification->outcome) << ": " << r.verification->detail;
    EXPECT_EQ(report::ExitStatus(r), *s.want_verification == VerificationOutcome::kRefuted ? 4 : 0);
    if (*s.want_verification != VerificationOutcome::kNotApplicable) {
      EXPECT_GT(r.verification->runs, 0);
      EXPECT_GE(r.confidence, 0) << "combined with the bisection's";
    }
  }
  if (!s.verify) {
    EXPECT_FALSE(r.verification.has_value());
  }
  if (s.want_interruption()) {
    EXPECT_EQ(out.interruptions, 1) << "the row meant to kill the job";
  }
  for (int c : s.want_unbuilt) {
    EXPECT_EQ(out.built_commits.count(world.dag.node(c).id), 0u) << c << " was built";
  }

  // The log prints the engine's verdicts: the last one printed for a commit is the one the
  // result holds, whatever the strategy.
  std::map<std::string, std::string> printed = PrintedVerdicts(out.log);
  for (const report::TestedRevision& t : r.tested) {
    auto it = printed.find(t.commit);
    if (it == printed.end()) continue;
    if (t.verdict == decide::CommitVerdict::kUndecided) continue;
    EXPECT_EQ(it->second, decide::VerdictWord(t.verdict, s.mode)) << t.commit;
  }
  // A decided verdict is never against the truth in these rows (when the bisection ran).
  for (const report::TestedRevision& t : r.tested) {
    if (r.outcome == ConclusionKind::kError) break;
    CommitIndex c = world.IndexOf(t.commit);
    if (t.verdict == decide::CommitVerdict::kCrashes) {
      EXPECT_TRUE(world.Crashes(c)) << c;
    }
    if (t.verdict == decide::CommitVerdict::kClean) {
      EXPECT_FALSE(world.Crashes(c)) << c;
    }
  }
  // Nothing finished is redone: builds and runs beyond what was stored are only those in
  // flight when the job was killed.
  EXPECT_LE(out.builds_repeated, out.interruptions * s.builders)
      << "builds redone: " << out.repeated;
  EXPECT_LE(out.runs_repeated, out.interruptions * s.vms) << "runs redone";
}

INSTANTIATE_TEST_SUITE_P(All, LoopTest, ::testing::ValuesIn(kScenarios),
                         [](const auto& info) { return std::string(info.param.name); });

// The same question asked again replays the store: the answer is the same and nothing that
// was built or run is done again (a replay may still ask for more: the evidence arrives in
// another order, so the engine may walk another way).
TEST(Loop, AskingAgainRedoesNothing) {
  fs::path dir = fs::temp_directory_path() / ("culprit-loop-replay-" + std::to_string(getpid()));
  fs::remove_all(dir);
  FakeWorld world{.dag = testing::MakeFakeDag("kernel 200", 7), .culprit = 120, .crash_p = 0.5};
  JobConfig config;
  config.bad = world.dag.node(world.dag.size() - 1).id;
  config.good = {world.dag.node(0).id};
  config.build_command = "make";
  config.test_command = "./repro";
  config.jobs = 3;
  config.state_dir = dir;
  auto store = store::Store::Open(dir);
  ASSERT_TRUE(store.has_value());
  FakeRepository repo(world);
  FakeWorktree worktree(dir / "wt");
  FakeBuilder builder(world);
  FakeRunner runner(world);
  std::unique_ptr<Target> target = MakeProgramTarget(config);
  for (int round = 0; round < 2; ++round) {
    std::ostringstream text;
    report::ProgressLog log(text, nullptr);
    auto job = (*store)->CreateJob({.fingerprint = "f", .config_json = "{}"});
    ASSERT_TRUE(job.has_value());
    Parts parts{repo, {&worktree}, builder, runner, **store, log, *target, {}};
    auto r = RunBisection(config, *job, parts);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->commit, world.dag.node(120).id);
    if (round == 1) {
      EXPECT_NE(text.str().find("reusing"), std::string::npos);
    }
  }
  for (const auto& [commit, n] : builder.built()) EXPECT_EQ(n, 1) << commit;
  for (const auto& [run, n] : runner.ran()) EXPECT_EQ(n, 1) << run.first << " #" << run.second;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace culprit::job
