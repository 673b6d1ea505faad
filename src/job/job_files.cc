#include "job/job_files.h"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <sstream>

namespace culprit::job {
namespace {

constexpr size_t kMaxLogBytes = 16u << 20;

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

JobLogFile::JobLogFile(const store::Store& store, int64_t job_id, report::ProgressLog& log)
    : log_(log) {
  std::filesystem::path path = store.LogPath(job_id);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  file_.open(path, std::ios::app);
  if (file_) log_.CopyTo(&file_);
}

JobLogFile::~JobLogFile() { log_.CopyTo(nullptr); }

void JobLogFile::Append(const std::string& text) {
  if (!file_) return;
  file_ << text;
  if (!text.empty() && text.back() != '\n') file_ << "\n";
  file_.flush();
}

std::string ReadJobLog(const store::Store& store, int64_t job_id) {
  std::ifstream in(store.LogPath(job_id), std::ios::binary);
  if (!in) return "";
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxLogBytes) text.erase(0, text.size() - kMaxLogBytes);
  }
  return text;
}

report::EmailOptions MailOptions(int64_t job_id, std::string log) {
  const std::string host = HostName();
  report::EmailOptions o;
  o.from = Env("CULPRIT_MAIL_FROM");
  if (o.from.empty()) o.from = "culprit <culprit@" + host + ">";
  o.default_to = Env("CULPRIT_MAIL_TO");
  if (o.default_to.empty() && !Env("USER").empty()) o.default_to = Env("USER") + "@" + host;
  o.date = static_cast<int64_t>(std::time(nullptr));
  o.message_id =
      "culprit.job-" + std::to_string(job_id) + "." + std::to_string(o.date) + "@" + host;
  o.log = std::move(log);
  return o;
}

report::HtmlOptions PageOptions(const store::Store& store, int64_t job_id) {
  report::HtmlOptions o;
  const std::string state = store.dir().string();
  o.link = [state](const std::string& path) { return report::ReportsLink(path, state); };
  o.log_href = "../logs/job-" + std::to_string(job_id) + ".log";
  o.heading = "job " + std::to_string(job_id) + " in " + state;
  return o;
}

std::string WriteReports(const report::BisectionResult& result, const store::Store& store,
                         int64_t job_id, const std::string& closing) {
  // A page to open and a message to send, beside the state they came from.
  std::filesystem::path reports = store.dir() / "reports";
  std::error_code ec;
  std::filesystem::create_directories(reports, ec);
  std::string stem = (reports / ("job-" + std::to_string(job_id))).string();
  std::ofstream html(stem + ".html"), email(stem + ".eml");
  report::WriteHtml(result, PageOptions(store, job_id), html);
  report::WriteEmail(result, MailOptions(job_id, ReadJobLog(store, job_id) + closing), email);
  html.close();
  email.close();
  if (html && email) return "report: " + stem + ".html, e-mail: " + stem + ".eml";
  return "warning: cannot write the reports in " + reports.string();
}

}  // namespace culprit::job
