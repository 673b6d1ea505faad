// TestRepo: commits are built from in-memory indexes and written with libgit2; the working
// files and the repository's own index then follow by a forced checkout, as after `git commit`.
#include "history/test_repo.h"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "history/git_internal.h"

namespace culprit::history {
namespace {

constexpr int64_t kFirstCommitTime = 1600000000;  // 2020-09-13, one minute per commit

void Check(int rc, const std::string& what) {
  if (rc >= 0) return;
  std::fprintf(stderr, "TestRepo: %s: %s\n", what.c_str(), GitErrorText().c_str());
  std::abort();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "TestRepo: %s\n", what.c_str());
  std::abort();
}

TreePtr LookupTree(git_repository* repo, const git_oid& id) {
  git_tree* raw = nullptr;
  Check(git_tree_lookup(&raw, repo, &id), "looking up tree " + ToHex(id));
  return TreePtr(raw);
}

/// The tree HEAD points to, or nullopt while HEAD is unborn.
std::optional<git_oid> HeadTree(git_repository* repo) {
  git_oid head;
  if (git_reference_name_to_id(&head, repo, "HEAD") < 0) return std::nullopt;
  Result<CommitPtr> commit = LookupCommit(repo, head);
  if (!commit) Die(commit.error().message);
  return *git_commit_tree_id(commit->get());
}

void ApplyFiles(git_repository* repo, git_index* index, const TestRepo::Files& files) {
  for (const auto& [path, contents] : files) {
    if (git_index_has_conflicts(index)) git_index_conflict_remove(index, path.c_str());
    if (!contents) {
      if (git_index_get_bypath(index, path.c_str(), 0) == nullptr)
        Die("cannot delete '" + path + "': not in the tree");
      Check(git_index_remove_bypath(index, path.c_str()), "removing " + path);
      continue;
    }
    git_index_entry entry = {};
    entry.mode = GIT_FILEMODE_BLOB;
    entry.path = path.c_str();
    Check(git_blob_create_from_buffer(&entry.id, repo, contents->data(), contents->size()),
          "writing blob " + path);
    Check(git_index_add(index, &entry), "adding " + path);
  }
}

}  // namespace

TestRepo::TestRepo() {
  EnsureLibgit2();
  std::string dir = (std::filesystem::temp_directory_path() / "culprit-repo-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) Die("mkdtemp " + dir + " failed");
  path_ = dir;
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  opts.flags = GIT_REPOSITORY_INIT_MKPATH;
  opts.initial_head = "master";
  Check(git_repository_init_ext(&repo_, dir.c_str(), &opts), "init " + dir);
}

TestRepo::~TestRepo() {
  git_repository_free(repo_);
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TestRepo::Commit(const std::string& message, const Files& files) {
  std::optional<git_oid> old_tree = HeadTree(repo_);
  git_index* raw = nullptr;
  Check(git_index_new(&raw), "new index");
  IndexPtr index(raw);
  if (old_tree) Check(git_index_read_tree(index.get(), LookupTree(repo_, *old_tree).get()), "read");
  ApplyFiles(repo_, index.get(), files);
  git_oid tree;
  Check(git_index_write_tree_to(&tree, index.get(), repo_), "writing tree");
  std::string id = CommitTree(tree, message, /*merge=*/false, nullptr);
  CheckoutHead(old_tree ? &*old_tree : nullptr);
  return id;
}

std::string TestRepo::Merge(const std::string& rev, const std::string& message,
                            const Files& files) {
  std::optional<git_oid> old_tree = HeadTree(repo_);
  if (!old_tree) Die("merge into an unborn branch");
  Result<CommitPtr> ours = LookupCommit(repo_, ResolveCommit(repo_, "HEAD").value());
  Result<git_oid> their_id = ResolveCommit(repo_, rev);
  if (!their_id) Die(their_id.error().message);
  Result<CommitPtr> theirs = LookupCommit(repo_, *their_id);
  git_index* raw = nullptr;
  Check(git_merge_commits(&raw, repo_, ours->get(), theirs->get(), nullptr), "merging " + rev);
  IndexPtr index(raw);
  ApplyFiles(repo_, index.get(), files);
  if (git_index_has_conflicts(index.get()))
    Die("merging '" + rev + "' conflicts: pass the resolved files to Merge()");
  git_oid tree;
  Check(git_index_write_tree_to(&tree, index.get(), repo_), "writing merged tree");
  std::string id =
      CommitTree(tree, message.empty() ? "Merge '" + rev + "'" : message, true, &*their_id);
  CheckoutHead(&*old_tree);
  return id;
}

void TestRepo::Branch(const std::string& name, const std::string& rev) {
  Result<CommitPtr> commit = LookupCommit(repo_, ResolveCommit(repo_, rev).value());
  git_reference* ref = nullptr;
  Check(git_branch_create(&ref, repo_, name.c_str(), commit->get(), 0), "branch " + name);
  git_reference_free(ref);
}

void TestRepo::Switch(const std::string& branch) {
  std::optional<git_oid> old_tree = HeadTree(repo_);
  Check(git_repository_set_head(repo_, ("refs/heads/" + branch).c_str()), "switch " + branch);
  CheckoutHead(old_tree ? &*old_tree : nullptr);
}

void TestRepo::Tag(const std::string& name, const std::string& rev) {
  git_object* raw = nullptr;
  Check(git_revparse_single(&raw, repo_, rev.c_str()), "resolving " + rev);
  ObjectPtr target(raw);
  git_oid id;
  Check(git_tag_create_lightweight(&id, repo_, name.c_str(), target.get(), 0), "tag " + name);
}

void TestRepo::AnnotatedTag(const std::string& name, const std::string& rev,
                            const std::string& message) {
  git_object* raw = nullptr;
  Check(git_revparse_single(&raw, repo_, rev.c_str()), "resolving " + rev);
  ObjectPtr target(raw);
  git_signature* raw_sig = nullptr;
  Check(git_signature_new(&raw_sig, "Test Tagger", "tagger@example.com", NextTime(), 0), "sig");
  SignaturePtr tagger(raw_sig);
  git_oid id;
  Check(git_tag_create(&id, repo_, name.c_str(), target.get(), tagger.get(),
                       (message.empty() ? name : message).c_str(), 0),
        "tag " + name);
}

void TestRepo::SetAuthor(const std::string& name, const std::string& email) {
  author_name_ = name;
  author_email_ = email;
}

std::string TestRepo::Resolve(const std::string& rev) const {
  Result<git_oid> id = ResolveCommit(repo_, rev);
  if (!id) Die(id.error().message);
  return ToHex(*id);
}

std::string TestRepo::CommitTree(const git_oid& tree_id, const std::string& message, bool merge,
                                 const git_oid* other) {
  int64_t when = NextTime();
  git_signature *raw_author = nullptr, *raw_committer = nullptr;
  Check(git_signature_new(&raw_author, author_name_.c_str(), author_email_.c_str(), when, 0),
        "author");
  SignaturePtr author(raw_author);
  Check(git_signature_new(&raw_committer, "Test Committer", "committer@example.com", when, 0),
        "committer");
  SignaturePtr committer(raw_committer);
  std::vector<CommitPtr> parents;
  if (std::optional<git_oid> head = HeadTree(repo_); head)
    parents.push_back(LookupCommit(repo_, ResolveCommit(repo_, "HEAD").value()).value());
  if (merge) parents.push_back(LookupCommit(repo_, *other).value());
  std::vector<const git_commit*> parent_ptrs;
  for (const CommitPtr& p : parents) parent_ptrs.push_back(p.get());
  TreePtr tree = LookupTree(repo_, tree_id);
  std::string text = message;
  if (text.empty() || text.back() != '\n') text += '\n';  // as `git commit` stores it
  git_oid id;
  Check(git_commit_create(&id, repo_, "HEAD", author.get(), committer.get(), nullptr, text.c_str(),
                          tree.get(), parent_ptrs.size(), parent_ptrs.data()),
        "commit");
  return ToHex(id);
}

void TestRepo::CheckoutHead(const git_oid* old_tree) {
  std::optional<git_oid> head = HeadTree(repo_);
  if (!head) Die("checkout of an unborn HEAD");
  TreePtr target = LookupTree(repo_, *head);
  TreePtr baseline;
  if (old_tree != nullptr) baseline = LookupTree(repo_, *old_tree);
  git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
  opts.checkout_strategy = GIT_CHECKOUT_FORCE;
  opts.baseline = baseline.get();
  Check(git_checkout_tree(repo_, reinterpret_cast<git_object*>(target.get()), &opts), "checkout");
}

int64_t TestRepo::NextTime() { return kFirstCommitTime + 60 * commits_++; }

}  // namespace culprit::history
