// Private to crash/: user-space crash reports (AddressSanitizer, LeakSanitizer, UBSan,
// ThreadSanitizer, MemorySanitizer, glibc assertions and aborts, Go and Rust panics). Each kind
// is one row of UserSpaceFormats(): the marker that starts it, how its kind and frame are read,
// its title prefix and type. The rows are culprit's own (syzbot has no user-space rules); inside
// a kernel console none applies, so kernel logs get syzbot's titles.
#pragma once

#include <string_view>
#include <vector>

#include "crash/report.h"

namespace culprit::crash {

/// Where a report's frame comes from.
enum class UserStack {
  kSanitizer,  ///< "#1 0x55d4 in parse_node /src/x.c:12:5" (ASan, MSan), "#0 f /x.c:1 (b+0x1)"
  kGo,         ///< "main.parse(0xc000, 0x3)" then "\t/src/x.go:12 +0x1d"
  kRust,       ///< "  4: prog::parse" then "at ./src/main.rs:5:10" (RUST_BACKTRACE=1)
};

struct UserSpaceFormat {
  std::string_view marker;  ///< substring that starts the report on a line
  /// Pattern the header line must match; its first group (if any) is the kind.
  std::string_view header;
  std::string_view kind;   ///< the kind when `header` has no group
  std::string_view title;  ///< title prefix: "ASan: "
  std::string_view type;   ///< crash type: ASAN, LEAK, UBSAN, TSAN, MSAN, ASSERT, PANIC
  UserStack stack = UserStack::kSanitizer;
  bool needs_stack = false;  ///< a report without a single frame was cut off (corrupted)
  /// Pattern whose match on the header line rules the row out.
  std::string_view unless;
  /// Text that must follow within 4 KB (a Go panic prints its goroutines).
  std::string_view followed_by;
  /// The kind is the next line when the header ends with ':' (Rust since 1.73).
  bool kind_on_next_line = false;
  /// Pattern on the header line capturing (file, function): the header names the frame.
  std::string_view header_frame;
  /// Pattern on the header line capturing a source location: named when there is no frame.
  std::string_view header_file;
};

/// The rows, in the order they are tried on a line.
const std::vector<UserSpaceFormat>& UserSpaceFormats();

/// The substrings that can start a user-space report (the fast scan looks for these).
std::vector<std::string_view> UserSpaceMarkers();

/// How far a scan of one log for kernel console lines got: kept by a caller that asks about
/// many lines of the same log in order (FindFirstCrash), so that they cost one pass.
struct ConsoleScan {
  size_t scanned = 0;                     ///< lines starting before this were looked at
  size_t stamp = std::string_view::npos;  ///< the first line with a console prefix, if found
};

/// True if the line starting at `line_pos` starts a user-space report. Never inside a kernel
/// console: once a line of `log` at or before it carries a console prefix ("[  96.262735] ").
/// `scan`, if given, must have seen only this log.
bool IsUserSpaceHeaderLine(std::string_view log, size_t line_pos, ConsoleScan* scan = nullptr);

/// True if a line of `text` carries a kernel console prefix: from then on a stream is a kernel
/// console, whose user-space-looking lines are a program's output (the Scanner keeps this fact
/// for the parts of a stream it no longer holds).
bool HasKernelConsoleLine(std::string_view text);

/// Parses the user-space report whose header line starts at `pos` (see find_crash.h).
Report ParseUserSpace(std::string_view log, size_t pos);

}  // namespace culprit::crash
