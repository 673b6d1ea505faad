#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "build/builder.h"

namespace culprit::build {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CommandBuilderTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/culprit-build-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::create_directory(dir_ / "src");
    std::ofstream(dir_ / "src/input.c") << "int main() {}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  BuildSpec Spec(std::string command) {
    return {.command = std::move(command),
            .source_dir = dir_ / "src",
            .out_dir = dir_ / "out",
            .log_path = dir_ / "logs/build.log"};
  }
  Result<BuildRecord> Build(const BuildSpec& spec) { return builder_->Build(spec); }

  fs::path dir_;
  std::unique_ptr<Builder> builder_ = MakeCommandBuilder();
};

TEST_F(CommandBuilderTest, BuildsIntoFreshOutDir) {
  fs::create_directories(dir_ / "out");
  std::ofstream(dir_ / "out/stale") << "from an earlier build";
  BuildSpec spec = Spec(
      "echo compiling; cp input.c \"$CULPRIT_OUT/\"; echo $CULPRIT_COMMIT > "
      "\"$CULPRIT_OUT/commit\"");
  spec.env = {{"CULPRIT_COMMIT", "abc123"}};
  Result<BuildRecord> r = Build(spec);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_FALSE(r->timed_out);
  EXPECT_FALSE(fs::exists(dir_ / "out/stale"));
  EXPECT_EQ(ReadFile(dir_ / "out/commit"), "abc123\n");
  EXPECT_EQ(ReadFile(dir_ / "logs/build.log"), "compiling\n");
  Result<std::string> signature = Signature(dir_ / "out");
  ASSERT_TRUE(signature);
  EXPECT_EQ(r->signature, *signature);
}

TEST_F(CommandBuilderTest, SameBuildSameSignature) {
  BuildSpec spec = Spec("cp input.c \"$CULPRIT_OUT/\"; date > /dev/null");
  Result<BuildRecord> first = Build(spec);
  Result<BuildRecord> second = Build(spec);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->signature, second->signature);
}

TEST_F(CommandBuilderTest, FailedBuildIsDataWithLog) {
  Result<BuildRecord> r = Build(Spec("echo 'error: undefined reference' >&2; exit 2"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->exit_code, 2);
  EXPECT_TRUE(r->signature.empty());
  EXPECT_THAT(ReadFile(dir_ / "logs/build.log"), HasSubstr("undefined reference"));
}

TEST_F(CommandBuilderTest, TimeoutFailsBuild) {
  BuildSpec spec = Spec("sleep 100");
  spec.timeout = std::chrono::seconds(1);
  Result<BuildRecord> r = Build(spec);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->ok);
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->exit_code, -1);
}

TEST_F(CommandBuilderTest, MissingSourceDirIsError) {
  BuildSpec spec = Spec("true");
  spec.source_dir = dir_ / "missing";
  Result<BuildRecord> r = Build(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace culprit::build
