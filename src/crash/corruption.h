// Private to crash/: the checks that mark a kernel report as corrupted after its title is chosen
// (§8 of syzbot-title-rules.md): a title holding another line's timestamp, and a report whose
// stack is missing or empty.
#pragma once

#include <string_view>
#include <vector>

namespace culprit::crash {

/// True if `raw_title` (before normalization) holds a console timestamp "[  12.345678]".
bool TitleHasTimestamp(std::string_view raw_title);

/// Why `report_text` (the report without its prefix lines) lacks a usable stack: "call trace is
/// missed", "no frames in a stack trace", "no stack trace in report"; "" if it has one.
std::string_view MissingStackReason(std::string_view report_text);

struct MarkedLine;
/// As above, with MarkLines(report_text) already at hand.
std::string_view MissingStackReason(std::string_view report_text,
                                    const std::vector<MarkedLine>& marks);

}  // namespace culprit::crash
