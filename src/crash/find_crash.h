// Private to crash/: the first line of a log that starts a crash report, kernel or user space.
#pragma once

#include <cstddef>
#include <string_view>

#include "crash/report.h"

namespace culprit::crash {

struct FirstCrash {
  size_t pos = std::string_view::npos;  ///< offset of the line; npos if there is no crash
  bool user_space = false;
};

struct LogFacts;

/// Scans from `from` on, in one pass, for the first crash header line. With `check_replay`, a
/// kernel header followed by the console's "replaying previous printk message" does not count.
/// `facts`, if given, gathers the whole-log facts of the lines scanned (up to the crash's line,
/// or to the end if there is none). `console_before`: `log` is the tail of a stream in which a
/// kernel console line came before log[0] (then no user-space report starts in it, as in the
/// whole stream; see IsUserSpaceHeaderLine).
FirstCrash FindFirstCrash(std::string_view log, size_t from, bool check_replay,
                          LogFacts* facts = nullptr, bool console_before = false);

/// Parses the crash `first` found in `log` (searched from `from`); whole-log facts included.
/// `before` are the facts FindFirstCrash gathered on its way, or null to scan for them.
Report ParseCrash(std::string_view log, size_t from, FirstCrash first,
                  const LogFacts* before = nullptr);

}  // namespace culprit::crash
