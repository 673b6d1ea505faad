// A found result with every field set, for report's tests (and the dashboard's).
#pragma once

#include "report/bisection_result.h"

namespace culprit::report {

inline BisectionResult SampleResult() {
  BisectionResult r;
  r.outcome = decide::ConclusionKind::kFound;
  r.strategy = "bayes";
  r.commit = "483fc4e30869f8bd1693aca9cffddb21fb303b32";
  r.culprit.id = r.commit;
  r.culprit.parents = {"72f42973a559fb5a59fd66bbf277966ce81d1c8a"};
  r.culprit.title = "io_uring: optimise io_prep_linked_timeout()";
  r.culprit.message = "io_uring: optimise io_prep_linked_timeout()\n\nBody.\n";
  r.culprit.author = {"Pavel Begunkov", "asml.silence@gmail.com"};
  r.culprit.author_time = 1629020426;
  r.culprit.author_offset_minutes = 60;
  r.culprit.trailers = {{"Signed-off-by", "Pavel Begunkov <asml.silence@gmail.com>"}};
  r.culprit_stat = {{.path = "fs/io_uring.c", .insertions = 18, .deletions = 3}};
  r.culprit_diff =
      "diff --git a/fs/io_uring.c b/fs/io_uring.c\n--- a/fs/io_uring.c\n+++ b/fs/io_uring.c\n"
      "@@ -1,2 +1,2 @@\n-\tint old;\n+\tint <new>;\n";
  r.culprit_signature = "2e0a";
  r.parent_signature = "396e";
  r.candidates = {{r.commit, r.culprit.title, 0.995, 18},
                  {"72f42973a559fb5a59fd66bbf277966ce81d1c8a", "io_uring: cancel", 0.005, 17}};
  r.confidence = 0.995;
  r.stop_reason = "confidence target reached";
  r.title = "general protection fault in __io_queue_sqe";
  r.revisions_tested = 3;
  r.builds = 3;
  r.runs = 12;
  r.time = {16144.811, 7514.31, 8508.78};
  r.recipients_to = {"asml.silence@gmail.com", "axboe@kernel.dk"};
  r.recipients_cc = {"io-uring@vger.kernel.org"};
  r.crash_report = "general protection fault, probably for non-canonical address\nRIP: x\n";
  r.tested = {
      {.commit = "b9011c7e671dbbf59bb753283ddfd03f0c9eb865",
       .title = "Add linux-next specific files",
       .verdict = decide::CommitVerdict::kCrashes,
       .built = true,
       .signature = "7f4a",
       .build_log = "/st/builds/k1/build.log",
       .target_crashes = 2,
       .runs = 4,
       .run_list = {{0, "crashed: general protection fault in __io_queue_sqe", true,
                     "/st/runs/k1-t/run-0.log", 1},
                    {1, "OK", false, "/st/runs/k1-t/run-1.log", 1},
                    {2, "crashed: general protection fault in __io_queue_sqe", true,
                     "/st/runs/k1-t/run-2.log", 1},
                    {3, "untestable: boot failed", false, "/st/runs/k1-t/run-3.log", 1}},
       .position = 40},
      {.commit = "72f42973a559fb5a59fd66bbf277966ce81d1c8a",
       .title = "io_uring: cancel",
       .release = "v5.13",
       .verdict = decide::CommitVerdict::kClean,
       .built = true,
       .runs = 4,
       .position = 17},
      {.commit = r.commit,
       .title = r.culprit.title,
       .verdict = decide::CommitVerdict::kCrashes,
       .built = true,
       .target_crashes = 1,
       .runs = 4,
       .position = 18},
  };
  r.start_commit = "b9011c7e671dbbf59bb753283ddfd03f0c9eb865";
  r.start_title = "Add linux-next specific files";
  r.repo = "/src/linux";
  r.range_size = 41;
  r.settings = {{"build", "make -j2 && cp prog \"$CULPRIT_OUT/\""}, {"runs", "10"}};
  return r;
}

}  // namespace culprit::report
