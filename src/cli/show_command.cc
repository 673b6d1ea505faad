// `culprit show [JOB]`: the full report of a job again, from its stored result, in any format.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/job_lookup.h"
#include "job/job_files.h"
#include "report/render.h"

namespace culprit::cli {
namespace {

struct ShowFlags {
  std::string job;
  std::string state = ".culprit";
  std::string format = "text";
  std::string from, to;
};

int Show(const ShowFlags& f) {
  auto opened = OpenJob(f.state, f.job);
  if (!opened) return ReportError(opened.error().message);
  const store::JobRecord& job = opened->job;
  const std::string name = "job " + std::to_string(job.id);
  if (job.result_json.empty())
    return ReportError(name + " in " + f.state + " is " + job.status +
                       ": it has no result (its log: culprit log " + std::to_string(job.id) +
                       " --state " + f.state + ")");
  auto result = report::ResultFromJson(job.result_json);
  if (!result) return ReportError(name + " in " + f.state + ": " + result.error().message);
  if (f.format == "json") {
    std::cout << report::ToJson(*result) << "\n";
  } else if (f.format == "html") {
    report::WriteHtml(*result, job::PageOptions(*opened->store, job.id), std::cout);
  } else if (f.format == "email") {
    report::EmailOptions o = job::MailOptions(job.id, job::ReadJobLog(*opened->store, job.id));
    if (!f.from.empty()) o.from = f.from;
    if (!f.to.empty()) o.default_to = f.to;
    report::WriteEmail(*result, o, std::cout);
  } else {
    std::cout << name << ": " << job.status << ", started " << job.started << " UTC"
              << (job.finished.empty() ? "" : ", finished " + job.finished + " UTC") << "\n\n";
    report::WriteText(*result, std::cout);
  }
  std::cout.flush();
  return 0;
}

}  // namespace

void AddShowCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ShowFlags>();
  CLI::App* cmd = app.add_subcommand(
      "show",
      "Print the full report of a job again, from its stored result (default: the latest "
      "job of the state directory).");
  cmd->add_option("job", flags->job, "the job's number, as `culprit list` shows it");
  cmd->add_option("--state", flags->state, "the state directory (default .culprit)");
  cmd->add_option("--format", flags->format,
                  "text (the report as printed at the end of the job), json (as --json wrote "
                  "it), html (the page; links relative to <state>/reports/) or email (the RFC "
                  "5322 message, for sendmail -t)")
      ->check(CLI::IsMember({"text", "json", "html", "email"}));
  cmd->add_option("--from", flags->from,
                  "email: the From address (default $CULPRIT_MAIL_FROM or culprit@HOSTNAME)");
  cmd->add_option("--to", flags->to,
                  "email: the recipient when the result names none (default $CULPRIT_MAIL_TO or "
                  "$USER@HOSTNAME)");
  cmd->callback([flags, exit_code] { *exit_code = Show(*flags); });
}

}  // namespace culprit::cli
