// Evaluation of the parser against syzkaller-style golden files (TITLE/ALT/TYPE/FRAME/CORRUPTED/
// SUPPRESSED/PANICKED/EXECUTOR/START/END headers, a blank line, the log, optionally a REPORT:
// section; shared/eval/SOURCE.md). The caller reads the files; this only takes their bytes.
#pragma once

#include <string>
#include <vector>

namespace culprit::crash {

struct CorpusFile {
  std::string name;
  std::string content;  ///< the whole file, headers included
};

struct Mismatch {
  std::string file;
  std::string field;  ///< "crashed", "title", "alt", "corrupted", "type", "frame", "suppressed",
                      ///< "panicked", "executor", "positions", "report", "guilty_file"
  std::string want;
  std::string got;
};

/// One measure: files where it agreed, of files where it applies.
struct Measure {
  int ok = 0;
  int of = 0;
};

struct CorpusScore {
  int files = 0;
  int crash_agree = 0;  ///< ContainsCrash and Parse agree with whether a TITLE is expected
  int title_exact = 0;  ///< over all files ("" == "" for no-crash files)
  int alt_exact = 0;    ///< sorted ALT set equal, over all files
  int corrupted_ok = 0;
  int type_ok = 0;  ///< TYPE header (missing = UNKNOWN), over titled files
  int titled = 0;
  int guilty_files = 0;
  int guilty_ok = 0;
  Measure frame;       ///< FRAME header, where a file has one
  Measure suppressed;  ///< SUPPRESSED (missing = N), over all files
  Measure panicked;    ///< PANICKED (missing = N), over all files
  Measure executor;    ///< EXECUTOR (missing = none), over all files
  /// START/END offsets where a file has them, and everywhere a report is found: start < end
  /// within the log, parsing from start gives the title again, parsing from end does not.
  Measure positions;
  Measure report;  ///< byte-exact REPORT body, where a file has one
  std::vector<Mismatch> mismatches;

  /// "crash/no-crash agreement 100.0% (498/498)" ... one line per figure.
  std::string Summary() const;
};

/// Scores report files (syzkaller-linux-report) and guilty files (syzkaller-linux-guilty).
CorpusScore EvaluateCorpus(const std::vector<CorpusFile>& reports,
                           const std::vector<CorpusFile>& guilty);

}  // namespace culprit::crash
