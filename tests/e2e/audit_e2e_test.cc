// `culprit audit` through the real binary: the seed log (when ../shared is there), a log cut in
// the middle, and a log of a real tiny repository audited with --repo.
#include <gtest/gtest.h>

#include <fstream>

#include "cli_runner.h"

namespace culprit::e2e {
namespace {

namespace fs = std::filesystem;

const fs::path kSeed =
    fs::path(CULPRIT_SOURCE_DIR) / ".." / "shared" / "seed" / "syzbot-bisection-log.txt";

void Write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

TEST(AuditE2e, SeedLogGetsAProbabilityWithReasons) {
  if (!fs::exists(kSeed)) GTEST_SKIP() << "no " << kSeed;
  CliResult r = RunCulprit({"audit", kSeed.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("syzbot's answer: 483fc4e30869"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("probability it is right: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("why:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("general protection fault in __io_queue_sqe"), std::string::npos);

  CliResult j = RunCulprit({"audit", "--json", kSeed.string()});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  nlohmann::json doc = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << j.out;
  EXPECT_EQ(doc["syzbot"]["outcome"], "culprit");
  EXPECT_EQ(doc["syzbot"]["commits"][0], "483fc4e30869f8bd1693aca9cffddb21fb303b32");
  EXPECT_GT(doc["confidence"].get<double>(), 0.99);
  EXPECT_EQ(doc["verdicts"].size(), 19u);
  EXPECT_EQ(doc["model"], "log");
}

TEST(AuditE2e, CutLogIsAnErrorNamingTheLine) {
  ScratchDir dir;
  const fs::path log = dir.path() / "cut.txt";
  Write(log,
        "bisecting cause commit starting from 0123456789abcdef0123456789abcdef01234567\n"
        "testing commit 0123456789abcdef0123456789abcdef01234567\n"
        "all runs: crashed: WARNING in foo\n"
        "# git bisect start 0123456789abcdef0123456789abcdef01234567 "
        "1123456789abcdef0123456789abcdef01234567\n"
        "Bisecting: 3 revisions left to test after this (roughly 2 steps)\n"
        "testing commit 2123456789abcdef0123456789abcdef01234567\n"
        "run #0: OK\n");
  CliResult r = RunCulprit({"audit", log.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("line 7: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("before its verdict"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("probability"), std::string::npos) << "no made-up probability";
}

// A linear history c0 (v1.0) .. c8; a flaky reproducer; syzbot named c6 after ten clean runs
// on c5. With the repository the audit names the plausible commits by title and prints a
// command that would settle it.
TEST(AuditE2e, RepositoryNamesPlausibleCommitsAndSettles) {
  history::TestRepo repo;
  std::vector<std::string> c;
  for (int i = 0; i <= 8; ++i) {
    c.push_back(repo.Commit("commit " + std::to_string(i), {{"f", std::to_string(i) + "\n"}}));
    if (i == 0) repo.Tag("v1.0");
  }
  const std::string t = "crashed: KASAN: use-after-free Read in foo";
  auto runs = [&](std::initializer_list<int> crashes) {
    std::string out;
    for (int i = 0; i < 10; ++i) {
      bool crashed = std::find(crashes.begin(), crashes.end(), i) != crashes.end();
      out += "run #" + std::to_string(i) + ": " + (crashed ? t : "OK") + "\n";
    }
    return out;
  };
  std::string log = "bisecting cause commit starting from " + c[8] + "\n";
  log += "testing commit " + c[8] + "\n" + runs({1, 4, 7});
  log += "testing release v1.0\ntesting commit " + c[0] + "\nall runs: OK\n";
  log += "# git bisect start " + c[8] + " " + c[0] + "\n";
  log += "Bisecting: 3 revisions left to test after this (roughly 2 steps)\n";
  log += "testing commit " + c[4] + "\nall runs: OK\n# git bisect good " + c[4] + "\n";
  log += "Bisecting: 1 revision left to test after this (roughly 1 step)\n";
  log += "testing commit " + c[6] + "\n" + runs({2, 5}) + "# git bisect bad " + c[6] + "\n";
  log += "Bisecting: 0 revisions left to test after this (roughly 0 steps)\n";
  log += "testing commit " + c[5] + "\nall runs: OK\n# git bisect good " + c[5] + "\n";
  log += c[6] + " is the first bad commit\n";
  log += "revisions tested: 5, total time: 1h0m0s (build: 30m0s, test: 30m0s)\n";
  log += "first bad commit: " + c[6] + " commit 6\n";
  ScratchDir dir;
  Write(dir.path() / "log.txt", log);

  CliResult r =
      RunCulprit({"audit", "--repo", repo.path().string(), (dir.path() / "log.txt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("plausible culprits"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("commit 6"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("commit 5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("to settle it:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("culprit bisect --repo"), std::string::npos) << r.out;
  // c6 crashed twice: the tightest sure bad end. Commits 1-4 keep some mass (the clean runs on
  // c4 may have missed a crash), so no tested commit is a sure good end: culprit will search.
  EXPECT_NE(r.out.find("--bad " + c[6]), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("--good"), std::string::npos) << r.out;

  CliResult j = RunCulprit(
      {"audit", "--json", "--repo", repo.path().string(), (dir.path() / "log.txt").string()});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  nlohmann::json doc = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << j.out;
  EXPECT_EQ(doc["model"], "repository");
  EXPECT_LT(doc["confidence"].get<double>(), 0.9);
  EXPECT_GT(doc["confidence"].get<double>(), 0.1);
}

}  // namespace
}  // namespace culprit::e2e
