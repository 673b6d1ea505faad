// A syzbot bisection log (syzkaller pkg/bisect, cause or fix), read back into the evidence it
// holds: every tested commit with its runs, the release walk, git's verdicts and counts, and
// the answer syzbot gave. Reads text only; what the evidence means is audit.h's business.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace culprit::audit {

enum class LoggedRunKind {
  kOk,           ///< "OK"
  kCrashed,      ///< "crashed: TITLE"
  kBootFailed,   ///< "boot failed: TITLE"
  kTestFailed,   ///< "basic kernel testing failed: TITLE"
  kInfraFailed,  ///< "infra problem: ..." or "failed: ..."
};

struct LoggedRun {
  LoggedRunKind kind = LoggedRunKind::kOk;
  std::string title;  ///< the crash or failure title; empty for kOk
};

enum class LoggedVerdict { kNone, kGood, kBad, kSkip };

/// One "testing commit H" block.
struct TestedCommit {
  std::string id;             ///< as the log writes it (usually the full hash)
  std::string title;          ///< from git's "[H] title" line, when the log has one
  int line = 0;               ///< line of "testing commit H" (1-based)
  std::string release;        ///< "v5.13" when tested by the release walk ("testing release v5.13")
  bool head = false;          ///< fix bisection: "testing current HEAD H"
  bool in_bisection = false;  ///< tested after "# git bisect start"
  std::string compiler;
  std::string signature;  ///< "kernel signature:" (equal signatures: the same kernel)
  std::vector<LoggedRun> runs;
  bool all_runs = false;     ///< the runs come from one "all runs:" line (their number is assumed)
  std::string build_output;  ///< unrecognised lines before any run: a build failure's text
  bool reused = false;       ///< the log says a previous result was reused for it (no runs)
  LoggedVerdict verdict = LoggedVerdict::kNone;  ///< "# git bisect good|bad|skip H"
  int verdict_line = 0;
  /// git's "Bisecting: N revisions left to test after this (roughly K steps)" printed after the
  /// verdict; -1 if none followed (the bisection ended there).
  int left_after = -1;
  int steps_after = -1;
};

enum class LogMode { kCause, kFix };

enum class LogEnding {
  kCulprit,       ///< "first bad commit: H" (cause) / "first good commit: H" (fix)
  kInconclusive,  ///< "bisection is inconclusive, the first bad commit could be any of:"
  kHorizon,       ///< the oldest release already crashed / the crash still happens on HEAD
  kError,         ///< syzbot stopped with an error (the crash did not reproduce, time out...)
};

struct SyzbotLog {
  LogMode mode = LogMode::kCause;
  std::string start;  ///< the commit the bisection started from (its first tested commit)
  std::vector<TestedCommit> tested;  ///< in log order; a commit tested twice appears twice
  std::string bisect_bad;            ///< "# git bisect start BAD GOOD": empty if never started
  std::string bisect_good;
  int bisect_line = 0;
  int left_at_start = -1;  ///< git's count printed by "git bisect start"
  int steps_at_start = -1;
  LogEnding ending = LogEnding::kError;
  int ending_line = 0;
  std::string ending_text;            ///< the line that gave the answer
  std::vector<std::string> culprits;  ///< the named commit, or every candidate
  std::string culprit_title;          ///< from "first bad commit: H TITLE"
  std::string crash_title;            ///< from "crash: TITLE" after the answer, if present
  int revisions_tested = -1;          ///< "revisions tested: N"
  double syzbot_repro_chance = -1;    ///< "reproducer is flaky (0.30 repro chance estimate)"
  int runs_per_test = 0;              ///< runs behind one "all runs:" line (see ParseOptions)
  int ignored_lines = 0;              ///< lines outside the grammar, skipped
  int first_ignored_line = 0;
  std::vector<std::string> notes;  ///< oddities worth telling (never silently dropped)
};

struct ParseOptions {
  /// Runs behind one "all runs: X" line. 0: the largest "run #i" index seen plus one, or 10
  /// (syzkaller's runs per commit) when the log lists no single run.
  int runs_per_test = 0;
};

/// Reads a whole log. kBadInput names the line and what was expected there: a log cut in the
/// middle of the bisection, a run or verdict line outside a tested commit, a verdict on a
/// commit other than the one just tested. Lines outside the grammar (syzkaller adds some over
/// the years) are counted in `ignored_lines`, never turned into evidence.
Result<SyzbotLog> ParseSyzbotLog(std::string_view text, const ParseOptions& options = {});

std::string_view LoggedVerdictName(LoggedVerdict v);

}  // namespace culprit::audit
