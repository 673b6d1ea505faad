#include "crash/report.h"

#include <algorithm>

#include "crash/find_crash.h"
#include "crash/lines.h"
#include "crash/linux_report.h"
#include "crash/log_facts.h"
#include "crash/prefilter.h"
#include "crash/sanitizers.h"
#include "crash/title_normalize.h"

namespace culprit::crash {

FirstCrash FindFirstCrash(std::string_view log, size_t from, bool check_replay, LogFacts* facts,
                          bool console_before) {
  ConsoleScan console;  // one pass over the log's lines for every user-space candidate
  while (from < log.size()) {
    size_t hit = NextCrashCandidate(log, from);
    if (hit == std::string_view::npos) break;
    Line line = LineAt(log, hit);
    if (line.pos < from) line = {line.text.substr(from - line.pos), from};
    if (facts != nullptr) NoteLogFacts(line.text, facts);
    // A user-space report on a line with a kernel header ("WARNING: ThreadSanitizer: ...") is
    // the user-space one.
    if (!console_before && IsUserSpaceHeaderLine(log, line.pos, &console)) {
      return {line.pos, /*user_space=*/true};
    }
    size_t past = PastLine(log, line.end());
    std::string_view next = past < log.size() ? LineAt(log, past).text : std::string_view();
    if (IsLinuxOopsLine(line.text, next, check_replay)) return {line.pos, /*user_space=*/false};
    from = past;
  }
  return {};
}

Report ParseCrash(std::string_view log, size_t from, FirstCrash first, const LogFacts* before) {
  Report r;
  if (first.pos == std::string_view::npos || first.user_space) {
    if (first.pos != std::string_view::npos) {
      r = ParseUserSpace(log, first.pos);
      // A suppression pattern anywhere in the output suppresses any report (§9).
      r.suppressed = ScanLogFacts(log).suppressed;
    }
    r.panicked = before != nullptr && first.pos == std::string_view::npos && from == 0
                     ? before->panicked
                     : LogPanicked(log);
    return r;
  }
  // Suppressions and the VM's disconnection concern the whole console, not the report: the
  // scans that found and gathered the report saw every line that matters from `from` on.
  LogFacts facts = before != nullptr ? *before : LogFacts{};
  bool scanned = before != nullptr;
  r = ParseLinuxOops(log, from, first.pos, scanned ? &facts : nullptr);
  if (!scanned) {
    facts = ScanLogFacts(log);
  } else if (from > 0) {
    LogFacts head = ScanLogFacts(log.substr(0, from));
    facts.panicked = facts.panicked || head.panicked;
    facts.suppressed = facts.suppressed || head.suppressed;
    facts.vm_disconnected = facts.vm_disconnected || head.vm_disconnected;
  }
  r.panicked = facts.panicked;
  r.suppressed = facts.suppressed;
  if (facts.vm_disconnected && r.crashed) {
    if (!r.corrupted) r.corrupted_reason = "VM disconnected";
    r.corrupted = true;
  }
  return r;
}

Report ParseFrom(std::string_view log, size_t from) {
  from = std::min(from, log.size());
  LogFacts facts;
  FirstCrash first = FindFirstCrash(log, from, /*check_replay=*/true, &facts);
  return ParseCrash(log, from, first, &facts);
}

Report Parse(std::string_view log) { return ParseFrom(log, 0); }

std::string TypeOfTitle(std::string_view title) { return TitleToType(title); }

bool ContainsCrash(std::string_view log) {
  return FindFirstCrash(log, 0, /*check_replay=*/false).pos != std::string_view::npos;
}

bool SameCrash(const Report& a, const Report& b) {
  if (!a.crashed || !b.crashed) return false;
  if (a.title == b.title) return true;
  auto contains = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  if (contains(b.alt_titles, a.title) || contains(a.alt_titles, b.title)) return true;
  return std::any_of(a.alt_titles.begin(), a.alt_titles.end(),
                     [&](const std::string& t) { return contains(b.alt_titles, t); });
}

}  // namespace culprit::crash
