// Private to crash/: Linux kernel console logs. Finds the oops line, gathers the report of its
// console context, picks the format and frame from the table (oops_table.h), then corruption,
// normalization, type and guilty file, as §1 of syzbot-title-rules.md describes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crash/report.h"

namespace culprit::crash {

/// True if `line` (raw, without '\n') starts a kernel report: it holds a family's header and
/// none of its false positives. `next` is the following line: a report that the console is
/// replaying does not count (pass `check_replay` false to ignore that rule).
bool IsLinuxOopsLine(std::string_view line, std::string_view next, bool check_replay);

struct LogFacts;

/// Parses the report whose oops line starts at `oops` in `log`; lines before `from` are not
/// looked at. Offsets are in `log`. `facts`, if given, gathers the whole-log facts of the lines
/// from the oops line to the end (panicked, suppressed are the caller's to set).
Report ParseLinuxOops(std::string_view log, size_t from, size_t oops, LogFacts* facts = nullptr);

/// Patterns of the rule tables that fail to compile ("pattern: error"); empty when all is well.
std::vector<std::string> LinuxFormatErrors();

}  // namespace culprit::crash
