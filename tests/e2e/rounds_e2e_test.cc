// Several commits at once and builds that never happen, through the real binary: the demo
// builds none of its documentation-only commits; a commit that changes a file the build reads
// without showing it is caught when built for real; a job with 4 VMs and 2 builders killed
// mid-round resumes without redoing anything finished.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "cli_runner.h"

namespace culprit::e2e {
namespace {

namespace fs = std::filesystem;
using history::TestRepo;

TEST(Rounds, DemoBuildsNoDocumentationOnlyCommit) {
  ScratchDir dir;
  CliResult out = RunCulprit({"demo", "--dir", (dir.path() / "demo").string()},
                             dir.path() / "demo" / "result.json");
  ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  ASSERT_TRUE(out.json.is_object());
  int docs = 0;
  for (const auto& t : out.json["tested"]) {
    const std::string title = t["title"];
    if (title.rfind("docs:", 0) != 0) continue;
    ++docs;
    EXPECT_TRUE(t["avoided"].get<bool>()) << "a documentation-only commit was built: " << title;
  }
  EXPECT_EQ(out.json["builds_avoided"].get<int>(), docs);
  EXPECT_NE(out.out.find("change no input of the build"), std::string::npos) << out.out;
}

// Code files compile with dependency files; data/value is copied into the program by a `cp` of
// a glob, which no dependency file shows. The commit that plants the bug changes only it.
TEST(Rounds, AnAvoidedCommitThatDiffersIsBuiltAfterAll) {
  TestRepo repo;
  ScratchDir dir;
  std::string good = repo.Commit("init\n", {{"src/main.c", "int main(void) { return 0; }\n"},
                                            {"data/value", "0\n"},
                                            {"docs/a.md", "docs\n"}});
  std::string planted;
  for (int i = 1; i <= 24; ++i) {
    if (i == 13) {
      planted = repo.Commit("data: the value that crashes\n", {{"data/value", "1\n"}});
    } else if (i % 3 == 0) {
      repo.Commit(
          "code " + std::to_string(i) + "\n",
          {{"src/main.c", "int main(void) { return " + std::to_string(i % 2) + " * 0; }\n"}});
    } else {
      repo.Commit("docs " + std::to_string(i) + "\n", {{"docs/a.md", std::to_string(i) + "\n"}});
    }
  }
  const std::string build =
      "cc -MMD -c src/main.c -o main.o && cc main.o -o \"$CULPRIT_OUT/prog\" && "
      "cp data/* \"$CULPRIT_OUT/\"";
  const std::string test =
      "\"$CULPRIT_OUT/prog\" && if [ \"$(cat \"$CULPRIT_OUT/value\")\" = 1 ]; then "
      "printf '%s\\n' '==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020 at pc "
      "0x55 bp 0x7f sp 0x7f' 'READ of size 4 at 0x6020 thread T0' "
      "'    #0 0x55 in use_data /src/main.c:3:5' "
      "'SUMMARY: AddressSanitizer: heap-use-after-free /src/main.c:3:5 in use_data'; exit 1; fi";
  CliResult out =
      RunCulprit({"bisect", "--repo", repo.path().string(), "--bad", "HEAD", "--good", good,
                  "--build", build, "--test", test, "--state", (dir.path() / "state").string(),
                  "--json", (dir.path() / "result.json").string()},
                 dir.path() / "result.json");
  ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_EQ(out.json["commit"], planted) << out.out;
  EXPECT_NE(out.out.find("contradiction: "), std::string::npos) << out.out;
}

// Each run appends "COMMIT RUN" to a file when it ends; each build "COMMIT".
TEST(Rounds, KilledMidRoundResumesWithoutRedoingAnything) {
  TestRepo repo;
  ScratchDir dir;
  std::string good = repo.Commit("init\n", {{"bug", "0\n"}, {"code.txt", "0\n"}});
  std::string planted;
  for (int i = 1; i <= 60; ++i) {
    if (i == 37) {
      planted = BugCommit(repo, true);
    } else {
      CodeCommit(repo, i);
    }
  }
  const fs::path builds = dir.path() / "builds.txt", runs = dir.path() / "runs.txt";
  const std::string build =
      "sleep 0.3; cp bug code.txt \"$CULPRIT_OUT/\" && echo \"$CULPRIT_COMMIT\" >> '" +
      builds.string() + "'";
  const std::string test = "sleep 0.4; " + TestCommand(2) +
                           "; s=$?; echo \"$CULPRIT_COMMIT $CULPRIT_RUN\" >> '" + runs.string() +
                           "'; exit $s";
  std::vector<std::string> args = {"bisect",
                                   "--repo",
                                   repo.path().string(),
                                   "--bad",
                                   "HEAD",
                                   "--good",
                                   good,
                                   "--build",
                                   build,
                                   "--test",
                                   test,
                                   "--state",
                                   (dir.path() / "state").string(),
                                   "--json",
                                   (dir.path() / "result.json").string(),
                                   "--jobs",
                                   "4",
                                   "--builders",
                                   "2"};
  CliResult killed = RunCulprit(args, {}, /*kill_after_s=*/3.5);
  ASSERT_EQ(killed.signal, 9) << "the job ended before it was killed: " << killed.out;
  CliResult resumed = RunCulprit({"resume", "--state", (dir.path() / "state").string()},
                                 dir.path() / "result.json");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(resumed.json["commit"], planted);
  auto count = [](const fs::path& file) {
    std::map<std::string, int> n;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) ++n[line];
    return n;
  };
  // Work done twice is only what was in flight at the kill: at most 2 builds and 4 runs.
  int builds_twice = 0, runs_twice = 0;
  for (const auto& [commit, n] : count(builds)) builds_twice += n - 1;
  for (const auto& [run, n] : count(runs)) runs_twice += n - 1;
  EXPECT_LE(builds_twice, 2);
  EXPECT_LE(runs_twice, 4);
  EXPECT_NE(killed.out.find("round "), std::string::npos) << "a plan line per round";
}

}  // namespace
}  // namespace culprit::e2e
