// The executor's sizing: how many runs and builds the Slurm executor keeps in flight.
#include "job/executor.h"

#include <gtest/gtest.h>

#include <iostream>

namespace culprit::job {
namespace {

struct InFlightRow {
  const char* name;
  JobConfig config;
  int runs, builds;  // what the partition holds
  int want_runs, want_builds;
};

JobConfig With(int jobs, int builders, int slurm_runs, int slurm_builds) {
  JobConfig c;
  c.jobs = jobs;
  c.builders = builders;
  if (slurm_runs || slurm_builds)
    c.slurm = SlurmSettings{.builds = slurm_builds, .runs = slurm_runs};
  return c;
}

const InFlightRow kRows[] = {
    {"from_the_partition", With(0, 1, 0, 0), 16, 4, 16, 4},
    {"jobs_and_builders_given", With(3, 2, 0, 0), 16, 4, 3, 2},
    {"slurm_table_first", With(3, 2, 8, 1), 16, 4, 8, 1},
    {"an_empty_partition_still_runs_one", With(0, 1, 0, 0), 0, 0, 1, 1},
};

TEST(SlurmInFlight, Sizes) {
  for (const InFlightRow& row : kRows) {
    InFlight f = SlurmInFlight(row.config, row.runs, row.builds);
    EXPECT_EQ(f.runs, row.want_runs) << row.name;
    EXPECT_EQ(f.builds, row.want_builds) << row.name;
  }
}

TEST(Executor, LocalKeepsTheTargetsParts) {
  JobConfig config;
  report::ProgressLog log(std::cout, nullptr);
  auto executor = OpenExecutor(config, "/nonexistent", log);
  ASSERT_TRUE(executor);
  EXPECT_EQ((*executor)->Summary(), "");
  EXPECT_EQ((*executor)->Builder(nullptr), nullptr);
}

}  // namespace
}  // namespace culprit::job
