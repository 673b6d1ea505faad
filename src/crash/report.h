// Console log -> crash report: does this log hold a crash, what is its title (as syzbot names
// it), its alternative titles, type, frame and guilty file. Kernel oopses (linux_*.cc) and
// user-space sanitizer/runtime reports (sanitizers.cc). Takes bytes; reads no files.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace culprit::crash {

struct Report {
  bool crashed = false;
  std::string title;                    ///< "KASAN: use-after-free Read in io_req_task_submit"
  std::vector<std::string> alt_titles;  ///< sorted; used to match the same crash under other names
  std::string type;         ///< syzbot's crash type (KASAN-USE-AFTER-FREE-READ, WARNING,
                            ///< LOCKDEP, HANG, LEAK, DoS, ...), ASAN, UBSAN, TSAN, MSAN,
                            ///< ASSERT, PANIC for user space; UNKNOWN if none applies
  bool corrupted = false;   ///< truncated, interleaved, or no usable stack
  std::string frame;        ///< the function the title names
  std::string guilty_file;  ///< first non-generic source file in the stack, if known
  bool panicked = false;    ///< "Kernel panic - not syncing" appears in the log
  size_t start = 0;         ///< byte offset of the report's first line in the log
  size_t end = 0;           ///< past the last header line of the report (syzkaller's EndPos,
                            ///< e.g. the closing "Kernel panic" line); user space: past SUMMARY
  std::string report;       ///< the report text (console prefixes removed)
};

/// Parses the first crash in `log`. Never fails: a log with no crash gives crashed == false.
/// Cost is linear in the log size for any input (no regex runs per line of a crash-free log).
Report Parse(std::string_view log);

/// True if `log` contains a crash; cheaper than Parse for logs that do not.
bool ContainsCrash(std::string_view log);

/// True if two reports name the same crash: equal titles, or a title of one among the other's
/// alternative titles (or both share an alternative title).
bool SameCrash(const Report& a, const Report& b);

/// The first source file of `report`'s stack that is not generic kernel/runtime code
/// (dump_stack, sanitizers, allocators, locking, ...), or "" if none. `report` is a report text
/// whose frames carry `file.c:line` (symbolized).
std::string GuiltyFile(std::string_view report);

/// Every source file cited in `report`'s stack that is not generic code, in order, each once
/// (cleaned of a leading "/", "./" and "dir/.."). For a prior over commits: the ones that
/// touched these files are likelier culprits.
std::vector<std::string> StackFiles(std::string_view report);

/// Streams a log of any size in chunks and keeps memory bounded: it remembers at most
/// `Options::max_report_bytes` from the first crash header on, and a little context before it.
/// Feed every chunk, then call Finish() once.
class Scanner {
 public:
  struct Options {
    size_t max_report_bytes = 1 << 20;  ///< kept after the first crash header
    size_t context_bytes = 16 << 10;    ///< kept before it (the oops' preceding lines)
  };
  Scanner();
  explicit Scanner(Options options);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  void Feed(std::string_view chunk);
  /// The first crash of everything fed; start/end are offsets in the whole stream.
  /// `panicked` covers the whole stream too.
  Report Finish();
  /// Bytes currently held (for tests of the memory bound).
  size_t buffered_bytes() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace culprit::crash
