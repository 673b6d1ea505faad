// End-to-end bisections through the real binary: linear and merge-heavy histories, skips,
// release search and horizon, fix mode, identical signatures, reuse of results.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli_runner.h"

namespace culprit::e2e {
namespace {

using history::TestRepo;

std::string Init(TestRepo& repo) {
  return repo.Commit("init\n\nSigned-off-by: Dev One <dev1@example.org>\n",
                     {{"bug", "0\n"}, {"code.txt", "version 0\n"}, {"docs.txt", "\n"}});
}

std::vector<std::string> Args(const TestRepo& repo, const ScratchDir& dir,
                              std::vector<std::string> extra, int every = 1) {
  std::vector<std::string> args = {"bisect",
                                   "--repo",
                                   repo.path().string(),
                                   "--build",
                                   BuildCommand(),
                                   "--test",
                                   TestCommand(every),
                                   "--state",
                                   (dir.path() / "state").string(),
                                   "--json",
                                   (dir.path() / "result.json").string(),
                                   "--jobs",
                                   "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

void ExpectUserRepoUntouched(const TestRepo& repo, const std::string& head) {
  EXPECT_EQ(repo.Resolve("HEAD"), head);
  // `git status` would show modified or untracked files if culprit had written the checkout.
  ScratchDir d;
  std::string cmd = "cd '" + repo.path().string() + "' && git status --porcelain > '" +
                    (d.path() / "s").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(CountLines(d.path() / "s"), 0) << "the user's checkout changed";
}

struct Scenario {
  const char* name;
  const char* strategy = "bayes";
  int every = 1;  // the crash shows on one run in `every`
};

void PrintTo(const Scenario& row, std::ostream* os) { *os << row.name; }

class LinearHistory : public testing::TestWithParam<Scenario> {};

TEST_P(LinearHistory, FindsThePlantedCommit) {
  const Scenario& s = GetParam();
  TestRepo repo;
  ScratchDir dir;
  std::string good = Init(repo);
  std::string planted;
  for (int i = 1; i <= 40; i++) {
    if (i == 23)
      planted = BugCommit(repo, true);
    else if (i % 5 == 0)
      DocCommit(repo, i);
    else
      CodeCommit(repo, i);
  }
  std::string head = repo.Resolve("HEAD");
  CliResult r = RunCulprit(
      Args(repo, dir, {"--bad", "HEAD", "--good", good, "--strategy", s.strategy}, s.every),
      dir.path() / "result.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.json["outcome"], "found");
  EXPECT_EQ(r.json["commit"], planted);
  EXPECT_EQ(r.json["title"], "ASan: heap-use-after-free in planted_bug");
  EXPECT_NE(r.out.find(planted + " is the first bad commit"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("recipients (to): [\"author@example.com\" \"bug@example.org\" "
                       "\"rev@example.org\"]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("culprit signature: "), std::string::npos);
  ExpectUserRepoUntouched(repo, head);
  // A page to open and a message to send, in the state directory.
  std::ifstream html(dir.path() / "state" / "reports" / "job-1.html");
  std::stringstream page;
  page << html.rdbuf();
  EXPECT_NE(page.str().find(planted.substr(0, 12)), std::string::npos);
  std::ifstream eml(dir.path() / "state" / "reports" / "job-1.eml");
  std::string subject;
  for (std::string line; std::getline(eml, line) && !line.empty();) {
    if (line.starts_with("Subject: ")) subject = line;
  }
  const std::string want_subject =
      "Subject: [culprit] ASan: heap-use-after-free in planted_bug: bisected to " +
      planted.substr(0, 12);
  EXPECT_TRUE(subject.starts_with(want_subject)) << subject;
}

INSTANTIATE_TEST_SUITE_P(All, LinearHistory,
                         testing::Values(Scenario{.name = "bayes_certain"},
                                         Scenario{.name = "bayes_flaky", .every = 3},
                                         Scenario{.name = "syzbot", .strategy = "syzbot"},
                                         Scenario{.name = "git", .strategy = "git"}),
                         [](const auto& info) { return std::string(info.param.name); });

// The crash's stack cites src/bug.c: commits that touched it weigh more in the prior. Right or
// wrong, the planted commit is found.
struct PriorScenario {
  const char* name;
  bool culprit_touches_stack_file;
  const char* want_note;
};

void PrintTo(const PriorScenario& row, std::ostream* os) { *os << row.name; }

class StackPrior : public testing::TestWithParam<PriorScenario> {};

TEST_P(StackPrior, FindsThePlantedCommitEitherWay) {
  const PriorScenario& s = GetParam();
  TestRepo repo;
  ScratchDir dir;
  std::string good = Init(repo);
  std::string planted;
  for (int i = 1; i <= 40; i++) {
    if (i == 27) {
      history::TestRepo::Files files = {{"bug", "1\n"}};
      if (s.culprit_touches_stack_file) files["src/bug.c"] = "int bug = 1;\n";
      planted =
          repo.Commit("bug: plant it\n\nSigned-off-by: Bug Author <bug@example.org>\n", files);
    } else if (i % 10 == 0) {
      StackFileCommit(repo, i);
    } else {
      CodeCommit(repo, i);
    }
  }
  CliResult r =
      RunCulprit(Args(repo, dir, {"--bad", "HEAD", "--good", good}), dir.path() / "result.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.json["commit"], planted) << r.out;
  EXPECT_NE(r.out.find(s.want_note), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    All, StackPrior,
    testing::Values(
        PriorScenario{"right", true,
                      "prior: 5 of 41 commits touch the crash's stack files (src/bug.c)"},
        PriorScenario{"wrong", false,
                      "prior: 4 of 41 commits touch the crash's stack files (src/bug.c)"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Bisect, MergeHeavyHistoryBlamesTheTopicCommit) {
  TestRepo repo;
  ScratchDir dir;
  std::string good = Init(repo);
  repo.Tag("v1.0");
  std::string planted;
  for (int t = 0; t < 5; t++) {
    std::string branch = "topic" + std::to_string(t);
    // Topic 2 forks from the old release and is merged late.
    repo.Branch(branch, t == 2 ? "v1.0" : "HEAD");
    repo.Switch(branch);
    for (int k = 0; k < 4; k++) {
      if (t == 2 && k == 2)
        planted = BugCommit(repo, true);
      else
        repo.Commit("topic " + std::to_string(t) + " step " + std::to_string(k),
                    {{"topic" + std::to_string(t) + ".txt", std::to_string(k)},
                     {"code.txt", "t" + std::to_string(t) + "k" + std::to_string(k) + "\n"}});
    }
    repo.Switch("master");
    for (int k = 0; k < 3; k++) CodeCommit(repo, t * 10 + k);
    repo.Merge(branch, "", {{"code.txt", "merged " + std::to_string(t) + "\n"}});
  }
  CliResult r =
      RunCulprit(Args(repo, dir, {"--bad", "HEAD", "--good", good}), dir.path() / "result.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.json["commit"], planted) << r.out;
}

TEST(Bisect, BrokenBuildsAroundTheCulpritGiveAnHonestCandidateSet) {
  TestRepo repo;
  ScratchDir dir;
  std::string good = Init(repo);
  std::string planted;
  for (int i = 1; i <= 30; i++) {
    if (i == 12) repo.Commit("break the build", {{"broken", "x"}, {"code.txt", "b\n"}});
    if (i == 14) planted = BugCommit(repo, true);
    if (i == 17) repo.Commit("fix the build", {{"broken", std::nullopt}, {"code.txt", "f\n"}});
    CodeCommit(repo, i);
  }
  CliResult r =
      RunCulprit(Args(repo, dir, {"--bad", "HEAD", "--good", good}), dir.path() / "result.json");
  ASSERT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.json["outcome"], "inconclusive");
  auto candidates = r.json["candidates"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(candidates.begin(), candidates.end(), planted), candidates.end());
  EXPECT_LE(candidates.size(), 8u) << r.out;
  EXPECT_NE(r.out.find("build failed"), std::string::npos);
  EXPECT_NE(r.out.find("# git bisect skip"), std::string::npos);
}

TEST(Bisect, ReleaseSearchFindsAGoodStart) {
  TestRepo repo;
  ScratchDir dir;
  Init(repo);
  std::string planted;
  for (int i = 1; i <= 60; i++) {
    if (i == 38)
      planted = BugCommit(repo, true);
    else
      CodeCommit(repo, i);
    if (i % 10 == 0) repo.Tag("v1." + std::to_string(i / 10));
  }
  repo.Tag("v1.6-rc1");
  CliResult r = RunCulprit(Args(repo, dir, {"--bad", "HEAD"}), dir.path() / "result.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.json["commit"], planted);
  EXPECT_NE(r.out.find("testing release v1.5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("testing release v1.3"), std::string::npos) << r.out;
  // The bisection starts from the release the search found clean.
  EXPECT_NE(r.out.find("# git bisect start " + repo.Resolve("HEAD") + " " + repo.Resolve("v1.3")),
            std::string::npos)
      << r.out;
}

TEST(Bisect, BugOlderThanEveryReleaseIsHorizon) {
  TestRepo repo;
  ScratchDir dir;
  repo.Commit("init with the bug", {{"bug", "1\n"}, {"code.txt", "0\n"}});
  for (int i = 1; i <= 20; i++) {
    CodeCommit(repo, i);
    if (i % 5 == 0) repo.Tag("v2." + std::to_string(i / 5));
  }
  CliResult r = RunCulprit(Args(repo, dir, {"--bad", "HEAD"}), dir.path() / "result.json");
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(r.json["outcome"], "horizon");
  EXPECT_EQ(r.json["commit"], repo.Resolve("v2.1")) << r.out;
}

TEST(Bisect, FixModeFindsTheFix) {
  TestRepo repo;
  ScratchDir dir;
  repo.Commit("init with the bug", {{"bug", "1\n"}, {"code.txt", "0\n"}});
  std::string bad = CodeCommit(repo, 1);
  std::string fix;
  for (int i = 2; i <= 30; i++) {
    if (i == 19)
      fix = BugCommit(repo, false);
    else
      CodeCommit(repo, i);
  }
  CliResult r =
      RunCulprit(Args(repo, dir, {"--bad", bad, "--mode", "fix"}), dir.path() / "result.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.json["mode"], "fix");
  EXPECT_EQ(r.json["commit"], fix);
  EXPECT_NE(r.out.find("is the first fixed commit"), std::string::npos) << r.out;
  // Verified the other way round: the fix applied on the old bad commit makes the crash go.
  EXPECT_EQ(r.json["verification"]["method"], "cherry-pick") << r.out;
  EXPECT_EQ(r.json["verification"]["outcome"], "confirmed") << r.out;
  EXPECT_EQ(r.json["verification"]["crashes"], 0);
  EXPECT_NE(
      r.out.find("verifying: cherry-picking " + fix.substr(0, 12) + " onto " + bad.substr(0, 12)),
      std::string::npos)
      << r.out;
}

TEST(Bisect, IdenticalSignaturesAndReuseAcrossJobs) {
  TestRepo repo;
  ScratchDir dir;
  std::string good = Init(repo);
  std::string planted;
  for (int i = 1; i <= 24; i++) {
    if (i == 15)
      planted = BugCommit(repo, true);
    else
      DocCommit(repo, i);  // the same program is built for most commits
  }
  auto runs = dir.path() / "runs.txt";
  auto builds = dir.path() / "builds.txt";
  std::vector<std::string> args = {"bisect",
                                   "--repo",
                                   repo.path().string(),
                                   "--bad",
                                   "HEAD",
                                   "--good",
                                   good,
                                   "--build",
                                   BuildCommand(builds),
                                   "--test",
                                   TestCommand(1, runs),
                                   "--state",
                                   (dir.path() / "state").string(),
                                   "--json",
                                   (dir.path() / "result.json").string()};
  CliResult first = RunCulprit(args, dir.path() / "result.json");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(first.json["commit"], planted);
  int builds_done = CountLines(builds), runs_done = CountLines(runs);
  EXPECT_GT(builds_done, 0);
  // The same question again in the same state directory: every build and run is reused.
  CliResult second = RunCulprit(args, dir.path() / "result.json");
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(second.json["commit"], planted);
  EXPECT_EQ(CountLines(builds), builds_done) << second.out;
  EXPECT_EQ(CountLines(runs), runs_done) << second.out;
  EXPECT_NE(second.out.find("cached build"), std::string::npos) << second.out;
}

}  // namespace
}  // namespace culprit::e2e

namespace culprit::e2e {
namespace {

TEST(Bisect, ReadsAJobFileAndFlagsOverrideIt) {
  history::TestRepo repo;
  ScratchDir dir;
  std::string good = Init(repo);
  std::string planted;
  for (int i = 1; i <= 12; i++) {
    if (i == 7)
      planted = BugCommit(repo, true);
    else
      CodeCommit(repo, i);
  }
  auto job = dir.path() / "job.toml";
  std::ofstream(job) << "repo = '" << repo.path().string() << "'\n"
                     << "bad = 'HEAD'\ngood = ['" << good << "']\n"
                     << "build = '''" << BuildCommand() << "'''\n"
                     << "test = '''" << TestCommand() << "'''\n"
                     << "runs = 3\nstrategy = 'git'\n";
  auto json = dir.path() / "result.json";
  CliResult r = RunCulprit({"bisect", job.string(), "--strategy", "bayes", "--state",
                            (dir.path() / "state").string(), "--json", json.string()},
                           json);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.json["commit"], planted);
  EXPECT_EQ(r.json["strategy"], "bayes") << "the flag overrides the job file";
}

}  // namespace
}  // namespace culprit::e2e
