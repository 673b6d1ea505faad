// Private to crash/: how the rule tables spell patterns, and compiling them with RE2.
// Table patterns are RE2 syntax plus a few named pieces, so a row reads like the rule it encodes:
//   {{PC}}    a bracketed address: "[<ffffffff81234567>]", "[ffff8000]", "[<0x12>]"
//   {{FN}}    a captured function name [A-Za-z0-9_]+, which must be followed by '.' or '+'
//   {{SRC}}   a captured source location "net/core/dev.c:1234"
//   {{TASK}}  up to 100 bytes of anything, line breaks included, as few as possible
//   {{NEXT}}  the rest of this line and as few later lines as needed: what follows matches on
//             the earliest later line where it can
// Name lists (frame skips, stall anchors) use the spec's notation: "*x*" contains x, "x*" starts
// with x, "*x" ends with x, "=x" is exactly x, and "re:..." is a regex for what words cannot say.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace culprit::crash {

/// `pattern` with its named pieces replaced by RE2 syntax.
std::string ExpandPattern(std::string_view pattern);

/// Compiles an expanded pattern; bytes are Latin-1 (a console log is not UTF-8), errors are
/// not logged (LinuxFormatErrors reports them). Null for an empty pattern.
std::unique_ptr<RE2> CompilePattern(std::string_view pattern);

/// One regex alternation of name-list entries (see above), or null for an empty list.
std::unique_ptr<RE2> CompileNameList(const std::vector<std::string_view>& entries);

/// The literal text every match of `pattern` starts with ("BUG: KASAN: " for "BUG: KASAN: ([a-z-]+)
/// in {{FN}}"); "" if the pattern opens with an anchor, a group or a class.
std::string LiteralPrefix(std::string_view pattern);

/// Literals of which every match of `pattern` holds at least one, read off its leading text
/// (through a leading group's alternatives and a top-level alternation); empty if unknown. A
/// line holding none of them cannot match: the pattern need not run there.
std::vector<std::string> RequiredLiterals(std::string_view pattern);

/// For a pattern without top-level alternation: the literal runs that follow each ".*" after
/// its literal prefix ("WARNING: .*lib/kobject\.c.* " gives "lib/kobject.c", " "). A match
/// holds them in this order on its first line.
std::vector<std::string> LiteralsAfterPrefix(std::string_view pattern);

/// Captures of `re` matched at exactly `pos` in `text` (false if there is none). Groups that took
/// no part are empty. `whole` receives the match.
bool MatchAt(const RE2& re, std::string_view text, size_t pos,
             std::vector<std::string_view>* groups, std::string_view* whole = nullptr);

/// The leftmost match of `re` in `text`, as MatchAt.
bool SearchIn(const RE2& re, std::string_view text, std::vector<std::string_view>* groups,
              std::string_view* whole = nullptr);

}  // namespace culprit::crash
