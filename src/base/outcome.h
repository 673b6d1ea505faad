// What one run of a reproducer on one built commit says about the target crash: the engine's
// unit of evidence. The job classifies raw runs into these; the engine only counts them.
#pragma once

#include <string_view>

namespace culprit {

enum class Outcome {
  kTargetCrash,  ///< the crash being bisected (title or an alternative title matches)
  kOtherCrash,   ///< a different crash: recorded and shown, never evidence of badness
  kOk,           ///< the reproducer ran to the end and nothing crashed
  kUntestable,   ///< the commit cannot be tested (boot failed, exit 125): skip-like
  kInfraError,   ///< culprit or the machine failed (exit 126, spawn failed): no evidence
};

constexpr std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kTargetCrash:
      return "target-crash";
    case Outcome::kOtherCrash:
      return "other-crash";
    case Outcome::kOk:
      return "ok";
    case Outcome::kUntestable:
      return "untestable";
    case Outcome::kInfraError:
      return "infra-error";
  }
  return "?";
}

/// Where a run ended when it ended before the reproducer could tell anything, or hung: set by
/// VM runners (plain processes leave it kNone).
enum class RunStage {
  kNone,             ///< the reproducer ran; its exit and output tell the rest
  kBootFailed,       ///< the machine did not boot: untestable ("boot failed: TITLE")
  kBasicTestFailed,  ///< it booted but failed before the reproducer: untestable
  kNoOutput,         ///< silence after the reproducer started: a hang of its own kind
  kLostConnection,   ///< the machine died without a crash report
};

/// syzbot's words: "boot failed", "basic kernel testing failed", "no output from test
/// machine", "lost connection to test machine"; "" for kNone.
constexpr std::string_view RunStageName(RunStage stage) {
  switch (stage) {
    case RunStage::kNone:
      return "";
    case RunStage::kBootFailed:
      return "boot failed";
    case RunStage::kBasicTestFailed:
      return "basic kernel testing failed";
    case RunStage::kNoOutput:
      return "no output from test machine";
    case RunStage::kLostConnection:
      return "lost connection to test machine";
  }
  return "";
}

constexpr RunStage ParseRunStage(std::string_view name) {
  for (RunStage s : {RunStage::kBootFailed, RunStage::kBasicTestFailed, RunStage::kNoOutput,
                     RunStage::kLostConnection}) {
    if (RunStageName(s) == name) return s;
  }
  return RunStage::kNone;
}

/// True for the stages that make a run untestable (the commit, not the reproducer, failed).
constexpr bool StageIsUntestable(RunStage stage) {
  return stage == RunStage::kBootFailed || stage == RunStage::kBasicTestFailed;
}

}  // namespace culprit
