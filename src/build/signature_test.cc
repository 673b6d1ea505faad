#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "build/builder.h"

namespace culprit::build {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

class TempTree {
 public:
  TempTree() {
    char pattern[] = "/tmp/culprit-signature-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempTree() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string SignatureOf(const fs::path& dir) {
  Result<std::string> s = Signature(dir);
  EXPECT_TRUE(s) << s.error().message;
  return s ? *s : "";
}

// Two trees: `a` is built by `base`, `b` by `base` then `change`.
struct TreeCase {
  const char* name;
  std::function<void(const fs::path&)> change;
  bool same = false;  ///< the signature must not move
};

void Base(const fs::path& d) {
  Write(d / "vmlinux", "ELF\x7f kernel bytes");
  Write(d / "modules/a.ko", "module a");
  Write(d / "modules/b.ko", "module b");
  fs::create_symlink("modules/a.ko", d / "link");
}

const TreeCase kTreeCases[] = {
    {.name = "identical", .change = [](const fs::path&) {}, .same = true},
    {.name = "mtime_changed",
     .change =
         [](const fs::path& d) {
           fs::last_write_time(d / "vmlinux",
                               fs::file_time_type::clock::now() - std::chrono::hours(48));
         },
     .same = true},
    {.name = "mode_changed",
     .change = [](const fs::path& d) { fs::permissions(d / "modules/a.ko", fs::perms::owner_all); },
     .same = true},
    {.name = "rewritten_same_bytes",
     .change = [](const fs::path& d) { Write(d / "modules/b.ko", "module b"); },
     .same = true},
    {.name = "byte_changed",
     .change = [](const fs::path& d) { Write(d / "modules/b.ko", "module c"); }},
    {.name = "file_renamed",
     .change = [](const fs::path& d) { fs::rename(d / "modules/b.ko", d / "modules/c.ko"); }},
    {.name = "file_moved_up",
     .change = [](const fs::path& d) { fs::rename(d / "modules/b.ko", d / "b.ko"); }},
    {.name = "file_added_empty", .change = [](const fs::path& d) { Write(d / "empty", ""); }},
    {.name = "dir_added_empty", .change = [](const fs::path& d) { fs::create_directory(d / "x"); }},
    {.name = "symlink_retargeted",
     .change =
         [](const fs::path& d) {
           fs::remove(d / "link");
           fs::create_symlink("modules/b.ko", d / "link");
         }},
    {.name = "symlink_replaced_by_file",
     .change =
         [](const fs::path& d) {
           fs::remove(d / "link");
           Write(d / "link", "modules/a.ko");
         }},
    {.name = "bytes_moved_between_files",
     .change =
         [](const fs::path& d) {
           Write(d / "modules/a.ko", "module amodule b");
           Write(d / "modules/b.ko", "");
         }},
};

class SignatureChange : public testing::TestWithParam<TreeCase> {};

TEST_P(SignatureChange, MovesOnlyForContent) {
  TempTree a, b;
  Base(a.path());
  Base(b.path());
  GetParam().change(b.path());
  if (GetParam().same) {
    EXPECT_EQ(SignatureOf(a.path()), SignatureOf(b.path()));
  } else {
    EXPECT_NE(SignatureOf(a.path()), SignatureOf(b.path()));
  }
}

INSTANTIATE_TEST_SUITE_P(All, SignatureChange, testing::ValuesIn(kTreeCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SignatureTest, IndependentOfCreationOrder) {
  TempTree a, b;
  for (const char* name : {"z", "a", "m/1", "m/0", "A", "a.b"}) Write(a.path() / name, name);
  for (const char* name : {"a.b", "A", "m/0", "a", "m/1", "z"}) Write(b.path() / name, name);
  EXPECT_EQ(SignatureOf(a.path()), SignatureOf(b.path()));
}

TEST(SignatureTest, StableAcrossCalls) {
  TempTree a;
  Base(a.path());
  std::string first = SignatureOf(a.path());
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(SignatureOf(a.path()), first);
}

TEST(SignatureTest, EmptyDirectoryIsHashOfNothing) {
  TempTree a;
  EXPECT_EQ(SignatureOf(a.path()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SignatureTest, MissingDirectoryIsNotFound) {
  Result<std::string> s = Signature("/no/such/culprit/out");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::kNotFound);
}

TEST(BuildKeyTest, HashesTreeAndRecipe) {
  EXPECT_EQ(BuildKey("tree", "recipe"),
            "42a802e7efc27bcfaea1544e38611207ab8b2cc9874030ed5ff25f6cea7b0d6a");
  EXPECT_NE(BuildKey("a", "bc"), BuildKey("ab", "c"));
  EXPECT_NE(BuildKey("tree", "make"), BuildKey("tree", "make -j8"));
}

}  // namespace
}  // namespace culprit::build
