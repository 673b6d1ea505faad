#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "history/history.h"
#include "history/test_repo.h"

namespace culprit::history {
namespace {

std::unique_ptr<Repository> Open(const TestRepo& repo) {
  Result<std::unique_ptr<Repository>> r = OpenRepository(repo.path());
  EXPECT_TRUE(r) << r.error().message;
  return r ? std::move(*r) : nullptr;
}

TEST(OpenRepositoryTest, MissingRepositoryIsNotFoundWithHint) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "culprit-no-repo-here";
  std::filesystem::create_directories(dir);
  Result<std::unique_ptr<Repository>> r = OpenRepository(dir);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(r.error().message,
            "no git repository at " + dir.string() + " (pass --repo with a git checkout)");
}

TEST(OpenRepositoryTest, FindsTheRepositoryAboveASubdirectory) {
  TestRepo repo;
  repo.Commit("init", {{"dir/sub/file", "x"}});
  Result<std::unique_ptr<Repository>> r = OpenRepository(repo.path() / "dir" / "sub");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)->path(), repo.path());
}

class ResolveTest : public testing::Test {
 protected:
  void SetUp() override {
    first_ = repo_.Commit("first", {{"a", "1"}});
    repo_.AnnotatedTag("v1.0");
    second_ = repo_.Commit("second", {{"a", "2"}});
    repo_.Tag("v1.1-rc1");
    repo_.Branch("side", first_);
    git_ = Open(repo_);
  }
  TestRepo repo_;
  std::string first_, second_;
  std::unique_ptr<Repository> git_;
};

TEST_F(ResolveTest, ResolvesNamesAndHashes) {
  struct {
    std::string rev, want;
  } cases[] = {{"HEAD", second_},
               {"master", second_},
               {"side", first_},
               {"v1.0", first_},
               {"v1.1-rc1", second_},
               {first_, first_},
               {first_.substr(0, 7), first_},
               {"HEAD~1", first_}};
  for (const auto& c : cases) {
    Result<std::string> got = git_->Resolve(c.rev);
    ASSERT_TRUE(got) << c.rev << ": " << got.error().message;
    EXPECT_EQ(*got, c.want) << c.rev;
  }
}

TEST_F(ResolveTest, UnknownRevisionIsNotFoundWithHint) {
  for (std::string rev : {"v9.9", "deadbeef", "no/such/branch", "HEAD~5", "a..b"}) {
    Result<std::string> got = git_->Resolve(rev);
    ASSERT_FALSE(got) << rev;
    EXPECT_EQ(got.error().kind, ErrorKind::kNotFound) << rev;
    EXPECT_EQ(got.error().message, "unknown revision '" + rev + "' in " + repo_.path().string() +
                                       " (list tags with: git tag -l 'v*')");
  }
  EXPECT_EQ(git_->Resolve("").error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(git_->Commit("v9.9").error().kind, ErrorKind::kNotFound);
}

TEST(CommitTest, ReportsParentsPeopleDatesAndTrailers) {
  TestRepo repo;
  std::string parent = repo.Commit("init", {{"a", "1"}});
  repo.SetAuthor("Ada Lovelace", "ada@example.org");
  std::string id = repo.Commit(
      "mm: fix the leak\n\nLonger text.\n\nReported-by: syzbot <s@x.org>\n"
      "Signed-off-by: Ada Lovelace <ada@example.org>\n",
      {{"a", "2"}});
  std::unique_ptr<Repository> git = Open(repo);
  Result<CommitInfo> info = git->Commit(id);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->id, id);
  EXPECT_EQ(info->tree_id.size(), 40u);
  EXPECT_EQ(info->parents, std::vector<std::string>{parent});
  EXPECT_EQ(info->title, "mm: fix the leak");
  EXPECT_EQ(info->author.name, "Ada Lovelace");
  EXPECT_EQ(info->author.email, "ada@example.org");
  EXPECT_EQ(info->committer.name, "Test Committer");
  EXPECT_EQ(info->author_time, 1600000060);
  EXPECT_EQ(info->commit_time, 1600000060);
  ASSERT_EQ(info->trailers.size(), 2u);
  EXPECT_EQ(info->trailers[0].key, "Reported-by");
  EXPECT_EQ(info->trailers[1].value, "Ada Lovelace <ada@example.org>");
  EXPECT_TRUE(git->Commit(parent)->parents.empty());
}

TEST(DiffStatTest, CountsLinesAgainstFirstParent) {
  TestRepo repo;
  std::string root = repo.Commit("init", {{"keep", "a\nb\nc\n"}, {"gone", "x\n"}});
  std::string id = repo.Commit(
      "change", {{"keep", "a\nB\nc\nd\n"}, {"gone", std::nullopt}, {"new/file", "1\n2\n"}});
  std::unique_ptr<Repository> git = Open(repo);
  Result<std::vector<FileStat>> stat = git->DiffStat(id);
  ASSERT_TRUE(stat) << stat.error().message;
  ASSERT_EQ(stat->size(), 3u);
  EXPECT_EQ((*stat)[0].path, "gone");
  EXPECT_EQ((*stat)[0].deletions, 1);
  EXPECT_EQ((*stat)[1].path, "keep");
  EXPECT_EQ((*stat)[1].insertions, 2);
  EXPECT_EQ((*stat)[1].deletions, 1);
  EXPECT_EQ((*stat)[2].path, "new/file");
  EXPECT_EQ((*stat)[2].insertions, 2);
  Result<std::vector<FileStat>> root_stat = git->DiffStat(root);
  ASSERT_TRUE(root_stat);
  EXPECT_EQ(root_stat->size(), 2u);
}

TEST(DiffStatTest, DetectsRenames) {
  TestRepo repo;
  repo.Commit("init", {{"old.c", "int a;\nint b;\nint c;\nint d;\n"}});
  std::string id = repo.Commit(
      "rename", {{"old.c", std::nullopt}, {"new.c", "int a;\nint b;\nint c;\nint d;\n"}});
  Result<std::vector<FileStat>> stat = Open(repo)->DiffStat(id);
  ASSERT_TRUE(stat);
  ASSERT_EQ(stat->size(), 1u);
  EXPECT_EQ((*stat)[0].path, "old.c => new.c");
}

// The patch against the first parent, as `git show` prints it; cut at a line when too long.
TEST(DiffTest, PatchAgainstFirstParent) {
  TestRepo repo;
  std::string root = repo.Commit("init", {{"keep", "a\nb\nc\n"}, {"gone", "x\n"}});
  std::string id = repo.Commit("change", {{"keep", "a\nB\nc\n"}, {"gone", std::nullopt}});
  std::unique_ptr<Repository> git = Open(repo);
  struct {
    std::string commit;
    size_t max_bytes;
    std::vector<std::string> want;
    std::vector<std::string> absent;
  } cases[] = {
      {root, 1 << 20, {"diff --git a/gone b/gone\n", "new file mode", "+++ b/keep\n", "+a\n"}, {}},
      {id,
       1 << 20,
       {"--- a/gone\n+++ /dev/null\n", "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", "-x\n"},
       {"(diff cut"}},
      {id, 60, {"diff --git a/gone b/gone\n", "... (diff cut at 60 bytes)\n"}, {"+B"}},
  };
  for (const auto& c : cases) {
    Result<std::string> diff = git->Diff(c.commit, c.max_bytes);
    ASSERT_TRUE(diff) << diff.error().message;
    for (const auto& want : c.want) {
      EXPECT_NE(diff->find(want), std::string::npos) << want << " not in:\n" << *diff;
    }
    for (const auto& absent : c.absent) {
      EXPECT_EQ(diff->find(absent), std::string::npos) << absent << " in:\n" << *diff;
    }
    EXPECT_LE(diff->size(), c.max_bytes + 40);
  }
  EXPECT_FALSE(git->Diff("no-such-revision", 100));
}

TEST(ChangedPathsTest, PathsAgainstTheFirstParent) {
  TestRepo repo;
  std::string root = repo.Commit("init", {{"keep", "a\n"}, {"old.c", "int a;\n"}, {"d/x", "x"}});
  std::string rename =
      repo.Commit("rename", {{"old.c", std::nullopt}, {"new.c", "int a;\n"}, {"d/x", "y"}});
  repo.Branch("side", root);
  repo.Switch("side");
  repo.Commit("side", {{"side.c", "s\n"}});
  repo.Switch("master");
  std::string merge = repo.Merge("side");
  std::unique_ptr<Repository> git = Open(repo);
  struct {
    const std::string& id;
    std::vector<std::string> want;
  } rows[] = {
      {root, {"d/x", "keep", "old.c"}},     // everything, for a root commit
      {rename, {"d/x", "new.c", "old.c"}},  // a rename is its two paths
      {merge, {"side.c"}},                  // what the merge brings to the first parent
  };
  for (const auto& r : rows) {
    Result<std::vector<std::string>> got = git->ChangedPaths(r.id);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, r.want) << r.id;
  }
  EXPECT_EQ(git->ChangedPaths("nope").error().kind, ErrorKind::kNotFound);
}

TEST(ReadFileTest, ReadsContentsAtACommit) {
  TestRepo repo;
  std::string first = repo.Commit("init", {{"MAINTAINERS", "M: a\n"}});
  repo.Commit("update", {{"MAINTAINERS", "M: b\n"}});
  std::unique_ptr<Repository> git = Open(repo);
  EXPECT_EQ(*git->ReadFile(first, "MAINTAINERS"), "M: a\n");
  EXPECT_EQ(*git->ReadFile("HEAD", "MAINTAINERS"), "M: b\n");
  Result<std::string> missing = git->ReadFile("HEAD", "nope/file");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST(TouchesTest, ChangesAgainstParentsOnly) {
  TestRepo repo;
  std::string root = repo.Commit("init", {{"src/a.c", "a\n"}, {"README", "r\n"}});
  std::string edit = repo.Commit("edit a", {{"src/a.c", "a2\n"}});
  std::string doc = repo.Commit("doc", {{"README", "r2\n"}});
  repo.Branch("side", root);
  repo.Switch("side");
  std::string side = repo.Commit("side edits b", {{"src/b.c", "b\n"}});
  repo.Switch("master");
  std::string merge = repo.Merge("side");
  std::string removal = repo.Commit("remove a", {{"src/a.c", std::nullopt}});
  std::unique_ptr<Repository> git = Open(repo);
  struct Row {
    const std::string& id;
    std::vector<std::string> paths;
    bool want;
  } rows[] = {
      {root, {"src/a.c"}, true},              // added by the root commit
      {edit, {"src/a.c"}, true},              //
      {edit, {"README", "src/b.c"}, false},   // other files only
      {doc, {"src/a.c"}, false},              //
      {side, {"src/b.c"}, true},              //
      {merge, {"src/b.c"}, false},            // the side commit changed it, not the merge
      {merge, {"src/a.c", "README"}, false},  // equal to the first parent
      {removal, {"src/a.c"}, true},           // removed
      {removal, {"no/such/file.c"}, false},   //
  };
  for (const Row& r : rows) {
    Result<bool> got = git->Touches(r.id, r.paths);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, r.want) << r.id << " " << r.paths.front();
  }
  EXPECT_FALSE(git->Touches("nope", {"src/a.c"}));
}

TEST(ReleasesTest, ListsReleaseTagsSortedAndPeeled) {
  TestRepo repo;
  std::string a = repo.Commit("a");
  repo.AnnotatedTag("v5.13-rc1");
  repo.Tag("vv5.13");
  std::string b = repo.Commit("b");
  repo.Tag("v5.13");
  repo.Tag("test-tag");
  repo.AnnotatedTag("v5.14-rc1");
  std::string c = repo.Commit("c");
  repo.Tag("v5.13.1");
  Result<std::vector<ReleaseTag>> releases = Open(repo)->Releases();
  ASSERT_TRUE(releases) << releases.error().message;
  std::vector<std::string> got;
  for (const ReleaseTag& tag : *releases) got.push_back(tag.name + "@" + tag.commit);
  EXPECT_EQ(got, (std::vector<std::string>{"v5.13-rc1@" + a, "v5.13@" + b, "v5.13.1@" + c,
                                           "v5.14-rc1@" + b}));
}

}  // namespace
}  // namespace culprit::history
