// A job killed with SIGKILL at several points resumes with no finished run lost, no finished
// build repeated, and the user's checkout untouched.
#include <gtest/gtest.h>

#include "cli_runner.h"

namespace culprit::e2e {
namespace {

using history::TestRepo;

struct ResumeScenario {
  const char* name;
  const char* strategy;
  bool stack_prior;  // the crash's stack file is touched by some commits: bayes rebuilds its
                     // engine with a prior mid-job, and must again after every resume
  const char* build_sleep;
};

void PrintTo(const ResumeScenario& row, std::ostream* os) { *os << row.name; }

class Resume : public testing::TestWithParam<ResumeScenario> {};

TEST_P(Resume, SurvivesSigkillAtSeveralPoints) {
  const ResumeScenario& s = GetParam();
  TestRepo repo;
  ScratchDir dir;
  std::string good = repo.Commit("init", {{"bug", "0\n"}, {"code.txt", "0\n"}, {"docs.txt", "\n"}});
  std::string planted;
  for (int i = 1; i <= 40; i++) {
    if (i == 29)
      planted = BugCommit(repo, true);
    else if (s.stack_prior && i % 8 == 0)
      StackFileCommit(repo, i);
    else
      CodeCommit(repo, i);
  }
  std::string head = repo.Resolve("HEAD");
  auto builds = dir.path() / "builds.txt";
  auto runs = dir.path() / "runs.txt";
  auto state = (dir.path() / "state").string();
  auto json = dir.path() / "result.json";
  std::vector<std::string> args = {"bisect",
                                   "--repo",
                                   repo.path().string(),
                                   "--bad",
                                   "HEAD",
                                   "--good",
                                   good,
                                   "--build",
                                   BuildCommand(builds) + " && sleep " + s.build_sleep,
                                   "--test",
                                   TestCommand(1, runs, 0.1),
                                   "--state",
                                   state,
                                   "--json",
                                   json.string(),
                                   "--runs",
                                   "4",
                                   "--jobs",
                                   "2",
                                   "--strategy",
                                   s.strategy};
  int kills = 0;
  for (double after : {0.5, 1.5, 1.0}) {
    CliResult killed = RunCulprit(
        kills == 0 ? args : std::vector<std::string>{"resume", "--state", state}, {}, after);
    if (killed.signal == 9) kills++;
  }
  EXPECT_GE(kills, 2) << "the job finished before it could be killed; make it slower";
  CliResult done = RunCulprit({"resume", "--state", state}, json);
  ASSERT_EQ(done.exit_code, 0) << done.out << done.err;
  EXPECT_EQ(done.json["commit"], planted);
  EXPECT_NE(done.out.find("resuming job"), std::string::npos);
  if (s.stack_prior) {
    EXPECT_NE(done.out.find("prior: "), std::string::npos) << done.out;
  }
  // Each kill may cut one build short (it is redone); finished builds are never repeated. The
  // revert verification builds one more tree (and runs it), and a build in flight at the
  // conclusion is cancelled.
  int tested = done.json["revisions_tested"].get<int>();
  ASSERT_EQ(done.json["verification"]["outcome"], "confirmed") << done.out;
  EXPECT_LE(CountLines(builds), tested + 2 + kills) << "builds were repeated";
  // Runs in flight at a kill (at most --jobs) are redone; finished ones never are.
  EXPECT_LE(CountLines(runs),
            done.json["runs"].get<int>() + done.json["verification"]["runs"].get<int>() + 2 * kills)
      << "runs were repeated";
  EXPECT_EQ(repo.Resolve("HEAD"), head);
}

INSTANTIATE_TEST_SUITE_P(All, Resume,
                         testing::Values(ResumeScenario{"syzbot", "syzbot", false, "0.3"},
                                         ResumeScenario{"bayes_with_stack_prior", "bayes", true,
                                                        "0.6"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace culprit::e2e
