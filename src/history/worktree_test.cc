#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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

/// The paths whose entry differs between two snapshots.
std::vector<std::string> Changed(const std::map<std::string, std::string>& before,
                                 const std::map<std::string, std::string>& after) {
  std::vector<std::string> changed;
  for (const auto& [path, entry] : before) {
    auto it = after.find(path);
    if (it == after.end() || it->second != entry) changed.push_back(path);
  }
  for (const auto& [path, entry] : after)
    if (!before.count(path)) changed.push_back(path);
  return changed;
}

/// Runs the real git in `dir` (no system or global config, no GIT_* variables inherited):
/// its output, without the final newline, or "exit N: output" when it fails.
std::string Git(const fs::path& dir, const std::string& args) {
  std::string command =
      "env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE -u GIT_OBJECT_DIRECTORY "
      "-u GIT_ALTERNATE_OBJECT_DIRECTORIES -u GIT_COMMON_DIR GIT_CONFIG_NOSYSTEM=1 "
      "GIT_CONFIG_GLOBAL=/dev/null git -C '" +
      dir.string() + "' " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) out.append(buffer, n);
  int status = pclose(pipe);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  if (status != 0) return "exit " + std::to_string(status) + ": " + out;
  return out;
}

class WorktreeTest : public testing::Test {
 protected:
  void SetUp() override {
    a_ = repo_.Commit("a", {{"Makefile", "all:\n"},
                            {"gone.c", "int gone;\n"},
                            {"dir/keep.c", "int keep;\n"},
                            {"dir/edit.c", "int v1;\n"}});
    repo_.AnnotatedTag("v0.9");
    b_ = repo_.Commit(
        "b", {{"gone.c", std::nullopt}, {"dir/edit.c", "int v2;\n"}, {"dir/new.c", "int n;\n"}});
    repo_.Tag("v1.0");
    c_ = repo_.Commit("c", {{"Makefile", "all: prog\n"}});
    state_ = fs::path(repo_.path().string() + "-state");
    Result<std::unique_ptr<Repository>> git = OpenRepository(repo_.path(), state_ / "objects");
    ASSERT_TRUE(git) << git.error().message;
    git_ = std::move(*git);
  }
  void TearDown() override { fs::remove_all(state_); }

  std::unique_ptr<Worktree> OpenTree(const std::string& name = "worktree") {
    Result<std::unique_ptr<Worktree>> tree = OpenWorktree(*git_, state_ / name);
    EXPECT_TRUE(tree) << tree.error().message;
    return tree ? std::move(*tree) : nullptr;
  }

  static void CheckOut(Worktree& tree, const std::string& rev) {
    Result<void> r = tree.Checkout(rev);
    ASSERT_TRUE(r) << r.error().message;
  }

  /// b_ reverted on c_, in the private store.
  std::string EditedCommit() {
    Result<EditedTree> edited = git_->EditTree(c_, {{.commit = b_}});
    EXPECT_TRUE(edited) << edited.error().message;
    if (!edited) return "";
    EXPECT_EQ(edited->applied, std::vector<std::string>{b_});
    return edited->commit_id;
  }

  TestRepo repo_;
  std::string a_, b_, c_;
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

  CheckOut(*tree, "HEAD~2");
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

TEST_F(WorktreeTest, GitWorksInsideAsInTheUsersRepository) {
  std::unique_ptr<Worktree> tree = OpenTree();
  ASSERT_TRUE(tree);
  const fs::path src = tree->path();
  EXPECT_TRUE(fs::is_directory(src / ".git"));
  for (const std::string& commit : {a_, b_, c_, a_}) {
    SCOPED_TRACE(commit);
    CheckOut(*tree, commit);
    EXPECT_EQ(Git(src, "rev-parse HEAD"), commit);
    for (const char* describe : {"describe --tags", "describe"}) {
      EXPECT_EQ(Git(src, describe), Git(repo_.path(), std::string(describe) + " " + commit))
          << describe;
    }
    EXPECT_EQ(Git(src, "describe --tags --dirty"), Git(repo_.path(), "describe --tags " + commit));
    EXPECT_EQ(Git(src, "status --porcelain"), "") << "clean right after a checkout";
    EXPECT_EQ(Git(src, "log -1 --format=%s"), Git(repo_.path(), "log -1 --format=%s " + commit));
  }
  EXPECT_EQ(Git(src, "describe --tags"), "v0.9");
  WriteAll(src / "prog.o", "build output");
  EXPECT_EQ(Git(src, "status --porcelain"), "?? prog.o");
  CheckOut(*tree, c_);
  EXPECT_EQ(Git(src, "status --porcelain"), "?? prog.o");
  EXPECT_EQ(Git(src, "describe --tags"), Git(repo_.path(), "describe --tags " + c_));
  EXPECT_EQ(Git(src, "tag -l"), "v0.9\nv1.0");
}

TEST_F(WorktreeTest, ChecksOutAnEditedTree) {
  std::unique_ptr<Worktree> tree = OpenTree();
  ASSERT_TRUE(tree);
  CheckOut(*tree, c_);
  const std::string edited = EditedCommit();  // made after the worktree was opened
  ASSERT_FALSE(edited.empty());
  CheckOut(*tree, edited);
  const fs::path src = tree->path();
  EXPECT_EQ(ReadAll(src / "gone.c"), "int gone;\n");
  EXPECT_EQ(ReadAll(src / "dir/edit.c"), "int v1;\n");
  EXPECT_FALSE(fs::exists(src / "dir/new.c"));
  EXPECT_EQ(ReadAll(src / "Makefile"), "all: prog\n") << "c's own change stays";
  EXPECT_EQ(Git(src, "rev-parse HEAD"), edited);
  EXPECT_EQ(Git(src, "log -1 --format=%P"), c_);
  EXPECT_EQ(Git(src, "status --porcelain"), "");
  EXPECT_EQ(Git(src, "describe --tags").substr(0, 8), "v1.0-2-g");
  CheckOut(*tree, a_);
  EXPECT_EQ(Git(src, "status --porcelain"), "");
}

TEST_F(WorktreeTest, WorksWithoutAPrivateStore) {
  Result<std::unique_ptr<Repository>> plain = OpenRepository(repo_.path());
  ASSERT_TRUE(plain);
  Result<std::unique_ptr<Worktree>> tree = OpenWorktree(**plain, state_ / "plain");
  ASSERT_TRUE(tree) << tree.error().message;
  CheckOut(**tree, b_);
  EXPECT_EQ(Git((*tree)->path(), "rev-parse HEAD"), b_);
  EXPECT_EQ(Git((*tree)->path(), "status --porcelain"), "");
}

TEST_F(WorktreeTest, TwoWorktreesCheckOutAtOnceFromTwoThreads) {
  const std::string edited = EditedCommit();
  ASSERT_FALSE(edited.empty());
  std::unique_ptr<Worktree> one = OpenTree("worktree-1");
  std::unique_ptr<Worktree> two = OpenTree("worktree-2");
  ASSERT_TRUE(one && two);
  // What dir/edit.c holds at each commit.
  const std::vector<std::pair<std::string, std::string>> commits = {
      {a_, "int v1;\n"}, {b_, "int v2;\n"}, {c_, "int v2;\n"}, {edited, "int v1;\n"}};
  auto work = [&](Worktree* tree, size_t first, std::string* errors) {
    for (size_t i = 0; i < 20; ++i) {
      const auto& [commit, edit_c] = commits[(first + i) % commits.size()];
      if (Result<void> r = tree->Checkout(commit); !r) {
        *errors += r.error().message + "\n";
        continue;
      }
      if (ReadAll(tree->path() / "dir/edit.c") != edit_c) *errors += "wrong edit.c\n";
      if (ReadAll(tree->path() / ".git/HEAD") != commit + "\n") *errors += "wrong HEAD\n";
    }
  };
  std::string errors_one, errors_two;
  std::thread t1(work, one.get(), 0, &errors_one);
  std::thread t2(work, two.get(), 1, &errors_two);
  t1.join();
  t2.join();
  EXPECT_EQ(errors_one, "");
  EXPECT_EQ(errors_two, "");
  EXPECT_EQ(Git(one->path(), "status --porcelain"), "");
  EXPECT_EQ(Git(two->path(), "status --porcelain"), "");
}

TEST_F(WorktreeTest, UpgradesTheOlderLayoutKeepingStatData) {
  {
    std::unique_ptr<Worktree> tree = OpenTree();
    ASSERT_TRUE(tree);
    CheckOut(*tree, a_);
  }
  // The older layout: the index beside src/, no src/.git.
  const fs::path dir = state_ / "worktree";
  fs::rename(dir / "src/.git/index", dir / "index");
  fs::remove_all(dir / "src/.git");
  auto old = fs::file_time_type::clock::now() - std::chrono::hours(24);
  fs::last_write_time(dir / "src/dir/keep.c", old);

  std::unique_ptr<Worktree> tree = OpenTree();
  ASSERT_TRUE(tree);
  EXPECT_FALSE(fs::exists(dir / "index"));
  EXPECT_TRUE(fs::exists(dir / "src/.git/index"));
  CheckOut(*tree, b_);
  EXPECT_EQ(fs::last_write_time(dir / "src/dir/keep.c"), old) << "upgrade rewrote files";
  EXPECT_FALSE(fs::exists(dir / "src/gone.c"));
  EXPECT_EQ(ReadAll(dir / "src/dir/new.c"), "int n;\n");
  EXPECT_EQ(Git(tree->path(), "rev-parse HEAD"), b_);
  EXPECT_EQ(Git(tree->path(), "status --porcelain"), "");
}

TEST_F(WorktreeTest, UnknownStateMeansAFullCheckout) {
  const fs::path dir = state_ / "worktree";
  struct {
    const char* name;
    void (*damage)(const fs::path& dir);
    bool wiped = true;  // false: the files and index still agree, the checkout stays incremental
  } cases[] = {
      {"killed mid-checkout: no marker", [](const fs::path& d) { fs::remove(d / "tree"); }},
      {"garbled marker", [](const fs::path& d) { WriteAll(d / "tree", "not a tree id\n"); }},
      {"index deleted", [](const fs::path& d) { fs::remove(d / "src/.git/index"); }},
      {".git deleted", [](const fs::path& d) { fs::remove_all(d / "src/.git"); }},
      {"HEAD garbled", [](const fs::path& d) { WriteAll(d / "src/.git/HEAD", "junk"); }, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::unique_ptr<Worktree> tree = OpenTree();
    ASSERT_TRUE(tree);
    CheckOut(*tree, a_);
    WriteAll(tree->path() / "stale.o", "from an interrupted run");
    WriteAll(tree->path() / "dir/edit.c", "half-written");
    ASSERT_TRUE(fs::exists(dir / "tree"));
    c.damage(dir);
    std::unique_ptr<Worktree> reopened = OpenTree();
    ASSERT_TRUE(reopened);
    CheckOut(*reopened, b_);
    EXPECT_EQ(fs::exists(tree->path() / "stale.o"), !c.wiped);
    fs::remove(tree->path() / "stale.o");
    EXPECT_FALSE(fs::exists(tree->path() / "gone.c"));
    EXPECT_EQ(ReadAll(tree->path() / "dir/edit.c"), "int v2;\n");
    EXPECT_EQ(ReadAll(tree->path() / "Makefile"), "all:\n");
    EXPECT_EQ(Git(tree->path(), "rev-parse HEAD"), b_);
    EXPECT_EQ(Git(tree->path(), "status --porcelain"), "");
  }
}

TEST_F(WorktreeTest, NeverTouchesTheUsersRepository) {
  // A dirty user checkout: a modified tracked file and an untracked one.
  WriteAll(repo_.path() / "dir/edit.c", "user's uncommitted edit\n");
  WriteAll(repo_.path() / "notes.txt", "untracked\n");
  // Old mtimes, so that touching an object (libgit2 "freshens" objects it would write again)
  // shows even on a coarse clock.
  auto old = fs::file_time_type::clock::now() - std::chrono::hours(24 * 365);
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(repo_.path() / ".git"))
    if (e.is_regular_file()) fs::last_write_time(e.path(), old);
  std::map<std::string, std::string> before = Snapshot(repo_.path());
  ASSERT_TRUE(before.count(".git/index"));
  {
    Result<std::unique_ptr<Repository>> git = OpenRepository(repo_.path(), state_ / "objects");
    ASSERT_TRUE(git) << git.error().message;
    // Reverting b writes trees and blobs the user's repository already has.
    Result<EditedTree> edited = (*git)->EditTree(c_, {{.commit = b_}});
    ASSERT_TRUE(edited) << edited.error().message;
    Result<std::unique_ptr<Worktree>> tree = OpenWorktree(**git, state_ / "worktree");
    ASSERT_TRUE(tree) << tree.error().message;
    CheckOut(**tree, a_);
    CheckOut(**tree, "v1.0");
    CheckOut(**tree, edited->commit_id);
    fs::remove(state_ / "worktree" / "tree");
    CheckOut(**tree, a_);
    EXPECT_EQ(Git((*tree)->path(), "status --porcelain"), "");
    EXPECT_EQ(Git((*tree)->path(), "describe --tags --dirty"), "v0.9");
  }
  EXPECT_EQ(Changed(before, Snapshot(repo_.path())), std::vector<std::string>{});
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
