// Private to crash/: the table of Linux oops formats (data, after syzkaller's linux.go).
#pragma once

#include <string_view>
#include <vector>

namespace culprit::crash {

/// How the frame named in a title is chosen from the stack frames that survive the skip lists.
enum class FrameChoice {
  kFirst,  ///< the first frame
  kStall,  ///< the frame just above a dispatcher/syscall anchor (RCU stalls, soft lockups)
  kHang,   ///< rtnl_lock / synchronize_rcu buckets, else the first non-scheduling frame
};

/// Regexes may use {{PC}}, {{FUNC}} (captures a function), {{ADDR}} and {{SRC}} (captures
/// file:line). In `parts`, kStackHere marks where a run of stack frames is parsed.
inline constexpr std::string_view kStackHere = "<stack>";

struct StackSpec {
  std::vector<std::string_view> parts;
  std::vector<std::string_view> parts2;  ///< tried when `parts` finds no frame
  std::vector<std::string_view> skip;    ///< extra skip regexes (on top of the generic list)
  FrameChoice choice = FrameChoice::kFirst;
};

struct OopsFormat {
  std::string_view title;   ///< regex; the earliest match in the report picks the format
  std::string_view report;  ///< optional stricter regex whose groups feed `fmt`
  std::string_view fmt;     ///< "{1}".."{9}": groups of report (else title), then the frame
  std::vector<std::string_view> alt;  ///< alternative titles, same placeholders
  bool has_stack = false;
  StackSpec stack;
  bool no_stack_trace = false;  ///< the report need not contain a call trace
  bool corrupted = false;       ///< matching this format means the real header was lost
};

struct OopsSpec {
  std::string_view header;  ///< substring that starts a report on a line
  std::vector<OopsFormat> formats;
  std::vector<std::string_view> suppressions;  ///< lines with the header that are not crashes
  bool line_start = false;   ///< the header must open the line (after the console prefix)
  std::string_view confirm;  ///< if set, a regex that must match within 8 KB from the line
};

const std::vector<OopsSpec>& LinuxOopsSpecs();

/// For a regex of `StackSpec::parts`: literals of which every match holds one ({} if not known).
/// Part regexes never span lines, so only lines that hold one need the regex.
struct PartLiterals {
  std::vector<std::string_view> literals;
  /// The regex is exactly the alternation of `literals`, in order, and captures nothing: the
  /// earliest literal is its match.
  bool whole = false;
};
PartLiterals LiteralsOfPart(std::string_view part);

}  // namespace culprit::crash
