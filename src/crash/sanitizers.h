// Private to crash/: user-space crash reports (AddressSanitizer, LeakSanitizer, UBSan,
// ThreadSanitizer, MemorySanitizer, glibc assertions and aborts, Go and Rust panics).
#pragma once

#include <string_view>
#include <vector>

#include "crash/report.h"

namespace culprit::crash {

/// The substrings that can start a user-space report (the fast scan looks for these).
std::vector<std::string_view> UserSpaceMarkers();

/// True if the line starting at `line_pos` starts a user-space report.
bool IsUserSpaceHeaderLine(std::string_view log, size_t line_pos);

/// Parses the user-space report whose header line starts at `pos` (see find_crash.h).
Report ParseUserSpace(std::string_view log, size_t pos);

}  // namespace culprit::crash
