// Renders a BisectionResult: the seed-style closing text and the JSON document of --json.
#pragma once

#include <ostream>
#include <string>

#include "report/bisection_result.h"

namespace culprit::report {

/// The closing part of the log: first bad commit, its git-show header, signatures,
/// "revisions tested: N, total time: ...", recipients and the crash report.
void WriteText(const BisectionResult& result, std::ostream& out);

/// The --json document (mode, outcome, commit, candidates, confidence, flags, title,
/// revisions_tested, builds, runs, time, error, plus extra keys).
std::string ToJson(const BisectionResult& result);

/// The report as an e-mail (RFC 5322 headers, plain-text body): Subject names the crash and
/// the outcome, To/Cc the recipients; ready for `sendmail -t` or a mail client's import.
void WriteEmail(const BisectionResult& result, std::ostream& out);

/// The report as one self-contained HTML page: outcome and confidence, the culprit, every
/// revision tested with its verdict, runs and signature, the crash report and disassembly.
void WriteHtml(const BisectionResult& result, std::ostream& out);

/// The exit status the command line returns: 0 found, 1 error, 2 inconclusive, 3 horizon.
int ExitStatus(const BisectionResult& result);

/// Recipients from a commit (author and Signed-off-by/Reviewed-by/Acked-by/Tested-by, never
/// Cc), lower-cased e-mail addresses, deduplicated in first-seen order.
std::vector<std::string> CommitRecipients(const history::CommitInfo& commit);

}  // namespace culprit::report
