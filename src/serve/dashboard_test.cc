#include "serve/dashboard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "report/render.h"
#include "report/testing/sample_result.h"

namespace culprit::serve {
namespace {

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
  return n;
}

// A state directory with a finished job (the sample result, its logs under runs/ and builds/),
// a running one and an abandoned one; the dashboard reads it through a read-only store.
class DashboardTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "culprit-dash-XXXXXX").string();
    state_ = std::filesystem::canonical(mkdtemp(tmpl.data()));
    auto writer = store::Store::Open(state_);
    ASSERT_TRUE(writer);
    report::BisectionResult r = report::SampleResult();
    for (auto& t : r.tested) {
      if (!t.build_log.empty()) t.build_log = (state_ / "builds/k1/build.log").string();
      for (auto& run : t.run_list)
        run.log_path =
            (state_ / "runs/k1-t" / ("run-" + std::to_string(run.index) + ".log")).string();
    }
    std::filesystem::create_directories(state_ / "runs/k1-t");
    std::filesystem::create_directories(state_ / "builds/k1");
    std::filesystem::create_directories(state_ / "logs");
    std::ofstream(state_ / "runs/k1-t/run-0.log") << "==1==ERROR: AddressSanitizer\n";
    std::ofstream(state_ / "logs/job-2.log") << "testing commit abc <script>\n";
    finished_ = *(*writer)->CreateJob({.fingerprint = "a", .config_json = "{}"});
    ASSERT_TRUE((*writer)->FinishJob(finished_, report::ToJson(r)));
    running_ = *(*writer)->CreateJob({.fingerprint = "b", .config_json = "{}"});
    ASSERT_TRUE((*writer)->SetTarget(running_, "KASAN: <bad> title", {}));
    writer_ = std::move(*writer);
    auto reader = store::Store::Open(state_, store::OpenMode::kReadOnly);
    ASSERT_TRUE(reader) << reader.error().message;
    reader_ = std::move(*reader);
    dashboard_ = std::make_unique<Dashboard>(state_, *reader_);
  }
  void TearDown() override { std::filesystem::remove_all(state_); }

  std::filesystem::path state_;
  int64_t finished_ = 0, running_ = 0;
  std::unique_ptr<store::Store> writer_, reader_;
  std::unique_ptr<Dashboard> dashboard_;
};

TEST_F(DashboardTest, Routes) {
  struct {
    std::string path;
    int status;
    std::string type;
    std::string contains;
  } rows[] = {
      {"/", 200, "text/html", "href=\"/jobs/1\""},
      {"/jobs/1", 200, "text/html", "<g class=\"mark culprit\""},
      {"/jobs/2", 200, "text/html", "testing commit abc &lt;script&gt;"},
      {"/jobs/2/log", 200, "text/plain", ""},
      {"/jobs/1/json", 200, "application/json", "\"outcome\": \"found\""},
      {"/jobs/2/json", 404, "text/plain", ""},
      {"/jobs/9", 404, "text/plain", ""},
      {"/jobs/x", 404, "text/plain", ""},
      {"/jobs/1/../../etc", 404, "text/plain", ""},
      {"/files/runs/k1-t/run-0.log", 200, "text/plain", ""},
      {"/files/../culprit.db", 404, "text/plain", ""},
      {"/files/culprit.db", 404, "text/plain", ""},
      {"/elsewhere", 404, "text/plain", ""},
  };
  for (const auto& row : rows) {
    Page page = dashboard_->Get(row.path);
    EXPECT_EQ(page.status, row.status) << row.path;
    EXPECT_EQ(page.content_type.rfind(row.type, 0), 0u) << row.path << ": " << page.content_type;
    EXPECT_NE(page.body.find(row.contains), std::string::npos) << row.path << ":\n" << page.body;
  }
  EXPECT_EQ(dashboard_->Get("/jobs/2/log").file, state_ / "logs/job-2.log");
}

TEST_F(DashboardTest, JobPageLinksLogsThroughFiles) {
  const std::string html = dashboard_->Get("/jobs/1").body;
  EXPECT_NE(html.find("href=\"/files/runs/k1-t/run-0.log\""), std::string::npos);
  EXPECT_NE(html.find("href=\"/files/builds/k1/build.log\""), std::string::npos);
  EXPECT_NE(html.find("href=\"/jobs/1/log\""), std::string::npos);
  EXPECT_EQ(Count(html, "<g class=\"mark tested"), 3u);
  EXPECT_EQ(html.find("http-equiv=\"refresh\""), std::string::npos) << "a finished job is still";
}

TEST_F(DashboardTest, RunningJobRefreshesAndAbandonedDoesNot) {
  const std::string list = dashboard_->Get("/").body;
  EXPECT_NE(list.find("http-equiv=\"refresh\""), std::string::npos) << "a job is running";
  EXPECT_EQ(Count(list, "<tr class=\"job\""), 2u);
  std::string live = dashboard_->Get("/jobs/2").body;
  EXPECT_NE(live.find("http-equiv=\"refresh\" content=\"5\""), std::string::npos);
  EXPECT_NE(live.find("KASAN: &lt;bad&gt; title"), std::string::npos);
  ASSERT_TRUE(writer_->AbandonJob(running_));
  std::string still = dashboard_->Get("/jobs/2").body;
  EXPECT_EQ(still.find("http-equiv=\"refresh\""), std::string::npos);
  EXPECT_NE(still.find("abandoned"), std::string::npos);
}

}  // namespace
}  // namespace culprit::serve
