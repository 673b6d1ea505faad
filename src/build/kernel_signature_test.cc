#include "build/kernel_signature.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace culprit::build {
namespace {

namespace fs = std::filesystem;

constexpr char kProgram[] = R"(char buffer[64];
int counter = 3;
__attribute__((noinline)) int Work(int x) { return x * counter + buffer[x & 63]; }
int main(int argc, char** argv) { (void)argv; return Work(argc); }
)";

// The same code, lines shifted by comments and blank lines: only DWARF line numbers differ.
constexpr char kCommentOnly[] = R"(/* A comment that moves
 * every line below
 * down. */

char buffer[64];

int counter = 3;  // unchanged
__attribute__((noinline)) int Work(int x) { return x * counter + buffer[x & 63]; }

int main(int argc, char** argv) { (void)argv; return Work(argc); }
)";

constexpr char kCodeChange[] = R"(char buffer[64];
int counter = 3;
__attribute__((noinline)) int Work(int x) { return x * counter - buffer[x & 63]; }
int main(int argc, char** argv) { (void)argv; return Work(argc); }
)";

constexpr char kBssChange[] = R"(char buffer[128];
int counter = 3;
__attribute__((noinline)) int Work(int x) { return x * counter + buffer[x & 63]; }
int main(int argc, char** argv) { (void)argv; return Work(argc); }
)";

class KernelSignatureTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("culprit_kernel_signature_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    if (std::system("gcc --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "gcc not installed";
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Compiles `source` with -g -O2 and a build-id into an executable, or an object if `object`.
  fs::path Compile(const std::string& name, const char* source, bool object = false) {
    fs::path c = dir_ / (name + ".c");
    std::ofstream(c) << source;
    fs::path out = dir_ / (name + (object ? ".o" : ""));
    std::string cmd = "gcc -g -O2 " + std::string(object ? "-c " : "-Wl,--build-id=sha1 ") + "-o " +
                      out.string() + " " + c.string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return out;
  }

  std::string Signature(const fs::path& path) {
    Result<std::string> sig = KernelSignature(path);
    EXPECT_TRUE(sig.has_value()) << sig.error().message;
    return sig.value_or("");
  }

  fs::path dir_;
};

std::string Contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct Pair {
  const char* name;
  const char* other;  // compared against kProgram
  bool object;
  bool same;
};

const Pair kPairs[] = {
    {.name = "comment_only_executable", .other = kCommentOnly, .object = false, .same = true},
    {.name = "comment_only_object", .other = kCommentOnly, .object = true, .same = true},
    {.name = "code_change_executable", .other = kCodeChange, .object = false, .same = false},
    {.name = "code_change_object", .other = kCodeChange, .object = true, .same = false},
    {.name = "bss_size_change", .other = kBssChange, .object = false, .same = false},
};

class KernelSignaturePair : public KernelSignatureTest, public testing::WithParamInterface<Pair> {};

TEST_P(KernelSignaturePair, SameOnlyIfCodeIsSame) {
  const Pair& p = GetParam();
  fs::path a = Compile("a", kProgram, p.object);
  fs::path b = Compile("b", p.other, p.object);
  ASSERT_NE(Contents(a), Contents(b)) << "the files must differ for the row to mean anything";
  std::string sig_a = Signature(a);
  EXPECT_EQ(sig_a.size(), 64u);
  EXPECT_EQ(sig_a == Signature(b), p.same);
}

INSTANTIATE_TEST_SUITE_P(All, KernelSignaturePair, testing::ValuesIn(kPairs),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(KernelSignatureTest, StableAcrossCalls) {
  fs::path a = Compile("stable", kProgram);
  EXPECT_EQ(Signature(a), Signature(a));
}

TEST_F(KernelSignatureTest, NotElf) {
  fs::path text = dir_ / "bzImage";
  std::ofstream(text) << "not an elf file\n";
  Result<std::string> sig = KernelSignature(text);
  ASSERT_FALSE(sig.has_value());
  EXPECT_EQ(sig.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(sig.error().message,
            text.string() + " is not an ELF file (the signature needs vmlinux, not bzImage)");
}

TEST_F(KernelSignatureTest, Missing) {
  Result<std::string> sig = KernelSignature(dir_ / "vmlinux");
  ASSERT_FALSE(sig.has_value());
  EXPECT_EQ(sig.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace culprit::build
