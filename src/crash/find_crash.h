// Private to crash/: the first line of a log that starts a crash report, kernel or user space.
#pragma once

#include <cstddef>
#include <string_view>

namespace culprit::crash {

struct FirstCrash {
  size_t pos = std::string_view::npos;  ///< offset of the line; npos if there is no crash
  bool user_space = false;
};

/// Scans from `from` on, in one pass, for the first crash header line.
FirstCrash FindFirstCrash(std::string_view log, size_t from);

}  // namespace culprit::crash
