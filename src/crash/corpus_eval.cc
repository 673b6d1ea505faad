#include "crash/corpus_eval.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string_view>

#include "base/strings.h"
#include "crash/report.h"

namespace culprit::crash {
namespace {

struct Expected {
  std::string title;
  std::vector<std::string> alts;
  std::string type = "UNKNOWN";
  std::optional<std::string> frame;
  bool corrupted = false;
  bool suppressed = false;
  bool panicked = false;
  std::string executor;  // "proc=P, id=I"
  std::optional<std::string> start, end;
  std::optional<std::string> report;
  std::string guilty_file;
  std::string log;
};

// The format documented in shared/eval/SOURCE.md (syzkaller's parseReport): "KEY: value" lines
// up to the first empty line, then the log, then optionally "REPORT:" after an empty line.
Expected ParseGolden(std::string content) {
  std::erase(content, '\r');
  Expected e;
  std::string_view rest = content;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty()) break;
    if (line.starts_with("#")) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    std::string_view raw = line.substr(colon + 1);
    if (raw.starts_with(" ")) raw.remove_prefix(1);
    std::string value(Trim(raw));
    if (key == "TITLE") e.title = value;
    if (key == "ALT") e.alts.push_back(value);
    if (key == "TYPE") e.type = value.empty() ? "UNKNOWN" : value;
    if (key == "FRAME") e.frame = value;
    if (key == "CORRUPTED") e.corrupted = value == "Y";
    if (key == "SUPPRESSED") e.suppressed = value == "Y";
    if (key == "PANICKED") e.panicked = value == "Y";
    if (key == "EXECUTOR") e.executor = value;
    if (key == "START") e.start = std::string(raw);
    if (key == "END") e.end = std::string(raw);
    if (key == "FILE") e.guilty_file = value;
  }
  // The log ends where a "REPORT:" line follows an empty line (which stays in the log).
  size_t report = rest.find("\n\nREPORT:\n");
  if (rest.starts_with("REPORT:\n")) report = 0;
  if (report == std::string_view::npos) {
    e.log = std::string(rest);
  } else {
    size_t log_end = report == 0 ? 0 : report + 2;
    e.log = std::string(rest.substr(0, log_end));
    std::string_view body = rest.substr(rest.find("REPORT:\n", log_end) + 8);
    e.report = std::string(body);
    if (!e.report->empty() && e.report->back() != '\n') e.report->push_back('\n');
  }
  std::sort(e.alts.begin(), e.alts.end());
  return e;
}

std::string Percent(int n, int of) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f%% (%d/%d)", of == 0 ? 100.0 : 100.0 * n / of, n, of);
  return buf;
}

std::string ExecutorText(const Report& r) {
  if (!r.executor) return "";
  return "proc=" + std::to_string(r.executor->proc) + ", id=" + std::to_string(r.executor->id);
}

// START/END as upstream checks them: the first occurrence of each text in the log; END's offset
// is past its text. Then the reparse checks every report must pass.
std::string PositionProblem(const Expected& e, std::string_view log, const Report& r) {
  if (e.start) {
    size_t want_start = log.find(*e.start);
    std::string end_text = e.end.value_or(*e.start);
    size_t want_end = log.find(end_text);
    if (want_start != r.start)
      return "start " + std::to_string(r.start) + " not " + std::to_string(want_start);
    if (want_end == std::string_view::npos || want_end + end_text.size() != r.end)
      return "end " + std::to_string(r.end) + " not " + std::to_string(want_end + end_text.size());
  }
  if (r.start >= r.end || r.end > log.size()) return "start/end out of order";
  if (r.start != 0 && ParseFrom(log, r.start).title != r.title) return "reparse from start differs";
  Report after = ParseFrom(log, r.end);
  if (after.crashed && after.title == r.title) return "reparse from end finds the same title";
  return "";
}

}  // namespace

std::string CorpusScore::Summary() const {
  return "crash/no-crash agreement " + Percent(crash_agree, files) + "\n" +
         "exact title              " + Percent(title_exact, files) + "\n" +
         "exact ALT set            " + Percent(alt_exact, files) + "\n" +
         "corrupted flag           " + Percent(corrupted_ok, files) + "\n" +
         "type                     " + Percent(type_ok, titled) + "\n" +
         "frame                    " + Percent(frame.ok, frame.of) + "\n" +
         "suppressed flag          " + Percent(suppressed.ok, suppressed.of) + "\n" +
         "panicked flag            " + Percent(panicked.ok, panicked.of) + "\n" +
         "executor                 " + Percent(executor.ok, executor.of) + "\n" +
         "start/end positions      " + Percent(positions.ok, positions.of) + "\n" +
         "report body              " + Percent(report.ok, report.of) + "\n" +
         "guilty file              " + Percent(guilty_ok, guilty_files) + "\n";
}

CorpusScore EvaluateCorpus(const std::vector<CorpusFile>& reports,
                           const std::vector<CorpusFile>& guilty) {
  CorpusScore s;
  auto check = [&s](const std::string& file, const char* field, const std::string& want,
                    const std::string& got) {
    if (want == got) return true;
    s.mismatches.push_back({file, field, want, got});
    return false;
  };
  auto measure = [&check](Measure* m, const std::string& file, const char* field,
                          const std::string& want, const std::string& got) {
    ++m->of;
    m->ok += check(file, field, want, got);
  };
  for (const CorpusFile& f : reports) {
    Expected e = ParseGolden(f.content);
    Report r = Parse(e.log);
    bool contains = ContainsCrash(e.log);
    bool want_crash = !e.title.empty();
    ++s.files;
    s.crash_agree += check(f.name, "crashed", want_crash ? "Y" : "N",
                           r.crashed && contains     ? "Y"
                           : !r.crashed && !contains ? "N"
                                                     : "disagree");
    s.title_exact += check(f.name, "title", e.title, r.title);
    s.alt_exact += check(f.name, "alt", Join(e.alts, " | "), Join(r.alt_titles, " | "));
    s.corrupted_ok += check(f.name, "corrupted", e.corrupted ? "Y" : "N", r.corrupted ? "Y" : "N");
    measure(&s.suppressed, f.name, "suppressed", e.suppressed ? "Y" : "N",
            r.suppressed ? "Y" : "N");
    measure(&s.panicked, f.name, "panicked", e.panicked ? "Y" : "N", r.panicked ? "Y" : "N");
    measure(&s.executor, f.name, "executor", e.executor, ExecutorText(r));
    if (e.frame) measure(&s.frame, f.name, "frame", *e.frame, r.frame);
    if (e.report) measure(&s.report, f.name, "report", *e.report, r.report);
    if (want_crash) {
      ++s.titled;
      s.type_ok += check(f.name, "type", e.type, r.type);
      if (r.crashed) measure(&s.positions, f.name, "positions", "", PositionProblem(e, e.log, r));
    }
  }
  for (const CorpusFile& f : guilty) {
    Expected e = ParseGolden(f.content);
    ++s.guilty_files;
    s.guilty_ok += check(f.name, "guilty_file", e.guilty_file, Parse(e.log).guilty_file);
  }
  return s;
}

}  // namespace culprit::crash
