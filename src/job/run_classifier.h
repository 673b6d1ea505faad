// Turns one finished run (exit status, signal, console log) into a stored status and title,
// and compares a run's crash with the target crash. Private to job/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/outcome.h"
#include "run/runner.h"
#include "store/store.h"

namespace culprit::job {

/// Exit status 125: the commit cannot be tested; 126: culprit's own infrastructure failed.
constexpr int kUntestableExit = 125;
constexpr int kInfraExit = 126;

struct ClassifiedRun {
  store::RunStatus status = store::RunStatus::kOk;
  std::string title;
  std::vector<std::string> alt_titles;
};

ClassifiedRun ClassifyRun(const run::RunRecord& record, std::string_view log);

struct TargetCrash {
  std::string title;
  std::vector<std::string> alt_titles;
};

/// The engine's evidence for a stored run, given the target crash.
Outcome ToOutcome(const store::RunRow& run, const TargetCrash& target);

/// "crashed: TITLE", "OK", "boot failed: TITLE"-like text for the log.
std::string Describe(const store::RunRow& run);

/// The target crash picked from the crashes seen on the bad commit: the most frequent title,
/// ties broken by first appearance. Empty title if none crashed.
TargetCrash PickTarget(const std::vector<store::RunRow>& runs);

}  // namespace culprit::job
