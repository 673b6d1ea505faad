#include "base/strings.h"

#include <gtest/gtest.h>

namespace culprit {
namespace {

TEST(Strings, TrimAndSplit) {
  EXPECT_EQ(Trim("  a b \n"), "a b");
  EXPECT_EQ(Trim(""), "");
  auto lines = SplitLines("a\nb\n\nc");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(lines[3], "c");
}

TEST(Strings, Join) {
  EXPECT_EQ(Join({}, ", "), "");
  EXPECT_EQ(Join({"a"}, ", "), "a");
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
}

TEST(Strings, FormatDurationLikeTheSeedLog) {
  struct Row {
    double seconds;
    const char* want;
  };
  const Row rows[] = {{0, "0s"},
                      {1.5, "1.500s"},
                      {61, "1m1.000s"},
                      {16144.811, "4h29m4.811s"},
                      {3600, "1h0m0.000s"}};
  for (const Row& r : rows) {
    EXPECT_EQ(FormatDuration(std::chrono::duration<double>(r.seconds)), r.want) << r.seconds;
  }
}

}  // namespace
}  // namespace culprit
