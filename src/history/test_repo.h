// Test helper (library culprit_history_testing): builds tiny real git repositories in a temp
// directory, with commits, branches, merges and tags, for history's tests and the end-to-end
// tests. Commit dates are fixed (one minute apart from 2020-09-13), so hashes are reproducible.
//
//   TestRepo repo;
//   std::string a = repo.Commit("init", {{"Makefile", "all:\n"}});
//   repo.Tag("v1.0");
//   repo.Branch("fix", "v1.0");
//   repo.Switch("fix");
//   repo.Commit("fix: oops\n\nSigned-off-by: A <a@x.org>", {{"a.c", "int a;\n"}});
//   repo.Switch("master");
//   repo.Commit("remove Makefile", {{"Makefile", std::nullopt}});
//   std::string merge = repo.Merge("fix");
//   repo.AnnotatedTag("v1.1-rc1");
//
// Any failure is a bug in the test: the helper prints libgit2's message and aborts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

struct git_repository;
struct git_oid;

namespace culprit::history {

class TestRepo {
 public:
  /// path -> new contents; std::nullopt deletes the file. Paths may contain '/'.
  using Files = std::map<std::string, std::optional<std::string>>;

  /// A fresh non-bare repository in a new temp directory, HEAD on the unborn "master".
  TestRepo();
  /// Removes the directory.
  ~TestRepo();
  TestRepo(const TestRepo&) = delete;
  TestRepo& operator=(const TestRepo&) = delete;

  /// The working directory (the repository is path()/.git).
  const std::filesystem::path& path() const { return path_; }

  /// Commits `files` on top of HEAD's tree (the index and working files follow), advancing
  /// the current branch. `message` is the whole message: title, body, trailers. Returns the
  /// full hash.
  std::string Commit(const std::string& message, const Files& files = {});
  /// Merges `rev` into the current branch: a two-parent commit with libgit2's merged tree,
  /// `files` applied on top (they also resolve conflicts). The default message is
  /// "Merge 'REV'". Returns the full hash.
  std::string Merge(const std::string& rev, const std::string& message = "",
                    const Files& files = {});
  /// Creates branch `name` at `rev` (HEAD stays where it is).
  void Branch(const std::string& name, const std::string& rev = "HEAD");
  /// Makes `branch` current and checks it out (working files and index follow).
  void Switch(const std::string& branch);
  void Tag(const std::string& name, const std::string& rev = "HEAD");
  /// An annotated tag object (message defaults to the name).
  void AnnotatedTag(const std::string& name, const std::string& rev = "HEAD",
                    const std::string& message = "");
  /// Author of the following commits (the committer stays "Test Committer").
  void SetAuthor(const std::string& name, const std::string& email);
  /// Full hash of the commit `rev` names.
  std::string Resolve(const std::string& rev) const;

 private:
  std::string CommitTree(const git_oid& tree, const std::string& message, bool merge,
                         const git_oid* other);
  void CheckoutHead(const git_oid* old_tree);
  int64_t NextTime();

  std::filesystem::path path_;
  git_repository* repo_ = nullptr;
  std::string author_name_ = "Test Author";
  std::string author_email_ = "author@example.com";
  int commits_ = 0;
};

}  // namespace culprit::history
