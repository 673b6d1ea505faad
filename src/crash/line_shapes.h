// Private to crash/: the shapes of lines inside a kernel report that frame extraction and the
// corruption checks share (§1.7.3 of syzbot-title-rules.md): where a stack starts, what a frame
// line looks like, and the fault-injection frame that marks a report as interleaved. Each shape
// is written once, here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace culprit::crash {

/// A way a stack starts: "Call Trace:", "Freed by task 12:", kmemleak's "backtrace:", ...
struct StackStartShape {
  std::string_view literal;  ///< every match holds it (a fast test before the pattern)
  std::string_view pattern;
  bool can_corrupt = true;  ///< false: it may provide a stack but its absence corrupts nothing
};

/// In the order the stack-presence check takes them (§8).
const std::vector<StackStartShape>& StackStartShapes();

/// True if `line` holds a stack start.
bool IsStackStartLine(std::string_view line);

/// The lines of a text worth a closer look: those holding a stack-start literal or a
/// fault-injection frame's name, found in one pass, in order.
struct MarkedLine {
  size_t pos = 0;                ///< offset of the line in the text
  bool stack_start = false;      ///< IsStackStartLine
  bool fault_injection = false;  ///< IsFaultInjectionFrame
};
std::vector<MarkedLine> MarkLines(std::string_view text);

/// Where each shape first matches in `text` (a whole report), npos where it does not; in the
/// order of StackStartShapes(). A match may begin with the byte before its line (the byte
/// before " backtrace:" must not be 'k'). `marks` are MarkLines(text).
std::vector<size_t> FirstStackStarts(std::string_view text, const std::vector<MarkedLine>& marks);

/// The function names a frame line holds, in order: " foo+0x1/0x2" and " [<ffff..>] foo.isra.0+0x1"
/// give one, 32-bit ARM's "[<c0..>] (foo) from [<c0..>] (bar+0x1/0x2)" two. False if `line` is
/// not a frame line. Names are views into `line`.
bool FrameLineNames(std::string_view line, std::vector<std::string_view>* names);

/// A fault-injection frame (" should_fail+0x...", " [<..>] should_failslab.cold+0x..."): its
/// stack is mixed into the report's.
bool IsFaultInjectionFrame(std::string_view line);

}  // namespace culprit::crash
