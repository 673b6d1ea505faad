#include "build/kconfig.h"

#include <gtest/gtest.h>

namespace culprit::build {
namespace {

TEST(KconfigTest, ParseAndWrite) {
  Kconfig c = ParseKconfig(
      "#\n# Automatically generated file; DO NOT EDIT.\n#\nCONFIG_64BIT=y\n"
      "# CONFIG_KASAN is not set\nCONFIG_LOG_BUF_SHIFT=17\nCONFIG_LOCALVERSION=\"\"\r\n"
      "CONFIG_E1000=m\n# a comment\n");
  EXPECT_EQ(c, (Kconfig{{"CONFIG_64BIT", "y"},
                        {"CONFIG_E1000", "m"},
                        {"CONFIG_KASAN", "n"},
                        {"CONFIG_LOCALVERSION", "\"\""},
                        {"CONFIG_LOG_BUF_SHIFT", "17"}}));
  EXPECT_EQ(ParseKconfig(WriteKconfig(c)), c);
  EXPECT_NE(WriteKconfig(c).find("# CONFIG_KASAN is not set\n"), std::string::npos);
}

struct DiffRow {
  const char* name;
  Kconfig full, baseline;
  std::vector<std::string> want;
};

const DiffRow kDiffRows[] = {
    {.name = "same", .full = {{"CONFIG_A", "y"}}, .baseline = {{"CONFIG_A", "y"}}, .want = {}},
    {.name = "only_in_full",
     .full = {{"CONFIG_A", "y"}, {"CONFIG_B", "y"}},
     .baseline = {{"CONFIG_A", "y"}},
     .want = {"CONFIG_B"}},
    {.name = "unset_in_baseline",
     .full = {{"CONFIG_B", "y"}},
     .baseline = {{"CONFIG_B", "n"}},
     .want = {"CONFIG_B"}},
    {.name = "other_value",
     .full = {{"CONFIG_SHIFT", "17"}},
     .baseline = {{"CONFIG_SHIFT", "12"}},
     .want = {"CONFIG_SHIFT"}},
    {.name = "unset_in_full_is_not_a_difference",
     .full = {{"CONFIG_A", "n"}},
     .baseline = {{"CONFIG_A", "y"}},
     .want = {}},
};

TEST(KconfigTest, DifferingOptions) {
  for (const DiffRow& row : kDiffRows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(DifferingOptions(row.full, row.baseline), row.want);
  }
}

TEST(KconfigTest, WithOptionsTakesValuesOrUnsets) {
  Kconfig base = {{"CONFIG_A", "y"}, {"CONFIG_B", "n"}};
  Kconfig from = {{"CONFIG_B", "y"}, {"CONFIG_C", "5"}};
  EXPECT_EQ(WithOptions(base, from, {"CONFIG_B", "CONFIG_C", "CONFIG_A"}),
            (Kconfig{{"CONFIG_A", "n"}, {"CONFIG_B", "y"}, {"CONFIG_C", "5"}}));
}

struct SanitizerRow {
  const char* option;
  bool sanitizer;
};

TEST(KconfigTest, Sanitizers) {
  const SanitizerRow rows[] = {
      {"CONFIG_KASAN", true},   {"CONFIG_KASAN_INLINE", true},       {"CONFIG_UBSAN_BOUNDS", true},
      {"CONFIG_KFENCE", true},  {"CONFIG_PROVE_LOCKING", true},      {"CONFIG_KASANX", false},
      {"CONFIG_PRINTK", false}, {"CONFIG_DEBUG_INFO_DWARF4", false},
  };
  for (const SanitizerRow& row : rows)
    EXPECT_EQ(IsSanitizer(row.option), row.sanitizer) << row.option;
}

TEST(KconfigTest, SanitizersForTitles) {
  EXPECT_EQ(SanitizersFor("KASAN: use-after-free Read in io_queue"),
            std::vector<std::string>{"CONFIG_KASAN"});
  EXPECT_EQ(SanitizersFor("possible deadlock in fs_reclaim_acquire"),
            (std::vector<std::string>{"CONFIG_PROVE_LOCKING", "CONFIG_LOCKDEP"}));
  EXPECT_TRUE(
      SanitizersFor("BUG: unable to handle kernel NULL pointer dereference in comm_write").empty());
}

}  // namespace
}  // namespace culprit::build
