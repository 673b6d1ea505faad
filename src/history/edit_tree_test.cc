#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "history/history.h"
#include "history/test_repo.h"

namespace culprit::history {
namespace {

namespace fs = std::filesystem;

using Kind = TreeEdit::Kind;

/// Five lines, the second one given.
std::string Lines(const std::string& second) { return "one\n" + second + "\nthree\nfour\nfive\n"; }

/// A small history, every commit named:
///   c0 init: a.c (five lines), b.c
///   c1 a.c line 2 -> "two-c1"
///   c2 b.c changed
///   t1 (on topic, from c2) adds t.c
///   m  merge of topic
///   c3 a.c line 2 -> "two-c3" (reverting c1 now conflicts)
///   c4 adds d.c
class EditTreeTest : public testing::Test {
 protected:
  void SetUp() override {
    c_["c0"] = repo_.Commit("init", {{"a.c", Lines("two")}, {"b.c", "b1\n"}});
    c_["c1"] = repo_.Commit("c1", {{"a.c", Lines("two-c1")}});
    c_["c2"] = repo_.Commit("c2", {{"b.c", "b2\n"}});
    repo_.Branch("topic");
    repo_.Switch("topic");
    c_["t1"] = repo_.Commit("t1", {{"t.c", "t\n"}});
    repo_.Switch("master");
    c_["m"] = repo_.Merge("topic");
    c_["c3"] = repo_.Commit("c3", {{"a.c", Lines("two-c3")}});
    c_["c4"] = repo_.Commit("c4: add d", {{"d.c", "d\n"}});
    store_ = fs::path(repo_.path().string() + "-store");
    Result<std::unique_ptr<Repository>> git = OpenRepository(repo_.path(), store_);
    ASSERT_TRUE(git) << git.error().message;
    git_ = std::move(*git);
  }
  void TearDown() override { fs::remove_all(store_); }

  TestRepo repo_;
  std::map<std::string, std::string> c_;
  fs::path store_;
  std::unique_ptr<Repository> git_;
};

struct Edit {
  Kind kind;
  const char* commit;  // a name in the fixture
  int mainline = 0;
};

struct Row {
  const char* name;
  const char* base = "c4";
  std::vector<Edit> edits;
  std::vector<const char*> applied;
  std::vector<const char*> failed;
  std::vector<std::string> conflicts = {};                       // of the first failed edit
  std::map<std::string, std::optional<std::string>> files = {};  // in the result; nullopt: absent
};

const Row kRows[] = {
    {.name = "revert_normal",
     .edits = {{Kind::kRevert, "c2"}},
     .applied = {"c2"},
     .failed = {},
     .files = {{"b.c", "b1\n"}, {"d.c", "d\n"}}},
    {.name = "revert_merge_mainline_1",
     .edits = {{Kind::kRevert, "m", 1}},
     .applied = {"m"},
     .failed = {},
     .files = {{"t.c", std::nullopt}, {"d.c", "d\n"}}},
    {.name = "revert_conflicts",
     .edits = {{Kind::kRevert, "c1"}},
     .applied = {},
     .failed = {"c1"},
     .conflicts = {"a.c"},
     .files = {{"a.c", Lines("two-c3")}}},
    {.name = "cherry_pick_on_older_base",
     .base = "c0",
     .edits = {{Kind::kCherryPick, "c4"}},
     .applied = {"c4"},
     .failed = {},
     .files = {{"d.c", "d\n"}, {"b.c", "b1\n"}, {"t.c", std::nullopt}}},
    {.name = "cherry_pick_merge_mainline_1",
     .base = "c0",
     .edits = {{Kind::kCherryPick, "m", 1}},
     .applied = {"m"},
     .failed = {},
     .files = {{"t.c", "t\n"}, {"b.c", "b1\n"}}},
    {.name = "first_fails_second_applies",
     .edits = {{Kind::kRevert, "c1"}, {Kind::kRevert, "c2"}},
     .applied = {"c2"},
     .failed = {"c1"},
     .conflicts = {"a.c"},
     .files = {{"b.c", "b1\n"}, {"a.c", Lines("two-c3")}}},
    {.name = "edits_chain_on_each_other",
     .base = "c0",
     .edits = {{Kind::kCherryPick, "c1"}, {Kind::kCherryPick, "c3"}},
     .applied = {"c1", "c3"},
     .failed = {},
     .files = {{"a.c", Lines("two-c3")}, {"b.c", "b1\n"}}},
    {.name = "already_applied_changes_nothing",
     .edits = {{Kind::kCherryPick, "c2"}},
     .applied = {},
     .failed = {"c2"}},
    {.name = "no_edits", .edits = {}, .applied = {}, .failed = {}, .files = {{"d.c", "d\n"}}},
};

class EditTreeRow : public EditTreeTest, public testing::WithParamInterface<Row> {};

TEST_P(EditTreeRow, AppliesWhatAppliesAndNamesTheRest) {
  const Row& row = GetParam();
  std::vector<TreeEdit> edits;
  for (const Edit& e : row.edits)
    edits.push_back({.kind = e.kind, .commit = c_.at(e.commit), .mainline = e.mainline});
  const std::string base = c_.at(row.base);
  Result<EditedTree> got = git_->EditTree(base, edits);
  ASSERT_TRUE(got) << got.error().message;

  std::vector<std::string> want_applied, want_failed, got_failed;
  for (const char* name : row.applied) want_applied.push_back(c_.at(name));
  for (const char* name : row.failed) want_failed.push_back(c_.at(name));
  for (const EditedTree::Failed& f : got->failed) got_failed.push_back(f.commit);
  EXPECT_EQ(got->applied, want_applied);
  EXPECT_EQ(got_failed, want_failed);
  if (!got->failed.empty()) {
    EXPECT_EQ(got->failed[0].conflicts, row.conflicts);
    EXPECT_FALSE(got->failed[0].reason.empty());
  }

  Result<CommitInfo> commit = git_->Commit(got->commit_id);
  ASSERT_TRUE(commit) << commit.error().message;
  EXPECT_EQ(commit->tree_id, got->tree_id);
  if (row.applied.empty()) {
    EXPECT_EQ(got->commit_id, base) << "nothing applied: the base itself";
  } else {
    EXPECT_EQ(commit->parents, std::vector<std::string>{base});
    for (const std::string& id : got->applied)
      EXPECT_NE(commit->message.find(id), std::string::npos) << commit->message;
  }
  for (const auto& [path, contents] : row.files) {
    Result<std::string> file = git_->ReadFile(got->commit_id, path);
    if (!contents) {
      EXPECT_FALSE(file) << path << " should be absent";
      continue;
    }
    ASSERT_TRUE(file) << path << ": " << file.error().message;
    EXPECT_EQ(*file, *contents) << path;
  }

  Result<EditedTree> again = git_->EditTree(base, edits);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->commit_id, got->commit_id) << "the same edits give the same commit";
}

INSTANTIATE_TEST_SUITE_P(All, EditTreeRow, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(EditTreeTest, WrongMainlineOrRevisionIsAnError) {
  struct {
    TreeEdit edit;
    ErrorKind kind;
    const char* says;
  } cases[] = {
      {{.kind = Kind::kRevert, .commit = c_["m"]}, ErrorKind::kBadInput, "-m"},
      {{.kind = Kind::kCherryPick, .commit = c_["c2"], .mainline = 1}, ErrorKind::kBadInput, "-m"},
      {{.kind = Kind::kRevert, .commit = c_["m"], .mainline = 3}, ErrorKind::kBadInput, "-m"},
      {{.kind = Kind::kRevert, .commit = "v9.9"}, ErrorKind::kNotFound, "v9.9"},
  };
  for (const auto& c : cases) {
    Result<EditedTree> got = git_->EditTree("HEAD", {c.edit});
    ASSERT_FALSE(got) << c.edit.commit;
    EXPECT_EQ(got.error().kind, c.kind) << got.error().message;
    EXPECT_NE(got.error().message.find(c.says), std::string::npos) << got.error().message;
  }
  EXPECT_EQ(git_->EditTree("v9.9", {}).error().kind, ErrorKind::kNotFound);
}

TEST_F(EditTreeTest, NeedsThePrivateStore) {
  Result<std::unique_ptr<Repository>> plain = OpenRepository(repo_.path());
  ASSERT_TRUE(plain);
  EXPECT_TRUE((*plain)->private_store().empty());
  Result<EditedTree> got = (*plain)->EditTree("HEAD", {{.commit = c_["c2"]}});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::kBadInput);
  EXPECT_NE(got.error().message.find("private object store"), std::string::npos);
}

TEST_F(EditTreeTest, ObjectsGoToThePrivateStoreOnly) {
  Result<EditedTree> got = git_->EditTree("HEAD", {{.commit = c_["c2"]}});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(git_->private_store(), fs::weakly_canonical(store_));
  auto loose = [](const fs::path& objects, const std::string& id) {
    return fs::exists(objects / id.substr(0, 2) / id.substr(2));
  };
  EXPECT_TRUE(loose(store_ / "objects", got->commit_id));
  EXPECT_FALSE(loose(repo_.path() / ".git/objects", got->commit_id));
  Result<std::unique_ptr<Repository>> plain = OpenRepository(repo_.path());
  ASSERT_TRUE(plain);
  EXPECT_FALSE((*plain)->Commit(got->commit_id)) << "the user's repository never sees it";
  // Reopening finds the store as it was.
  Result<std::unique_ptr<Repository>> reopened = OpenRepository(repo_.path(), store_);
  ASSERT_TRUE(reopened) << reopened.error().message;
  EXPECT_TRUE((*reopened)->Commit(got->commit_id));
}

TEST_F(EditTreeTest, StoreMustBeOutsideTheRepository) {
  for (const fs::path& dir : {repo_.path() / ".git" / "culprit", repo_.path().parent_path()}) {
    Result<std::unique_ptr<Repository>> bad = OpenRepository(repo_.path(), dir);
    ASSERT_FALSE(bad) << dir;
    EXPECT_EQ(bad.error().kind, ErrorKind::kBadInput);
  }
}

}  // namespace
}  // namespace culprit::history
