// Fix-ups applied only where they are missing, on a tiny real repository.
#include "job/backports.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>

#include "base/strings.h"
#include "history/test_repo.h"

namespace culprit::job {
namespace {

namespace fs = std::filesystem;

/// c0 base; g breaks a.c; x adds c.c; f fixes a.c; y rewrites c.c; z edits c.c again.
/// Branch "old" from c0 never gets g.
class BackportsTest : public testing::Test {
 protected:
  void SetUp() override {
    c_["c0"] = repo_.Commit("c0", {{"a.c", "int a;\n"}, {"b.c", "int b;\n"}});
    repo_.Branch("old");
    c_["g"] = repo_.Commit("g: break a.c", {{"a.c", "int a\n"}});
    c_["x"] = repo_.Commit("x: add c.c", {{"c.c", "int c;\n"}});
    c_["f"] = repo_.Commit("f: fix a.c", {{"a.c", "int a;\n"}});
    c_["y"] = repo_.Commit("y: rewrite c.c", {{"c.c", "long c;\n"}});
    c_["z"] = repo_.Commit("z: edit c.c", {{"c.c", "long long c;\n"}});
    repo_.Switch("old");
    c_["o"] = repo_.Commit("o: old tree", {{"b.c", "int b2;\n"}});
    store_ = fs::path(repo_.path().string() + "-store");
    auto git = history::OpenRepository(repo_.path(), store_);
    ASSERT_TRUE(git) << git.error().message;
    git_ = std::move(*git);
  }
  void TearDown() override { fs::remove_all(store_); }

  std::string Tree(const std::string& commit) { return git_->Commit(commit)->tree_id; }

  history::TestRepo repo_;
  std::map<std::string, std::string> c_;
  fs::path store_;
  std::unique_ptr<history::Repository> git_;
};

struct Row {
  const char* name;
  const char* commit;
  const char* guilty = "g";
  const char* fix = "f";
  const char* want_note = "";     // "": no fix-up needed (the commit itself is built)
  const char* want_tree_of = "";  // the fixed-up tree equals this commit's tree
  bool want_same_commit = false;  // built as it is (no fix-up, or one that did not apply)
};

const Row kRows[] = {
    {.name = "before_guilty", .commit = "c0", .want_same_commit = true},
    {.name = "other_tree", .commit = "o", .want_same_commit = true},
    {.name = "guilty_itself", .commit = "g", .want_note = "applied fix-up"},
    {.name = "inside_break", .commit = "x", .want_note = "applied fix-up", .want_tree_of = "f"},
    {.name = "has_fix", .commit = "f", .want_same_commit = true},
    {.name = "after_fix", .commit = "y", .want_same_commit = true},
    {.name = "fix_does_not_apply",
     .commit = "x",
     .guilty = "x",
     .fix = "z",
     .want_note = "does not apply",
     .want_same_commit = true},
};

TEST_F(BackportsTest, AppliedOnlyWhereMissing) {
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.name);
    auto resolved = ResolveBackports(*git_, {{.guilty = c_[row.guilty], .fix = c_[row.fix]}});
    ASSERT_TRUE(resolved) << resolved.error().message;
    auto source = SourceWithFixups(*git_, c_[row.commit], *resolved);
    ASSERT_TRUE(source) << source.error().message;
    if (std::string(row.want_note).empty()) {
      EXPECT_TRUE(source->notes.empty());
    } else {
      ASSERT_EQ(source->notes.size(), 1u);
      EXPECT_NE(source->notes[0].find(row.want_note), std::string::npos) << source->notes[0];
      EXPECT_NE(source->notes[0].find(ShortHash(c_[row.fix]) + " (fixes " +
                                      ShortHash(c_[row.guilty]) + ")"),
                std::string::npos)
          << source->notes[0];
    }
    if (row.want_same_commit) {
      EXPECT_EQ(source->commit, c_[row.commit]);
      EXPECT_EQ(source->tree_id, Tree(c_[row.commit]));
    } else {
      EXPECT_NE(source->commit, c_[row.commit]);
      EXPECT_NE(source->tree_id, Tree(c_[row.commit]));
      EXPECT_EQ(Tree(source->commit), source->tree_id);  // readable like any commit
    }
    if (!std::string(row.want_tree_of).empty()) {
      EXPECT_EQ(source->tree_id, Tree(c_[row.want_tree_of]));
    }
  }
}

TEST_F(BackportsTest, SameCommitSameFixedUpTree) {
  auto resolved = ResolveBackports(*git_, {{.guilty = c_["g"], .fix = c_["f"]}});
  ASSERT_TRUE(resolved) << resolved.error().message;
  auto a = SourceWithFixups(*git_, c_["g"], *resolved);
  auto b = SourceWithFixups(*git_, c_["g"], *resolved);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->commit, b->commit);
}

TEST_F(BackportsTest, UnknownRevisionNamesTheEntry) {
  auto resolved = ResolveBackports(
      *git_, {{.guilty = c_["g"], .fix = c_["f"]}, {.guilty = "nope", .fix = "f"}});
  ASSERT_FALSE(resolved);
  EXPECT_EQ(resolved.error().kind, ErrorKind::kBadInput);
  EXPECT_NE(resolved.error().message.find("backports[1]: guilty"), std::string::npos)
      << resolved.error().message;
}

}  // namespace
}  // namespace culprit::job
