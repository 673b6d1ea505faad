// The bisection over option sets, against predicates that say which options a crash needs.
#include "job/config_minimizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace culprit::job {
namespace {

struct Row {
  const char* name;
  int options = 16;         // candidates o00, o01, ...
  std::vector<int> needed;  // all of these must be kept
  std::vector<int> any_of;  // or: any one of these suffices
  int budget = 1000;        // tests that may be answered; past it the answer is false
  std::vector<int> want;    // the options found needed
  int max_tests = 0;        // 0: not checked
};

std::string Name(int i) { return (i < 10 ? "o0" : "o") + std::to_string(i); }

const Row kRows[] = {
    {.name = "none_needed", .needed = {}, .want = {}, .max_tests = 1},
    {.name = "one_needed", .needed = {11}, .want = {11}, .max_tests = 8},
    {.name = "first_needed", .needed = {0}, .want = {0}, .max_tests = 5},
    {.name = "two_apart", .needed = {2, 13}, .want = {2, 13}},
    {.name = "two_together", .needed = {6, 7}, .want = {6, 7}},
    {.name = "all_needed", .options = 4, .needed = {0, 1, 2, 3}, .want = {0, 1, 2, 3}},
    {.name = "either_of_two", .any_of = {3, 12}, .want = {3}},
    {.name = "budget_keeps_options", .needed = {5}, .budget = 2, .want = {0, 1, 2, 3, 4, 5, 6, 7}},
};

TEST(NeededOptions, FindsWhatTheCrashNeeds) {
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.name);
    std::vector<std::string> candidates;
    for (int i = 0; i < row.options; ++i) candidates.push_back(Name(i));
    int tests = 0;
    auto reproduces = [&](const std::vector<std::string>& kept) {
      if (++tests > row.budget) return false;
      auto has = [&](int i) { return std::count(kept.begin(), kept.end(), Name(i)) > 0; };
      bool all = std::all_of(row.needed.begin(), row.needed.end(), has);
      bool any = row.any_of.empty() || std::any_of(row.any_of.begin(), row.any_of.end(), has);
      return all && any;
    };
    std::vector<std::string> want;
    for (int i : row.want) want.push_back(Name(i));
    EXPECT_EQ(NeededOptions(candidates, reproduces), want);
    if (row.max_tests > 0) {
      EXPECT_LE(tests, row.max_tests);
    }
  }
}

}  // namespace
}  // namespace culprit::job
