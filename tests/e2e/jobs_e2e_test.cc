// Coming back to jobs: show, list, log and abandon through the real binary, and resume that
// never creates a state directory.
#include <gtest/gtest.h>

#include "cli_runner.h"

namespace culprit::e2e {
namespace {

using history::TestRepo;

// A finished job in a state directory: a 24-commit history whose 15th commit plants the bug.
class FinishedJob : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    repo_ = new TestRepo;
    dir_ = new ScratchDir;
    std::string good = repo_->Commit("init", {{"bug", "0\n"}, {"code.txt", "0\n"}});
    for (int i = 1; i <= 24; i++) {
      if (i == 15)
        *planted_ = BugCommit(*repo_, true);
      else
        CodeCommit(*repo_, i);
    }
    CliResult r = RunCulprit({"bisect", "--repo", repo_->path().string(), "--bad", "HEAD", "--good",
                              good, "--build", BuildCommand(), "--test", TestCommand(), "--state",
                              State(), "--jobs", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    *bisect_out_ = r.out;
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete repo_;
  }
  static std::string State() { return (dir_->path() / "state").string(); }

  static TestRepo* repo_;
  static ScratchDir* dir_;
  static inline std::string* planted_ = new std::string;
  static inline std::string* bisect_out_ = new std::string;
};
TestRepo* FinishedJob::repo_ = nullptr;
ScratchDir* FinishedJob::dir_ = nullptr;

TEST_F(FinishedJob, ShowPrintsTheReportAgainInEveryFormat) {
  struct {
    std::vector<std::string> args;
    std::vector<std::string> want;
  } rows[] = {
      {{"show"}, {"job 1: finished, started ", *planted_ + " is the first bad commit\n"}},
      {{"show", "1", "--format", "text"}, {"crash: ASan: heap-use-after-free in planted_bug\n"}},
      {{"show", "job-1", "--format", "json"},
       {"\"outcome\": \"found\"", "\"commit\": \"" + *planted_}},
      {{"show", "--format", "html"},
       {"<!DOCTYPE html>", "<svg class=\"bisection\"",
        "<g class=\"mark culprit\" data-commit=\"" + *planted_}},
      {{"show", "--format", "email"},
       {"\nTo: ", "bug@example.org, rev@example.org\n", "\nMessage-ID: <",
        "\nDate: ", "culprit has bisected this crash to:\n\ncommit " + *planted_,
        "Content-Disposition: attachment; filename=\"bisection.log\""}},
  };
  for (const auto& row : rows) {
    std::vector<std::string> args = row.args;
    args.insert(args.end(), {"--state", State()});
    CliResult r = RunCulprit(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << r.err;
    for (const auto& want : row.want) {
      EXPECT_NE(r.out.find(want), std::string::npos) << want << "\nnot in:\n" << r.out;
    }
  }
  // The text report is the one the job printed at its end.
  CliResult text = RunCulprit({"show", "--state", State()});
  size_t at = bisect_out_->find(*planted_ + " is the first bad commit");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(text.out.find(bisect_out_->substr(at)), std::string::npos) << text.out;
}

TEST_F(FinishedJob, ListNamesEachJob) {
  CliResult r = RunCulprit({"list", "--state", State()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(" JOB  STATUS", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("   1  finished   found         " + planted_->substr(0, 12) + "  "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ASan: heap-use-after-free in planted_bug\n"), std::string::npos);
}

TEST_F(FinishedJob, LogIsWhatTheJobPrinted) {
  CliResult r = RunCulprit({"log", "1", "--state", State()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("bisecting cause commit starting from ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("# git bisect bad " + *planted_), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(*planted_ + " is the first bad commit\n"), std::string::npos);
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << "no terminal progress line";
  EXPECT_EQ(r.out, *bisect_out_) << "the log is the job's output, line for line";
}

TEST_F(FinishedJob, UnknownJobsAreClearErrors) {
  struct {
    std::vector<std::string> args;
    const char* error;
  } rows[] = {
      {{"show", "9"}, "culprit: no job 9 in "},
      {{"log", "9"}, "culprit: no job 9 in "},
      {{"show", "nine"}, "culprit: 'nine' is not a job number"},
      {{"abandon"}, "culprit: no unfinished job in "},
      {{"abandon", "1"}, "is finished: nothing to abandon"},
  };
  for (const auto& row : rows) {
    std::vector<std::string> args = row.args;
    args.insert(args.end(), {"--state", State()});
    CliResult r = RunCulprit(args);
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_NE(r.err.find(row.error), std::string::npos) << r.err;
  }
}

// No command that comes back to jobs creates a state directory (resume used to).
TEST(StateDirectory, NeverCreatedByCommandsThatReadIt) {
  ScratchDir dir;
  const std::string missing = (dir.path() / "no" / "such").string();
  for (const char* command : {"resume", "show", "list", "log", "abandon"}) {
    CliResult r = RunCulprit({command, "--state", missing});
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_NE(r.err.find("culprit: no state directory " + missing), std::string::npos)
        << command << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "no")) << command << " created it";
  }
}

// A killed job is abandoned: the state directory takes a new job (another question), and
// the abandoned job's builds are reused by a job that needs them.
TEST(Abandon, FreesTheStateDirectoryAndKeepsItsResults) {
  TestRepo repo;
  ScratchDir dir;
  std::string good = repo.Commit("init", {{"bug", "0\n"}, {"code.txt", "0\n"}});
  std::string planted;
  for (int i = 1; i <= 30; i++) {
    if (i == 20)
      planted = BugCommit(repo, true);
    else
      CodeCommit(repo, i);
  }
  const std::string state = (dir.path() / "state").string();
  const auto builds = dir.path() / "builds.txt";
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
                                   TestCommand(1, {}, 0.3),
                                   "--state",
                                   state,
                                   "--jobs",
                                   "1"};
  CliResult killed = RunCulprit(args, {}, 2.0);
  ASSERT_EQ(killed.signal, 9) << "finished before the kill: " << killed.out;
  const int builds_before = CountLines(builds);

  CliResult other =
      RunCulprit({"bisect", "--repo", repo.path().string(), "--bad", "HEAD~1", "--good", good,
                  "--build", BuildCommand(), "--test", TestCommand(), "--state", state});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("holds another unfinished job"), std::string::npos) << other.err;

  CliResult abandoned = RunCulprit({"abandon", "--state", state});
  ASSERT_EQ(abandoned.exit_code, 0) << abandoned.err;
  EXPECT_NE(abandoned.out.find("abandoned job 1 (bisecting HEAD in "), std::string::npos)
      << abandoned.out;
  EXPECT_NE(abandoned.out.find("reuses them"), std::string::npos) << abandoned.out;
  CliResult list = RunCulprit({"list", "--state", state});
  EXPECT_NE(list.out.find("   1  abandoned"), std::string::npos) << list.out;
  CliResult resume = RunCulprit({"resume", "--state", state});
  EXPECT_EQ(resume.exit_code, 1);
  EXPECT_NE(resume.err.find("no unfinished job"), std::string::npos) << resume.err;
  CliResult log = RunCulprit({"log", "1", "--state", state});
  EXPECT_NE(log.out.find("job abandoned with culprit abandon\n"), std::string::npos) << log.out;

  // The same question again: a new job, which reuses what the abandoned one built.
  auto json = dir.path() / "result.json";
  args.insert(args.end(), {"--json", json.string()});
  CliResult again = RunCulprit(args, json);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.json["commit"], planted);
  EXPECT_EQ(again.out.find("resuming job"), std::string::npos) << "a new job, not a resume";
  const int new_builds = CountLines(builds) - builds_before;
  // Each build the abandoned job finished (all but the one the kill may have cut) is reused.
  EXPECT_LE(new_builds + (builds_before - 1), again.json["revisions_tested"].get<int>() + 1)
      << "builds of the abandoned job were redone";
  CliResult list2 = RunCulprit({"list", "--state", state});
  EXPECT_NE(list2.out.find("   2  finished   found"), std::string::npos) << list2.out;
}

}  // namespace
}  // namespace culprit::e2e
