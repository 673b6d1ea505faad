// Private to crash/: the fast scans that keep crash-free logs above 1 GB/s. Each finds, in one
// pass, the lines that may matter; every rule runs only on those lines. The needles are read off
// the rule tables (oops_table.h, sanitizers.h), so adding a format never touches this file.
#pragma once

#include <cstddef>
#include <string_view>

namespace culprit::crash {

/// Offset of the next kernel header or user-space marker at or after `from`, or npos: its line
/// may start a report. Lines changing whole-log facts (log_facts.h) are candidates of both
/// scans too, so the facts come at no extra pass.
size_t NextCrashCandidate(std::string_view log, size_t from);

/// Offset of the next kernel header, message with its own stack, or line that changes how a
/// report is gathered (oops_table.h) at or after `from`, or npos: inside a report, only those
/// lines need more than their console prefix looked at.
size_t NextReportCandidate(std::string_view log, size_t from);

class NeedleSet;
/// The needle sets behind the two scans (for tests: both must keep their fast path).
const NeedleSet& CrashNeedles();
const NeedleSet& ReportNeedles();

}  // namespace culprit::crash
