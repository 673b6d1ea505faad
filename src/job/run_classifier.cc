#include "job/run_classifier.h"

#include <signal.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "base/strings.h"
#include "crash/report.h"

namespace culprit::job {
namespace {

constexpr std::string_view kTimedOut = "test timed out";

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

// The shell's words when it could not run the test at all (exit 126 or 127): dash's "sh: 1:
// ./t.sh: not found", bash's "command not found", "Permission denied", "bad interpreter",
// "cannot execute". git bisect run treats 126 and 127 as "bad" only once it checked that the
// command exists; here the line is the check. Empty if the run exited otherwise or said none.
std::string ShellCouldNotRun(const run::RunRecord& record, std::string_view log) {
  if (record.signal != 0 || (record.exit_code != 126 && record.exit_code != 127)) return "";
  std::vector<std::string_view> lines = SplitLines(log);
  const size_t from = lines.size() > 20 ? lines.size() - 20 : 0;
  for (size_t i = lines.size(); i > from; --i) {
    std::string_view line = Trim(lines[i - 1]);
    for (std::string_view words : {": not found", "command not found", "Permission denied",
                                   "bad interpreter", "cannot execute"}) {
      if (line.find(words) != std::string_view::npos) return std::string(line.substr(0, 200));
    }
  }
  return "";
}

// kCrashed (with its title) for a crash report (when `reported` counts), a hang, a VM that
// went silent, or a death by signal; else kOk.
store::RunStatus CrashStatus(const run::RunRecord& record, bool reported, std::string* title) {
  if (reported) return store::RunStatus::kCrashed;
  if (record.stage != RunStage::kNone) {
    // A hung or vanished VM: a crash of its own kind, the target only if the target is one.
    *title = std::string(RunStageName(record.stage));
    return store::RunStatus::kCrashed;
  }
  if (record.timed_out) {
    // A hang is a crash of its own kind; it matches the target only if the target is a hang.
    *title = std::string(kTimedOut);
    return store::RunStatus::kCrashed;
  }
  if (record.output_flooded) {
    // Killed for flooding its output (several times the cap): a failure of its own kind, not
    // the signal culprit sent.
    *title = "test flooded its output";
    return store::RunStatus::kCrashed;
  }
  // A shell that runs the reproducer as a child reports its death by signal N as 128 + N.
  int sig = record.signal;
  if (sig == 0 && record.exit_code > 128 && record.exit_code < 128 + 32)
    sig = record.exit_code - 128;
  if (sig != 0) {
    *title = "killed by " + SignalName(sig);
    return store::RunStatus::kCrashed;
  }
  return store::RunStatus::kOk;
}

}  // namespace

ClassifiedRun ClassifyRun(const run::RunRecord& record, std::string_view log,
                          const RunPredicate& predicate) {
  ClassifiedRun out;
  out.stage = record.stage;
  out.truncated = record.output_truncated;
  if (predicate.infra_exit() >= 0 && record.exit_code == predicate.infra_exit()) {
    out.status = store::RunStatus::kInfra;
    out.title = "the test exited with status " + std::to_string(record.exit_code);
    return out;
  }
  if (std::string broken = ShellCouldNotRun(record, log); !broken.empty()) {
    out.status = store::RunStatus::kInfra;
    out.title = "the test command could not be run (exit " + std::to_string(record.exit_code) +
                ": " + broken +
                "); fix --test (a script that exists only at some commits belongs outside the "
                "repository)";
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
  const bool exit_verdict = predicate.verdict() == Predicate::kExit;
  out.status = CrashStatus(record, report.crashed && !exit_verdict, &out.title);
  // --verdict exit: a crash is still titled by its report when there is one.
  if (exit_verdict && out.status == store::RunStatus::kCrashed && report.crashed)
    out.title = report.title;
  if (out.status == store::RunStatus::kOk && exit_verdict && record.exit_code != 0) {
    // git bisect run stops at an exit status of 128 or more: here it is a crash.
    out.status = record.exit_code >= 128 ? store::RunStatus::kCrashed : store::RunStatus::kFailed;
    out.title = report.crashed ? report.title : "exit status " + std::to_string(record.exit_code);
  }
  if (out.status == store::RunStatus::kOk) {
    out.title.clear();
    out.alt_titles.clear();
  }
  // Only the failures the verdict looks for can be the target: those --expect must match.
  const bool sought =
      out.status == (exit_verdict ? store::RunStatus::kFailed : store::RunStatus::kCrashed);
  if (predicate.has_expect() && sought) out.expect_matched = predicate.Matches(log);
  return out;
}

namespace {

// A failure the predicate makes the target: failed (--verdict exit) or crashed (--verdict
// crash), matching --expect if there is one.
bool IsPredicateTarget(const store::RunRow& run, const TargetCrash& target) {
  const store::RunStatus sought =
      target.verdict == Predicate::kExit ? store::RunStatus::kFailed : store::RunStatus::kCrashed;
  return run.status == sought && (!target.expect || run.expect_matched.value_or(false));
}

}  // namespace

Outcome ToOutcome(const store::RunRow& run, const TargetCrash& target) {
  switch (run.status) {
    case store::RunStatus::kOk:
      return Outcome::kOk;
    case store::RunStatus::kUntestable:
      return Outcome::kUntestable;
    case store::RunStatus::kInfra:
      return Outcome::kInfraError;
    case store::RunStatus::kCrashed:
    case store::RunStatus::kFailed:
      break;
  }
  if (target.by_predicate()) {
    return IsPredicateTarget(run, target) ? Outcome::kTargetCrash : Outcome::kOtherCrash;
  }
  if (run.status != store::RunStatus::kCrashed) return Outcome::kOtherCrash;
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
  // A failure --expect did not match is an unrelated one, as the log says.
  const std::string unmatched =
      run.expect_matched.value_or(true) ? "" : " (output does not match --expect)";
  switch (run.status) {
    case store::RunStatus::kOk:
      return "OK";
    case store::RunStatus::kCrashed:
      return "crashed: " + run.title + unmatched;
    case store::RunStatus::kFailed:
      return "failed: " + run.title + unmatched;
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

TargetCrash PickTarget(const std::vector<store::RunRow>& runs, const TargetCrash& how) {
  std::map<std::string, int> count;
  std::vector<const store::RunRow*> order;
  for (const auto& r : runs) {
    const bool candidate =
        how.by_predicate() ? IsPredicateTarget(r, how) : r.status == store::RunStatus::kCrashed;
    if (!candidate) continue;
    if (count[r.title]++ == 0) order.push_back(&r);
  }
  TargetCrash target = how;
  target.title.clear();
  target.alt_titles.clear();
  int best = 0;
  for (const store::RunRow* r : order) {
    if (count[r->title] > best) {
      best = count[r->title];
      target.title = r->title;
      target.alt_titles = r->alt_titles;
    }
  }
  return target;
}

}  // namespace culprit::job
