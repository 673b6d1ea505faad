// Private to crash/: a kernel console line's prefix (§1.3 of syzbot-title-rules.md), e.g.
// "[  96.262735][ T1234] text": which printk caller printed it (its context), the text without
// the prefix, and whether it is an unwinder's unsure frame.
#pragma once

#include <string_view>

namespace culprit::crash {

enum class ContextKind : unsigned char {
  kNone,     ///< no console prefix
  kConsole,  ///< a timestamp without a caller id
  kCaller,   ///< a caller id: "[ T1234]" (a task) or "[    C0]" (a CPU)
};

struct ConsoleLine {
  std::string_view text;  ///< without the prefix; for a questionable frame, what follows its '?'
  ContextKind kind = ContextKind::kNone;
  std::string_view caller;  ///< the caller id with brackets and padding, for kCaller
  char caller_type = 0;     ///< 'T' or 'C' for kCaller
  bool questionable = false;

  bool SameContext(const ConsoleLine& other) const {
    return kind == other.kind && caller == other.caller;
  }
  bool IsTask() const { return kind == ContextKind::kCaller && caller_type == 'T'; }
  bool IsCpu() const { return kind == ContextKind::kCaller && caller_type == 'C'; }
};

/// Splits a raw console line (without its '\n').
ConsoleLine SplitConsoleLine(std::string_view raw);

}  // namespace culprit::crash
