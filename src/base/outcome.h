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

}  // namespace culprit
