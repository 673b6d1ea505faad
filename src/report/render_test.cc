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
           "2h21m48.780s)\n",
           "first bad commit: 483fc4e30869f8bd1693aca9cffddb21fb303b32 io_uring: optimise",
           "recipients (to): [\"asml.silence@gmail.com\" \"axboe@kernel.dk\"]\n",
           "crash: general protection fault in __io_queue_sqe\n",
       }) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\nin:\n" << text;
  }
  EXPECT_EQ(text.find("cc@example.org"), std::string::npos) << "Cc: is never a recipient";
}

TEST(Render, EmailHasHeadersThenTheReport) {
  BisectionResult r = FoundResult();
  r.recipients_cc = {"linux-kernel@vger.kernel.org"};
  std::ostringstream out;
  WriteEmail(r, out);
  const std::string mail = out.str();
  EXPECT_EQ(mail.find("Subject: [culprit] general protection fault in __io_queue_sqe: bisected "
                      "to 483fc4e30869 (\"io_uring: optimise io_prep_linked_timeout()\")\n"),
            0u)
      << mail;
  EXPECT_NE(mail.find("\nTo: asml.silence@gmail.com, axboe@kernel.dk\n"), std::string::npos);
  EXPECT_NE(mail.find("\nCc: linux-kernel@vger.kernel.org\n"), std::string::npos);
  size_t body = mail.find("\n\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(mail.substr(body + 2, 65),
            "483fc4e30869f8bd1693aca9cffddb21fb303b32 is the first bad commit\n");
}

// A title that is not ASCII goes in RFC 2047 encoded words, split between UTF-8 sequences
// (the 45-byte word would end inside the 18th "ü") and folded onto continuation lines.
TEST(Render, EmailEncodesNonAsciiSubject) {
  BisectionResult r = FoundResult();
  r.outcome = decide::ConclusionKind::kError;
  r.title.clear();
  for (int i = 0; i < 20; ++i) r.title += "\xc3\xbc";  // ü
  std::ostringstream out;
  WriteEmail(r, out);
  EXPECT_EQ(
      out.str().find("Subject: "
                     "=?UTF-8?B?W2N1bHByaXRdIMO8w7zDvMO8w7zDvMO8w7zDvMO8w7zDvMO8w7zDvMO8w7w=?=\n"
                     " =?UTF-8?B?w7zDvMO8OiBiaXNlY3Rpb24gZmFpbGVk?=\n"),
      0u)
      << out.str();
}

TEST(Render, HtmlEscapesAndListsEveryRevision) {
  BisectionResult r = FoundResult();
  r.title = "KASAN: use-after-free in <unknown> & co";
  r.tested = {{.commit = "aaaa1111",
               .title = "mm: a <b> c",
               .verdict = decide::CommitVerdict::kCrashes,
               .built = true,
               .target_crashes = 2,
               .runs = 10},
              {.commit = "bbbb2222",
               .release = "v5.13",
               .verdict = decide::CommitVerdict::kClean,
               .built = true,
               .runs = 10},
              {.commit = "cccc3333", .verdict = decide::CommitVerdict::kUntestable}};
  std::ostringstream out;
  WriteHtml(r, out);
  const std::string html = out.str();
  EXPECT_NE(html.find("use-after-free in &lt;unknown&gt; &amp; co"), std::string::npos);
  EXPECT_EQ(html.find("<unknown>"), std::string::npos) << "unescaped text in the page";
  EXPECT_NE(html.find("<td>2 / 10</td>"), std::string::npos);
  EXPECT_NE(html.find("bbbb2222 (v5.13)"), std::string::npos);
  EXPECT_NE(html.find("<td>failed</td>"), std::string::npos);  // the skipped build
  EXPECT_NE(html.find("mm: a &lt;b&gt; c"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
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

TEST(ProgressLog, CollapsesIdenticalRuns) {
  std::ostringstream out;
  ProgressLog log(out, nullptr);
  log.RunResults({"OK", "OK", "OK"}, 0);
  log.RunResults({"OK", "crashed: X"}, 0);
  EXPECT_EQ(out.str(), "all runs: OK\nrun #0: OK\nrun #1: crashed: X\n");
}

}  // namespace
}  // namespace culprit::report
