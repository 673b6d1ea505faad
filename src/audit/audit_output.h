// An audit as a short text report and as JSON. Writes to the stream it is given, nothing else.
#pragma once

#include <ostream>
#include <string>

#include "audit/audit.h"

namespace culprit::audit {

/// The text report: syzbot's answer and its probability, why, the plausible ranges, the weakest
/// verdicts, skips, the model's assumptions. `settle` (may be empty) is a command to print.
void PrintAudit(const AuditReport& report, const std::string& settle, std::ostream& out);

/// One JSON object (fields documented in README.md, "Auditing a syzbot bisection").
std::string AuditJson(const AuditReport& report, const std::string& log_path,
                      const std::string& settle);

/// "cause" / "fix"; "culprit", "inconclusive", "horizon", "error".
std::string ModeName(LogMode mode);
std::string EndingName(LogEnding ending);

}  // namespace culprit::audit
