#include "serve/dashboard.h"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/strings.h"
#include "report/escape.h"
#include "report/render.h"
#include "serve/state_files.h"

namespace culprit::serve {
namespace {

using report::HtmlEscape;

constexpr size_t kLiveLogBytes = 256u << 10;  // a running job's page shows the log's end

constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;"
    "padding:.25em .6em;text-align:left}td.mono{font-family:monospace}"
    "pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:.85em}"
    ".running{color:#1565c0}.abandoned{color:#777}.found{color:#2e7d32}.error{color:#c62828}";

Page Text(int status, std::string body) {
  return {.status = status, .content_type = "text/plain; charset=utf-8", .body = std::move(body)};
}

Page NotFound(const std::string& what) { return Text(404, "not found: " + what + "\n"); }

std::string Head(const std::string& title, int refresh_s) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  if (refresh_s > 0)
    s += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(refresh_s) + "\">\n";
  return s + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         HtmlEscape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
}

std::string Tail(const std::filesystem::path& file, size_t max_bytes, bool* cut) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return "";
  const std::streamoff size = in.tellg();
  const std::streamoff from = size > static_cast<std::streamoff>(max_bytes)
                                  ? size - static_cast<std::streamoff>(max_bytes)
                                  : 0;
  *cut = from > 0;
  in.seekg(from);
  std::string text(static_cast<size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

std::optional<int64_t> ParseId(std::string_view s) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

report::Headline Summarize(const store::JobRecord& job) {
  report::Headline h{.outcome = "-", .title = job.target_title};
  if (job.result_json.empty()) return h;
  auto r = report::ResultFromJson(job.result_json);
  if (!r) return h;
  h = report::HeadlineOf(*r);
  if (!r->commit.empty()) h.culprit += " " + r->culprit.title;
  return h;
}

}  // namespace

Page Dashboard::Get(std::string_view path) {
  if (path == "/" || path == "/jobs" || path == "/jobs/") return JobList();
  if (StartsWith(path, "/files/")) return File(path.substr(7));
  if (!StartsWith(path, "/jobs/")) return NotFound(std::string(path));
  std::string_view rest = path.substr(6);
  std::string_view id_text = rest.substr(0, rest.find('/'));
  std::string_view what = rest.size() > id_text.size() ? rest.substr(id_text.size()) : "";
  std::optional<int64_t> id = ParseId(id_text);
  if (!id) return NotFound(std::string(path));
  if (what.empty() || what == "/") return JobPage(*id);
  if (what == "/log") return JobLog(*id);
  if (what == "/json") return JobJson(*id);
  return NotFound(std::string(path));
}

Page Dashboard::JobList() {
  auto jobs = store_.Jobs();
  if (!jobs) return Text(500, jobs.error().message + "\n");
  bool running = false;
  std::ostringstream out;
  for (const auto& job : *jobs) running = running || job.status == "running";
  out << Head("culprit: jobs in " + state_.string(), running ? kRefreshSeconds : 0)
      << "<h1>culprit jobs</h1>\n<p class=\"mono\">" << HtmlEscape(state_.string()) << "</p>\n";
  if (jobs->empty()) out << "<p>No jobs yet.</p>\n";
  out << "<table class=\"jobs\"><tr><th>job</th><th>status</th><th>outcome</th><th>culprit</th>"
         "<th>confidence</th><th>crash</th><th>started (UTC)</th><th>finished (UTC)</th>"
         "<th>log</th></tr>\n";
  for (auto it = jobs->rbegin(); it != jobs->rend(); ++it) {
    const store::JobRecord& job = *it;
    const report::Headline s = Summarize(job);
    const std::string id = std::to_string(job.id);
    out << "<tr class=\"job\" data-job=\"" << id << "\"><td><a class=\"job-link\" href=\"/jobs/"
        << id << "\">job " << id << "</a></td><td class=\"" << HtmlEscape(job.status) << "\">"
        << HtmlEscape(job.status) << "</td><td class=\"" << HtmlEscape(s.outcome) << "\">"
        << HtmlEscape(s.outcome) << "</td><td class=\"mono\">" << HtmlEscape(s.culprit)
        << "</td><td>" << s.confidence << "</td><td>" << HtmlEscape(s.title) << "</td><td>"
        << HtmlEscape(job.started) << "</td><td>" << HtmlEscape(job.finished)
        << "</td><td><a href=\"/jobs/" << id << "/log\">log</a></td></tr>\n";
  }
  out << "</table>\n</body>\n</html>\n";
  return {.body = out.str()};
}

Page Dashboard::JobPage(int64_t id) {
  auto job = store_.Job(id);
  if (!job) return Text(500, job.error().message + "\n");
  if (!*job) return NotFound("job " + std::to_string(id));
  const store::JobRecord& j = **job;
  const std::string name = "job " + std::to_string(id);
  if (!j.result_json.empty()) {
    auto result = report::ResultFromJson(j.result_json);
    if (!result) return Text(500, result.error().message + "\n");
    report::HtmlOptions o;
    const std::string state = state_.string();
    o.link = [state](const std::string& path) {
      std::string rel = report::StateRelative(path, state);
      return rel.empty() ? std::string() : "/files/" + report::UrlPath(rel);
    };
    o.log_href = "/jobs/" + std::to_string(id) + "/log";
    o.heading = name + " · " + j.status + " · started " + j.started + " UTC";
    o.index_href = "/";
    std::ostringstream out;
    report::WriteHtml(*result, o, out);
    return {.body = out.str()};
  }
  // Running (or abandoned): the log so far, reloading itself while the job runs.
  const bool running = j.status == "running";
  bool cut = false;
  std::string log = Tail(store_.LogPath(id), kLiveLogBytes, &cut);
  std::ostringstream out;
  out << Head("culprit: " + name + " (" + j.status + ")", running ? kRefreshSeconds : 0)
      << "<p><a href=\"/\">all jobs</a></p>\n<h1 class=\"" << HtmlEscape(j.status) << "\">" << name
      << ": " << HtmlEscape(j.status) << "</h1>\n<p>Started " << HtmlEscape(j.started) << " UTC"
      << (running ? "; this page reloads every " + std::to_string(kRefreshSeconds) + " s" : "")
      << ".";
  if (!j.target_title.empty()) out << " Crash: " << HtmlEscape(j.target_title) << ".";
  out << "</p>\n<h2>Log so far</h2>\n";
  if (cut) out << "<p>(the end of the log; <a href=\"/jobs/" << id << "/log\">all of it</a>)</p>\n";
  out << "<pre class=\"log\">" << HtmlEscape(log.empty() ? "(no log yet)" : log)
      << "</pre>\n</body>\n</html>\n";
  return {.body = out.str()};
}

Page Dashboard::JobLog(int64_t id) {
  std::filesystem::path log = store_.LogPath(id);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(log, ec))
    return NotFound("log of job " + std::to_string(id));
  return {.content_type = "text/plain; charset=utf-8", .file = log};
}

Page Dashboard::JobJson(int64_t id) {
  auto job = store_.Job(id);
  if (!job) return Text(500, job.error().message + "\n");
  if (!*job || (*job)->result_json.empty()) return NotFound("result of job " + std::to_string(id));
  auto result = report::ResultFromJson((*job)->result_json);
  if (!result) return Text(500, result.error().message + "\n");
  return {.content_type = "application/json", .body = report::ToJson(*result) + "\n"};
}

Page Dashboard::File(std::string_view relative) {
  auto file = ResolveStateFile(state_, relative);
  if (!file) return NotFound(std::string(relative.substr(0, 200)));
  const std::string ext = file->extension().string();
  std::string type = ext == ".html"  ? "text/html; charset=utf-8"
                     : ext == ".eml" ? "message/rfc822"
                                     : "text/plain; charset=utf-8";
  return {.content_type = type, .file = *file};
}

}  // namespace culprit::serve
