// Private to crash/: the first line of a log that starts a crash report, kernel or user space.
#pragma once

#include <cstddef>
#include <string_view>

#include "crash/report.h"

namespace culprit::crash {

struct FirstCrash {
  size_t pos = std::string_view::npos;  ///< offset of the line; npos if there is no crash
  bool user_space = false;
};

/// Scans from `from` on, in one pass, for the first crash header line. With `check_replay`, a
/// kernel header followed by the console's "replaying previous printk message" does not count.
FirstCrash FindFirstCrash(std::string_view log, size_t from, bool check_replay);

/// Parses the crash `first` found in `log` (searched from `from`); whole-log facts included.
Report ParseCrash(std::string_view log, size_t from, FirstCrash first);

}  // namespace culprit::crash
