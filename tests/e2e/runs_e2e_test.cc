// Runs that see what the test sees: loopback works in the private network namespace (and
// --network none turns it off, as the log says); a run that prints more than the cap and then
// crashes keeps its crash (head and tail, a marker, `truncated` in the JSON); the build runs in a
// checkout where git works, without touching the user's repository.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "cli_runner.h"

namespace culprit::e2e {
namespace {

// `git -C DIR ARGS` and its standard output.
std::string GitOutput(const std::filesystem::path& dir, const std::string& args) {
  std::string out;
  FILE* p = popen(("git -C '" + dir.string() + "' " + args + " 2>&1").c_str(), "r");
  if (!p) return "popen failed";
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// The test needs 127.0.0.1: where the network is unreachable it never gets to the crash.
// Connecting to a closed port is "Connection refused" with loopback up, "Network is
// unreachable" with it down.
const char* kNeedsLoopback =
    "if bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' 2>&1 | grep -qi unreachable; then "
    "echo 'OSError: [Errno 101] Network is unreachable'; exit 0; fi; ";

TEST(Runs, LoopbackWorksByDefaultAndNoneTurnsItOff) {
  PlantedRepo r;
  {
    ScratchDir dir;
    CliResult out = RunCulprit(BisectArgs(r, dir, BuildCommand(), kNeedsLoopback + TestCommand()),
                               dir.path() / "result.json");
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(out.json["commit"], r.planted);
    EXPECT_NE(out.out.find("runs: network loopback"), std::string::npos) << out.out;
  }
  ScratchDir dir;
  std::vector<std::string> args =
      BisectArgs(r, dir, BuildCommand(), kNeedsLoopback + TestCommand());
  for (const char* more : {"--network", "none"}) args.push_back(more);
  CliResult out = RunCulprit(args, dir.path() / "result.json");
  if (out.out.find("does not permit private network namespaces") != std::string::npos) {
    GTEST_SKIP() << "this machine has no private network namespaces";
  }
  EXPECT_NE(out.out.find("runs: network none"), std::string::npos) << out.out;
  EXPECT_EQ(out.exit_code, 1) << "without loopback the crash never shows: " << out.out;
}

// 3 MiB of output before the crash report, with runs capped at 1 MiB (past 4 times the cap a
// run is killed as a flood).
TEST(Runs, OutputPastTheCapKeepsTheCrashAtItsEnd) {
  PlantedRepo r;
  ScratchDir dir;
  auto job = dir.path() / "job.toml";
  std::ofstream(job) << "max_output_bytes = 1048576\n";
  std::vector<std::string> args = BisectArgs(
      r, dir, BuildCommand(), "head -c 3145728 /dev/zero | tr '\\0' 'x'; echo; " + TestCommand());
  args.insert(args.begin() + 1, job.string());
  CliResult out = RunCulprit(args, dir.path() / "result.json");
  ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_EQ(out.json["commit"], r.planted);
  int truncated = 0, crashes = 0;
  for (const auto& t : out.json["tested"]) {
    for (const auto& run : t["run_list"]) {
      truncated += run["truncated"].get<bool>();
      crashes += run["target"].get<bool>();
      const std::string log = run["log_path"];
      EXPECT_LE(std::filesystem::file_size(log), 1048576u + 4096u) << log;
    }
  }
  EXPECT_GT(crashes, 0);
  EXPECT_EQ(truncated, out.json["runs"].get<int>()) << "every run printed past the cap";
}

// The build runs where git works: `git rev-parse HEAD` gives the commit being built, and
// `git status` in the user's repository shows nothing culprit did.
TEST(Runs, GitWorksInTheBuildCheckout) {
  PlantedRepo r;
  ScratchDir dir;
  const std::string build =
      "test \"$(git rev-parse HEAD)\" = \"$CULPRIT_COMMIT\" && git describe --always >/dev/null "
      "&& " +
      BuildCommand();
  CliResult out = RunCulprit(BisectArgs(r, dir, build, TestCommand()), dir.path() / "result.json");
  ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_EQ(out.json["commit"], r.planted);
  EXPECT_EQ(GitOutput(r.repo.path(), "status --porcelain"), "")
      << "the user's checkout is untouched";
  const std::string worktrees = GitOutput(r.repo.path(), "worktree list --porcelain");
  EXPECT_EQ(worktrees.find("worktree "), worktrees.rfind("worktree ")) << worktrees;
}

}  // namespace
}  // namespace culprit::e2e
