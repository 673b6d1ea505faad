#include "report/render.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "report/progress_log.h"

namespace culprit::report {
namespace {

BisectionResult FoundResult() {
  BisectionResult r;
  r.outcome = decide::ConclusionKind::kFound;
  r.commit = "483fc4e30869f8bd1693aca9cffddb21fb303b32";
  r.culprit.id = r.commit;
  r.culprit.title = "io_uring: optimise io_prep_linked_timeout()";
  r.culprit.message = "io_uring: optimise io_prep_linked_timeout()\n\nBody.\n";
  r.culprit.author = {"Pavel Begunkov", "asml.silence@gmail.com"};
  r.culprit.author_time = 1629020426;
  r.culprit.author_offset_minutes = 60;
  r.culprit.trailers = {{"Signed-off-by", "Pavel Begunkov <asml.silence@gmail.com>"},
                        {"Link", "https://lore.kernel.org/r/x"},
                        {"Cc", "Someone <cc@example.org>"},
                        {"Signed-off-by", "Jens Axboe <AXBOE@kernel.dk>"}};
  r.culprit_stat = {{.path = "fs/io_uring.c", .insertions = 18, .deletions = 3}};
  r.culprit_signature = "2e0a";
  r.parent_signature = "396e";
  r.revisions_tested = 19;
  r.time = {16144.811, 7514.31, 8508.78};
  r.title = "general protection fault in __io_queue_sqe";
  r.recipients_to = CommitRecipients(r.culprit);
  r.confidence = 0.995;
  return r;
}

TEST(Render, FoundLooksLikeTheSeedLog) {
  std::ostringstream out;
  WriteText(FoundResult(), out);
  const std::string text = out.str();
  for (const char* want : {
           "483fc4e30869f8bd1693aca9cffddb21fb303b32 is the first bad commit\n",
           "Author: Pavel Begunkov <asml.silence@gmail.com>\n",
           "Date:   Sun Aug 15 10:40:26 2021 +0100\n",
           "    io_uring: optimise io_prep_linked_timeout()\n",
           " fs/io_uring.c | 21 ++++++++++++++++++---\n",
           " 1 file changed, 18 insertions(+), 3 deletions(-)\n",
           "culprit signature: 2e0a\nparent  signature: 396e\n",
           "revisions tested: 19, total time: 4h29m4.811s (build: 2h5m14.310s, test: "
           "2h21m48.780s, other: 2m1.721s)\n",
           "first bad commit: 483fc4e30869f8bd1693aca9cffddb21fb303b32 io_uring: optimise",
           "recipients (to): [\"asml.silence@gmail.com\" \"axboe@kernel.dk\"]\n",
           "crash: general protection fault in __io_queue_sqe\n",
       }) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\nin:\n" << text;
  }
  EXPECT_EQ(text.find("cc@example.org"), std::string::npos) << "Cc: is never a recipient";
}

// The total is wall time: serial builds and runs add up to it with the rest, parallel ones
// sum to more and say so.
TEST(Render, TimesAddUpToTheWallTime) {
  struct {
    double total, build, test;
    const char* want;
  } rows[] = {
      {10, 4, 6, "total time: 10.000s (build: 4.000s, test: 6.000s)\n"},
      {12, 4, 6, "total time: 12.000s (build: 4.000s, test: 6.000s, other: 2.000s)\n"},
      {8, 4, 6,
       "total time: 8.000s (build: 4.000s, test: 6.000s, summed over builds and runs in "
       "parallel)\n"},
  };
  for (const auto& row : rows) {
    BisectionResult r = FoundResult();
    r.time = {row.total, row.build, row.test};
    std::ostringstream out;
    WriteText(r, out);
    EXPECT_NE(out.str().find(row.want), std::string::npos) << row.want << "\nin:\n" << out.str();
  }
}

TEST(Render, JsonHasTheDocumentedShape) {
  BisectionResult r = FoundResult();
  auto j = nlohmann::json::parse(ToJson(r));
  EXPECT_EQ(j["mode"], "cause");
  EXPECT_EQ(j["outcome"], "found");
  EXPECT_EQ(j["commit"], r.commit);
  EXPECT_TRUE(j["candidates"].is_array());
  EXPECT_DOUBLE_EQ(j["confidence"].get<double>(), 0.995);
  EXPECT_EQ(j["flags"]["noop"], false);
  EXPECT_EQ(j["revisions_tested"], 19);
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_DOUBLE_EQ(j["time"]["build_s"].get<double>(), 7514.31);

  BisectionResult err;
  err.error = "the crash was not reproduced on the bad commit";
  auto e = nlohmann::json::parse(ToJson(err));
  EXPECT_TRUE(e["commit"].is_null());
  EXPECT_EQ(e["outcome"], "error");
  EXPECT_EQ(ExitStatus(err), 1);
}

// The columns `culprit list` and the dashboard show for a job.
TEST(Render, HeadlinePerOutcome) {
  struct {
    decide::ConclusionKind outcome;
    const char* commit;
    const char* error;
    Headline want;
  } rows[] = {
      {decide::ConclusionKind::kFound,
       "483fc4e30869f8bd",
       "",
       {"found", "483fc4e30869", "0.9950", "general protection fault in __io_queue_sqe"}},
      {decide::ConclusionKind::kInconclusive,
       "",
       "",
       {"inconclusive", "-", "-", "general protection fault in __io_queue_sqe"}},
      {decide::ConclusionKind::kHorizon,
       "483fc4e30869f8bd",
       "",
       {"horizon", "483fc4e30869", "0.9950", "general protection fault in __io_queue_sqe"}},
      {decide::ConclusionKind::kError,
       "",
       "no crash on the bad commit",
       {"error", "-", "-", "no crash on the bad commit"}},
  };
  for (const auto& row : rows) {
    BisectionResult r = FoundResult();
    r.outcome = row.outcome;
    r.commit = row.commit;
    r.error = row.error;
    if (*row.error) r.title.clear();
    Headline h = HeadlineOf(r);
    EXPECT_EQ(h.outcome, row.want.outcome);
    EXPECT_EQ(h.culprit, row.want.culprit);
    EXPECT_EQ(h.confidence, row.want.confidence);
    EXPECT_EQ(h.title, row.want.title);
  }
}

// A horizon the posterior weighed says how sure it is, in every format; one a probe's verdict
// gave (no probability) does not. One short of the target says "probably" wherever it is
// named (text, page, e-mail, subject), and exits as an inconclusive search does.
TEST(Render, AHorizonSaysHowSureItIs) {
  struct Row {
    decide::Mode mode;
    double confidence;
    bool short_of_target;
    const char* stop_reason;
    const char* want;     // in the text, the page and the e-mail; "" for nothing
    const char* subject;  // after "TITLE: "
    int exit_status;
  };
  const Row rows[] = {
      {decide::Mode::kCause, 0.9836, true,
       "the good commit crashes too, not confirmed (no test left)", "0.9836",
       "probably older than the searched history (not confirmed)", 2},
      {decide::Mode::kCause, 0.9991, false, "the good commit crashes too", "0.9991",
       "older than the searched history", 3},
      {decide::Mode::kCause, 0, false, "the oldest tested release crashes", "",
       "older than the searched history", 3},
      {decide::Mode::kFix, 0.71, true,
       "the newest commit still crashes, not confirmed (run budget exhausted)", "0.7100",
       "probably still present on the newest commit (not confirmed)", 2},
      {decide::Mode::kFix, 0, false, "the newest commit still crashes", "",
       "still present on the newest commit", 3},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.stop_reason);
    BisectionResult r = FoundResult();
    r.mode = row.mode;
    r.outcome = decide::ConclusionKind::kHorizon;
    r.confidence = row.confidence;
    r.short_of_target = row.short_of_target;
    r.stop_reason = row.stop_reason;
    std::ostringstream text, page, mail;
    WriteText(r, text);
    WriteHtml(r, {}, page);
    WriteEmail(r, {}, mail);
    for (const std::string& out : {text.str(), page.str(), mail.str()}) {
      if (*row.want) {
        EXPECT_NE(out.find(row.want), std::string::npos) << out;
        EXPECT_NE(out.find(row.stop_reason), std::string::npos) << out;
      } else {
        EXPECT_EQ(out.find("onfidence"), std::string::npos) << out;
      }
      EXPECT_EQ(out.find("probably") != std::string::npos, row.short_of_target) << out;
    }
    EXPECT_EQ(Subject(r), r.title + ": " + row.subject);
    EXPECT_EQ(HeadlineOf(r).confidence, *row.want ? row.want : "-");
    EXPECT_EQ(ExitStatus(r), row.exit_status);
    auto back = ResultFromJson(ToJson(r));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->short_of_target, row.short_of_target);
  }
}

TEST(Render, ExitStatusPerOutcome) {
  using decide::ConclusionKind;
  const std::pair<ConclusionKind, int> rows[] = {{ConclusionKind::kFound, 0},
                                                 {ConclusionKind::kError, 1},
                                                 {ConclusionKind::kInconclusive, 2},
                                                 {ConclusionKind::kHorizon, 3}};
  for (const auto& [outcome, status] : rows) {
    BisectionResult r;
    r.outcome = outcome;
    EXPECT_EQ(ExitStatus(r), status) << static_cast<int>(outcome);
  }
}

// The job's log file gets every line the log stream gets, never the progress display.
TEST(ProgressLog, CopiesLinesNotTheStatus) {
  std::ostringstream out, status, copy;
  ProgressLog log(out, &status);
  log.Note("before");
  log.CopyTo(&copy);
  log.Status("step 1 | testing");
  log.TestingCommit("abc");
  log.RunResults({"OK", "OK"}, 0);
  log.CopyTo(nullptr);
  log.Note("after");
  EXPECT_EQ(out.str(), "before\ntesting commit abc\nall 2 runs: OK\nafter\n");
  EXPECT_EQ(copy.str(), "testing commit abc\nall 2 runs: OK\n");
  EXPECT_NE(status.str().find("step 1"), std::string::npos);
}

TEST(ProgressLog, CollapsesIdenticalRuns) {
  std::ostringstream out;
  ProgressLog log(out, nullptr);
  log.RunResults({"OK", "OK", "OK"}, 0);
  log.RunResults({"OK", "crashed: X"}, 0);
  EXPECT_EQ(out.str(), "all 3 runs: OK\nrun #0: OK\nrun #1: crashed: X\n");
}

}  // namespace
}  // namespace culprit::report
