#include "job/build_inputs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace culprit::job {
namespace {

namespace fs = std::filesystem;

TEST(BuildInputs, DepFiles) {
  struct Row {
    const char* name;
    const char* text;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"one_line", "main.o: src/main.c src/store.h\n", {"src/main.c", "src/store.h"}},
      {"continued",
       "kv: src/main.c \\\n src/store.c \\\n  include/x.h\n",
       {"src/main.c", "src/store.c", "include/x.h"}},
      {"phony_targets_are_targets", "a.o: a.c a.h\na.h:\n", {"a.c", "a.h"}},
      {"space_in_a_path", "a.o: my\\ dir/a.c\n", {"my dir/a.c"}},
      {"several_targets", "a.o b.o : x.h\n", {"x.h"}},
      {"order_only", "a.o: a.c | gen.h\n", {"a.c", "gen.h"}},
      {"empty", "", {}},
  };
  for (const Row& r : rows) EXPECT_EQ(ParseDepFile(r.text), r.want) << r.name;
}

TEST(BuildInputs, KbuildCmdFiles) {
  const char* text =
      "cmd_fs/proc/base.o := gcc -Wp,-MMD,fs/proc/.base.o.d -c -o fs/proc/base.o "
      "/s/src/fs/proc/base.c\n"
      "\n"
      "source_fs/proc/base.o := /s/src/fs/proc/base.c\n"
      "\n"
      "deps_fs/proc/base.o := \\\n"
      "  /s/src/include/linux/compiler-version.h \\\n"
      "    $(wildcard include/config/CC_VERSION_TEXT) \\\n"
      "  /s/src/include/linux/kconfig.h \\\n"
      "  include/generated/autoconf.h \\\n"
      "\n"
      "fs/proc/base.o: $(deps_fs/proc/base.o)\n"
      "\n"
      "$(deps_fs/proc/base.o):\n";
  EXPECT_EQ(
      ParseKbuildCmdFile(text),
      (std::vector<std::string>{"/s/src/fs/proc/base.c", "/s/src/include/linux/compiler-version.h",
                                "/s/src/include/linux/kconfig.h", "include/generated/autoconf.h"}));
}

TEST(BuildInputs, RepositoryPaths) {
  EXPECT_EQ(RepositoryPath("/s/src/fs/a.c", "/s/obj", "/s/src"), "fs/a.c");
  EXPECT_EQ(RepositoryPath("../src/fs/a.c", "/s/obj", "/s/src"), "fs/a.c");
  EXPECT_EQ(RepositoryPath("src/x.c", "/s/src", "/s/src"), "src/x.c");
  EXPECT_EQ(RepositoryPath("include/generated/autoconf.h", "/s/obj", "/s/src"), std::nullopt);
  EXPECT_EQ(RepositoryPath("/usr/include/stdio.h", "/s/src", "/s/src"), std::nullopt);
}

TEST(BuildInputs, PatternsAndSets) {
  EXPECT_TRUE(MatchesInput("Makefile", "Makefile"));
  EXPECT_FALSE(MatchesInput("Makefile", "src/Makefile"));
  EXPECT_TRUE(MatchesInput("*/Makefile", "drivers/net/Makefile"));
  EXPECT_TRUE(MatchesInput("scripts/", "scripts/kconfig/conf.c"));
  EXPECT_TRUE(MatchesInput("*.mk", "build/rules.mk"));
  InputSet set({"src/main.c", "src/store.c", "*/Makefile", "scripts/"});
  EXPECT_TRUE(set.Touches({"docs/a.md", "src/store.c"}));
  EXPECT_TRUE(set.Touches({"lib/Makefile"}));
  EXPECT_TRUE(set.Touches({"scripts/x"}));
  EXPECT_FALSE(set.Touches({"docs/a.md", "README"}));
  EXPECT_FALSE(set.Touches({}));
}

TEST(BuildInputs, CollectsFromATree) {
  fs::path dir = fs::temp_directory_path() / ("culprit-inputs-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "src" / "sub");
  std::ofstream(dir / "src" / "main.d") << "main.o: src/main.c src/sub/a.h /usr/include/stdio.h\n";
  std::ofstream(dir / "src" / "sub" / "a.d") << "a.o: src/sub/a.c\n";
  std::ofstream(dir / "src" / "not-deps.txt") << "x: y\n";
  std::vector<std::string> out;
  auto is_dep = [](std::string_view n) { return n.ends_with(".d"); };
  EXPECT_EQ(CollectInputs(dir, is_dep, ParseDepFile, dir, dir, &out), 2u);
  std::sort(out.begin(), out.end());
  EXPECT_EQ(out, (std::vector<std::string>{"src/main.c", "src/sub/a.c", "src/sub/a.h"}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace culprit::job
