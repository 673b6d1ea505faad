#include "crash/corpus_eval.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "base/strings.h"
#include "crash/report.h"

namespace culprit::crash {
namespace {

struct Expected {
  std::string title;
  std::vector<std::string> alts;
  std::string type = "UNKNOWN";
  bool corrupted = false;
  std::string guilty_file;
  std::string log;
};

// The format documented in shared/eval/SOURCE.md (syzkaller's parseReport).
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
    std::string value(Trim(line.substr(colon + 1)));
    if (key == "TITLE") e.title = value;
    if (key == "ALT") e.alts.push_back(value);
    if (key == "TYPE") e.type = value.empty() ? "UNKNOWN" : value;
    if (key == "CORRUPTED") e.corrupted = value == "Y";
    if (key == "FILE") e.guilty_file = value;
  }
  // The log ends where a "REPORT:" line follows an empty line.
  size_t report = rest.find("\n\nREPORT:\n");
  if (rest.starts_with("REPORT:\n")) report = 0;
  e.log = std::string(report == std::string_view::npos ? rest : rest.substr(0, report + 2));
  std::sort(e.alts.begin(), e.alts.end());
  return e;
}

std::string Percent(int n, int of) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f%% (%d/%d)", of == 0 ? 100.0 : 100.0 * n / of, n, of);
  return buf;
}

}  // namespace

std::string CorpusScore::Summary() const {
  return "crash/no-crash agreement " + Percent(crash_agree, files) + "\n" +
         "exact title              " + Percent(title_exact, files) + "\n" +
         "exact ALT set            " + Percent(alt_exact, files) + "\n" +
         "corrupted flag           " + Percent(corrupted_ok, files) + "\n" +
         "type                     " + Percent(type_ok, titled) + "\n" +
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
  for (const CorpusFile& f : reports) {
    Expected e = ParseGolden(f.content);
    Report r = Parse(e.log);
    bool want_crash = !e.title.empty();
    ++s.files;
    s.crash_agree += check(f.name, "crashed", want_crash ? "Y" : "N",
                           r.crashed && ContainsCrash(e.log)     ? "Y"
                           : !r.crashed && !ContainsCrash(e.log) ? "N"
                                                                 : "disagree");
    s.title_exact += check(f.name, "title", e.title, r.title);
    s.alt_exact += check(f.name, "alt", Join(e.alts, " | "), Join(r.alt_titles, " | "));
    s.corrupted_ok += check(f.name, "corrupted", e.corrupted ? "Y" : "N", r.corrupted ? "Y" : "N");
    if (want_crash) {
      ++s.titled;
      s.type_ok += check(f.name, "type", e.type, r.type);
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
