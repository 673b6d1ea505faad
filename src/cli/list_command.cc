// `culprit list`: the jobs of a state directory, one line each.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include "base/strings.h"
#include "cli/commands.h"
#include "decide/names.h"
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
  std::string outcome = "-", culprit = "-", confidence = "-", title = job.target_title;
  if (!job.result_json.empty()) {
    if (auto r = report::ResultFromJson(job.result_json)) {
      outcome = std::string(decide::OutcomeName(r->outcome));
      if (!r->commit.empty()) culprit = ShortHash(r->commit);
      char conf[16];
      std::snprintf(conf, sizeof conf, "%.4f", r->confidence);
      if (r->outcome == decide::ConclusionKind::kFound) confidence = conf;
      if (!r->title.empty()) title = r->title;
      if (r->outcome == decide::ConclusionKind::kError && title.empty()) title = r->error;
    }
  }
  char line[256];
  std::snprintf(line, sizeof line, "%4lld  %-9s  %-12s  %-12s  %-6s  %-19s  %-10s  ",
                static_cast<long long>(job.id), job.status.c_str(), outcome.c_str(),
                culprit.c_str(), confidence.c_str(), job.started.c_str(), Duration(job).c_str());
  std::cout << line << title << "\n";
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
