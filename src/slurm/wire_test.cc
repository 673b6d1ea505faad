// The request and result files: round trips, and results that must not be taken.
#include "slurm/wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace culprit::slurm {
namespace {

using testing::HasSubstr;

NodeRequest RunRequest() {
  NodeRequest q{.kind = NodeRequest::Kind::kRun,
                .nonce = "abc123",
                .config_json = "{\"bad\":\"HEAD\"}",
                .state_dir = "/shared/state",
                .result = "/shared/state/slurm/jobs/x/result.json"};
  q.run = {.command = "\"$CULPRIT_OUT/kv\" --selftest",
           .work_dir = "/shared/state/runs/a/work-3",
           .log_path = "/shared/state/runs/a/run-3.log",
           .env = {{"CULPRIT_RUN", "3"}, {"CULPRIT_OUT", "/shared/state/builds/b/out"}},
           .timeout = std::chrono::duration<double>(60.5),
           .max_output_bytes = 1 << 20,
           .max_memory_bytes = 0,
           .network = run::Network::kNone,
           .max_file_bytes = 1 << 30};
  return q;
}

TEST(Wire, RunRequestRoundTrip) {
  NodeRequest q = RunRequest();
  auto back = ParseRequest(RequestToJson(q));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->kind, NodeRequest::Kind::kRun);
  EXPECT_EQ(back->nonce, q.nonce);
  EXPECT_EQ(back->config_json, q.config_json);
  EXPECT_EQ(back->state_dir, q.state_dir);
  EXPECT_EQ(back->result, q.result);
  EXPECT_EQ(back->run.command, q.run.command);
  EXPECT_EQ(back->run.work_dir, q.run.work_dir);
  EXPECT_EQ(back->run.log_path, q.run.log_path);
  EXPECT_EQ(back->run.env, q.run.env);
  EXPECT_DOUBLE_EQ(back->run.timeout.count(), 60.5);
  EXPECT_EQ(back->run.max_output_bytes, q.run.max_output_bytes);
  EXPECT_EQ(back->run.max_memory_bytes, 0u);
  EXPECT_EQ(back->run.network, run::Network::kNone);
  EXPECT_EQ(back->run.max_file_bytes, q.run.max_file_bytes);
}

TEST(Wire, BuildRequestAndResultRoundTrip) {
  NodeRequest q{.kind = NodeRequest::Kind::kBuild, .nonce = "n1"};
  q.build = {.command = "make",
             .source_dir = "/s/worktree/src",
             .out_dir = "/s/builds/k/out",
             .log_path = "/s/builds/k/build.log",
             .scratch_dir = "/s/worktree",
             .env = {{"CULPRIT_COMMIT", "abc"}},
             .timeout = std::chrono::seconds(3600)};
  auto back = ParseRequest(RequestToJson(q));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->build.source_dir, q.build.source_dir);
  EXPECT_EQ(back->build.scratch_dir, q.build.scratch_dir);
  EXPECT_EQ(back->build.timeout, q.build.timeout);
  EXPECT_EQ(back->build.env, q.build.env);

  NodeResult r{.nonce = "n1", .host = "node1"};
  r.build = {.ok = true,
             .exit_code = 0,
             .signature = std::string(64, 'a'),
             .compiler = "gcc (Debian 12.2.0-14) 12.2.0",
             .duration = std::chrono::duration<double>(1.5)};
  auto res = ParseResult(ResultToJson(r, q.kind), q);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->host, "node1");
  EXPECT_TRUE(res->build.ok);
  EXPECT_EQ(res->build.signature, r.build.signature);
  EXPECT_EQ(res->build.compiler, r.build.compiler);
  EXPECT_DOUBLE_EQ(res->build.duration.count(), 1.5);
}

TEST(Wire, RunResultRoundTripKeepsTheStage) {
  NodeRequest q = RunRequest();
  NodeResult r{.nonce = q.nonce, .host = "node2"};
  r.run = {.exit_code = -1,
           .signal = 11,
           .timed_out = true,
           .network_isolated = true,
           .stage = RunStage::kBootFailed};
  auto res = ParseResult(ResultToJson(r, q.kind), q);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->run.signal, 11);
  EXPECT_TRUE(res->run.timed_out);
  EXPECT_TRUE(res->run.network_isolated);
  EXPECT_EQ(res->run.stage, RunStage::kBootFailed);
}

struct BadResultRow {
  const char* name;
  const char* json;  // the result file; NONCE stands for the request's nonce
  const char* error;
};

const BadResultRow kBadResults[] = {
    {"not_json", "{\"version\":1,", "not valid JSON"},
    {"other_version", R"({"version":2,"kind":"run","nonce":"abc123","host":"h"})",
     "answers another request"},
    {"other_kind", R"({"version":1,"kind":"build","nonce":"abc123","host":"h"})",
     "answers another request"},
    {"stale", R"({"version":1,"kind":"run","nonce":"zzz","host":"h","run":{}})", "stale"},
    {"field_of_wrong_type",
     R"({"version":1,"kind":"run","nonce":"abc123","host":"h","run":{"exit_code":"0",)"
     R"("signal":0,"timed_out":false,"output_truncated":false,"network_isolated":false,"loopback_up":false,)"
     R"("cancelled":false,"stage":"","duration_s":1}})",
     "'exit_code' must be an integer"},
    {"unknown_stage",
     R"({"version":1,"kind":"run","nonce":"abc123","host":"h","run":{"exit_code":0,)"
     R"("signal":0,"timed_out":false,"output_truncated":false,"network_isolated":false,"loopback_up":false,)"
     R"("cancelled":false,"stage":"exploded","duration_s":1}})",
     "unknown stage 'exploded'"},
    {"missing_run", R"({"version":1,"kind":"run","nonce":"abc123","host":"h"})",
     "'run' must be an object"},
};

class BadResults : public testing::TestWithParam<BadResultRow> {};

TEST_P(BadResults, AreNeverTaken) {
  const BadResultRow& row = GetParam();
  auto res = ParseResult(row.json, RunRequest());
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().kind, ErrorKind::kInfra);
  EXPECT_THAT(res.error().message, HasSubstr(row.error));
}

INSTANTIATE_TEST_SUITE_P(All, BadResults, testing::ValuesIn(kBadResults),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Wire, BuildWithoutValidSignatureIsNotTaken) {
  NodeRequest q{.kind = NodeRequest::Kind::kBuild, .nonce = "n"};
  NodeResult r{.nonce = "n"};
  r.build = {.ok = true, .signature = "not-a-hash"};
  auto res = ParseResult(ResultToJson(r, q.kind), q);
  ASSERT_FALSE(res);
  EXPECT_THAT(res.error().message, HasSubstr("no valid signature"));
}

TEST(Wire, NodeErrorsKeepTheirKind) {
  NodeRequest q = RunRequest();
  NodeResult r{.nonce = q.nonce, .error = Error{ErrorKind::kNotFound, "missing VM input"}};
  auto res = ParseResult(ResultToJson(r, q.kind), q);
  ASSERT_TRUE(res) << res.error().message;
  ASSERT_TRUE(res->error);
  EXPECT_EQ(res->error->kind, ErrorKind::kNotFound);
  EXPECT_EQ(res->error->message, "missing VM input");
}

TEST(Wire, RequestsOfAnotherVersionAreRefused) {
  auto q = ParseRequest(R"({"version":9,"kind":"run","nonce":"","config":"","state_dir":"",)"
                        R"("result":""})");
  ASSERT_FALSE(q);
  EXPECT_THAT(q.error().message, HasSubstr("the nodes run another culprit"));
}

}  // namespace
}  // namespace culprit::slurm
