// Private to crash/: user-space crash reports (AddressSanitizer, LeakSanitizer, UBSan,
// ThreadSanitizer, MemorySanitizer, glibc assertions and aborts, Go and Rust panics).
#pragma once

#include <string_view>
#include <vector>

#include "crash/report.h"

namespace culprit::crash {

/// Offset of the first line that starts a user-space report at or after `from`, or npos.
size_t FindUserSpaceHeader(std::string_view log, size_t from = 0);

/// The substrings that can start a user-space report (the fast scan looks for these).
std::vector<std::string_view> UserSpaceMarkers();

/// True if the line starting at `line_pos` starts a user-space report.
bool IsUserSpaceHeaderLine(std::string_view log, size_t line_pos);

/// Parses the user-space report whose header line starts at `pos` (from FindUserSpaceHeader).
Report ParseUserSpace(std::string_view log, size_t pos);

}  // namespace culprit::crash
