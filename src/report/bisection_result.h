// What a finished bisection says, in the terms its readers use; filled by job, rendered here
// as the seed-style text report and as JSON: the answer, the evidence behind it, the marks a
// human gave and the revert verification.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "decide/engine.h"
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
  int position = -1;  ///< index in the searched range, oldest first (topological); -1 unknown
};

/// One setting of the job as the report shows it ("build", "make -j2"; "runs", "10").
struct Setting {
  std::string key;
  std::string value;
};

/// One run of the reproducer, as the log printed it.
struct RunSummary {
  int index = 0;
  std::string result;   ///< "OK", "crashed: TITLE", "boot failed: TITLE", ...
  bool target = false;  ///< the target crash
  std::string log_path;
  double duration_s = 0;
  bool truncated = false;  ///< the log keeps only the start and the end of the output
};

/// One commit culprit built and ran, in the order it was first tested.
struct TestedRevision {
  std::string commit;
  std::string title;
  std::string release;  ///< its release tag, if it is one
  /// The engine's final judgement (decide/names.h gives its word: good, bad, old, new, skip).
  decide::CommitVerdict verdict = decide::CommitVerdict::kUndecided;
  bool built = false;     ///< false: the build failed
  std::string signature;  ///< of the build, when built
  std::string build_log;  ///< the build's log file, when culprit built it
  int target_crashes = 0;
  int runs = 0;
  double build_s = 0;
  double test_s = 0;
  std::vector<RunSummary> run_list;  ///< every run, in order
  int position = -1;     ///< index in the searched range, oldest first (topological); -1 unknown
  bool avoided = false;  ///< not built: given its first parent's program (build avoidance)
  /// The verdict a human gave it (--mark, --skip); kUndecided without one.
  decide::CommitVerdict mark = decide::CommitVerdict::kUndecided;
};

/// A verdict a human gave (--mark REV=WORD, or one --skip A..B for all its commits).
struct MarkInfo {
  std::string commit;  ///< full hash; for a --skip range, its first commit in the search
  std::string title;
  decide::CommitVerdict mark = decide::CommitVerdict::kUndecided;
  std::string range;  ///< --skip: "A..B" as given; empty for --mark
  int commits = 1;    ///< --skip: the commits of the range in the search
  /// The engine's final verdict on the commit (a mark can be overturned by runs).
  decide::CommitVerdict verdict = decide::CommitVerdict::kUndecided;
};

/// Revert verification of a found culprit: the bad commit with the culprit reverted (cause
/// mode) or the fix cherry-picked onto it (fix mode), built and run.
enum class VerificationOutcome {
  kConfirmed,      ///< the crash is gone: the answer stands
  kRefuted,        ///< the crash is still there: the answer is suspect
  kNotApplicable,  ///< could not be checked: the edit conflicts, the tree does not build, ...
};

/// "confirmed" | "refuted" | "not-applicable".
constexpr std::string_view VerificationOutcomeName(VerificationOutcome o) {
  switch (o) {
    case VerificationOutcome::kConfirmed:
      return "confirmed";
    case VerificationOutcome::kRefuted:
      return "refuted";
    case VerificationOutcome::kNotApplicable:
      return "not-applicable";
  }
  return "not-applicable";
}

struct Verification {
  VerificationOutcome outcome = VerificationOutcome::kNotApplicable;
  int runs = 0;        ///< runs of the edited tree that showed the target crash or none
  int crashes = 0;     ///< of those, target crashes
  std::string detail;  ///< one line: what was done and what it showed, or why it was not
  std::string commit;  ///< the edited commit (culprit's private object store), when made
  /// P(runs | crash gone) / P(runs | crash still there): 1 when not applicable.
  double bayes_factor = 1;
  double bisection_confidence = 0;  ///< the bisection's own, before the verification's
};

struct BisectionResult {
  decide::Mode mode = decide::Mode::kCause;
  decide::ConclusionKind outcome = decide::ConclusionKind::kError;
  std::string strategy;
  std::string commit;  ///< full hash: the culprit (found) or horizon commit; empty otherwise
  history::CommitInfo culprit;  ///< details of `commit` when known
  std::vector<history::FileStat> culprit_stat;
  /// The culprit's patch against its first parent (history::Repository::Diff, bounded).
  std::string culprit_diff;
  std::string culprit_signature;
  std::string parent_signature;
  std::vector<CandidateInfo> candidates;
  double confidence = 0;
  /// A horizon the search only found likelier than not (decide::Conclusion::short_of_target):
  /// reports say "probably" and the exit status is an inconclusive search's.
  bool short_of_target = false;
  bool noop = false, merge = false, release = false;
  std::string release_tag;
  std::string title;  ///< the target crash title
  int revisions_tested = 0;
  int builds = 0;
  int builds_avoided = 0;  ///< commits not built: they change no input of the build
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
  /// Where the search started: the --bad commit (cause) or the commit known to crash (fix).
  std::string start_commit;
  std::string start_title;
  std::string repo;    ///< the repository searched (path or URL), the e-mail's "git tree"
  int range_size = 0;  ///< commits in the searched range (0 unknown); positions index it
  /// The job's commands and settings, in the order to show them.
  std::vector<Setting> settings;
  /// Fix mode across trees: the bad commit is on another tree than the fix end, and the fix
  /// was searched from `merge_base`, where they meet.
  bool cross_tree = false;
  std::string merge_base;
  /// Kernel jobs with [kernel] minimize: the config the bisection used.
  struct MinimizedConfig {
    int builds = 0;                    ///< builds minimization cost
    std::vector<std::string> kept;     ///< options that differ from the baseline, kept
    std::vector<std::string> dropped;  ///< options that differ from the baseline, dropped
    std::string path;                  ///< the minimized .config, in the state directory
    bool fell_back = false;            ///< it stopped reproducing: the job's own config was used
    std::string note;                  ///< one line for the report
  };
  std::optional<MinimizedConfig> minimized_config;
  /// The job's predicate: "crash" or "exit" (--verdict), and --expect ("" for none).
  std::string verdict = "crash";
  std::string expect;
  std::vector<MarkInfo> marks;
  /// Set once a found culprit was verified (or found not verifiable); unset with --no-verify
  /// and for other outcomes.
  std::optional<Verification> verification;

  /// The verification refuted the answer: every report says it is suspect.
  bool refuted() const {
    return verification && verification->outcome == VerificationOutcome::kRefuted;
  }
};

}  // namespace culprit::report
