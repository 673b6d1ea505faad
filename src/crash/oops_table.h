// Private to crash/: the Linux oops rules as data. Each header family (the substring that starts
// a report, its false positives, its ordered formats) is one entry of OopsFamilies(); each format
// says how its report becomes a title. Adding a format means adding a row here and nothing else:
// the prefilter, the matcher and the frame extractor read these rows. Behaviour follows syzbot's
// rules as described in shared/reference/syzbot-title-rules.md (section numbers below are its).
#pragma once

#include <string_view>
#include <vector>

namespace culprit::crash {

/// How the frame a title names is picked among the candidate frames that survived the skips (§4).
enum class FrameChooser {
  kFirst,  ///< the first candidate
  kStall,  ///< the frame just above a dispatcher or syscall anchor (stalls, lockups)
  kHang,   ///< rtnl_lock / synchronize_rcu buckets, else the first non-waiting frame
};

/// One step of a frame rule (§1.7.1): a line pattern whose captures are candidate frames, or
/// (empty pattern) the reading of one stack section.
struct FrameStep {
  std::string_view line;
};

/// Ordered steps, the steps tried when they fail, the names skipped on top of the global list
/// (name-list notation, pattern.h), and the chooser.
struct FrameRule {
  std::vector<FrameStep> steps;
  std::vector<FrameStep> fallback;
  std::vector<std::string_view> skip;
  FrameChooser chooser = FrameChooser::kFirst;
};

/// One way of turning a report into a title (§1.6). Shapes fill {1}..{9} with the captures of
/// `body` (else of `title`) and {F}, {F2} with the frames the rule extracts.
struct OopsFormat {
  std::string_view title;  ///< searched in the title text; every match starts at the header
  std::string_view body;   ///< optional stricter pattern; when it fails the format gives way
  std::string_view shape;
  std::vector<std::string_view> alts;
  const FrameRule* frames = nullptr;
  bool stack_not_required = false;  ///< the report need not show a stack (§8)
  bool corrupted = false;           ///< matching it means the real header was lost
};

struct OopsFamily {
  std::string_view header;                        ///< substring that starts a report
  std::vector<std::string_view> false_positives;  ///< patterns searched in the raw line
  std::vector<OopsFormat> formats;                ///< in precedence order
};

/// The families in the order a line is tried against them (§1.2).
const std::vector<OopsFamily>& OopsFamilies();

/// Lines that match a family but never start a second report (§1.5).
const std::vector<std::string_view>& ReportContinuations();

/// Messages that are no bug but print a stack of their own; they end the title text (§1.5).
const std::vector<std::string_view>& InfoMessagesWithStack();

/// Lines that change how a report is gathered (§1.5): a dropped line, the start of a traceback
/// of every CPU, and lines that end a report far enough down.
inline constexpr std::string_view kLockDebuggingOff =
    "Disabling lock debugging due to kernel taint";
inline constexpr std::string_view kAllCpuBacktrace = "Sending NMI from CPU";
const std::vector<std::string_view>& ReportClosers();

/// The line steps frame rules share, exposed for tests.
extern const FrameStep kFaultLine;      ///< RIP/NIP/pc/PC is at line, its function captured
extern const FrameStep kCallTraceLine;  ///< "Call Trace:", "Call trace:", "Backtrace:"
extern const FrameStep kStackSection;   ///< read one stack section

}  // namespace culprit::crash
