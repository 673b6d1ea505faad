// Console log -> crash report: does this log hold a crash, what is its title (as syzbot names
// it), its alternative titles, type, frame and guilty file. Kernel oopses (linux_*.cc) and
// user-space sanitizer/runtime reports (sanitizers.cc). Takes bytes; reads no files.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace culprit::crash {

/// The syzkaller executor a report names ("Comm: syz.P.I"): its process and program numbers.
struct Executor {
  int proc = 0;
  int id = 0;
};

struct Report {
  bool crashed = false;
  std::string title;                    ///< "KASAN: use-after-free Read in io_req_task_submit"
  std::vector<std::string> alt_titles;  ///< sorted; used to match the same crash under other names
  std::string type;              ///< syzbot's crash type (KASAN-USE-AFTER-FREE-READ, WARNING,
                                 ///< LOCKDEP, HANG, LEAK, DoS, ...), ASAN, UBSAN, TSAN, MSAN,
                                 ///< ASSERT, PANIC for user space; UNKNOWN if none applies
  bool corrupted = false;        ///< truncated, interleaved, or no usable stack
  std::string corrupted_reason;  ///< why, when corrupted ("extracted no frames", ...)
  bool suppressed = false;       ///< the log matches a suppression (the executor could not start,
                                 ///< the OOM killer took the fuzzer, ...): real, but not a bug
  std::optional<Executor> executor;  ///< the syzkaller program that ran, if the report says
  std::string frame;                 ///< the function the title names
  std::string guilty_file;           ///< first non-generic source file in the stack, if known
  bool panicked = false;             ///< "Kernel panic - not syncing" appears in the log
  size_t start = 0;                  ///< byte offset of the report's first line in the log
  size_t end = 0;      ///< end (the '\n' or the log's end) of the report's last header
                       ///< line (syzkaller's EndPos, e.g. the closing "Kernel panic" line);
                       ///< user space: of its SUMMARY line
  std::string report;  ///< the report text (console prefixes removed), a few lines of
                       ///< the same context before it included
};

/// Parses the first crash in `log`. Never fails: a log with no crash gives crashed == false.
/// Cost is linear in the log size for any input (no regex runs per line of a crash-free log).
Report Parse(std::string_view log);

/// Parses the first crash at or after offset `from` (the log before it is not looked at, but
/// offsets are in `log` and whole-log facts such as `panicked` cover all of it). To list every
/// report, parse again from each report's first line end.
Report ParseFrom(std::string_view log, size_t from);

/// True if `log` contains a crash; cheaper than Parse for logs that do not. It can be true
/// where Parse finds none: a kernel header the console is replaying counts here, not there.
bool ContainsCrash(std::string_view log);

/// True if two reports name the same crash: equal titles, or a title of one among the other's
/// alternative titles (or both share an alternative title).
bool SameCrash(const Report& a, const Report& b);

/// The first source file of `report`'s stack that is not generic kernel code (headers, lib/,
/// sanitizers, allocators, locking, scheduling, ...), or a deeper one of the same subtree; the
/// first file cited if all are generic; "" if none. `report` is a report text whose frames carry
/// `file.c:line` (symbolized). As syzbot picks it; with the report's `title`, an RCU stall is
/// looked at from its timer interrupt on (the frames before it are the stall detector's).
std::string GuiltyFile(std::string_view report, std::string_view title = {});

/// syzbot's crash type of a title ("KASAN-USE-AFTER-FREE-READ", "WARNING"; "HANG" for hung
/// tasks, stalls and soft lockups; "UNKNOWN" when none applies).
std::string TypeOfTitle(std::string_view title);

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
