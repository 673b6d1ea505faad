// Evaluation of the parser against syzkaller-style golden files ("TITLE:/ALT:/TYPE:/CORRUPTED:"
// headers, a blank line, the log). The caller reads the files; this only takes their bytes.
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
  std::string field;  ///< "crashed", "title", "alt", "corrupted", "type", "guilty_file"
  std::string want;
  std::string got;
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
  std::vector<Mismatch> mismatches;

  /// "crash 100.0% (498/498)  title 97.2% ..." one line per figure.
  std::string Summary() const;
};

/// Scores report files (syzkaller-linux-report) and guilty files (syzkaller-linux-guilty).
CorpusScore EvaluateCorpus(const std::vector<CorpusFile>& reports,
                           const std::vector<CorpusFile>& guilty);

}  // namespace culprit::crash
