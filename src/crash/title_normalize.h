// Private to crash/: syzbot's title normalization and the title -> crash type table.
#pragma once

#include <string>
#include <string_view>

namespace culprit::crash {

/// Replaces volatile parts of a title (numbers, addresses, IPs, line numbers, offsets, executor
/// names) with placeholders, drops non-printable bytes and cuts it to 120 bytes (syzkaller's
/// order of rules).
std::string NormalizeTitle(std::string_view title);

/// The crash type syzbot derives from a title prefix ("KASAN: use-after-free Read" ->
/// "KASAN-USE-AFTER-FREE-READ", "INFO: task hung" -> "HANG"); "UNKNOWN" when none applies.
std::string TitleToType(std::string_view title);

}  // namespace culprit::crash
