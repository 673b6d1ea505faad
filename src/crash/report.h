// Console log -> crash report: does this log hold a crash, what is its title (as syzbot names
// it), its alternative titles, type, frame and guilty file. Takes bytes; reads no files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace culprit::crash {

struct Report {
  bool crashed = false;
  std::string title;                   ///< "KASAN: use-after-free Read in io_req_task_submit"
  std::vector<std::string> alt_titles; ///< sorted; used to match the same crash under other names
  std::string type;                    ///< KASAN, KMSAN, KCSAN, KFENCE, UBSAN, WARNING, LOCKDEP,
                                       ///< HANG, STALL, LEAK, BUG, PANIC, ASAN, ..., UNKNOWN
  bool corrupted = false;              ///< truncated, interleaved, or no usable stack
  std::string frame;                   ///< the function the title names
  std::string guilty_file;             ///< first non-generic source file in the stack, if known
  bool panicked = false;               ///< "Kernel panic - not syncing" appears in the log
  size_t start = 0;                    ///< byte offset of the report's first line in the log
  size_t end = 0;                      ///< byte offset just past the report's last line
  std::string report;                  ///< the report text (console prefixes removed)
};

/// Parses the first crash in `log`. Never fails: a log with no crash gives crashed == false.
Report Parse(std::string_view log);

/// True if `log` contains a crash; cheaper than Parse for logs that do not.
bool ContainsCrash(std::string_view log);

/// True if two reports name the same crash: equal titles, or a title of one among the other's
/// alternative titles (or both share an alternative title).
bool SameCrash(const Report& a, const Report& b);

}  // namespace culprit::crash
