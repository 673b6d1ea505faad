// Mistakes that must not pass for answers, and figures that must be true: a bisected timeout
// gets a warning naming --timeout, and one that is there at the good end too is a broken test,
// not a crash older than the history; the guilty file is the repository's path, not culprit's
// private checkout; the total time is the job's wall time, which builds and runs made one at a
// time add up to.
#include <gtest/gtest.h>

#include <chrono>

#include "cli_runner.h"

namespace culprit::e2e {
namespace {

TEST(Mistakes, ATestThatNeverEndsIsABrokenTestNotAnOldCrash) {
  PlantedRepo r;
  ScratchDir dir;
  std::vector<std::string> args = BisectArgs(r, dir, BuildCommand(), "sleep 30");
  for (const char* more : {"--timeout", "0.5", "--jobs", "4"}) args.push_back(more);
  CliResult out = RunCulprit(args, dir.path() / "result.json");
  EXPECT_EQ(out.exit_code, 1) << out.out << out.err;
  EXPECT_NE(out.out.find("warning: the crash to bisect is 'test timed out'"), std::string::npos)
      << out.out;
  EXPECT_NE(out.out.find("raise --timeout"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("the test looks broken"), std::string::npos) << out.out;
  EXPECT_EQ(out.out.find("older than the searched history"), std::string::npos) << out.out;
  ASSERT_TRUE(out.json.is_object());
  EXPECT_EQ(out.json["outcome"], "error");
}

// A build that records where it ran, as compilers do without -ffile-prefix-map: the report's
// stack cites culprit's private checkout, and the guilty file is still the repository's path.
TEST(Mistakes, TheGuiltyFileIsARepositoryPath) {
  PlantedRepo r;
  ScratchDir dir;
  const std::string build = BuildCommand() + " && echo \"$PWD\" > \"$CULPRIT_OUT/srcdir\"";
  const std::string test =
      "if [ \"$(cat \"$CULPRIT_OUT/bug\")\" = 1 ]; then d=$(cat \"$CULPRIT_OUT/srcdir\"); "
      "printf '%s\\n' "
      "'==17==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc "
      "0x55d4c1a2b3c4 bp 0x7ffd5d0 sp 0x7ffd5c8' "
      "'READ of size 4 at 0x602000000010 thread T0' "
      "\"    #0 0x55d4c1a2b3c4 in planted_bug $d/src/bug.c:12:5\" "
      "\"    #1 0x55d4c1a2b3c4 in main $d/src/main.c:30:3\" "
      "\"SUMMARY: AddressSanitizer: heap-use-after-free $d/src/bug.c:12:5 in planted_bug\"; "
      "exit 1; fi; echo ok";
  CliResult out = RunCulprit(BisectArgs(r, dir, build, test), dir.path() / "result.json");
  ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  ASSERT_TRUE(out.json.is_object());
  EXPECT_EQ(out.json["commit"], r.planted);
  EXPECT_EQ(out.json["guilty_file"], "src/bug.c") << out.out;
}

// One build and one run at a time: the job's total is its wall time, at least the sum of its
// builds and runs (each counted with its set-up) and at most the time the command took.
TEST(Mistakes, TimesAddUpToTheWallTime) {
  PlantedRepo r;
  ScratchDir dir;
  std::vector<std::string> args = BisectArgs(r, dir, BuildCommand(), TestCommand(2, {}, 0.05));
  for (const char* more : {"--jobs", "1", "--builders", "1"}) args.push_back(more);
  const auto start = std::chrono::steady_clock::now();
  CliResult out = RunCulprit(args, dir.path() / "result.json");
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  ASSERT_TRUE(out.json.is_object());
  const auto& time = out.json["time"];
  const double total = time["total_s"], build = time["build_s"], test = time["test_s"];
  EXPECT_GE(total, build + test) << time.dump();
  EXPECT_LE(total, took) << time.dump();
  EXPECT_NE(out.out.find("total time: "), std::string::npos) << out.out;
}

// Budgets hold exactly, with runs in flight on four VMs and two builders: never one run or build
// more than asked, whatever the strategy.
TEST(Mistakes, BudgetsAreExact) {
  for (const char* strategy : {"bayes", "syzbot", "git"}) {
    PlantedRepo r;
    ScratchDir dir;
    std::vector<std::string> args = BisectArgs(r, dir, BuildCommand(), TestCommand(3));
    for (const char* more : {"--jobs", "4", "--builders", "2", "--max-runs", "9", "--max-builds",
                             "3", "--strategy", strategy})
      args.push_back(more);
    CliResult out = RunCulprit(args, dir.path() / "result.json");
    ASSERT_TRUE(out.json.is_object()) << strategy << ": " << out.out << out.err;
    EXPECT_LE(out.json["runs"].get<int>(), 9) << strategy << ": " << out.out;
    EXPECT_LE(out.json["builds"].get<int>(), 3) << strategy << ": " << out.out;
    EXPECT_NE(out.json["outcome"], "found") << strategy << ": too small a budget to be sure";
  }
}

}  // namespace
}  // namespace culprit::e2e
