// Private to crash/: facts about a whole console log, whatever its first crash (§1.9, §9 of
// syzbot-title-rules.md): did the kernel panic, does a suppression pattern match (an executor
// that could not start, the OOM killer taking the fuzzer or sshd, ...), did the VM disconnect.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace culprit::crash {

struct LogFacts {
  bool panicked = false;         ///< "Kernel panic - not syncing"
  bool suppressed = false;       ///< a suppression pattern matches
  bool vm_disconnected = false;  ///< "serialport: VM disconnected."
};

/// One pass over `log`.
LogFacts ScanLogFacts(std::string_view log);

/// The literals every line that changes LogFacts holds: a scan that already looks at the lines
/// holding them (the prefilter's) collects the facts with NoteLogFacts, at no extra pass.
std::vector<std::string_view> LogFactNeedles();

/// Adds what `line` says to `facts`.
void NoteLogFacts(std::string_view line, LogFacts* facts);

/// True if "Kernel panic - not syncing" appears in `log` (cheaper than ScanLogFacts).
bool LogPanicked(std::string_view log);

/// The suppression rules, one per row: a literal every match holds and an optional pattern the
/// line holding it must match.
struct SuppressionRule {
  std::string_view literal;
  std::string_view pattern;
};
const std::vector<SuppressionRule>& SuppressionRules();

/// LogFacts over a stream fed in chunks of any size (lines may straddle chunks).
class LogFactsStream {
 public:
  void Feed(std::string_view chunk);
  LogFacts Finish();

 private:
  void Lines(std::string_view complete);
  std::string partial_;
  LogFacts facts_;
};

}  // namespace culprit::crash
