// The machine failing under a job: runs that fail to start (exit 126) are retried and never
// evidence; sustained failure stops the job with the failure's text; a full disk stops it with
// a message naming the disk, and `culprit resume` finishes once space is back. A commit title in
// Latin-1 does not break the JSON, HTML or e-mail.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <fstream>
#include <sstream>

#include "cli_runner.h"

namespace culprit::e2e {
namespace {

namespace fs = std::filesystem;
using history::TestRepo;

// 30 commits, the bug planted at 17; commits 8..25 carry an `infra` file: their runs fail to
// start in 60% of runs.
struct Repo {
  TestRepo repo;
  std::string good, planted;
  Repo() {
    good = repo.Commit("init\n", {{"bug", "0\n"}, {"code.txt", "0\n"}});
    for (int i = 1; i <= 30; ++i) {
      TestRepo::Files files = {{"code.txt", std::to_string(i) + "\n"}};
      if (i == 8) files["infra"] = "flaky VMs\n";
      if (i == 26) files["infra"] = std::nullopt;
      if (i == 17) {
        files["bug"] = "1\n";
        planted = repo.Commit("bug: plant it\n", files);
      } else {
        repo.Commit("code: change " + std::to_string(i) + "\n", files);
      }
    }
  }
};

// Fails to start (126) on `percent`% of runs of commits with an `infra` file, drawn from a hash
// of (salt, commit, run); otherwise the crash on one run in three, as TestCommand(3) does.
std::string FlakyInfraTest(int percent, const std::string& salt) {
  return "if [ -f \"$CULPRIT_OUT/infra\" ] && [ $(( 0x$(printf '%s' \"" + salt +
         "$CULPRIT_COMMIT$CULPRIT_RUN\" | md5sum | cut -c1-6) % 100 )) -lt " +
         std::to_string(percent) +
         " ]; then echo 'failed to create VM: pool exhausted'; exit 126; "
         "fi; " +
         TestCommand(3);
}

const char* kBuildWithInfra =
    "cp bug code.txt \"$CULPRIT_OUT/\" && { test ! -f infra || cp infra \"$CULPRIT_OUT/\"; }";

std::vector<std::string> Args(const Repo& r, const ScratchDir& dir, const std::string& test) {
  return {"bisect",
          "--repo",
          r.repo.path().string(),
          "--bad",
          "HEAD",
          "--good",
          r.good,
          "--build",
          kBuildWithInfra,
          "--test",
          test,
          "--state",
          (dir.path() / "state").string(),
          "--json",
          (dir.path() / "result.json").string(),
          "--jobs",
          "3"};
}

TEST(Infra, RunsThatFailToStartAreRetriedNotCounted) {
  Repo r;
  int right = 0;
  for (int job = 0; job < 10; ++job) {
    ScratchDir dir;
    std::vector<std::string> args = Args(r, dir, FlakyInfraTest(60, "job" + std::to_string(job)));
    args.insert(args.end(), {"--infra-patience", "5"});
    CliResult out = RunCulprit(args, dir.path() / "result.json");
    EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
    if (out.json.is_object() && out.json["commit"] == r.planted) ++right;
  }
  EXPECT_EQ(right, 10);
}

TEST(Infra, SustainedFailureStopsWithTheFailuresText) {
  Repo r;
  ScratchDir dir;
  std::vector<std::string> args =
      Args(r, dir, "echo 'failed to create VM: quota exceeded'; exit 126");
  args.insert(args.end(), {"--infra-attempts", "6", "--infra-patience", "2"});
  auto start = std::chrono::steady_clock::now();
  CliResult out = RunCulprit(args);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(out.exit_code, 1) << out.out << out.err;
  EXPECT_NE(out.err.find("failed to create VM: quota exceeded"), std::string::npos) << out.err;
  EXPECT_NE(out.err.find("culprit resume"), std::string::npos) << out.err;
  EXPECT_LT(seconds, 60) << "the configured patience is 2 s";
}

// A tmpfs as the state directory, filled while the job runs.
TEST(Infra, AFullDiskStopsTheJobAndResumeFinishesIt) {
  Repo r;
  ScratchDir dir;
  const fs::path state = dir.path() / "state";
  fs::create_directories(state);
  if (mount("tmpfs", state.c_str(), "tmpfs", 0, "size=4m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
  }
  struct Unmount {
    fs::path p;
    ~Unmount() { umount2(p.c_str(), MNT_DETACH); }
  } unmount{state};
  // Each run sleeps a little so that the disk fills while the job is under way.
  std::vector<std::string> args = Args(r, dir, "sleep 0.2; " + TestCommand(3));
  std::string filler = (state / "filler").string();
  std::string fill = "sleep 1.5; dd if=/dev/zero of='" + filler + "' bs=64k 2>/dev/null; true";
  ASSERT_EQ(std::system(("(" + fill + ") &").c_str()), 0);
  CliResult full = RunCulprit(args);
  EXPECT_EQ(full.exit_code, 1) << full.out << full.err;
  EXPECT_NE(full.err.find("No space left on device"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find(state.string()), std::string::npos) << "names the disk: " << full.err;
  EXPECT_NE(full.err.find("culprit resume"), std::string::npos) << full.err;
  fs::remove(filler);
  CliResult resumed = RunCulprit({"resume", "--state", state.string()});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find(r.planted + " is the first bad commit"), std::string::npos)
      << resumed.out;
}

// Ctrl-C (or SIGTERM) stops the job at its next step and says how to continue it; resume does.
TEST(Interrupt, SigintSaysHowToResume) {
  for (const char* signal : {"INT", "TERM"}) {
    Repo r;
    ScratchDir dir;
    std::vector<std::string> args = Args(r, dir, "sleep 0.5; " + TestCommand(3));
    CliResult stopped = RunCulprit(args, {}, /*kill_after_s=*/3, signal);
    EXPECT_EQ(stopped.exit_code, 1) << signal << ": " << stopped.out << stopped.err;
    EXPECT_NE(stopped.err.find("interrupted"), std::string::npos) << stopped.err;
    EXPECT_NE(stopped.err.find("culprit resume --state " + (dir.path() / "state").string()),
              std::string::npos)
        << stopped.err;
    CliResult resumed = RunCulprit({"resume", "--state", (dir.path() / "state").string()});
    EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    EXPECT_NE(resumed.out.find(r.planted + " is the first bad commit"), std::string::npos);
  }
}

// A commit subject in Latin-1 (not UTF-8): the JSON parses, the HTML and the e-mail are UTF-8.
TEST(Encoding, Latin1CommitSubjectGivesValidOutputs) {
  TestRepo repo;
  ScratchDir dir;
  std::string good = repo.Commit("init\n", {{"bug", "0\n"}, {"code.txt", "0\n"}});
  for (int i = 1; i <= 6; ++i)
    repo.Commit("code " + std::to_string(i) + "\n", {{"code.txt", std::to_string(i)}});
  std::string planted = repo.Commit("caf\xe9: plant the bug \xabquoted\xbb\n", {{"bug", "1\n"}});
  for (int i = 7; i <= 12; ++i)
    repo.Commit("code " + std::to_string(i) + "\n", {{"code.txt", std::to_string(i)}});
  CliResult out =
      RunCulprit({"bisect", "--repo", repo.path().string(), "--bad", "HEAD", "--good", good,
                  "--build", BuildCommand(), "--test", TestCommand(), "--state",
                  (dir.path() / "state").string(), "--json", (dir.path() / "result.json").string()},
                 dir.path() / "result.json");
  ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  ASSERT_TRUE(out.json.is_object()) << "the JSON does not parse";
  EXPECT_EQ(out.json["commit"], planted);
  auto valid_utf8 = [](const std::string& s) {
    for (size_t i = 0; i < s.size();) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
      if (n == 0 || i + n > s.size()) return false;
      for (size_t k = 1; k < n; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
      }
      i += n;
    }
    return true;
  };
  for (const char* file : {"job-1.html", "job-1.eml"}) {
    std::ifstream in(dir.path() / "state" / "reports" / file);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_FALSE(text.str().empty()) << file;
    EXPECT_TRUE(valid_utf8(text.str())) << file;
  }
}

}  // namespace
}  // namespace culprit::e2e
