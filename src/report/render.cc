#include "report/render.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "base/strings.h"
#include "decide/names.h"

namespace culprit::report {

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

namespace {

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
  auto d = [](double s) { return FormatDuration(std::chrono::duration<double>(s)); };
  // The total is wall time. Builds and runs in one at a time add up to it with what culprit
  // did between them; in parallel their sum exceeds it.
  const double rest = r.time.total_s - r.time.build_s - r.time.test_s;
  out << "revisions tested: " << r.revisions_tested << ", total time: " << d(r.time.total_s)
      << " (build: " << d(r.time.build_s) << ", test: " << d(r.time.test_s);
  if (rest >= 0.001 * r.time.total_s + 0.0005) {
    out << ", other: " << d(rest);
  } else if (rest < -0.001 * r.time.total_s - 0.0005) {
    out << ", summed over builds and runs in parallel";
  }
  out << ")\n";
  out << "builds: " << r.builds << ", runs: " << r.runs << "\n";
  if (r.cross_tree)
    out << "cross-tree: the bad commit's tree meets the fixed one at " << r.merge_base
        << (r.outcome == decide::ConclusionKind::kError ? "" : "; the fix was searched from there")
        << "\n";
  if (r.minimized_config) {
    const BisectionResult::MinimizedConfig& m = *r.minimized_config;
    out << "config: " << m.note << "\n";
    if (!m.fell_back && !m.kept.empty()) {
      out << "config options kept (differing from the baseline):";
      for (const std::string& o : m.kept) out << " " << o;
      out << "\n";
    }
  }
}

// The revert verification, when there was one: what it did and showed, in one line, and a
// warning when it refuted the answer.
void WriteVerification(const BisectionResult& r, std::ostream& out) {
  if (!r.verification) return;
  const Verification& v = *r.verification;
  if (v.outcome == VerificationOutcome::kRefuted) {
    out << "warning: verification refuted the " << decide::SoughtNoun(r.mode) << ": " << v.detail
        << "\n";
    return;
  }
  out << "verification: " << VerificationOutcomeName(v.outcome) << ": " << v.detail << "\n";
}

// Marks a human gave, and what the engine made of them.
void WriteMarks(const BisectionResult& r, std::ostream& out) {
  if (r.marks.empty()) return;
  out << "marks given by hand:";
  for (const MarkInfo& m : r.marks) {
    out << (&m == &r.marks.front() ? " " : ", ") << decide::VerdictWord(m.mark, r.mode) << " "
        << (m.range.empty() ? ShortHash(m.commit)
                            : m.range + " (" + std::to_string(m.commits) +
                                  (m.commits == 1 ? " commit)" : " commits)"));
    if (m.range.empty() && m.verdict != m.mark && m.verdict != decide::CommitVerdict::kUndecided)
      out << " (overturned: " << decide::VerdictWord(m.verdict, r.mode) << ")";
  }
  out << "\n";
}

// How sure the search is that the crash lies beyond the range, when it weighed that (a
// posterior's horizon, or a probe's taken out of runs; a probe's settled verdict carries no
// probability).
void WriteHorizonConfidence(const BisectionResult& r, std::ostream& out) {
  if (r.confidence <= 0) return;
  out << "confidence: " << FormatConfidence(r.confidence);
  if (!r.stop_reason.empty()) out << " (" << r.stop_reason << ")";
  out << "\n";
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
  out << "confidence: " << FormatConfidence(r.confidence);
  if (!r.stop_reason.empty()) out << " (" << r.stop_reason << ")";
  if (r.verification && r.verification->outcome != VerificationOutcome::kNotApplicable) {
    out << "; " << FormatConfidence(r.verification->bisection_confidence)
        << " from the bisection, combined with the verification";
  }
  out << "\n";
  WriteVerification(r, out);
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
  WriteMarks(r, out);
  if (r.outcome == decide::ConclusionKind::kFound) {
    WriteFound(r, out);
  } else if (r.outcome == decide::ConclusionKind::kInconclusive) {
    WriteInconclusive(r, out);
  } else if (r.outcome == decide::ConclusionKind::kHorizon) {
    out << HorizonSentence(r) << "\n";
    WriteHorizonConfidence(r, out);
    WriteCosts(r, out);
  } else {
    out << "bisection failed: " << r.error << "\n";
    WriteCosts(r, out);
  }
  // Which failures were bisected, when it is not the default (a crash, by its title).
  if (r.verdict != "crash" || !r.expect.empty()) {
    out << "predicate: --verdict " << r.verdict;
    if (!r.expect.empty()) out << " --expect '" << r.expect << "'";
    out << "\n";
  }
  if (!r.title.empty()) out << (r.verdict == "exit" ? "failure: " : "crash: ") << r.title << "\n";
  if (!r.crash_report.empty()) {
    out << r.crash_report;
    if (r.crash_report.back() != '\n') out << "\n";
  }
  if (!r.disassembly.empty()) out << "----------------\n" << r.disassembly;
}

std::string Subject(const BisectionResult& r) {
  std::string crash = r.title.empty() ? "crash" : r.title;
  if (r.outcome == decide::ConclusionKind::kFound) {
    return crash + ": " + (r.mode == decide::Mode::kFix ? "fixed by " : "bisected to ") +
           ShortHash(r.commit) + " (\"" + r.culprit.title + "\")" +
           (r.refuted() ? " [verification refuted it]" : "");
  }
  if (r.outcome == decide::ConclusionKind::kInconclusive) return crash + ": bisection inconclusive";
  if (r.outcome == decide::ConclusionKind::kHorizon) {
    const std::string probably = r.short_of_target ? "probably " : "";
    return crash + ": " + probably +
           (r.mode == decide::Mode::kFix ? "still present on the newest commit"
                                         : "older than the searched history") +
           (r.short_of_target ? " (not confirmed)" : "");
  }
  return crash + ": bisection failed";
}

std::string HorizonSentence(const BisectionResult& r) {
  // Short of the target the horizon is only the likelier reading, and says so.
  const std::string probably = r.short_of_target ? "probably " : "";
  const std::string unconfirmed = r.short_of_target ? " (not confirmed)" : "";
  if (r.mode == decide::Mode::kFix)
    return "the crash " + probably + "still happens on the newest commit " + r.commit + unconfirmed;
  const std::string where = r.release_tag.empty()
                                ? "commit " + r.commit
                                : "release " + r.release_tag + " (" + r.commit + ")";
  return "the crash is " + probably + "older than the searched history: the oldest tested " +
         where + " " + probably + "still crashes" + unconfirmed;
}

std::string FormatConfidence(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", p);
  return buf;
}

Headline HeadlineOf(const BisectionResult& r) {
  Headline h;
  h.outcome = std::string(decide::OutcomeName(r.outcome));
  if (!r.commit.empty()) h.culprit = ShortHash(r.commit);
  if (r.outcome == decide::ConclusionKind::kFound ||
      (r.outcome == decide::ConclusionKind::kHorizon && r.confidence > 0)) {
    h.confidence = FormatConfidence(r.confidence);
  }
  h.title = r.title.empty() && r.outcome == decide::ConclusionKind::kError ? r.error : r.title;
  return h;
}

int ExitStatus(const BisectionResult& r) {
  if (r.outcome == decide::ConclusionKind::kFound) return r.refuted() ? 4 : 0;
  // A horizon short of the target is the likelier reading of an inconclusive search.
  if (r.outcome == decide::ConclusionKind::kInconclusive) return 2;
  if (r.outcome == decide::ConclusionKind::kHorizon) return r.short_of_target ? 2 : 3;
  return 1;
}

}  // namespace culprit::report
