// End-to-end: any predicate (a flaky failing test judged by its exit status, with and without a
// build, and --expect keeping an unrelated failure out), marks given by hand, and the revert
// verification (confirmed, refuted by a culprit that changed nothing relevant, not applicable
// when the revert conflicts), redoing nothing when asked again or killed and resumed.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli_runner.h"

namespace culprit::e2e {
namespace {

using history::TestRepo;

// A pseudo-random draw per (commit, run): flaky, yet the same on every machine and every try.
// True one time in `every`.
std::string Draw(int every, const std::string& salt) {
  return "[ $(( $(printf '%s-%s-" + salt +
         "' \"$CULPRIT_COMMIT\" \"$CULPRIT_RUN\" | cksum | cut -d' ' -f1) % " +
         std::to_string(every) + " )) = 0 ]";
}

// A test script in the style of `git bisect run`: it fails (exit 1, no crash) about one run in
// three where `bug` says 1; with `noise`, an unrelated test fails one run in `noise` anywhere.
// `dir` is where `bug` is: $CULPRIT_OUT with a build, the checkout (.) without.
// With `infra`, about one run in six cannot start (exit 126, random: a retry may start).
std::string FlakyTest(const std::string& dir, int noise = 0, bool infra = false) {
  std::string cmd;
  if (infra) {
    cmd +=
        "if [ $(( $(od -An -N1 -tu1 /dev/urandom) % 6 )) = 0 ]; then echo 'runner: no free "
        "device'; exit 126; fi; ";
  }
  if (noise > 0) {
    cmd += "if " + Draw(noise, "noise") +
           "; then echo 'FAIL: test_network (connection reset)'; exit 1; fi; ";
  }
  cmd += "if grep -q '^1' " + dir + "/bug && " + Draw(3, "bug") +
         "; then echo 'FAIL: test_lookup (stale value)'; exit 1; fi; echo 'all tests passed'";
  return cmd;
}

std::string Init(TestRepo& repo) {
  return repo.Commit("init\n\nSigned-off-by: Dev One <dev1@example.org>\n",
                     {{"bug", "0\n"}, {"code.txt", "version 0\n"}, {"docs.txt", "\n"}});
}

// init, then 30 commits with the bug planted by the 19th; returns the planted commit.
std::string LinearHistory(TestRepo& repo, std::string* good) {
  *good = Init(repo);
  std::string planted;
  for (int i = 1; i <= 30; i++) {
    if (i == 19)
      planted = BugCommit(repo, true);
    else if (i % 4 == 0)
      DocCommit(repo, i);
    else
      CodeCommit(repo, i);
  }
  return planted;
}

std::vector<std::string> Common(const TestRepo& repo, const ScratchDir& dir,
                                std::vector<std::string> extra, int jobs = 3) {
  std::vector<std::string> args = {"bisect",
                                   "--repo",
                                   repo.path().string(),
                                   "--bad",
                                   "HEAD",
                                   "--state",
                                   (dir.path() / "state").string(),
                                   "--json",
                                   (dir.path() / "result.json").string(),
                                   "--jobs",
                                   std::to_string(jobs)};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

struct PredicateScenario {
  const char* name;
  bool build;
  int noise = 0;  // an unrelated failure one run in `noise`
  const char* expect = "";
  bool infra = false;  // exit 126 now and then, with --infra-exit 126
};

void PrintTo(const PredicateScenario& row, std::ostream* os) { *os << row.name; }

class FailingTest : public testing::TestWithParam<PredicateScenario> {};

TEST_P(FailingTest, BisectsAFlakyFailingTest) {
  const PredicateScenario& s = GetParam();
  TestRepo repo;
  ScratchDir dir;
  std::string good;
  const std::string planted = LinearHistory(repo, &good);
  std::vector<std::string> extra = {
      "--good", good,     "--verdict",
      "exit",   "--test", FlakyTest(s.build ? "\"$CULPRIT_OUT\"" : ".", s.noise, s.infra)};
  if (s.build) {
    extra.push_back("--build");
    extra.push_back(BuildCommand());
  }
  if (*s.expect) {
    extra.push_back("--expect");
    extra.push_back(s.expect);
  }
  if (s.infra) {
    extra.push_back("--infra-exit");
    extra.push_back("126");
  }
  CliResult r = RunCulprit(Common(repo, dir, extra), dir.path() / "result.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.json["outcome"], "found");
  EXPECT_EQ(r.json["commit"], planted) << r.out;
  EXPECT_EQ(r.json["predicate"]["verdict"], "exit");
  EXPECT_EQ(r.json["title"], "exit status 1");
  EXPECT_NE(r.out.find("failed: exit status 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nfailure: exit status 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("predicate: --verdict exit"), std::string::npos) << r.out;
  EXPECT_EQ(r.json["verification"]["outcome"], "confirmed") << r.out;
  if (!s.build) {
    EXPECT_NE(r.out.find("tree: "), std::string::npos) << "the tree id is the signature";
    EXPECT_EQ(r.json["builds"], 0);
  }
  if (s.infra) {
    EXPECT_NE(r.out.find("infrastructure error: the test exited with status 126"),
              std::string::npos)
        << "126 is an infrastructure error, retried and never a verdict\n"
        << r.out;
  }
  if (*s.expect) {
    EXPECT_EQ(r.json["predicate"]["expect"], s.expect);
    EXPECT_NE(r.out.find("(output does not match --expect)"), std::string::npos)
        << "the unrelated failure was seen, and set apart\n"
        << r.out;
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, FailingTest,
    testing::Values(PredicateScenario{.name = "with_a_build", .build = true},
                    PredicateScenario{.name = "in_the_checkout", .build = false},
                    PredicateScenario{.name = "expect_ignores_another_failure",
                                      .build = true,
                                      .noise = 5,
                                      .expect = "FAIL: test_lookup"},
                    PredicateScenario{
                        .name = "infra_exit_126_is_retried", .build = false, .infra = true}),
    [](const auto& info) { return std::string(info.param.name); });

// The crash really comes from elsewhere (here: how deep the history is, which a build records):
// the commit the bisection names changed nothing relevant, and reverting it on the bad commit
// leaves the crash. Every report says the answer is suspect, and the exit status is 4.
TEST(Verification, RefutesACulpritThatChangedNothingRelevant) {
  TestRepo repo;
  ScratchDir dir;
  std::string good = Init(repo);
  std::string noop;
  for (int i = 1; i <= 30; i++) {
    if (i == 17)
      noop = repo.Commit("docs: start a changelog\n", {{"CHANGES", "Nothing yet.\n"}});
    else if (i % 3 == 0)
      DocCommit(repo, i);
    else
      CodeCommit(repo, i);
  }
  const std::string build =
      "git rev-list --count HEAD > \"$CULPRIT_OUT/depth\" && cp code.txt \"$CULPRIT_OUT/\"";
  const std::string test =
      "if [ \"$(cat \"$CULPRIT_OUT/depth\")\" -ge 18 ]; then printf '%s\\n' "
      "'==17==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc "
      "0x55d4c1a2b3c4 bp 0x7ffd5d0 sp 0x7ffd5c8' "
      "'READ of size 4 at 0x602000000010 thread T0' "
      "'    #0 0x55d4c1a2b3c4 in deep_history /src/depth.c:12:5' "
      "'SUMMARY: AddressSanitizer: heap-use-after-free /src/depth.c:12:5 in deep_history'; "
      "exit 1; fi; echo ok";
  CliResult r = RunCulprit(Common(repo, dir, {"--good", good, "--build", build, "--test", test}),
                           dir.path() / "result.json");
  ASSERT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(r.json["outcome"], "found");
  EXPECT_EQ(r.json["commit"], noop) << r.out;
  EXPECT_EQ(r.json["verification"]["method"], "revert");
  EXPECT_EQ(r.json["verification"]["outcome"], "refuted");
  EXPECT_EQ(r.json["verification"]["crashes"], r.json["verification"]["runs"]);
  EXPECT_LT(r.json["confidence"].get<double>(), 0.5) << "refuted: no longer believed";
  EXPECT_NE(r.out.find("verifying: reverting " + noop.substr(0, 12) + " on "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("verification refuted: the crash is still there with " + noop.substr(0, 12) +
                       " reverted"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("warning: verification refuted the culprit"), std::string::npos) << r.out;
  std::ifstream html(dir.path() / "state" / "reports" / "job-1.html");
  std::stringstream page;
  page << html.rdbuf();
  EXPECT_NE(page.str().find("verification refuted the answer"), std::string::npos);
  std::ifstream eml(dir.path() / "state" / "reports" / "job-1.eml");
  std::string subject;
  while (std::getline(eml, subject) && !subject.empty() && subject.rfind("Subject:", 0) != 0) {
  }
  EXPECT_NE(subject.find("[verification refuted it]"), std::string::npos) << subject;
}

// A human's wrong mark forces a wrong answer: the planted commit marked good, plain git bisect
// takes it as given and names the next commit, a changelog. Reverting that on the
// bad commit leaves the crash: the verification refutes the answer, and the exit status says so.
TEST(Verification, RefutesAnAnswerAWrongMarkForced) {
  TestRepo repo;
  ScratchDir dir;
  // The commit after the planted one adds a file no later commit touches: its revert applies.
  const std::string good = Init(repo);
  std::string planted, next;
  for (int i = 1; i <= 30; i++) {
    if (i == 19)
      planted = BugCommit(repo, true);
    else if (i == 20)
      next = repo.Commit("docs: start a changelog\n", {{"CHANGES", "Nothing yet.\n"}});
    else
      CodeCommit(repo, i);
  }
  CliResult r =
      RunCulprit(Common(repo, dir,
                        {"--good", good, "--build", BuildCommand(), "--test", TestCommand(1),
                         "--strategy", "git", "--mark", planted + "=good"}),
                 dir.path() / "result.json");
  ASSERT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(r.json["commit"], next) << r.out;
  EXPECT_EQ(r.json["marks"][0]["mark"], "good");
  EXPECT_EQ(r.json["verification"]["outcome"], "refuted") << r.out;
  EXPECT_GT(r.json["verification"]["crashes"].get<int>(), 0);
  EXPECT_NE(r.out.find("# git bisect good " + planted + " (your mark)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("verification refuted: the crash is still there with " + next.substr(0, 12) +
                       " reverted"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("marks given by hand: good " + planted.substr(0, 12)), std::string::npos)
      << r.out;
}

// A later commit rewrote the line the culprit changed: the revert conflicts, so the answer
// cannot be checked that way; it stands as found.
TEST(Verification, NotApplicableWhenTheRevertConflicts) {
  TestRepo repo;
  ScratchDir dir;
  std::string good = Init(repo);
  std::string planted;
  for (int i = 1; i <= 24; i++) {
    if (i == 9)
      planted = BugCommit(repo, true);
    else if (i == 15)
      repo.Commit("bug: note why it is 1\n", {{"bug", "1 (see the lookup cache)\n"}});
    else
      CodeCommit(repo, i);
  }
  const std::string test =
      "if grep -q '^1' \"$CULPRIT_OUT/bug\"; then printf '%s\\n' "
      "'==17==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc "
      "0x55d4c1a2b3c4 bp 0x7ffd5d0 sp 0x7ffd5c8' "
      "'    #0 0x55d4c1a2b3c4 in planted_bug /src/bug.c:12:5' "
      "'SUMMARY: AddressSanitizer: heap-use-after-free /src/bug.c:12:5 in planted_bug'; "
      "exit 1; fi; echo ok";
  CliResult r =
      RunCulprit(Common(repo, dir, {"--good", good, "--build", BuildCommand(), "--test", test}),
                 dir.path() / "result.json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.json["commit"], planted) << r.out;
  EXPECT_EQ(r.json["verification"]["outcome"], "not-applicable");
  EXPECT_EQ(r.json["verification"]["runs"], 0);
  EXPECT_NE(r.json["verification"]["detail"].get<std::string>().find("conflict"), std::string::npos)
      << r.json["verification"];
  EXPECT_NE(r.out.find("verification not applicable: reverting " + planted.substr(0, 12)),
            std::string::npos)
      << r.out;
}

// Marks a human gave: shown as theirs, never built for their verdict, in the JSON; the same
// job asked again replays them and redoes nothing, the verification included (with a reliable
// crash and plain git bisect: bayes plans rounds by what is in flight, and may walk another way).
TEST(Marks, AreEvidenceAndReplayed) {
  TestRepo repo;
  ScratchDir dir;
  std::string good;
  const std::string planted = LinearHistory(repo, &good);
  const std::string good_mark = repo.Resolve("HEAD~20");  // commit 10
  const std::string bad_mark = repo.Resolve("HEAD~5");    // commit 25
  auto builds = dir.path() / "builds.txt";
  auto runs = dir.path() / "runs.txt";
  std::vector<std::string> args =
      Common(repo, dir,
             {"--good", good, "--build", BuildCommand(builds), "--test", TestCommand(1, runs),
              "--strategy", "git", "--mark", good_mark + "=good", "--mark", bad_mark + "=bad",
              "--skip", "HEAD~4..HEAD~2"});
  CliResult first = RunCulprit(args, dir.path() / "result.json");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(first.json["commit"], planted) << first.out;
  EXPECT_NE(first.out.find("# git bisect good " + good_mark + " (your mark)"), std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("# git bisect skip HEAD~4..HEAD~2 (your mark: 2 commits)"),
            std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("marks given by hand: good " + good_mark.substr(0, 12)),
            std::string::npos)
      << first.out;
  ASSERT_EQ(first.json["marks"].size(), 3u);
  EXPECT_EQ(first.json["marks"][0]["mark"], "good");
  EXPECT_EQ(first.json["marks"][2]["range"], "HEAD~4..HEAD~2");
  EXPECT_EQ(first.json["verification"]["outcome"], "confirmed");
  std::ifstream built(builds);
  std::string line;
  while (std::getline(built, line)) {
    EXPECT_NE(line, good_mark) << "a commit marked good was built";
    EXPECT_NE(line, bad_mark) << "a commit marked bad was built";
  }
  const int builds_done = CountLines(builds), runs_done = CountLines(runs);
  CliResult second = RunCulprit(args, dir.path() / "result.json");
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(second.json["commit"], planted);
  EXPECT_EQ(second.json["verification"]["outcome"], "confirmed");
  EXPECT_EQ(CountLines(builds), builds_done) << "nothing rebuilt\n" << second.out;
  EXPECT_EQ(CountLines(runs), runs_done) << "nothing rerun\n" << second.out;
}

// Killed while it verifies (the reverted tree's build is slow here), the job resumes where it
// was: no finished build or run is done again.
TEST(Verification, KilledAndResumedRedoesNothing) {
  TestRepo repo;
  ScratchDir dir;
  std::string good;
  const std::string planted = LinearHistory(repo, &good);
  auto builds = dir.path() / "builds.txt";
  auto runs = dir.path() / "runs.txt";
  // culprit's edited commit ("culprit: edited tree of ...") builds slowly.
  const std::string build =
      "if git log -1 --format=%s | grep -q '^culprit: edited tree'; then sleep 6; fi; " +
      BuildCommand(builds);
  auto state = (dir.path() / "state").string();
  std::vector<std::string> args =
      Common(repo, dir, {"--good", good, "--build", build, "--test", TestCommand(1, runs, 0.2)},
             /*jobs=*/1);
  int kills = 0;
  for (double after : {3.0, 2.0}) {
    CliResult killed = RunCulprit(
        kills == 0 ? args : std::vector<std::string>{"resume", "--state", state}, {}, after);
    if (killed.signal == 9) kills++;
  }
  CliResult done = RunCulprit({"resume", "--state", state}, dir.path() / "result.json");
  ASSERT_EQ(done.exit_code, 0) << done.out << done.err;
  EXPECT_EQ(done.json["commit"], planted);
  EXPECT_EQ(done.json["verification"]["outcome"], "confirmed") << done.out;
  // Each kill may cut one build or one run short (it is redone); finished ones never are. Beyond
  // the revisions tested: the verification's tree, and a build cancelled at the conclusion.
  const int tested = done.json["revisions_tested"].get<int>();
  EXPECT_LE(CountLines(builds), tested + 2 + kills) << "builds were repeated";
  EXPECT_LE(CountLines(runs),
            done.json["runs"].get<int>() + done.json["verification"]["runs"].get<int>() + kills)
      << "runs were repeated";
  EXPECT_GE(kills, 1);
}

}  // namespace
}  // namespace culprit::e2e
