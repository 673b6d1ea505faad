// `culprit list`: the jobs of a state directory, one line each.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include "base/strings.h"
#include "cli/commands.h"
#include "report/render.h"
#include "store/store.h"

namespace culprit::cli {
namespace {

// SQLite's datetime('now'): "YYYY-MM-DD HH:MM:SS" in UTC; -1 when unreadable.
int64_t ParseUtc(const std::string& text) {
  std::tm tm{};
  if (text.empty() || !strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm)) return -1;
  return static_cast<int64_t>(timegm(&tm));
}

std::string Duration(const store::JobRecord& job) {
  int64_t start = ParseUtc(job.started);
  int64_t end =
      job.finished.empty() ? static_cast<int64_t>(std::time(nullptr)) : ParseUtc(job.finished);
  if (start < 0 || end < start) return "-";
  std::string d = FormatDuration(std::chrono::seconds(end - start));
  return job.finished.empty() ? d + "+" : d;
}

void PrintJob(const store::JobRecord& job) {
  report::Headline h{.outcome = "-", .title = job.target_title};
  if (!job.result_json.empty()) {
    if (auto r = report::ResultFromJson(job.result_json)) h = report::HeadlineOf(*r);
  }
  char line[256];
  std::snprintf(line, sizeof line, "%4lld  %-9s  %-12s  %-12s  %-6s  %-19s  %-10s  ",
                static_cast<long long>(job.id), job.status.c_str(), h.outcome.c_str(),
                h.culprit.c_str(), h.confidence.c_str(), job.started.c_str(),
                Duration(job).c_str());
  std::cout << line << h.title << "\n";
}

int List(const std::string& state) {
  auto store = store::Store::Open(state, store::OpenMode::kExisting);
  if (!store) return ReportError(store.error().message);
  auto jobs = (*store)->Jobs();
  if (!jobs) return ReportError(jobs.error().message);
  std::cout << " JOB  STATUS     OUTCOME       CULPRIT       CONF    STARTED (UTC)        "
               "DURATION    TITLE\n";
  for (const auto& job : *jobs) PrintJob(job);
  return 0;
}

}  // namespace

void AddListCommand(CLI::App& app, int* exit_code) {
  auto state = std::make_shared<std::string>(".culprit");
  CLI::App* cmd = app.add_subcommand(
      "list",
      "List the jobs of a state directory: number, status (running, finished, abandoned), "
      "outcome, culprit, confidence, start time, duration and crash title.");
  cmd->add_option("--state", *state, "the state directory (default .culprit)");
  cmd->callback([state, exit_code] { *exit_code = List(*state); });
}

}  // namespace culprit::cli
