// The HTML page of a result: one self-contained HTML5 document (inline CSS and SVG, no
// scripts, no external assets), every text escaped.
#include <cstdio>
#include <sstream>

#include "base/strings.h"
#include "decide/names.h"
#include "report/escape.h"
#include "report/picture.h"
#include "report/render.h"

namespace culprit::report {
namespace {

constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#222}"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}"
    "pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:.85em}"
    "table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:.2em .5em;"
    "text-align:left;vertical-align:top}td.mono,.mono{font-family:monospace}"
    "tr.bad td.verdict,tr.old td.verdict{background:#fdd}"
    "tr.good td.verdict,tr.new td.verdict{background:#dfd}tr.skip td.verdict{background:#eee}"
    ".warning{background:#fff3cd;padding:.5em}.job{color:#666;margin:0}"
    "a.run{margin-right:.4em;white-space:nowrap}a.run.crashed{color:#c62828}"
    ".diff .add{color:#1b5e20;background:#e8f5e9}.diff .del{color:#b71c1c;background:#ffebee}"
    ".diff .hunk{color:#6a1b9a}.diff .file{font-weight:bold}"
    "svg.bisection{border:1px solid #ddd;background:#fff;max-width:100%}"
    "svg .caption{font:bold 14px sans-serif}svg .label{font:11px sans-serif;fill:#444}"
    "svg .hash{font:10px monospace;fill:#333}svg .count{font:10px sans-serif;fill:#333}"
    "svg .order{font:bold 8px sans-serif}svg .gaptext{font:14px sans-serif;fill:#555}"
    "svg .culprit-label{font:bold 11px sans-serif;fill:#6a1b9a}";

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Duration(double s) { return FormatDuration(std::chrono::duration<double>(s)); }

std::string Link(const HtmlOptions& o, const std::string& path, const std::string& text,
                 const std::string& cls) {
  std::string href = o.link ? o.link(path) : std::string();
  if (href.empty()) return "<span class=\"" + cls + "\">" + HtmlEscape(text) + "</span>";
  return "<a class=\"" + cls + "\" href=\"" + HtmlEscape(href) + "\">" + HtmlEscape(text) + "</a>";
}

void WriteSummary(const BisectionResult& r, std::ostream& out) {
  out << "<p class=\"outcome\">";
  if (r.outcome == decide::ConclusionKind::kFound) {
    out << "Found with confidence <b>" << FormatConfidence(r.confidence) << "</b>";
    if (!r.stop_reason.empty()) out << " (" << HtmlEscape(r.stop_reason) << ")";
  } else if (r.outcome == decide::ConclusionKind::kInconclusive) {
    out << "Inconclusive";
    if (!r.stop_reason.empty()) out << " (" << HtmlEscape(r.stop_reason) << ")";
    out << ": the " << decide::SoughtNoun(r.mode) << " is one of " << r.candidates.size()
        << " commits";
  } else if (r.outcome == decide::ConclusionKind::kHorizon) {
    out << "Horizon: the crash is " << (r.short_of_target ? "probably " : "")
        << (r.mode == decide::Mode::kFix ? "still present at the newest commit"
                                         : "older than the searched history");
    if (r.confidence > 0) {
      out << ", confidence <b>" << FormatConfidence(r.confidence) << "</b>";
      if (!r.stop_reason.empty()) out << " (" << HtmlEscape(r.stop_reason) << ")";
    }
  } else {
    out << "Failed: " << HtmlEscape(r.error);
  }
  out << ". " << r.revisions_tested << " revisions tested, " << r.builds << " builds, " << r.runs
      << " runs; time " << Duration(r.time.total_s) << " (build " << Duration(r.time.build_s)
      << ", test " << Duration(r.time.test_s) << ").</p>\n";
  if (r.noop)
    out << "<p class=\"warning\"><b>Warning:</b> the culprit's signature equals its parent's: it "
           "changed nothing that was built, so the result is suspect.</p>\n";
  if (r.refuted()) {
    out << "<p class=\"warning\"><b>Warning: verification refuted the answer</b>: "
        << HtmlEscape(r.verification->detail) << "</p>\n";
  } else if (r.verification) {
    out << "<p>Verification " << VerificationOutcomeName(r.verification->outcome) << ": "
        << HtmlEscape(r.verification->detail) << "</p>\n";
  }
  if (r.merge)
    out << "<p class=\"warning\">The culprit is a merge commit; the change may come from the "
           "merged branch.</p>\n";
  if (r.release)
    out << "<p class=\"warning\">The culprit is the release " << HtmlEscape(r.release_tag)
        << ".</p>\n";
}

void WriteDiff(const std::string& diff, std::ostream& out) {
  out << "<details open><summary>diff against its first parent</summary><pre class=\"diff\">";
  for (std::string_view line : SplitLines(diff)) {
    const char* cls = nullptr;
    if (StartsWith(line, "diff --git")) {
      cls = "file";
    } else if (StartsWith(line, "@@")) {
      cls = "hunk";
    } else if (StartsWith(line, "+") && !StartsWith(line, "+++ ")) {
      cls = "add";
    } else if (StartsWith(line, "-") && !StartsWith(line, "--- ")) {
      cls = "del";
    }
    if (cls)
      out << "<span class=\"" << cls << "\">" << HtmlEscape(line) << "</span>\n";
    else
      out << HtmlEscape(line) << "\n";
  }
  out << "</pre></details>\n";
}

void WriteCulprit(const BisectionResult& r, std::ostream& out) {
  if (r.commit.empty() || r.outcome != decide::ConclusionKind::kFound) return;
  const history::CommitInfo& c = r.culprit;
  out << "<h2 id=\"culprit\">" << (r.mode == decide::Mode::kFix ? "Fix" : "Culprit") << "</h2>\n"
      << "<table><tr><th>commit</th><td class=\"mono\">" << HtmlEscape(r.commit)
      << "</td></tr>\n<tr><th>title</th><td>" << HtmlEscape(c.title) << "</td></tr>\n";
  if (!c.author.email.empty())
    out << "<tr><th>author</th><td>" << HtmlEscape(c.author.name + " <" + c.author.email + ">")
        << "</td></tr>\n<tr><th>date</th><td>"
        << HtmlEscape(GitDate(c.author_time, c.author_offset_minutes)) << "</td></tr>\n";
  if (!c.parents.empty())
    out << "<tr><th>parent</th><td class=\"mono\">" << HtmlEscape(c.parents.front())
        << "</td></tr>\n";
  out << "<tr><th>signatures</th><td class=\"mono\">culprit " << HtmlEscape(r.culprit_signature)
      << "<br>parent&nbsp; " << HtmlEscape(r.parent_signature) << "</td></tr>\n";
  if (!r.recipients_to.empty() || !r.recipients_cc.empty())
    out << "<tr><th>recipients</th><td>to: " << HtmlEscape(Join(r.recipients_to, ", "))
        << (r.recipients_cc.empty() ? "" : "<br>cc: " + HtmlEscape(Join(r.recipients_cc, ", ")))
        << "</td></tr>\n";
  out << "</table>\n";
  if (!c.message.empty()) out << "<pre>" << HtmlEscape(c.message) << "</pre>\n";
  if (!r.culprit_diff.empty()) WriteDiff(r.culprit_diff, out);
}

void WriteCandidates(const BisectionResult& r, std::ostream& out) {
  if (r.candidates.empty()) return;
  out << "<h2 id=\"candidates\">Candidates</h2>\n<table><tr><th>probability</th><th>commit</th>"
         "<th>title</th></tr>\n";
  for (const auto& c : r.candidates)
    out << "<tr><td>" << Fixed(c.probability * 100, 2) << "%</td><td class=\"mono\">"
        << HtmlEscape(c.commit) << "</td><td>" << HtmlEscape(c.title) << "</td></tr>\n";
  out << "</table>\n";
}

void WriteRunLinks(const TestedRevision& t, const HtmlOptions& o, std::ostream& out) {
  if (!t.build_log.empty()) out << Link(o, t.build_log, "build log", "build") << " ";
  for (const auto& run : t.run_list) {
    std::string what = run.target ? "crashed" : run.result == "OK" ? "ok" : "other";
    out << Link(o, run.log_path, "#" + std::to_string(run.index) + " " + run.result, "run " + what);
  }
}

void WriteTested(const BisectionResult& r, const HtmlOptions& o, std::ostream& out) {
  out << "<h2 id=\"tested\">Revisions tested</h2>\n<table><tr><th>#</th><th>commit</th>"
         "<th>verdict</th><th>target crashes / runs</th><th>build</th><th>test</th>"
         "<th>signature</th><th>title</th><th>logs</th></tr>\n";
  for (size_t i = 0; i < r.tested.size(); ++i) {
    const TestedRevision& t = r.tested[i];
    const std::string verdict(decide::VerdictWord(t.verdict, r.mode));
    out << "<tr class=\"" << verdict << "\"><td>" << i + 1 << "</td><td class=\"mono\">"
        << HtmlEscape(ShortHash(t.commit))
        << (t.release.empty() ? "" : " (" + HtmlEscape(t.release) + ")")
        << "</td><td class=\"verdict\">" << verdict << "</td><td>" << t.target_crashes << " / "
        << t.runs << "</td><td>" << (t.built ? Duration(t.build_s) : std::string("failed"))
        << "</td><td>" << Duration(t.test_s) << "</td><td class=\"mono\">"
        << HtmlEscape(t.signature.substr(0, 16)) << "</td><td>" << HtmlEscape(t.title)
        << "</td><td>";
    WriteRunLinks(t, o, out);
    out << "</td></tr>\n";
  }
  out << "</table>\n";
}

void WriteSettings(const BisectionResult& r, std::ostream& out) {
  if (r.settings.empty() && r.strategy.empty()) return;
  out << "<h2 id=\"settings\">Commands and settings</h2>\n<table>\n";
  if (!r.repo.empty())
    out << "<tr><th>repository</th><td class=\"mono\">" << HtmlEscape(r.repo) << "</td></tr>\n";
  if (!r.start_commit.empty())
    out << "<tr><th>start commit</th><td class=\"mono\">"
        << HtmlEscape(r.start_commit + " " + r.start_title) << "</td></tr>\n";
  out << "<tr><th>mode</th><td>" << decide::ModeName(r.mode) << "</td></tr>\n";
  if (!r.strategy.empty())
    out << "<tr><th>strategy</th><td>" << HtmlEscape(r.strategy) << "</td></tr>\n";
  for (const auto& s : r.settings)
    out << "<tr><th>" << HtmlEscape(s.key) << "</th><td class=\"mono\">" << HtmlEscape(s.value)
        << "</td></tr>\n";
  out << "</table>\n";
}

}  // namespace

void WriteHtml(const BisectionResult& r, const HtmlOptions& o, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>culprit: " << HtmlEscape(Subject(r)) << "</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n";
  if (!o.index_href.empty())
    out << "<p class=\"job\"><a href=\"" << HtmlEscape(o.index_href) << "\">all jobs</a></p>\n";
  if (!o.heading.empty()) out << "<p class=\"job\">" << HtmlEscape(o.heading) << "</p>\n";
  out << "<h1>" << HtmlEscape(Subject(r)) << "</h1>\n";
  WriteSummary(r, out);
  out << "<h2 id=\"picture\">The bisection</h2>\n";
  WritePicture(r, out);
  WriteCulprit(r, out);
  WriteCandidates(r, out);
  WriteTested(r, o, out);
  WriteSettings(r, out);
  out << "<h2 id=\"report\">Report</h2>\n";
  if (!o.log_href.empty())
    out << "<p><a class=\"log\" href=\"" << HtmlEscape(o.log_href)
        << "\">the bisection log</a></p>\n";
  std::ostringstream text;
  WriteText(r, text);
  out << "<pre>" << HtmlEscape(text.str()) << "</pre>\n</body>\n</html>\n";
}

}  // namespace culprit::report
