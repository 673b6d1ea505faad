#include "decide/names.h"

#include <array>
#include <utility>

namespace culprit::decide {
namespace {

template <class E, size_t N>
using Table = std::array<std::pair<E, std::string_view>, N>;

constexpr Table<Mode, 2> kModes = {{{Mode::kCause, "cause"}, {Mode::kFix, "fix"}}};
constexpr Table<StrategyKind, 3> kStrategies = {{{StrategyKind::kBayes, "bayes"},
                                                 {StrategyKind::kSyzbot, "syzbot"},
                                                 {StrategyKind::kGit, "git"}}};
constexpr Table<ConclusionKind, 4> kOutcomes = {{{ConclusionKind::kFound, "found"},
                                                 {ConclusionKind::kInconclusive, "inconclusive"},
                                                 {ConclusionKind::kHorizon, "horizon"},
                                                 {ConclusionKind::kError, "error"}}};

template <class E, size_t N>
std::string_view NameIn(const Table<E, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "?";
}

template <class E, size_t N>
std::optional<E> ParseIn(const Table<E, N>& table, std::string_view name) {
  for (const auto& [e, n] : table) {
    if (n == name) return e;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ModeName(Mode mode) { return NameIn(kModes, mode); }
std::optional<Mode> ParseModeName(std::string_view name) { return ParseIn(kModes, name); }

std::string_view StrategyName(StrategyKind kind) { return NameIn(kStrategies, kind); }
std::optional<StrategyKind> ParseStrategyName(std::string_view name) {
  return ParseIn(kStrategies, name);
}

std::string_view OutcomeName(ConclusionKind kind) { return NameIn(kOutcomes, kind); }
std::optional<ConclusionKind> ParseOutcomeName(std::string_view name) {
  return ParseIn(kOutcomes, name);
}

std::string_view VerdictWord(CommitVerdict verdict, Mode mode) {
  const bool fix = mode == Mode::kFix;
  switch (verdict) {
    case CommitVerdict::kCrashes:
      return fix ? "old" : "bad";
    case CommitVerdict::kClean:
      return fix ? "new" : "good";
    case CommitVerdict::kUntestable:
      return "skip";
    case CommitVerdict::kUndecided:
      return "undecided";
  }
  return "undecided";
}

std::optional<CommitVerdict> ParseVerdictWord(std::string_view word) {
  if (word == "bad" || word == "old") return CommitVerdict::kCrashes;
  if (word == "good" || word == "new") return CommitVerdict::kClean;
  if (word == "skip") return CommitVerdict::kUntestable;
  if (word == "undecided") return CommitVerdict::kUndecided;
  return std::nullopt;
}

std::string_view SoughtNoun(Mode mode) { return mode == Mode::kFix ? "fix" : "culprit"; }

}  // namespace culprit::decide
