// Private to crash/: Linux kernel console logs (oopses, after syzkaller's pkg/report/linux.go).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crash/report.h"

namespace culprit::crash {

/// The header substrings that can start an oops (the fast scan looks for these).
std::vector<std::string_view> LinuxOopsHeaders();

/// True if the line of `log` starting at `line_pos` starts a kernel oops.
bool IsLinuxOopsLine(std::string_view log, size_t line_pos);

/// Parses the oops whose line starts at `pos` (see find_crash.h). `log` is the whole log.
Report ParseLinuxOops(std::string_view log, size_t pos);

/// Regexes of the oops table that fail to compile ("pattern: error"); empty when all is well.
std::vector<std::string> LinuxFormatErrors();

/// GuiltyFile, with syzkaller's special case for RCU stalls (start at the interrupt entry).
std::string GuiltyFileForTitle(std::string_view title, std::string_view report);

/// True if "Kernel panic - not syncing" appears in `log`.
bool LinuxPanicked(std::string_view log);

}  // namespace culprit::crash
