// Renders a BisectionResult: the seed-style closing text, the JSON document of --json (and its
// inverse, for results read back from the store), the e-mail and the HTML page.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "base/result.h"
#include "report/bisection_result.h"

namespace culprit::report {

/// The closing part of the log: first bad commit, its git-show header, signatures,
/// "revisions tested: N, total time: ...", recipients and the crash report.
void WriteText(const BisectionResult& result, std::ostream& out);

/// The --json document (mode, outcome, commit, candidates, confidence, flags, title,
/// revisions_tested, builds, runs, time, error, plus extra keys). Bytes that are not UTF-8
/// become U+FFFD; never throws.
std::string ToJson(const BisectionResult& result);

/// The inverse of ToJson. Tolerant of documents stored by older culprits: a missing or
/// mistyped key takes its default. kCorrupt only when `json` is not a JSON object.
Result<BisectionResult> ResultFromJson(std::string_view json);

/// One line naming the crash and the outcome: "TITLE: bisected to H (\"subject\")"; the
/// e-mail's subject and the page's title.
std::string Subject(const BisectionResult& result);

struct EmailOptions {
  std::string from = "culprit <culprit@localhost>";  ///< "Name <address>" or an address
  /// Receives the message when the result names no recipient (a failed job): the configured
  /// default recipient or whoever ran the job. Empty: the From address.
  std::string default_to;
  int64_t date = 0;        ///< seconds since the epoch, the Date header (UTC)
  std::string message_id;  ///< without angle brackets; empty: made from the date and result
  std::string log;         ///< the bisection log, attached as bisection.log when not empty
  bool crlf = false;       ///< CRLF line ends (SMTP) instead of LF (`sendmail -t`, mbox)
};

/// The report as an RFC 5322 message in syzbot's style: From, To (never empty), Cc, Date,
/// Subject, Message-ID; a multipart/mixed body with the report as text/plain and the
/// bisection log attached. Lines never exceed 998 octets; one line-end convention throughout.
void WriteEmail(const BisectionResult& result, const EmailOptions& options, std::ostream& out);

struct HtmlOptions {
  /// The href of a file the result names (run and build logs); empty: no link. Unset: no
  /// links (a page written to `<state>/reports/` links with ReportsLink).
  std::function<std::string(const std::string& path)> link;
  std::string log_href;    ///< the bisection log, when there is one to link to
  std::string heading;     ///< e.g. "job 3", shown above the title
  std::string index_href;  ///< a link back to the list of jobs (the dashboard), when set
};

/// The report as one self-contained HTML5 page: outcome and confidence, a picture of the
/// bisection (inline SVG: the range, every tested commit with its runs and verdict, the
/// posterior over candidates, the culprit and its parent), every revision tested with links
/// to its build and run logs, the culprit's diff, the settings, the crash report.
void WriteHtml(const BisectionResult& result, const HtmlOptions& options, std::ostream& out);

/// A link from `<state_dir>/reports/` to `path`, a file under the state directory as the job
/// recorded it (relative to where the job ran, or absolute): "../runs/abc-def/run-0.log".
/// Empty when `path` is empty.
std::string ReportsLink(const std::string& path, const std::string& state_dir);

/// `path` relative to the state directory ("runs/abc-def/run-0.log"), or empty when it does
/// not lie under it. Lexical only: a path recorded relative to another working directory is
/// recognized by its `runs/`, `builds/` or `logs/` part.
std::string StateRelative(const std::string& path, const std::string& state_dir);

/// Where a horizon lies, in one sentence without its full stop: "the crash is older than the
/// searched history: the oldest tested release v5.10 (HASH) still crashes", "probably ... (not
/// confirmed)" when it is short of the target.
std::string HorizonSentence(const BisectionResult& result);

/// A probability as every report prints it: four decimals ("0.9912").
std::string FormatConfidence(double p);

/// A result in the columns of a job list: outcome word, the culprit's short hash, confidence
/// ("-" unless found or a weighed horizon), crash title (the error when there is none).
struct Headline {
  std::string outcome, culprit = "-", confidence = "-", title;
};
Headline HeadlineOf(const BisectionResult& result);

/// The exit status the command line returns: 0 found, 1 error, 2 inconclusive (or a horizon
/// short of the target), 3 horizon, 4 found but refuted by the revert verification (the
/// answer is suspect).
int ExitStatus(const BisectionResult& result);

/// Recipients from a commit (author and Signed-off-by/Reviewed-by/Acked-by/Tested-by, never
/// Cc), lower-cased e-mail addresses, deduplicated in first-seen order.
std::vector<std::string> CommitRecipients(const history::CommitInfo& commit);

/// git's default date format: "Sun Aug 15 10:40:26 2021 +0100".
std::string GitDate(int64_t when, int offset_minutes);

}  // namespace culprit::report
