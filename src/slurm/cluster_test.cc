// The cluster and the remote builder/runner against a fake Slurm: how each way a job can end
// becomes culprit's outcome, cancellation, leftovers, and the request/result round trip.
#include "slurm/cluster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "slurm/fake_command_runner.h"
#include "slurm/remote.h"

namespace culprit::slurm {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/culprit-slurm-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

CommandOutput Out(std::string text, int exit_code = 0) { return {exit_code, std::move(text)}; }

// squeue's line for job 12 of this test's session.
CommandOutput Queue(const std::string& state, const std::string& reason = "None",
                    const std::string& node = "node1") {
  return Out("12|culprit-abcd0123-ff00-run0|" + state + "|" + reason + "|" + node + "\n");
}

ClusterOptions Options(const fs::path& dir) {
  return {.dir = dir / "slurm",
          .tag = "culprit-abcd0123",
          .session = "culprit-abcd0123-ff00",
          .user = "alice",
          .start_timeout = std::chrono::seconds(60),
          .poll = std::chrono::milliseconds(5),
          .watchdog = false};
}

struct EndRow {
  const char* name;
  std::vector<CommandOutput> squeue;  // in turn; the last repeats
  std::vector<CommandOutput> sacct = {Out("Slurm accounting storage is disabled\n", 1)};
  double start_timeout_s = 60;
  bool stop = false;  // request a stop once the job is followed
  Fate fate;
  const char* describe;  // JobEnd::Describe()
  bool cancelled = false;
  bool never_started = false;
  bool scancel = false;  // culprit cancelled the job
};

const EndRow kEndRows[] = {
    {.name = "completed",
     .squeue = {Queue("PENDING", "Priority", ""), Queue("RUNNING"), Queue("COMPLETED")},
     .fate = Fate::kCompleted,
     .describe = "Slurm job 12 ended COMPLETED on node1"},
    {.name = "node_failure",
     .squeue = {Queue("RUNNING"), Queue("NODE_FAIL", "NodeDown")},
     .fate = Fate::kInfra,
     .describe = "Slurm job 12 ended NODE_FAIL on node1"},
    {.name = "preempted",
     .squeue = {Queue("RUNNING", "None", "node2"), Queue("PREEMPTED", "None", "node2")},
     .fate = Fate::kInfra,
     .describe = "Slurm job 12 ended PREEMPTED on node2"},
    {.name = "slurm_time_limit",
     .squeue = {Queue("TIMEOUT")},
     .fate = Fate::kInfra,
     .describe = "Slurm job 12 ended TIMEOUT on node1"},
    {.name = "cancelled_by_someone_else",
     .squeue = {Queue("CANCELLED")},
     .fate = Fate::kInfra,
     .describe = "Slurm job 12 ended CANCELLED on node1"},
    {.name = "script_failed",
     .squeue = {Queue("FAILED")},
     .fate = Fate::kInfra,
     .describe = "Slurm job 12 ended FAILED on node1"},
    {.name = "never_starts_bad_qos",
     .squeue = {Queue("PENDING", "InvalidQOS", "")},
     .fate = Fate::kInfra,
     .describe = "Slurm job 12 did not start (pending: InvalidQOS)",
     .never_started = true,
     .scancel = true},
    {.name = "pending_past_the_start_timeout",
     .squeue = {Queue("PENDING", "PartitionDown", "")},
     .start_timeout_s = 0.05,
     .fate = Fate::kInfra,
     .describe = "Slurm job 12 did not start (pending: PartitionDown)",
     .never_started = true,
     .scancel = true},
    {.name = "stopped_by_culprit",
     .squeue = {Queue("RUNNING"), Queue("RUNNING"), Queue("CANCELLED")},
     .stop = true,
     .fate = Fate::kInfra,
     .describe = "Slurm job 12 was cancelled",
     .cancelled = true,
     .scancel = true},
    {.name = "gone_without_accounting",
     .squeue = {Queue("RUNNING"), Out("")},
     .fate = Fate::kCompleted,
     .describe = "Slurm job 12 ended gone on node1"},
    {.name = "gone_and_sacct_knows",
     .squeue = {Queue("RUNNING"), Out("")},
     .sacct = {Out("12|culprit-abcd0123-ff00-run0|NODE_FAIL|0:0|node1\n12.batch|batch|"
                   "CANCELLED|0:15|node1\n")},
     .fate = Fate::kInfra,
     .describe = "Slurm job 12 ended NODE_FAIL on node1"},
    {.name = "squeue_hiccup",
     .squeue = {Out("slurm_load_jobs error: Socket timed out\n", 1), Queue("COMPLETED")},
     .fate = Fate::kCompleted,
     .describe = "Slurm job 12 ended COMPLETED on node1"},
};

class Ends : public testing::TestWithParam<EndRow> {};

TEST_P(Ends, MapToOutcomes) {
  const EndRow& row = GetParam();
  TempDir dir;
  auto fake = std::make_unique<FakeCommandRunner>();
  FakeCommandRunner& slurm = *fake;
  slurm.Answer("sbatch", {Out("12\n")});
  slurm.Answer("squeue", row.squeue);
  slurm.Answer("sacct", row.sacct);
  slurm.Answer("scancel", {Out("")});
  ClusterOptions options = Options(dir.path());
  options.start_timeout = std::chrono::duration<double>(row.start_timeout_s);
  auto cluster = Cluster::Open(options, std::move(fake));
  ASSERT_TRUE(cluster);
  const std::string name = (*cluster)->NewJobName("run");
  EXPECT_EQ(name, "culprit-abcd0123-ff00-run0");
  auto id = (*cluster)->Submit({.name = name, .dir = dir.path(), .command = {"true"}});
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, "12");
  std::stop_source stop;
  if (row.stop) stop.request_stop();
  JobEnd end = (*cluster)->Wait(*id, stop.get_token());
  EXPECT_EQ(end.fate, row.fate);
  EXPECT_EQ(end.Describe(), row.describe);
  EXPECT_EQ(end.cancelled, row.cancelled);
  EXPECT_EQ(end.never_started, row.never_started);
  EXPECT_EQ(!slurm.Calls("scancel").empty(), row.scancel);
  std::ifstream ledger((*cluster)->Ledger());
  std::string line;
  std::getline(ledger, line);
  EXPECT_THAT(line, HasSubstr("12\tculprit-abcd0123-ff00-run0\t"));
  EXPECT_EQ((*cluster)->Submitted(), std::vector<std::string>{"12"});
}

INSTANTIATE_TEST_SUITE_P(All, Ends, testing::ValuesIn(kEndRows),
                         [](const auto& info) { return std::string(info.param.name); });

struct SubmitRow {
  const char* name;
  CommandOutput sbatch;
  ErrorKind kind;
  const char* message;
};

const SubmitRow kSubmitRows[] = {
    {"bad_partition", Out("sbatch: error: invalid partition specified: nope\n", 1),
     ErrorKind::kBadInput,
     "slurm: sbatch refused job culprit-abcd0123-ff00-build0: sbatch: error: invalid partition "
     "specified: nope (check the job file's [slurm] table against: sinfo)"},
    {"no_such_resources",
     Out("sbatch: error: Batch job submission failed: Requested node configuration is not "
         "available\n",
         1),
     ErrorKind::kBadInput, "Requested node configuration is not available"},
    {"controller_down",
     Out("sbatch: error: Batch job submission failed: Unable to contact slurm controller\n", 1),
     ErrorKind::kInfra, "Unable to contact slurm controller"},
};

class Submits : public testing::TestWithParam<SubmitRow> {};

TEST_P(Submits, Refusals) {
  const SubmitRow& row = GetParam();
  TempDir dir;
  auto fake = std::make_unique<FakeCommandRunner>();
  fake->Answer("sbatch", {row.sbatch});
  auto cluster = Cluster::Open(Options(dir.path()), std::move(fake));
  ASSERT_TRUE(cluster);
  auto id = (*cluster)->Submit(
      {.name = (*cluster)->NewJobName("build"), .dir = dir.path(), .command = {"true"}});
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().kind, row.kind);
  EXPECT_THAT(id.error().message, HasSubstr(row.message));
}

INSTANTIATE_TEST_SUITE_P(All, Submits, testing::ValuesIn(kSubmitRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Leftovers, CancelsOnlyEarlierSessionsOfThisStateDirectory) {
  TempDir dir;
  auto fake = std::make_unique<FakeCommandRunner>();
  FakeCommandRunner& slurm = *fake;
  slurm.Answer("squeue", {Out("20|culprit-abcd0123-0001-run4|RUNNING|None|node1\n"
                              "21|culprit-abcd0123-0001-build2|PENDING|Resources|\n"
                              "22|culprit-abcd0123-0001-run5|CANCELLED|None|node1\n"
                              "23|culprit-abcd0123-ff00-run0|RUNNING|None|node2\n"
                              "24|culprit-99999999-0001-run0|RUNNING|None|node2\n"
                              "25|someone-else|RUNNING|None|node2\n")});
  slurm.Answer("scancel", {Out("")});
  auto cluster = Cluster::Open(Options(dir.path()), std::move(fake));
  ASSERT_TRUE(cluster);
  auto left = (*cluster)->CancelLeftovers();
  ASSERT_TRUE(left) << left.error().message;
  EXPECT_EQ(*left, (std::vector<std::string>{"20", "21"}));
  ASSERT_EQ(slurm.Calls("scancel").size(), 1u);
  EXPECT_EQ(slurm.Calls("scancel")[0], (std::vector<std::string>{"scancel", "20", "21"}));
  EXPECT_THAT(slurm.Calls("squeue")[0], Contains("--user=alice"));
}

// The node's side, simulated: sbatch's handler reads the request the remote runner wrote and
// writes a result, as `culprit slurm-node` would.
struct RemoteRow {
  const char* name;
  std::function<std::string(const NodeRequest&)> node;  // the result file's text ("": none)
  std::string squeue_state = "COMPLETED";
  bool ok;
  ErrorKind kind = ErrorKind::kInfra;
  const char* message = "";
};

NodeResult Answer(const NodeRequest& q) {
  NodeResult r{.nonce = q.nonce, .host = "node2"};
  r.run = {.exit_code = 1, .signal = 0, .output_truncated = true};
  return r;
}

const RemoteRow kRemoteRows[] = {
    {.name = "result_read",
     .node = [](const NodeRequest& q) { return ResultToJson(Answer(q), q.kind); },
     .ok = true},
    {.name = "node_died",
     .node = [](const NodeRequest& q) { return ResultToJson(Answer(q), q.kind); },
     .squeue_state = "NODE_FAIL",
     .ok = false,
     .message = "Slurm job 12 ended NODE_FAIL on node1"},
    {.name = "no_result",
     .node = [](const NodeRequest&) { return std::string(); },
     .ok = false,
     .message = "Slurm job 12 ended COMPLETED on node1 without a result in"},
    {.name = "stale_result",
     .node =
         [](const NodeRequest& q) {
           NodeResult r = Answer(q);
           r.nonce = "0000";
           return ResultToJson(r, q.kind);
         },
     .ok = false,
     .message = "stale"},
    {.name = "runner_failed_on_the_node",
     .node =
         [](const NodeRequest& q) {
           NodeResult r = Answer(q);
           r.error = Error{ErrorKind::kIo, "cannot open log"};
           return ResultToJson(r, q.kind);
         },
     .ok = false,
     .kind = ErrorKind::kIo,
     .message = "cannot open log"},
};

class Remote : public testing::TestWithParam<RemoteRow> {};

TEST_P(Remote, RunRoundTrip) {
  const RemoteRow& row = GetParam();
  TempDir dir;
  auto fake = std::make_unique<FakeCommandRunner>();
  FakeCommandRunner& slurm = *fake;
  slurm.Handle("sbatch", [&](const std::vector<std::string>& argv) {
    // The request is the last word of the script: exec '...' 'slurm-node' 'REQUEST'.
    std::string wrap = argv.back();
    std::string path = wrap.substr(wrap.rfind(" '") + 2);
    path.pop_back();
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto q = ParseRequest(text.str());
    EXPECT_TRUE(q) << q.error().message;
    if (q) {
      EXPECT_EQ(q->run.command, "./repro");
      EXPECT_EQ(q->config_json, "{\"job\":1}");
      std::string result = row.node(*q);
      if (!result.empty()) (void)WriteFileAtomically(q->result, result);
    }
    return Out("12\n");
  });
  slurm.Answer("squeue", {Queue(row.squeue_state)});
  auto cluster = Cluster::Open(Options(dir.path()), std::move(fake));
  ASSERT_TRUE(cluster);
  auto runner = MakeRemoteRunner(**cluster, {.state_dir = dir.path(),
                                             .config_json = "{\"job\":1}",
                                             .node_command = {"/opt/culprit", "slurm-node"},
                                             .run = {.time_limit_min = 10, .mem_mb = 300}});
  auto record = runner->Run(
      {.command = "./repro", .work_dir = dir.path() / "work", .log_path = dir.path() / "run.log"});
  ASSERT_EQ(record.has_value(), row.ok) << (record ? "" : record.error().message);
  const std::vector<std::string> sbatch = slurm.Calls("sbatch").at(0);
  EXPECT_THAT(sbatch, Contains("--time=10"));
  EXPECT_THAT(sbatch, Contains("--mem=300"));
  if (row.ok) {
    EXPECT_EQ(record->exit_code, 1);
    EXPECT_TRUE(record->output_truncated);
    EXPECT_FALSE(fs::exists(JobDir(dir.path(), "culprit-abcd0123-ff00-run0")))
        << "a result read is the store's: the job's directory goes";
    return;
  }
  EXPECT_EQ(record.error().kind, row.kind);
  EXPECT_THAT(record.error().message, HasSubstr(row.message));
}

INSTANTIATE_TEST_SUITE_P(All, Remote, testing::ValuesIn(kRemoteRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Remote, CancelledRunSaysSo) {
  TempDir dir;
  auto fake = std::make_unique<FakeCommandRunner>();
  fake->Answer("sbatch", {Out("12\n")});
  // Running until culprit cancels it.
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  fake->Handle("squeue", [cancelled](const std::vector<std::string>&) {
    return Queue(*cancelled ? "CANCELLED" : "RUNNING");
  });
  fake->Handle("scancel", [cancelled](const std::vector<std::string>&) {
    *cancelled = true;
    return Out("");
  });
  FakeCommandRunner& slurm = *fake;
  auto cluster = Cluster::Open(Options(dir.path()), std::move(fake));
  ASSERT_TRUE(cluster);
  auto runner = MakeRemoteRunner(**cluster, {.state_dir = dir.path(), .node_command = {"c"}});
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.request_stop();
  });
  auto record =
      runner->Run({.command = "x", .log_path = dir.path() / "l", .stop = stop.get_token()});
  ASSERT_TRUE(record);
  EXPECT_TRUE(record->cancelled);
  EXPECT_EQ(slurm.Calls("scancel").at(0), (std::vector<std::string>{"scancel", "12"}));
}

}  // namespace
}  // namespace culprit::slurm

namespace culprit::slurm {
namespace {

// The probe at start: a node that cannot answer in the state directory stops culprit with
// what to fix; one that can names itself.
TEST(Probe, SaysWhatANodeCouldNotDo) {
  for (bool answers : {true, false}) {
    TempDir dir;
    auto fake = std::make_unique<FakeCommandRunner>();
    fake->Handle("sbatch", [answers](const std::vector<std::string>& argv) {
      std::string wrap = argv.back();
      std::string path = wrap.substr(wrap.rfind(" '") + 2);
      path.pop_back();
      std::ifstream in(path);
      std::stringstream text;
      text << in.rdbuf();
      auto q = ParseRequest(text.str());
      if (answers && q)
        (void)WriteFileAtomically(q->result,
                                  ResultToJson({.nonce = q->nonce, .host = "node7"}, q->kind));
      return Out("12\n");
    });
    fake->Answer("squeue", {Queue("COMPLETED")});
    auto cluster = Cluster::Open(Options(dir.path()), std::move(fake));
    ASSERT_TRUE(cluster);
    auto host = ProbeSharedState(
        **cluster, {.state_dir = dir.path(), .node_command = {"/opt/culprit", "slurm-node"}});
    if (answers) {
      ASSERT_TRUE(host) << host.error().message;
      EXPECT_EQ(*host, "node7");
      continue;
    }
    ASSERT_FALSE(host);
    EXPECT_EQ(host.error().kind, ErrorKind::kBadInput);
    EXPECT_THAT(host.error().message,
                HasSubstr("slurm: a node could not read and write the state directory: Slurm "
                          "job 12 ended COMPLETED on node1 without a result"));
    EXPECT_THAT(host.error().message, HasSubstr("must be on storage that the nodes share"));
  }
}

}  // namespace
}  // namespace culprit::slurm
