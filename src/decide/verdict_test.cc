#include "decide/verdict.h"

#include <gtest/gtest.h>

#include <ostream>

namespace culprit::decide {
namespace {

struct VerdictRow {
  const char* name;
  RunCounts runs;
  bool flaky = false;
  SyzbotVerdict want = SyzbotVerdict::kSkip;
};

const VerdictRow kVerdictRows[] = {
    {.name = "all_ok", .runs = {.total = 10, .ok = 10}, .want = SyzbotVerdict::kGood},
    {.name = "half_ok_rest_boot_failed",
     .runs = {.total = 10, .ok = 5},
     .want = SyzbotVerdict::kGood},
    {.name = "too_few_ok", .runs = {.total = 10, .ok = 4}, .want = SyzbotVerdict::kSkip},
    {.name = "flaky_needs_three_quarters",
     .runs = {.total = 20, .ok = 14},
     .flaky = true,
     .want = SyzbotVerdict::kSkip},
    {.name = "flaky_three_quarters_ok",
     .runs = {.total = 20, .ok = 15},
     .flaky = true,
     .want = SyzbotVerdict::kGood},
    {.name = "all_crash", .runs = {.total = 10, .crashes = 10}, .want = SyzbotVerdict::kBad},
    {.name = "two_crashes_of_ten",
     .runs = {.total = 10, .crashes = 2, .ok = 8},
     .want = SyzbotVerdict::kBad},
    {.name = "one_crash_is_not_enough",
     .runs = {.total = 10, .crashes = 1, .ok = 9},
     .want = SyzbotVerdict::kSkip},
    {.name = "three_of_twenty_needs_three",
     .runs = {.total = 20, .crashes = 3, .ok = 17},
     .want = SyzbotVerdict::kBad},
    {.name = "two_of_twenty_is_skip",
     .runs = {.total = 20, .crashes = 2, .ok = 18},
     .want = SyzbotVerdict::kSkip},
    {.name = "crashes_but_mostly_unbootable",
     .runs = {.total = 10, .crashes = 3, .ok = 0},
     .want = SyzbotVerdict::kSkip},
    {.name = "infra_errors_abort",
     .runs = {.total = 10, .infra = 10},
     .want = SyzbotVerdict::kAbort},
    {.name = "infra_fewer_than_boot_failures",
     .runs = {.total = 10, .ok = 2, .infra = 3},
     .want = SyzbotVerdict::kSkip},
};

void PrintTo(const VerdictRow& row, std::ostream* os) { *os << row.name; }

class SyzbotVerdictTable : public testing::TestWithParam<VerdictRow> {};

TEST_P(SyzbotVerdictTable, MatchesSyzkallerRule) {
  const VerdictRow& row = GetParam();
  ASSERT_LE(row.runs.crashes + row.runs.ok + row.runs.infra, row.runs.total)
      << "row is inconsistent";
  EXPECT_EQ(DecideSyzbotVerdict(row.runs, row.flaky), row.want);
}

INSTANTIATE_TEST_SUITE_P(decide, SyzbotVerdictTable, testing::ValuesIn(kVerdictRows),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace culprit::decide
