#include "serve/state_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace culprit::serve {
namespace {

class StateFiles : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "culprit-serve-XXXXXX").string();
    root_ = mkdtemp(tmpl.data());
    root_ = std::filesystem::canonical(root_);
    state_ = root_ / "state";
    for (const char* dir : {"runs/a-b", "builds/k/out", "logs", "reports"})
      std::filesystem::create_directories(state_ / dir);
    for (const char* file :
         {"runs/a-b/run-0.log", "runs/a-b/run 1.log", "builds/k/build.log", "builds/k/out/prog",
          "logs/job-1.log", "reports/job-1.html", "culprit.db"})
      std::ofstream(state_ / file) << "x";
    std::ofstream(root_ / "secret.log") << "secret";
    std::filesystem::create_symlink(root_ / "secret.log", state_ / "logs" / "escape.log");
    std::filesystem::create_symlink(state_ / "logs" / "job-1.log", state_ / "logs" / "inside.log");
    std::filesystem::create_symlink(root_, state_ / "runs" / "up");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_, state_;
};

TEST_F(StateFiles, ServesLogsAndReportsOnlyInside) {
  struct {
    const char* path;
    bool ok;
  } rows[] = {
      {"runs/a-b/run-0.log", true},
      {"runs/a-b/run 1.log", true},
      {"builds/k/build.log", true},
      {"logs/job-1.log", true},
      {"reports/job-1.html", true},
      {"logs/inside.log", true},      // a symlink that stays inside
      {"logs/escape.log", false},     // a symlink out of the state directory
      {"runs/up/secret.log", false},  // a directory symlink out of it
      {"culprit.db", false},          // not a log or report
      {"builds/k/out/prog", false},   // a build artifact
      {"runs/a-b", false},            // a directory
      {"runs/a-b/missing.log", false},
      {"../secret.log", false},
      {"runs/../../secret.log", false},
      {"runs/a-b/../../../secret.log", false},
      {"/etc/passwd", false},
      {"runs//a-b/run-0.log", true},  // the same file
      {"", false},
  };
  for (const auto& row : rows) {
    auto r = ResolveStateFile(state_, row.path);
    EXPECT_EQ(static_cast<bool>(r), row.ok) << row.path;
    if (r) {
      EXPECT_TRUE(IsWithin(*r, state_)) << row.path;
    }
  }
  auto nul = ResolveStateFile(state_, std::string_view("logs/job-1.log\0x", 16));
  EXPECT_FALSE(nul);
}

TEST(IsWithin, ComparesWholeComponents) {
  EXPECT_TRUE(IsWithin("/st/runs/x", "/st"));
  EXPECT_TRUE(IsWithin("/st", "/st"));
  EXPECT_FALSE(IsWithin("/state/x", "/st"));
  EXPECT_FALSE(IsWithin("/", "/st"));
}

}  // namespace
}  // namespace culprit::serve
