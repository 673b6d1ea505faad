// Every bad input gets one clear line on stderr and exit status 1: never a crash or a hang.
#include <gtest/gtest.h>

#include <fstream>

#include "cli_runner.h"

namespace culprit::e2e {
namespace {

using history::TestRepo;

struct BadInput {
  const char* name;
  // Given a repo with commits c0..c5 (c5 = HEAD, no bug unless `crashes`), the scratch dir and
  // the default args, returns the arguments to pass.
  std::function<std::vector<std::string>(const TestRepo&, const ScratchDir&,
                                         std::vector<std::string>)>
      args;
  const char* want;  // substring of the one-line error
  bool crashes = true;
  std::function<void(const ScratchDir&)> prepare = nullptr;
};

std::vector<std::string> With(std::vector<std::string> base, std::vector<std::string> extra) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}

std::vector<std::string> Replace(std::vector<std::string> args, const std::string& flag,
                                 const std::string& value) {
  for (size_t i = 0; i + 1 < args.size(); i++)
    if (args[i] == flag) args[i + 1] = value;
  return args;
}

const BadInput kBadInputs[] = {
    {.name = "missing_repository",
     .args = [](auto&, auto& d,
                auto a) { return Replace(a, "--repo", (d.path() / "nope").string()); },
     .want = "no git repository"},
    {.name = "unknown_revision",
     .args = [](auto&, auto&, auto a) { return Replace(a, "--bad", "v9.9"); },
     .want = "unknown revision 'v9.9'"},
    {.name = "good_equal_to_bad",
     .args =
         [](auto& r, auto&, auto a) {
           return With(a, {"--good", r.Resolve("HEAD")});
         },
     .want = "is the bad commit itself"},
    {.name = "good_newer_than_bad",
     .args =
         [](auto& r, auto&, auto a) {
           return With(Replace(a, "--bad", r.Resolve("HEAD~3")), {"--good", r.Resolve("HEAD")});
         },
     .want = "is newer than --bad"},
    {.name = "bad_does_not_crash",
     .args =
         [](auto& r, auto&, auto a) {
           return With(a, {"--good", r.Resolve("HEAD~4")});
         },
     .want = "the crash was not reproduced on the bad commit",
     .crashes = false},
    {.name = "title_never_seen_on_bad",
     .args =
         [](auto& r, auto&, auto a) {
           return With(
               a, {"--good", r.Resolve("HEAD~4"), "--title", "KASAN: slab-out-of-bounds in x"});
         },
     .want = "the crash was not reproduced on the bad commit"},
    {.name = "expect_is_not_a_regular_expression",
     .args =
         [](auto&, auto&, auto a) {
           return With(a, {"--expect", "stale (value"});
         },
     .want = "--expect \"stale (value\" is not a valid RE2 regular expression: missing )"},
    {.name = "mark_outside_the_range",
     .args =
         [](auto& r, auto&, auto a) {
           return With(a, {"--good", r.Resolve("HEAD~3"), "--mark", r.Resolve("HEAD~5") + "=good"});
         },
     .want = "is not in the searched range"},
    {.name = "mark_without_a_verdict",
     .args =
         [](auto&, auto&, auto a) {
           return With(a, {"--mark", "HEAD~2=fine"});
         },
     .want = "must be REV=good, REV=bad or REV=skip"},
    // The shell cannot run the test at all: the test command is broken, not the commit.
    {.name = "test_command_not_found",
     .args =
         [](auto& r, auto&, auto a) {
           return With(Replace(a, "--test", "./no-such-test.sh"),
                       {"--good", r.Resolve("HEAD~5"), "--verdict", "exit", "--infra-attempts", "2",
                        "--infra-patience", "0"});
         },
     .want = "the test command could not be run (exit 127: "},
    {.name = "missing_test_command",
     .args =
         [](auto&, auto&, auto a) {
           std::vector<std::string> out;
           for (size_t i = 0; i < a.size(); i++) {
             if (a[i] == "--test") {
               i++;
               continue;
             }
             out.push_back(a[i]);
           }
           return out;
         },
     .want = "empty test command"},
    {.name = "unwritable_state_directory",
     .args = [](auto&, auto&, auto a) { return Replace(a, "--state", "/proc/culprit/state"); },
     .want = "--state"},
    {.name = "state_directory_of_another_job",
     .args = [](auto&, auto&, auto a) { return Replace(a, "--bad", "HEAD~1"); },
     .want = "another unfinished job",
     .prepare = nullptr},
    {.name = "job_file_with_unknown_key",
     .args = [](auto&, auto& d, auto) -> std::vector<std::string> {
       return {"bisect", (d.path() / "job.toml").string()};
     },
     .want = "job.toml:3: unknown key 'runz' (did you mean 'runs'?)",
     .prepare =
         [](const ScratchDir& d) {
           std::ofstream(d.path() / "job.toml")
               << "bad = 'HEAD'\nbuild = 'make'\nrunz = 3\ntest = './t'\n";
         }},
    {.name = "corrupt_database",
     .args = [](auto&, auto&, auto a) { return a; },
     .want = "not a usable culprit database",
     .prepare =
         [](const ScratchDir& d) {
           std::filesystem::create_directories(d.path() / "state");
           std::ofstream(d.path() / "state" / "culprit.db")
               << std::string(4096, 'x') << "definitely not sqlite";
         }},
};

void PrintTo(const BadInput& row, std::ostream* os) { *os << row.name; }

class BadInputTest : public testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, OneClearLineAndExitOne) {
  const BadInput& b = GetParam();
  TestRepo repo;
  ScratchDir dir;
  repo.Commit("init", {{"bug", b.crashes ? "1\n" : "0\n"}, {"code.txt", "0\n"}});
  for (int i = 1; i <= 5; i++) CodeCommit(repo, i);
  std::vector<std::string> base = {"bisect",
                                   "--repo",
                                   repo.path().string(),
                                   "--bad",
                                   "HEAD",
                                   "--build",
                                   BuildCommand(),
                                   "--test",
                                   TestCommand(),
                                   "--state",
                                   (dir.path() / "state").string(),
                                   "--runs",
                                   "3"};
  if (std::string(b.name) == "state_directory_of_another_job") {
    // Leave an unfinished job behind: kill a slow bisection early.
    auto slow = Replace(base, "--test", TestCommand(1, {}, 2.0));
    RunCulprit(With(slow, {"--good", repo.Resolve("HEAD~5")}), {}, 1.0);
  }
  if (b.prepare) b.prepare(dir);
  CliResult r = RunCulprit(b.args(repo, dir, base));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.signal, 0);
  EXPECT_NE(r.err.find(b.want), std::string::npos) << "stderr: " << r.err;
  EXPECT_EQ(r.err.rfind("culprit: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
}

INSTANTIATE_TEST_SUITE_P(All, BadInputTest, testing::ValuesIn(kBadInputs),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace culprit::e2e
