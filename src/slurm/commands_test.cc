// The pure parts of the Slurm executor: command lines from settings, parsers of the client
// commands' output, what each job state means, capacity.
#include "slurm/commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace culprit::slurm {
namespace {

using testing::Contains;
using testing::HasSubstr;
using testing::Not;

struct SbatchRow {
  const char* name;
  SubmitSettings settings;
  Resources resources;
  std::vector<std::string> want;      // options that must be there
  std::vector<std::string> not_want;  // options that must not
};

const SbatchRow kSbatchRows[] = {
    {.name = "defaults",
     .want = {"--parsable", "--no-requeue", "--nodes=1", "--ntasks=1", "--cpus-per-task=1",
              "--job-name=culprit-x-run0", "--chdir=/s/slurm/jobs/x",
              "--output=/s/slurm/jobs/x/slurm.out"},
     .not_want = {"--mem=0", "--time=0", "--partition=", "--account=", "--qos="}},
    {.name = "everything",
     .settings = {.partition = "gpu", .account = "lab", .qos = "high", .extra = {"--exclusive"}},
     .resources = {.time_limit_min = 65, .cpus = 4, .mem_mb = 768},
     .want = {"--partition=gpu", "--account=lab", "--qos=high", "--exclusive", "--time=65",
              "--cpus-per-task=4", "--mem=768"}},
    {.name = "zero_cpus_means_one", .resources = {.cpus = 0}, .want = {"--cpus-per-task=1"}},
};

class Sbatch : public testing::TestWithParam<SbatchRow> {};

TEST_P(Sbatch, CommandLine) {
  const SbatchRow& row = GetParam();
  JobSpec job{.name = "culprit-x-run0",
              .dir = "/s/slurm/jobs/x",
              .command = {"/opt/culprit", "slurm-node", "/s/it's/request.json"},
              .resources = row.resources};
  std::vector<std::string> argv = SbatchArgv(row.settings, job);
  EXPECT_EQ(argv.front(), "sbatch");
  // The script execs culprit on the node, its words quoted for /bin/sh.
  EXPECT_EQ(argv.back(), "--wrap=exec '/opt/culprit' 'slurm-node' '/s/it'\\''s/request.json'");
  for (const std::string& w : row.want) EXPECT_THAT(argv, Contains(w));
  for (const std::string& w : row.not_want) {
    for (const std::string& a : argv) EXPECT_THAT(a, Not(HasSubstr(w))) << row.name;
  }
}

INSTANTIATE_TEST_SUITE_P(All, Sbatch, testing::ValuesIn(kSbatchRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Sbatch, ParsesTheJobId) {
  EXPECT_EQ(*ParseSbatch("12\n"), "12");
  EXPECT_EQ(*ParseSbatch("345;cluster\n"), "345");
  EXPECT_EQ(*ParseSbatch("sbatch: warning: something\n77\n"), "77");
  EXPECT_FALSE(ParseSbatch("sbatch: error: invalid partition specified: nope\n"));
}

struct StateRow {
  const char* text;
  JobState state;
  Fate fate;
};

// What culprit makes of each state: only COMPLETED lets the node's result be read; every
// failure of the machine is an infrastructure error, never evidence.
const StateRow kStateRows[] = {
    {"PENDING", JobState::kPending, Fate::kWaiting},
    {"PD", JobState::kPending, Fate::kWaiting},
    {"REQUEUED", JobState::kRequeued, Fate::kWaiting},
    {"SUSPENDED", JobState::kSuspended, Fate::kWaiting},
    {"CONFIGURING", JobState::kConfiguring, Fate::kRunning},
    {"RUNNING", JobState::kRunning, Fate::kRunning},
    {"COMPLETING", JobState::kCompleting, Fate::kRunning},
    {"COMPLETED", JobState::kCompleted, Fate::kCompleted},
    {"CD", JobState::kCompleted, Fate::kCompleted},
    {"FAILED", JobState::kFailed, Fate::kInfra},
    {"CANCELLED", JobState::kCancelled, Fate::kInfra},
    {"CANCELLED by 1000", JobState::kCancelled, Fate::kInfra},
    {"CANCELLED+", JobState::kCancelled, Fate::kInfra},
    {"TIMEOUT", JobState::kTimeout, Fate::kInfra},
    {"NODE_FAIL", JobState::kNodeFail, Fate::kInfra},
    {"PREEMPTED", JobState::kPreempted, Fate::kInfra},
    {"BOOT_FAIL", JobState::kBootFail, Fate::kInfra},
    {"DEADLINE", JobState::kDeadline, Fate::kInfra},
    {"OUT_OF_MEMORY", JobState::kOutOfMemory, Fate::kInfra},
    {"  RUNNING ", JobState::kRunning, Fate::kRunning},
    {"SOMETHING_NEW", JobState::kUnknown, Fate::kRunning},
};

class States : public testing::TestWithParam<StateRow> {};

TEST_P(States, MapToFates) {
  const StateRow& row = GetParam();
  EXPECT_EQ(ParseJobState(row.text), row.state) << row.text;
  EXPECT_EQ(FateOf(ParseJobState(row.text)), row.fate) << row.text;
}

INSTANTIATE_TEST_SUITE_P(All, States, testing::ValuesIn(kStateRows));

TEST(Reasons, ThoseThatNeverClear) {
  for (const char* r : {"InvalidQOS", "InvalidAccount", "BadConstraints", "PartitionTimeLimit",
                        "QOSMaxWallDurationPerJobLimit", "AssocMaxWallDurationPerJobLimit"})
    EXPECT_TRUE(ReasonNeverResolves(r)) << r;
  for (const char* r : {"Resources", "Priority", "None", "PartitionDown", "ReqNodeNotAvail", ""})
    EXPECT_FALSE(ReasonNeverResolves(r)) << r;
}

TEST(Squeue, ParsesJobs) {
  auto jobs = ParseSqueue(
      "12|culprit-ab12cd34-ef01-run3|RUNNING|None|node1\n"
      "13|culprit-ab12cd34-ef01-run4|PENDING|Resources|\n"
      "\n"
      "14|other|NODE_FAIL|NodeDown|node2\n");
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 3u);
  EXPECT_EQ((*jobs)[0].id, "12");
  EXPECT_EQ((*jobs)[0].name, "culprit-ab12cd34-ef01-run3");
  EXPECT_EQ((*jobs)[0].state, JobState::kRunning);
  EXPECT_EQ((*jobs)[0].node, "node1");
  EXPECT_EQ((*jobs)[1].reason, "Resources");
  EXPECT_EQ((*jobs)[1].node, "");
  EXPECT_EQ((*jobs)[2].state, JobState::kNodeFail);
  EXPECT_EQ((*jobs)[2].state_text, "NODE_FAIL");
  auto bad = ParseSqueue("12|name|RUNNING\n");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("cannot read squeue output line '12|name|RUNNING'"));
}

TEST(Sacct, SkipsStepsAndReadsStates) {
  auto jobs = ParseSacct(
      "12|culprit-x-run3|CANCELLED by 0|0:15|node1\n"
      "12.batch|batch|CANCELLED|0:15|node1\n"
      "13|culprit-x-run4|NODE_FAIL|0:0|node2\n"
      "14|culprit-x-run5|PENDING|0:0|None assigned\n");
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 3u);
  EXPECT_EQ((*jobs)[0].state, JobState::kCancelled);
  EXPECT_EQ((*jobs)[1].state, JobState::kNodeFail);
  EXPECT_EQ((*jobs)[1].node, "node2");
  EXPECT_EQ((*jobs)[2].node, "");
  EXPECT_FALSE(ParseSacct("12|x|COMPLETED\n"));
  EXPECT_THAT(SacctArgv({"12", "13"}), Contains("--jobs=12,13"));
}

TEST(Scancel, NamesTheJobs) {
  EXPECT_EQ(ScancelArgv({"12", "13"}), (std::vector<std::string>{"scancel", "12", "13"}));
}

const char kSinfo[] =
    "node1|debug*|2|6026|idle\n"
    "node2|debug*|2|6026|mixed\n"
    "node3|debug*|8|64000|down*\n"
    "node4|debug*|8|64000|drained\n"
    "big1|big|64|512000|allocated\n"
    "big2|big|64+|512000|idle~\n";

TEST(Sinfo, ParsesNodes) {
  auto nodes = ParseSinfo(kSinfo);
  ASSERT_TRUE(nodes);
  ASSERT_EQ(nodes->size(), 6u);
  EXPECT_EQ((*nodes)[0].partition, "debug");
  EXPECT_TRUE((*nodes)[0].default_partition);
  EXPECT_TRUE((*nodes)[0].up);
  EXPECT_TRUE((*nodes)[1].up) << "mixed: some CPUs free";
  EXPECT_FALSE((*nodes)[2].up) << "down*";
  EXPECT_FALSE((*nodes)[3].up) << "drained";
  EXPECT_TRUE((*nodes)[4].up) << "allocated: busy, but up";
  EXPECT_FALSE((*nodes)[5].up) << "idle~: powered off";
  EXPECT_EQ((*nodes)[5].cpus, 64);
  EXPECT_EQ((*nodes)[4].mem_mb, 512000);
  EXPECT_FALSE(ParseSinfo("node1|debug|two|1|idle\n"));
}

struct PartitionRow {
  const char* name;
  const char* partition;
  size_t nodes;       // found, or 0 for an error
  const char* error;  // substring of the error
};

const PartitionRow kPartitionRows[] = {
    {"default", "", 4, ""},
    {"named", "big", 2, ""},
    {"missing", "nope", 0,
     "slurm: partition 'nope' does not exist (partitions: debug (default), big); set partition "
     "in the job file's [slurm] table"},
};

class Partitions : public testing::TestWithParam<PartitionRow> {};

TEST_P(Partitions, Resolve) {
  const PartitionRow& row = GetParam();
  auto nodes = NodesOf(*ParseSinfo(kSinfo), row.partition);
  if (row.nodes == 0) {
    ASSERT_FALSE(nodes);
    EXPECT_EQ(nodes.error().message, row.error);
    EXPECT_EQ(nodes.error().kind, ErrorKind::kBadInput);
    return;
  }
  ASSERT_TRUE(nodes) << nodes.error().message;
  EXPECT_EQ(nodes->size(), row.nodes);
}

INSTANTIATE_TEST_SUITE_P(All, Partitions, testing::ValuesIn(kPartitionRows),
                         [](const auto& info) { return std::string(info.param.name); });

struct CapacityRow {
  const char* name;
  const char* partition;
  Resources run;
  int nodes, cpus, runs, builds;
};

const CapacityRow kCapacityRows[] = {
    {"one_cpu_runs", "", {.cpus = 1}, 2, 4, 4, 2},
    {"two_cpu_runs", "", {.cpus = 2}, 2, 4, 2, 2},
    {"vms_limited_by_memory", "", {.cpus = 1, .mem_mb = 4000}, 2, 4, 2, 2},
    {"bigger_than_any_node", "", {.cpus = 8}, 2, 4, 1, 2},
    {"builds_at_most_four", "many", {.cpus = 1}, 6, 6, 6, kMaxBuilds},
};

class Capacities : public testing::TestWithParam<CapacityRow> {};

TEST_P(Capacities, FromUpNodes) {
  const CapacityRow& row = GetParam();
  std::string sinfo = kSinfo;
  for (int i = 0; i < 6; ++i) sinfo += "m" + std::to_string(i) + "|many|1|1000|idle\n";
  auto nodes = NodesOf(*ParseSinfo(sinfo), row.partition);
  ASSERT_TRUE(nodes);
  Capacity c = CapacityOf(*nodes, row.run);
  EXPECT_EQ(c.nodes, row.nodes);
  EXPECT_EQ(c.cpus, row.cpus);
  EXPECT_EQ(c.runs, row.runs);
  EXPECT_EQ(c.builds, row.builds);
}

INSTANTIATE_TEST_SUITE_P(All, Capacities, testing::ValuesIn(kCapacityRows),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace culprit::slurm
