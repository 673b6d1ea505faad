// The vocabulary between a run and the engine: a finished run classified into a stored status
// and title (shared by both targets), the target crash, and a stored run as the engine's
// evidence and as the log prints it. Private to job/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/outcome.h"
#include "job/run_predicate.h"
#include "job/target.h"
#include "run/runner.h"
#include "store/store.h"

namespace culprit::job {

/// Exit status 125: the commit cannot be tested.
constexpr int kUntestableExit = 125;

/// The common classification, under `predicate`:
/// - the infrastructure exit status (126 by default with --verdict crash), or exit 126/127
///   from a test the shell could not run ("not found", "Permission denied": the test command
///   itself is broken, as git bisect run checks) = infrastructure error;
/// - 125 or an untestable stage = the commit cannot be tested (keeps a crash title: "boot
///   failed: TITLE");
/// - a hang, a death by signal (or exit 128 + N) = crashed, titled; with --verdict crash also
///   a crash report in the log;
/// - --verdict exit: any other exit status but 0 = failed ("test failed (exit status N)",
///   with the crash title when the output holds a report);
/// - anything else OK.
/// With --expect, a failure (crashed or failed) also says whether its output matched.
ClassifiedRun ClassifyRun(const run::RunRecord& record, std::string_view log,
                          const RunPredicate& predicate = {});

/// What the engine counts as the target crash (for --verdict exit: the target failure).
struct TargetCrash {
  std::string title;
  std::vector<std::string> alt_titles;
  /// From the job's predicate (RunPredicate): with --verdict exit only failed runs can be the
  /// target; with --expect only failures whose output matched. When either is set, every such
  /// run is the target whatever its title (`title` names the commonest for the reports).
  Predicate verdict = Predicate::kCrash;
  bool expect = false;

  bool by_predicate() const { return verdict == Predicate::kExit || expect; }
};

/// The engine's evidence for a stored run, given the target crash.
Outcome ToOutcome(const store::RunRow& run, const TargetCrash& target);

/// "crashed: TITLE", "OK", "boot failed: TITLE", "infrastructure error: WHAT" for the log,
/// and whether the log was cut.
std::string Describe(const store::RunRow& run);
/// The same without the note about a cut log.
std::string DescribeStatus(const store::RunRow& run);

/// A title that is culprit's own word for a test that ran out of time ("test timed out", "no
/// output from test machine"): a bisected one deserves a warning naming --timeout.
bool IsTimeoutTitle(std::string_view title);
/// A timeout or a hang the kernel reported (hung task, stall, soft lockup): a bisected one
/// deserves a warning naming the time limits, since a test that is merely slow looks the same.
bool IsHangTitle(std::string_view title);

/// The target crash picked from the crashes seen on the bad commit: the most frequent title,
/// ties broken by first appearance. Empty title if none crashed. With a predicate (`how`), the
/// most frequent title among the runs it makes the target.
TargetCrash PickTarget(const std::vector<store::RunRow>& runs, const TargetCrash& how = {});

}  // namespace culprit::job
