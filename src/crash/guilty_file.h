// Private to crash/: the guilty file with the title's special cases (§6 of
// syzbot-title-rules.md). GuiltyFile and StackFiles in report.h are the public entry points.
#pragma once

#include <string>
#include <string_view>

namespace culprit::crash {

/// GuiltyFile, but an RCU stall (by its title) is looked at from its timer interrupt on.
std::string GuiltyFileForTitle(std::string_view title, std::string_view report);

}  // namespace culprit::crash
