#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "history/history.h"
#include "history/test_repo.h"

namespace culprit::history {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const fs::path& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
}

/// Every file under `root` (the .git directory included): path -> mtime and bytes.
std::map<std::string, std::string> Snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(root)) {
    std::string key = fs::relative(e.path(), root).string();
    if (!e.is_regular_file()) {
      files[key] = "dir";
      continue;
    }
    auto mtime = e.last_write_time().time_since_epoch().count();
    files[key] = std::to_string(mtime) + ":" + ReadAll(e.path());
  }
  return files;
}

class WorktreeTest : public testing::Test {
 protected:
  void SetUp() override {
    a_ = repo_.Commit("a", {{"Makefile", "all:\n"},
                            {"gone.c", "int gone;\n"},
                            {"dir/keep.c", "int keep;\n"},
                            {"dir/edit.c", "int v1;\n"}});
    b_ = repo_.Commit(
        "b", {{"gone.c", std::nullopt}, {"dir/edit.c", "int v2;\n"}, {"dir/new.c", "int n;\n"}});
    repo_.Tag("v1.0");
    Result<std::unique_ptr<Repository>> git = OpenRepository(repo_.path());
    ASSERT_TRUE(git) << git.error().message;
    git_ = std::move(*git);
    state_ = fs::path(repo_.path().string() + "-state");
  }
  void TearDown() override { fs::remove_all(state_); }

  std::unique_ptr<Worktree> OpenTree() {
    Result<std::unique_ptr<Worktree>> tree = OpenWorktree(*git_, state_ / "worktree");
    EXPECT_TRUE(tree) << tree.error().message;
    return tree ? std::move(*tree) : nullptr;
  }

  static void CheckOut(Worktree& tree, const std::string& rev) {
    Result<void> r = tree.Checkout(rev);
    ASSERT_TRUE(r) << r.error().message;
  }

  TestRepo repo_;
  std::string a_, b_;
  std::unique_ptr<Repository> git_;
  fs::path state_;
};

TEST_F(WorktreeTest, MovesBetweenTreesTouchingOnlyChangedFiles) {
  std::unique_ptr<Worktree> tree = OpenTree();
  ASSERT_TRUE(tree);
  EXPECT_EQ(tree->path(), state_ / "worktree" / "src");
  CheckOut(*tree, a_);
  fs::path src = tree->path();
  EXPECT_EQ(ReadAll(src / "dir/edit.c"), "int v1;\n");
  ASSERT_TRUE(fs::exists(src / "gone.c"));
  auto old = fs::file_time_type::clock::now() - std::chrono::hours(24);
  fs::last_write_time(src / "dir/keep.c", old);
  WriteAll(src / "dir/keep.o", "build output");

  CheckOut(*tree, b_);
  EXPECT_FALSE(fs::exists(src / "gone.c")) << "a file deleted in b must disappear";
  EXPECT_EQ(ReadAll(src / "dir/edit.c"), "int v2;\n");
  EXPECT_EQ(ReadAll(src / "dir/new.c"), "int n;\n");
  EXPECT_EQ(fs::last_write_time(src / "dir/keep.c"), old) << "unchanged file rewritten";
  EXPECT_EQ(ReadAll(src / "dir/keep.o"), "build output") << "build outputs stay";

  CheckOut(*tree, "HEAD~1");
  EXPECT_EQ(ReadAll(src / "gone.c"), "int gone;\n");
  EXPECT_FALSE(fs::exists(src / "dir/new.c"));
}

TEST_F(WorktreeTest, RestoresTrackedFilesTheBuildChanged) {
  std::unique_ptr<Worktree> tree = OpenTree();
  ASSERT_TRUE(tree);
  CheckOut(*tree, b_);
  WriteAll(tree->path() / "Makefile", "patched by the build, longer\n");
  fs::remove(tree->path() / "dir/new.c");
  CheckOut(*tree, b_);
  EXPECT_EQ(ReadAll(tree->path() / "Makefile"), "all:\n");
  EXPECT_EQ(ReadAll(tree->path() / "dir/new.c"), "int n;\n");
}

TEST_F(WorktreeTest, MissingOrGarbledMarkerMeansAFullCheckout) {
  for (const char* marker : {"", "not a tree id\n"}) {
    SCOPED_TRACE(marker);
    std::unique_ptr<Worktree> tree = OpenTree();
    ASSERT_TRUE(tree);
    CheckOut(*tree, a_);
    WriteAll(tree->path() / "stale.o", "from an interrupted run");
    WriteAll(tree->path() / "dir/edit.c", "half-written");
    fs::path marker_path = state_ / "worktree" / "tree";
    ASSERT_TRUE(fs::exists(marker_path));
    if (*marker == '\0') {
      fs::remove(marker_path);  // killed in the middle of a checkout
    } else {
      WriteAll(marker_path, marker);
    }
    std::unique_ptr<Worktree> reopened = OpenTree();
    ASSERT_TRUE(reopened);
    CheckOut(*reopened, b_);
    EXPECT_FALSE(fs::exists(tree->path() / "stale.o"));
    EXPECT_FALSE(fs::exists(tree->path() / "gone.c"));
    EXPECT_EQ(ReadAll(tree->path() / "dir/edit.c"), "int v2;\n");
    EXPECT_EQ(ReadAll(tree->path() / "Makefile"), "all:\n");
  }
}

TEST_F(WorktreeTest, NeverTouchesTheUsersRepository) {
  // A dirty user checkout: a modified tracked file and an untracked one.
  WriteAll(repo_.path() / "dir/edit.c", "user's uncommitted edit\n");
  WriteAll(repo_.path() / "notes.txt", "untracked\n");
  std::map<std::string, std::string> before = Snapshot(repo_.path());
  ASSERT_TRUE(before.count(".git/index"));
  {
    std::unique_ptr<Worktree> tree = OpenTree();
    ASSERT_TRUE(tree);
    CheckOut(*tree, a_);
    CheckOut(*tree, "v1.0");
    fs::remove(state_ / "worktree" / "tree");
    CheckOut(*tree, a_);
  }
  EXPECT_EQ(Snapshot(repo_.path()), before);
}

TEST_F(WorktreeTest, BadInput) {
  std::unique_ptr<Worktree> tree = OpenTree();
  ASSERT_TRUE(tree);
  Result<void> unknown = tree->Checkout("v9.9");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  for (const fs::path& dir : {repo_.path(), repo_.path().parent_path(), repo_.path() / ".git/x"}) {
    Result<std::unique_ptr<Worktree>> bad = OpenWorktree(*git_, dir);
    ASSERT_FALSE(bad) << dir;
    EXPECT_EQ(bad.error().kind, ErrorKind::kBadInput);
  }
}

}  // namespace
}  // namespace culprit::history
