#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "history/history.h"

namespace culprit::history {
namespace {

struct TagCase {
  const char* name;
  bool valid;
  int major = 0, minor = 0, patch = 0, rc = 0;
};

const TagCase kTagCases[] = {
    {.name = "v5.13", .valid = true, .major = 5, .minor = 13},
    {.name = "v5.13.2", .valid = true, .major = 5, .minor = 13, .patch = 2},
    {.name = "v5.13-rc7", .valid = true, .major = 5, .minor = 13, .rc = 7},
    {.name = "v2.6.39-rc1", .valid = true, .major = 2, .minor = 6, .patch = 39, .rc = 1},
    {.name = "v3.0", .valid = true, .major = 3, .minor = 0},
    {.name = "v1.foo", .valid = false},
    {.name = "vv4.1", .valid = false},
    {.name = "v5", .valid = false},
    {.name = "v5.13-rc", .valid = false},
    {.name = "v5.13-rc0", .valid = false},
    {.name = "v5.13-rc1-dirty", .valid = false},
    {.name = "v5.13.", .valid = false},
    {.name = "v5.013", .valid = false},
    {.name = "5.13", .valid = false},
    {.name = "v2.6.39.4", .valid = false},
    {.name = "v9999999.1", .valid = false},
    {.name = "", .valid = false},
};

class ParseReleaseTagTest : public testing::TestWithParam<TagCase> {};

TEST_P(ParseReleaseTagTest, ParsesOrRejects) {
  const TagCase& c = GetParam();
  std::optional<ReleaseTag> tag = ParseReleaseTag(c.name);
  ASSERT_EQ(tag.has_value(), c.valid);
  if (!c.valid) return;
  EXPECT_EQ(tag->name, c.name);
  EXPECT_EQ(tag->major, c.major);
  EXPECT_EQ(tag->minor, c.minor);
  EXPECT_EQ(tag->patch, c.patch);
  EXPECT_EQ(tag->rc, c.rc);
}

std::string TestName(const testing::TestParamInfo<TagCase>& info) {
  std::string name = info.param.name[0] == '\0' ? "empty" : info.param.name;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(All, ParseReleaseTagTest, testing::ValuesIn(kTagCases), TestName);

TEST(ReleaseLessTest, SortsByVersionWithRcBelowRelease) {
  const std::vector<std::string> want = {"v2.6.39-rc1", "v2.6.39", "v3.0-rc1",  "v3.0",
                                         "v5.9",        "v5.10",   "v5.13-rc1", "v5.13-rc7",
                                         "v5.13",       "v5.13.1", "v5.14-rc1"};
  std::vector<ReleaseTag> tags;
  for (auto it = want.rbegin(); it != want.rend(); ++it) tags.push_back(*ParseReleaseTag(*it));
  std::sort(tags.begin(), tags.end(), ReleaseLess);
  std::vector<std::string> got;
  for (const ReleaseTag& tag : tags) got.push_back(tag.name);
  EXPECT_EQ(got, want);
}

TEST(ReleaseLessTest, IsAStrictOrder) {
  ReleaseTag a = *ParseReleaseTag("v5.13");
  EXPECT_FALSE(ReleaseLess(a, a));
}

}  // namespace
}  // namespace culprit::history
