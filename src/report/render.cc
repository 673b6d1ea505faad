#include "report/render.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/strings.h"
#include "decide/names.h"

namespace culprit::report {
namespace {

// git's default date format: "Sun Aug 15 10:40:26 2021 +0100".
std::string GitDate(int64_t when, int offset_minutes) {
  std::time_t local = static_cast<std::time_t>(when + int64_t{offset_minutes} * 60);
  std::tm tm{};
  gmtime_r(&local, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a %b %-d %H:%M:%S %Y", &tm);
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char zone[16];
  std::snprintf(zone, sizeof zone, " %c%02d%02d", offset_minutes < 0 ? '-' : '+', off / 60,
                off % 60);
  return std::string(buf) + zone;
}

// The `git show --stat` block: one line per file with a +/- bar, then the summary line.
void WriteDiffStat(const std::vector<history::FileStat>& files, std::ostream& out) {
  if (files.empty()) return;
  size_t name_width = 0;
  int max_changes = 0, insertions = 0, deletions = 0;
  for (const auto& f : files) {
    name_width = std::max(name_width, f.path.size());
    max_changes = std::max(max_changes, f.insertions + f.deletions);
    insertions += f.insertions;
    deletions += f.deletions;
  }
  const int kBarWidth = 50;
  int count_width = static_cast<int>(std::to_string(max_changes).size());
  for (const auto& f : files) {
    int changes = f.insertions + f.deletions;
    int plus = f.insertions, minus = f.deletions;
    if (max_changes > kBarWidth) {
      plus = (f.insertions * kBarWidth + max_changes - 1) / max_changes;
      minus = (f.deletions * kBarWidth + max_changes - 1) / max_changes;
    }
    char count[32];
    std::snprintf(count, sizeof count, "%*d", count_width, changes);
    out << " " << f.path << std::string(name_width - f.path.size(), ' ') << " | " << count << " "
        << std::string(static_cast<size_t>(plus), '+')
        << std::string(static_cast<size_t>(minus), '-') << "\n";
  }
  out << " " << files.size() << (files.size() == 1 ? " file changed" : " files changed");
  if (insertions > 0)
    out << ", " << insertions << (insertions == 1 ? " insertion(+)" : " insertions(+)");
  if (deletions > 0)
    out << ", " << deletions << (deletions == 1 ? " deletion(-)" : " deletions(-)");
  out << "\n";
}

void WriteCommitHeader(const BisectionResult& r, std::ostream& out) {
  const history::CommitInfo& c = r.culprit;
  out << "commit " << c.id << "\n";
  if (c.parents.size() > 1) {
    out << "Merge:";
    for (const auto& p : c.parents) out << " " << ShortHash(p);
    out << "\n";
  }
  out << "Author: " << c.author.name << " <" << c.author.email << ">\n";
  out << "Date:   " << GitDate(c.author_time, c.author_offset_minutes) << "\n\n";
  for (std::string_view line : SplitLines(c.message)) {
    out << "    " << line << "\n";
  }
  out << "\n";
  WriteDiffStat(r.culprit_stat, out);
  out << "\n";
}

std::string QuotedList(const std::vector<std::string>& items) {
  std::string s = "[";
  for (size_t i = 0; i < items.size(); i++) s += (i ? " \"" : "\"") + items[i] + "\"";
  return s + "]";
}

void WriteCosts(const BisectionResult& r, std::ostream& out) {
  out << "revisions tested: " << r.revisions_tested
      << ", total time: " << FormatDuration(std::chrono::duration<double>(r.time.total_s))
      << " (build: " << FormatDuration(std::chrono::duration<double>(r.time.build_s))
      << ", test: " << FormatDuration(std::chrono::duration<double>(r.time.test_s)) << ")\n";
  out << "builds: " << r.builds << ", runs: " << r.runs << "\n";
}

void WriteFound(const BisectionResult& r, std::ostream& out) {
  bool fix = r.mode == decide::Mode::kFix;
  out << r.commit << (fix ? " is the first fixed commit\n" : " is the first bad commit\n");
  WriteCommitHeader(r, out);
  out << "culprit signature: " << r.culprit_signature << "\n";
  out << "parent  signature: " << r.parent_signature << "\n";
  WriteCosts(r, out);
  out << (fix ? "fixing commit: " : "first bad commit: ") << r.commit << " " << r.culprit.title
      << "\n";
  char conf[32];
  std::snprintf(conf, sizeof conf, "%.4f", r.confidence);
  out << "confidence: " << conf;
  if (!r.stop_reason.empty()) out << " (" << r.stop_reason << ")";
  out << "\n";
  if (r.noop)
    out << "warning: the culprit's signature equals its parent's: it changed nothing that was "
           "built, so the result is suspect (the test may depend on files outside the build)\n";
  if (r.merge)
    out << "note: the culprit is a merge commit; the change may come from the merged branch\n";
  if (r.release) out << "note: the culprit is the release " << r.release_tag << "\n";
  out << "recipients (to): " << QuotedList(r.recipients_to) << "\n";
  out << "recipients (cc): " << QuotedList(r.recipients_cc) << "\n";
}

void WriteInconclusive(const BisectionResult& r, std::ostream& out) {
  out << "bisection is inconclusive";
  if (!r.stop_reason.empty()) out << " (" << r.stop_reason << ")";
  out << ": the " << decide::SoughtNoun(r.mode) << " is one of " << r.candidates.size()
      << " commits:\n";
  for (const auto& c : r.candidates) {
    char p[32];
    std::snprintf(p, sizeof p, "%6.2f%%", c.probability * 100);
    out << "  " << p << "  " << c.commit << " " << c.title << "\n";
  }
  WriteCosts(r, out);
}

}  // namespace

std::vector<std::string> CommitRecipients(const history::CommitInfo& commit) {
  std::vector<std::string> out;
  auto add = [&](const std::string& email) {
    std::string e = ToLower(Trim(email));
    if (e.empty() || std::find(out.begin(), out.end(), e) != out.end()) return;
    out.push_back(e);
  };
  add(commit.author.email);
  for (const auto& t : commit.trailers) {
    if (t.key != "Signed-off-by" && t.key != "Reviewed-by" && t.key != "Acked-by" &&
        t.key != "Tested-by")
      continue;
    size_t lt = t.value.find('<'), gt = t.value.find('>');
    if (lt != std::string::npos && gt != std::string::npos && gt > lt)
      add(t.value.substr(lt + 1, gt - lt - 1));
    else if (t.value.find('@') != std::string::npos)
      add(t.value);
  }
  return out;
}

void WriteText(const BisectionResult& r, std::ostream& out) {
  if (r.outcome == decide::ConclusionKind::kFound) {
    WriteFound(r, out);
  } else if (r.outcome == decide::ConclusionKind::kInconclusive) {
    WriteInconclusive(r, out);
  } else if (r.outcome == decide::ConclusionKind::kHorizon) {
    if (r.mode == decide::Mode::kFix)
      out << "the crash still happens on the newest commit " << r.commit << "\n";
    else
      out << "the crash is older than the searched history: the oldest tested release "
          << (r.release_tag.empty() ? r.commit : r.release_tag + " (" + r.commit + ")")
          << " still crashes\n";
    WriteCosts(r, out);
  } else {
    out << "bisection failed: " << r.error << "\n";
    WriteCosts(r, out);
  }
  if (!r.title.empty()) out << "crash: " << r.title << "\n";
  if (!r.crash_report.empty()) {
    out << r.crash_report;
    if (r.crash_report.back() != '\n') out << "\n";
  }
  if (!r.disassembly.empty()) out << "----------------\n" << r.disassembly;
}

std::string ToJson(const BisectionResult& r) {
  using nlohmann::json;
  json candidates = json::array();
  json candidate_details = json::array();
  for (const auto& c : r.candidates) {
    candidates.push_back(c.commit);
    candidate_details.push_back(
        {{"commit", c.commit}, {"title", c.title}, {"probability", c.probability}});
  }
  json j = {
      {"mode", decide::ModeName(r.mode)},
      {"outcome", decide::OutcomeName(r.outcome)},
      {"commit", r.commit.empty() ? json(nullptr) : json(r.commit)},
      {"candidates", candidates},
      {"confidence", r.confidence},
      {"flags", {{"noop", r.noop}, {"merge", r.merge}, {"release", r.release}}},
      {"title", r.title},
      {"revisions_tested", r.revisions_tested},
      {"builds", r.builds},
      {"runs", r.runs},
      {"time",
       {{"total_s", r.time.total_s}, {"build_s", r.time.build_s}, {"test_s", r.time.test_s}}},
      {"error", r.error.empty() ? json(nullptr) : json(r.error)},
      {"strategy", r.strategy},
      {"stop_reason", r.stop_reason},
      {"candidate_details", candidate_details},
      {"commit_title", r.culprit.title},
      {"guilty_file", r.guilty_file},
      {"culprit_signature", r.culprit_signature},
      {"parent_signature", r.parent_signature},
      {"recipients", {{"to", r.recipients_to}, {"cc", r.recipients_cc}}},
  };
  json tested = json::array();
  for (const auto& t : r.tested) {
    tested.push_back({{"commit", t.commit},
                      {"title", t.title},
                      {"release", t.release},
                      {"verdict", decide::VerdictWord(t.verdict, r.mode)},
                      {"built", t.built},
                      {"signature", t.signature},
                      {"target_crashes", t.target_crashes},
                      {"runs", t.runs},
                      {"build_s", t.build_s},
                      {"test_s", t.test_s}});
  }
  j["tested"] = tested;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

std::string Subject(const BisectionResult& r) {
  std::string crash = r.title.empty() ? "crash" : r.title;
  if (r.outcome == decide::ConclusionKind::kFound) {
    return crash + ": " + (r.mode == decide::Mode::kFix ? "fixed by " : "bisected to ") +
           ShortHash(r.commit) + " (\"" + r.culprit.title + "\")";
  }
  if (r.outcome == decide::ConclusionKind::kInconclusive) return crash + ": bisection inconclusive";
  if (r.outcome == decide::ConclusionKind::kHorizon)
    return crash + ": older than the searched history";
  return crash + ": bisection failed";
}

std::string Base64(std::string_view bytes) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 2]);
    out += kDigits[(chunk >> 18) & 63];
    out += kDigits[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kDigits[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kDigits[chunk & 63] : '=';
  }
  return out;
}

// A header value: one line of printable ASCII as is; anything else (a commit title in UTF-8)
// as RFC 2047 encoded words, each under 76 characters on its own folded line, never splitting
// a UTF-8 sequence.
std::string HeaderValue(std::string_view text) {
  std::string line;
  for (char c : text) line += (c == '\n' || c == '\r') ? ' ' : c;
  const bool plain = std::all_of(line.begin(), line.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (plain) return line;
  constexpr size_t kWordBytes = 45;  // 60 base64 characters + 12 of "=?UTF-8?B?" and "?="
  std::string out;
  for (size_t begin = 0; begin < line.size();) {
    size_t end = std::min(line.size(), begin + kWordBytes);
    while (end < line.size() && end > begin + 1 && (static_cast<uint8_t>(line[end]) & 0xc0) == 0x80)
      --end;
    out += (begin == 0 ? "" : "\n ") + std::string("=?UTF-8?B?") +
           Base64(std::string_view(line).substr(begin, end - begin)) + "?=";
    begin = end;
  }
  return out;
}

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

void WriteEmail(const BisectionResult& r, std::ostream& out) {
  out << "Subject: " << HeaderValue("[culprit] " + Subject(r)) << "\n";
  if (!r.recipients_to.empty()) out << "To: " << Join(r.recipients_to, ", ") << "\n";
  if (!r.recipients_cc.empty()) out << "Cc: " << Join(r.recipients_cc, ", ") << "\n";
  out << "MIME-Version: 1.0\n"
      << "Content-Type: text/plain; charset=utf-8\n"
      << "Content-Transfer-Encoding: 8bit\n\n";
  WriteText(r, out);
}

void WriteHtml(const BisectionResult& r, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>culprit: "
      << Escape(Subject(r)) << "</title>\n<style>"
      << "body{font-family:sans-serif;margin:2em;max-width:70em}"
      << "pre{background:#f6f6f6;padding:1em;overflow-x:auto}"
      << "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;"
      << "text-align:left;font-family:monospace}"
      << ".bad,.old{background:#fdd}.good,.new{background:#dfd}.skip{background:#eee}"
      << "</style></head><body>\n";
  out << "<h1>" << Escape(Subject(r)) << "</h1>\n<p>";
  char conf[32];
  std::snprintf(conf, sizeof conf, "%.4f", r.confidence);
  if (r.outcome == decide::ConclusionKind::kFound) out << "Confidence <b>" << conf << "</b>";
  if (!r.stop_reason.empty()) out << " (" << Escape(r.stop_reason) << ")";
  if (!r.error.empty()) out << "Error: " << Escape(r.error);
  out << "</p>\n";
  if (r.noop)
    out << "<p><b>Warning:</b> the culprit's signature equals its parent's: it changed nothing "
           "that was built, so the result is suspect.</p>\n";
  if (!r.candidates.empty()) {
    out << "<h2>Candidates</h2>\n<table><tr><th>probability</th><th>commit</th><th>title</th>"
           "</tr>\n";
    for (const auto& c : r.candidates) {
      char p[32];
      std::snprintf(p, sizeof p, "%.2f%%", c.probability * 100);
      out << "<tr><td>" << p << "</td><td>" << Escape(c.commit) << "</td><td>" << Escape(c.title)
          << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  out << "<h2>Report</h2>\n<pre>";
  std::ostringstream text;
  WriteText(r, text);
  out << Escape(text.str()) << "</pre>\n";
  out << "<h2>Revisions tested</h2>\n<table><tr><th>#</th><th>commit</th><th>verdict</th>"
         "<th>crashes / runs</th><th>build</th><th>test</th><th>signature</th><th>title</th>"
         "</tr>\n";
  for (size_t i = 0; i < r.tested.size(); ++i) {
    const TestedRevision& t = r.tested[i];
    out << "<tr class=\"" << Escape(std::string(decide::VerdictWord(t.verdict, r.mode)))
        << "\"><td>" << i + 1 << "</td><td>" << Escape(ShortHash(t.commit))
        << (t.release.empty() ? "" : " (" + Escape(t.release) + ")") << "</td><td>"
        << Escape(std::string(decide::VerdictWord(t.verdict, r.mode))) << "</td><td>"
        << t.target_crashes << " / " << t.runs << "</td><td>"
        << (t.built ? FormatDuration(std::chrono::duration<double>(t.build_s))
                    : std::string("failed"))
        << "</td><td>" << FormatDuration(std::chrono::duration<double>(t.test_s)) << "</td><td>"
        << Escape(t.signature.substr(0, 16)) << "</td><td>" << Escape(t.title) << "</td></tr>\n";
  }
  out << "</table>\n</body></html>\n";
}

int ExitStatus(const BisectionResult& r) {
  if (r.outcome == decide::ConclusionKind::kFound) return 0;
  if (r.outcome == decide::ConclusionKind::kInconclusive) return 2;
  if (r.outcome == decide::ConclusionKind::kHorizon) return 3;
  return 1;
}

}  // namespace culprit::report
