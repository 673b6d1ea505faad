// The files a job leaves in its state directory for people to come back to: its log
// (`<state>/logs/job-N.log`, every line the terminal showed but the progress display), its
// page (`reports/job-N.html`) and its e-mail (`reports/job-N.eml`).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

#include "report/bisection_result.h"
#include "report/progress_log.h"
#include "report/render.h"
#include "store/store.h"

namespace culprit::job {

/// While it lives, every line of `log` is also appended to job `job_id`'s log file (a resumed
/// job appends to what it logged before). A file that cannot be opened is not an error: the
/// job runs, and `culprit log` says there is no log.
class JobLogFile {
 public:
  JobLogFile(const store::Store& store, int64_t job_id, report::ProgressLog& log);
  ~JobLogFile();
  JobLogFile(const JobLogFile&) = delete;
  JobLogFile& operator=(const JobLogFile&) = delete;

  /// Text for the file only (the closing report the command line prints, an error).
  void Append(const std::string& text);

 private:
  report::ProgressLog& log_;
  std::ofstream file_;
};

/// The job's log as written so far; empty when there is none.
std::string ReadJobLog(const store::Store& store, int64_t job_id);

/// The e-mail settings of job `job_id`: From $CULPRIT_MAIL_FROM or "culprit
/// <culprit@HOSTNAME>"; for results without recipients, To $CULPRIT_MAIL_TO or whoever runs
/// culprit ($USER@HOSTNAME); the date now; the job's log attached.
report::EmailOptions MailOptions(int64_t job_id, std::string log);

/// The page settings of a report written to `<state>/reports/`: links relative to it.
report::HtmlOptions PageOptions(const store::Store& store, int64_t job_id);

/// Writes `reports/job-N.html` and `reports/job-N.eml` (the log so far and `closing`, the
/// report's text, attached); returns the line for the log ("report: ..." or a warning: a
/// report that cannot be written does not fail the job).
std::string WriteReports(const report::BisectionResult& result, const store::Store& store,
                         int64_t job_id, const std::string& closing);

}  // namespace culprit::job
