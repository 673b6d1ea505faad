#include "job/run_classifier.h"

#include <signal.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "crash/report.h"

namespace culprit::job {
namespace {

constexpr std::string_view kTimedOut = "test timed out";

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

}  // namespace

ClassifiedRun ClassifyRun(const run::RunRecord& record, std::string_view log) {
  ClassifiedRun out;
  out.stage = record.stage;
  out.truncated = record.output_truncated;
  if (record.exit_code == kInfraExit) {
    out.status = store::RunStatus::kInfra;
    out.title = "the test exited with status 126";
    return out;
  }
  crash::Report report = crash::Parse(log);
  if (report.crashed) {
    out.title = report.title;
    out.alt_titles = report.alt_titles;
  }
  if (record.exit_code == kUntestableExit || StageIsUntestable(record.stage)) {
    out.status = store::RunStatus::kUntestable;
    return out;
  }
  if (report.crashed) {
    out.status = store::RunStatus::kCrashed;
    return out;
  }
  if (record.stage != RunStage::kNone) {
    // A hung or vanished VM: a crash of its own kind, the target only if the target is one.
    out.status = store::RunStatus::kCrashed;
    out.title = std::string(RunStageName(record.stage));
    return out;
  }
  if (record.timed_out) {
    // A hang is a crash of its own kind; it matches the target only if the target is a hang.
    out.status = store::RunStatus::kCrashed;
    out.title = std::string(kTimedOut);
    return out;
  }
  if (record.output_flooded) {
    // Killed for flooding its output (several times the cap): a failure of its own kind, not
    // the signal culprit sent.
    out.status = store::RunStatus::kCrashed;
    out.title = "test flooded its output";
    return out;
  }
  // A shell that runs the reproducer as a child reports its death by signal N as 128 + N.
  int sig = record.signal;
  if (sig == 0 && record.exit_code > 128 && record.exit_code < 128 + 32)
    sig = record.exit_code - 128;
  if (sig != 0) {
    out.status = store::RunStatus::kCrashed;
    out.title = "killed by " + SignalName(sig);
    return out;
  }
  out.status = store::RunStatus::kOk;
  return out;
}

Outcome ToOutcome(const store::RunRow& run, const TargetCrash& target) {
  switch (run.status) {
    case store::RunStatus::kOk:
      return Outcome::kOk;
    case store::RunStatus::kUntestable:
      return Outcome::kUntestable;
    case store::RunStatus::kInfra:
      return Outcome::kInfraError;
    case store::RunStatus::kCrashed:
      break;
  }
  crash::Report a, b;
  a.crashed = b.crashed = true;
  a.title = run.title;
  a.alt_titles = run.alt_titles;
  b.title = target.title;
  b.alt_titles = target.alt_titles;
  return !target.title.empty() && crash::SameCrash(a, b) ? Outcome::kTargetCrash
                                                         : Outcome::kOtherCrash;
}

std::string Describe(const store::RunRow& run) {
  std::string text = DescribeStatus(run);
  if (run.truncated) text += " (log cut: its middle was left out)";
  return text;
}

std::string DescribeStatus(const store::RunRow& run) {
  switch (run.status) {
    case store::RunStatus::kOk:
      return "OK";
    case store::RunStatus::kCrashed:
      return "crashed: " + run.title;
    case store::RunStatus::kUntestable: {
      std::string_view stage = RunStageName(run.stage);
      if (stage.empty()) {
        return run.title.empty() ? "untestable (exit 125)" : "untestable: " + run.title;
      }
      return std::string(stage) + ": " +
             (run.title.empty() ? std::string("no output from test machine") : run.title);
    }
    case store::RunStatus::kInfra:
      return run.title.empty() ? "infrastructure error" : "infrastructure error: " + run.title;
  }
  return "?";
}

bool IsTimeoutTitle(std::string_view title) {
  return title == kTimedOut || title == RunStageName(RunStage::kNoOutput);
}

bool IsHangTitle(std::string_view title) {
  return IsTimeoutTitle(title) || crash::TypeOfTitle(title) == "HANG";
}

TargetCrash PickTarget(const std::vector<store::RunRow>& runs) {
  std::map<std::string, int> count;
  std::vector<const store::RunRow*> order;
  for (const auto& r : runs) {
    if (r.status != store::RunStatus::kCrashed) continue;
    if (count[r.title]++ == 0) order.push_back(&r);
  }
  TargetCrash target;
  int best = 0;
  for (const store::RunRow* r : order) {
    if (count[r->title] > best) {
      best = count[r->title];
      target = {r->title, r->alt_titles};
    }
  }
  return target;
}

}  // namespace culprit::job
