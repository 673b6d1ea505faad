// What a finished bisection says, in the terms its readers use; filled by job, rendered here
// as the seed-style text report and as JSON.
#pragma once

#include <string>
#include <vector>

#include "history/history.h"

namespace culprit::report {

struct Timing {
  double total_s = 0;
  double build_s = 0;
  double test_s = 0;
};

struct CandidateInfo {
  std::string commit;
  std::string title;
  double probability = 0;
};

/// One commit culprit built and ran, in the order it was first tested.
struct TestedRevision {
  std::string commit;
  std::string title;
  std::string release;    ///< its release tag, if it is one
  std::string verdict;    ///< "good", "bad" (fix mode: "new", "old") or "skip"
  bool built = false;     ///< false: the build failed
  std::string signature;  ///< of the build, when built
  int target_crashes = 0;
  int runs = 0;
  double build_s = 0;
  double test_s = 0;
};

struct BisectionResult {
  std::string mode = "cause";     ///< "cause" | "fix"
  std::string outcome = "error";  ///< "found" | "inconclusive" | "horizon" | "error"
  std::string strategy;
  std::string commit;  ///< full hash: the culprit (found) or horizon commit; empty otherwise
  history::CommitInfo culprit;  ///< details of `commit` when known
  std::vector<history::FileStat> culprit_stat;
  std::string culprit_signature;
  std::string parent_signature;
  std::vector<CandidateInfo> candidates;
  double confidence = 0;
  bool noop = false, merge = false, release = false;
  std::string release_tag;
  std::string title;  ///< the target crash title
  int revisions_tested = 0;
  int builds = 0;
  int runs = 0;
  Timing time;
  std::vector<std::string> recipients_to;
  std::vector<std::string> recipients_cc;
  std::string crash_report;  ///< the target crash's report text (symbolized for kernels)
  std::string guilty_file;   ///< first non-generic source file of the report's stack
  std::string disassembly;   ///< "Code disassembly (best guess):" listing, when available
  std::vector<TestedRevision> tested;
  std::string stop_reason;
  std::string error;
};

}  // namespace culprit::report
