// Private to crash/: the fast scans that keep crash-free logs above 1 GB/s. Each finds, in one
// pass, the lines that may matter; every rule runs only on those lines. The needles are read off
// the rule tables (oops_table.h, sanitizers.h), so adding a format never touches this file.
#pragma once

#include <cstddef>
#include <string_view>

namespace culprit::crash {

/// Offset of the next kernel header or user-space marker at or after `from`, or npos: its line
/// may start a report.
size_t NextCrashCandidate(std::string_view log, size_t from);

/// Offset of the next kernel header or message with its own stack at or after `from`, or npos:
/// inside a report, its line may end the title text or move the report's end.
size_t NextReportCandidate(std::string_view log, size_t from);

}  // namespace culprit::crash
