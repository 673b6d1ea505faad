// The one place where the engine's enums get their words: job files and flags, the log, the
// reports and the JSON all read and print modes, strategies, outcomes and verdicts through here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "decide/engine.h"

namespace culprit::decide {

/// "cause" | "fix".
std::string_view ModeName(Mode mode);
std::optional<Mode> ParseModeName(std::string_view name);

/// "bayes" | "syzbot" | "git".
std::string_view StrategyName(StrategyKind kind);
std::optional<StrategyKind> ParseStrategyName(std::string_view name);

/// "found" | "inconclusive" | "horizon" | "error".
std::string_view OutcomeName(ConclusionKind kind);
std::optional<ConclusionKind> ParseOutcomeName(std::string_view name);

/// git bisect's words: cause mode "bad" / "good", fix mode "old" / "new"; "skip" for an
/// untestable commit and "undecided" for one without a verdict yet.
std::string_view VerdictWord(CommitVerdict verdict, Mode mode);
std::optional<CommitVerdict> ParseVerdictWord(std::string_view word);

/// What is searched for: "culprit" (cause) or "fix".
std::string_view SoughtNoun(Mode mode);

}  // namespace culprit::decide
