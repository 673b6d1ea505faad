// The vocabulary between a run and the engine: a finished run classified into a stored status
// and title (shared by both targets), the target crash, and a stored run as the engine's
// evidence and as the log prints it. Private to job/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/outcome.h"
#include "job/target.h"
#include "run/runner.h"
#include "store/store.h"

namespace culprit::job {

/// Exit status 125: the commit cannot be tested; 126: culprit's own infrastructure failed.
constexpr int kUntestableExit = 125;
constexpr int kInfraExit = 126;

/// The common classification: exit 126 = infrastructure, 125 or an untestable stage = the
/// commit cannot be tested, a crash report in the log, a hang or a death by signal = crashed,
/// anything else OK. Keeps the crash title of an untestable run ("boot failed: TITLE").
ClassifiedRun ClassifyRun(const run::RunRecord& record, std::string_view log);

struct TargetCrash {
  std::string title;
  std::vector<std::string> alt_titles;
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
/// ties broken by first appearance. Empty title if none crashed.
TargetCrash PickTarget(const std::vector<store::RunRow>& runs);

}  // namespace culprit::job
