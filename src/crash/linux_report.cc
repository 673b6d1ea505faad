// Linux oops parsing (§1 of shared/reference/syzbot-title-rules.md): the report of the oops
// line's console context is gathered (§1.5), the family's formats are matched against it in
// precedence order (§1.6) with their frame rules (§1.7, in frame_extract.cc) and alt titles
// (§1.8), then corruption, type and normalization follow (§1.9). The rules themselves are data
// in oops_table.cc; this file only runs them.
#include "crash/linux_report.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crash/console_line.h"
#include "crash/corruption.h"
#include "crash/frame_extract.h"
#include "crash/frame_lists.h"
#include "crash/guilty_file.h"
#include "crash/line_shapes.h"
#include "crash/lines.h"
#include "crash/log_facts.h"
#include "crash/needle_set.h"
#include "crash/oops_table.h"
#include "crash/pattern.h"
#include "crash/prefilter.h"
#include "crash/title_normalize.h"

namespace culprit::crash {
namespace {

struct CompiledPattern {
  std::unique_ptr<RE2> re;
  std::string prefix;             // literal text every match starts with
  bool at_header = false;         // matches start where the family's header does
  std::vector<std::string> then;  // literals that follow the prefix on its line, in order

  // False if no match can start at `at` (cheap literal tests; the regex decides otherwise).
  bool MayMatchAt(std::string_view text, size_t at) const {
    if (text.compare(at, prefix.size(), prefix) != 0) return false;
    if (then.empty()) return true;
    size_t eol = text.find('\n', at);
    std::string_view line = text.substr(at, eol == std::string_view::npos ? eol : eol - at);
    size_t from = prefix.size();
    for (const std::string& literal : then) {
      size_t found = line.find(literal, from);
      if (found == std::string_view::npos) return false;
      from = found + literal.size();
    }
    return true;
  }
};

struct CompiledFormat {
  const OopsFormat* spec;
  CompiledPattern title, body;
  std::unique_ptr<CompiledFrameRule> frames;
};

struct CompiledFamily {
  const OopsFamily* spec;
  std::unique_ptr<RE2> false_positives;
  std::vector<CompiledFormat> formats;
};

CompiledPattern Compile(std::string_view pattern, std::string_view header) {
  CompiledPattern p;
  if (pattern.empty()) return p;
  p.re = CompilePattern(pattern);
  p.prefix = LiteralPrefix(pattern);
  p.at_header = std::string_view(p.prefix).starts_with(header);
  p.then = LiteralsAfterPrefix(pattern);
  return p;
}

const std::vector<CompiledFamily>& Families() {
  static const auto* families = [] {
    auto* out = new std::vector<CompiledFamily>;
    for (const OopsFamily& f : OopsFamilies()) {
      std::string fp;
      // Each in a group of its own: a flag one sets ("(?i)") stays within it.
      for (std::string_view p : f.false_positives) {
        fp += (fp.empty() ? "(?:" : "|(?:") + std::string(p) + ")";
      }
      CompiledFamily c{&f, CompilePattern(fp), {}};
      for (const OopsFormat& format : f.formats) {
        c.formats.push_back(
            {&format, Compile(format.title, f.header), Compile(format.body, f.header),
             format.frames ? std::make_unique<CompiledFrameRule>(*format.frames) : nullptr});
      }
      out->push_back(std::move(c));
    }
    return out;
  }();
  return *families;
}

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// The first family (§1.2 order) whose header `line` holds without a false positive, or null.
const CompiledFamily* FamilyOf(std::string_view line) {
  // One pass over the line finds every header it holds (usually one).
  static const NeedleSet* headers = [] {
    std::vector<std::string_view> all;
    for (const CompiledFamily& f : Families()) all.push_back(f.spec->header);
    return new NeedleSet(std::move(all));
  }();
  const auto& families = Families();
  uint64_t held = 0;
  for (size_t at = headers->Find(line, 0).pos; at != std::string_view::npos;
       at = headers->Find(line, at + 1).pos) {
    for (size_t i = 0; i < families.size(); ++i) {
      if (line.substr(at).starts_with(families[i].spec->header)) held |= uint64_t{1} << i;
    }
  }
  for (; held != 0; held &= held - 1) {
    const CompiledFamily& f = families[__builtin_ctzll(held)];
    if (f.false_positives &&
        RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *f.false_positives))
      continue;
    return &f;
  }
  return nullptr;
}

constexpr std::string_view kReplay = "** replaying previous printk message **";

bool AnyOf(std::string_view line, const std::vector<std::string_view>& parts) {
  return std::any_of(parts.begin(), parts.end(),
                     [line](std::string_view p) { return Contains(line, p); });
}

// --- §1.5: the report text ---

struct Gathered {
  std::string prefix;  // lines of the same context before the oops line
  std::string text;    // the oops line and the lines of its context after it, stripped
  size_t cut = 0;      // the title text is text[0, cut): up to a second report
  size_t end = 0;      // end of the last header line after the oops line
};

// Far more than any report; keeps a log of any size from becoming one report in memory.
constexpr size_t kMaxReportBytes = 1 << 20;

std::string PrefixLines(std::string_view log, size_t oops, const ConsoleLine& head) {
  size_t max_lines = head.IsTask() ? 50 : 5;
  std::vector<std::string_view> kept;
  for (size_t end = oops; end > 0 && kept.size() < max_lines;) {
    Line line = LineAt(log, end - 1);
    end = line.pos;
    ConsoleLine c = SplitConsoleLine(line.text);
    if (c.SameContext(head) && !c.text.empty() && !c.questionable) kept.push_back(c.text);
  }
  std::string out;
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) out.append(*it).push_back('\n');
  return out;
}

Gathered Gather(std::string_view log, const Line& oops, LogFacts* facts) {
  Gathered g;
  ConsoleLine head = SplitConsoleLine(oops.text);
  bool caller_context = head.kind == ContextKind::kCaller;
  // Past this many lines a panic (or lockdep's second report) closes the report.
  size_t threshold = Contains(oops.text, "BUG: KMSAN:") ? 16 : 22;
  g.prefix = PrefixLines(log, oops.pos, head);
  g.text.reserve(std::min(log.size() - oops.pos, kMaxReportBytes) + 1);
  g.end = oops.end();
  bool second = false, cpu_traceback = false, tail_drop = false;
  size_t count = 0;
  size_t candidate = NextReportCandidate(log, oops.pos);
  LineCursor cursor(log, oops.pos);
  Line line;
  while (cursor.Next(&line)) {
    bool is_oops = line.pos == oops.pos;
    // Only candidate lines (the prefilter's) can be headers or markers.
    bool header = false, info = false, lock_debugging_off = false, all_cpus = false, closer = false;
    if (candidate < line.end()) {
      size_t past = PastLine(log, line.end());
      Line next = past < log.size() ? LineAt(log, past) : Line{};
      header = FamilyOf(line.text) != nullptr && !Contains(next.text, kReplay);
      info = AnyOf(line.text, InfoMessagesWithStack());
      lock_debugging_off = Contains(line.text, kLockDebuggingOff);
      all_cpus = Contains(line.text, kAllCpuBacktrace);
      closer = AnyOf(line.text, ReportClosers());
      if (facts != nullptr) NoteLogFacts(line.text, facts);
      candidate = NextReportCandidate(log, past);
    }
    if (header) g.end = line.end();
    if (!is_oops && !second && ((header && !AnyOf(line.text, ReportContinuations())) || info))
      second = true;
    if (tail_drop || g.text.size() >= kMaxReportBytes) {
      // Only header lines matter now (for the end): go straight to the next one.
      if (candidate == std::string_view::npos) break;
      cursor = LineCursor(log, LineAt(log, candidate).pos);
      continue;
    }
    ConsoleLine c = is_oops ? head : SplitConsoleLine(line.text);
    if (!is_oops && (c.questionable || !(c.SameContext(head) || (cpu_traceback && c.IsCpu()))))
      continue;
    ++count;
    if (!is_oops) {
      if (lock_debugging_off) continue;
      if (all_cpus) {
        cpu_traceback = true;
      } else if (closer && count > threshold) {
        tail_drop = true;
        continue;
      }
    }
    g.text.append(c.text).push_back('\n');
    if (!second || caller_context) g.cut = g.text.size();
  }
  return g;
}

// --- §1.6: choosing the format ---

// The leftmost match of `p` in `text` starting at or before `limit`; `headers` are the offsets
// of the family's header there.
bool Leftmost(const CompiledPattern& p, std::string_view text, const std::vector<size_t>& headers,
              size_t limit, std::vector<std::string_view>* groups, size_t* start) {
  if (!p.at_header) {
    std::string_view whole;
    if (!SearchIn(*p.re, text, groups, &whole)) return false;
    *start = whole.data() - text.data();
    return *start <= limit;
  }
  for (size_t h : headers) {
    if (h > limit) break;
    if (!p.MayMatchAt(text, h)) continue;
    if (MatchAt(*p.re, text, h, groups)) {
      *start = h;
      return true;
    }
  }
  return false;
}

// A shape with {1}..{9} replaced by captures and {F}, {F2} by frames.
std::string Fill(std::string_view shape, const std::vector<std::string>& captures,
                 const std::vector<std::string>& frames) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == '{' && shape.substr(i).starts_with("{F}")) {
      if (!frames.empty()) out += frames[0];
      i += 2;
    } else if (shape[i] == '{' && shape.substr(i).starts_with("{F2}")) {
      if (frames.size() > 1) out += frames[1];
      i += 3;
    } else if (shape[i] == '{' && i + 2 < shape.size() && shape[i + 2] == '}' &&
               shape[i + 1] >= '1' && shape[i + 1] <= '9') {
      size_t n = shape[i + 1] - '1';
      if (n < captures.size()) out += captures[n];
      i += 2;
    } else {
      out.push_back(shape[i]);
    }
  }
  return out;
}

struct Description {
  std::string title;
  std::vector<std::string> alts;  // in order, each once
  const CompiledFormat* format = nullptr;
  bool corrupted = false;
  std::string reason;
};

void AddAlt(std::string alt, std::vector<std::string>* alts) {
  if (std::find(alts->begin(), alts->end(), alt) == alts->end()) alts->push_back(std::move(alt));
}

// §1.8: alt shapes with the title's frames, then the title and alt shapes with the frames as
// the stack spelled them, then with each syscall prefix removed in turn.
void AddAlts(const OopsFormat& f, const std::vector<std::string>& captures,
             const std::vector<Frame>& frames, const std::string& title,
             std::vector<std::string>* alts) {
  std::vector<std::string> canonical, raw;
  for (const Frame& fr : frames) {
    canonical.push_back(fr.canonical);
    raw.push_back(fr.raw);
  }
  for (std::string_view alt : f.alts) AddAlt(Fill(alt, captures, canonical), alts);
  if (f.frames == nullptr) return;
  auto add_spelling = [&](const std::vector<std::string>& spelled) {
    std::string t = Fill(f.shape, captures, spelled);
    if (t != title) AddAlt(std::move(t), alts);
    for (std::string_view alt : f.alts) AddAlt(Fill(alt, captures, spelled), alts);
  };
  add_spelling(raw);
  for (std::string_view prefix : SyscallPrefixes()) {
    bool any = false;
    std::vector<std::string> stripped = raw;
    for (std::string& name : stripped) {
      if (!name.starts_with(prefix)) continue;
      name.erase(0, prefix.size());
      any = true;
    }
    if (any) add_spelling(stripped);
  }
}

Description Describe(std::string_view text, const CompiledFamily& family,
                     const std::vector<MarkedLine>& marks) {
  std::string_view header = family.spec->header;
  std::vector<size_t> headers;
  for (size_t at = text.find(header); at != std::string_view::npos; at = text.find(header, at + 1))
    headers.push_back(at);
  Description d;
  size_t best = text.size();
  bool have_title = false, some_title_matched = false, failed = false;
  std::vector<std::string_view> groups;
  for (const CompiledFormat& f : family.formats) {
    size_t start = 0;
    // A match after the best one so far, or at it once a format holds it, cannot win.
    if (have_title && best == 0) break;
    size_t limit = have_title ? best - 1 : best;
    if (!Leftmost(f.title, text, headers, limit, &groups, &start)) continue;
    if (start < best) {
      have_title = false;
      d.format = nullptr;
      best = start;
    }
    some_title_matched = true;
    if (f.body.re && !Leftmost(f.body, text, headers, text.size(), &groups, &start)) continue;
    std::vector<std::string> captures(groups.begin(), groups.end());
    std::vector<Frame> frames;
    failed = false;
    if (f.frames) {
      FrameResult fr = f.frames->Extract(text, start, marks);
      frames = std::move(fr.frames);
      failed = fr.failed;
    }
    std::vector<std::string> canonical;
    for (const Frame& fr : frames) canonical.push_back(fr.canonical);
    d.title = Fill(f.spec->shape, captures, canonical);
    d.format = &f;
    have_title = true;
    AddAlts(*f.spec, captures, frames, d.title, &d.alts);
  }
  if (!have_title) {
    // A title matched but its body or frames did not: the header line stands in, corrupted.
    d.format = nullptr;
    d.corrupted = some_title_matched;
    d.title.clear();
    d.reason = some_title_matched ? "matched title but not report regexp" : "";
    if (!headers.empty()) {
      size_t eol = text.find('\n', headers[0]);
      d.title = std::string(
          text.substr(headers[0], eol == std::string_view::npos ? eol : eol - headers[0]));
    }
    return d;
  }
  d.corrupted = failed || d.format->spec->corrupted;
  if (failed)
    d.reason = "extracted no frames";
  else if (d.corrupted)
    d.reason = "corrupted by definition";
  return d;
}

// §1.9: the frame a title names: after its last " in ", an optional <...> then a name.
std::string FrameOfTitle(std::string_view title) {
  size_t in = title.rfind(" in ");
  if (in == std::string_view::npos) return "";
  static const RE2* re = CompilePattern(R"(^(?:<[A-Za-z0-9_: ]+>)?[A-Za-z0-9_:]+)").release();
  std::string_view whole;
  if (!SearchIn(*re, title.substr(in + 4), nullptr, &whole)) return "";
  return std::string(whole);
}

// §12: "Comm: syz.P.I " names the executor process and program.
std::optional<Executor> ExecutorOf(std::string_view report) {
  static constexpr Needle kComm(" Comm: syz.");
  size_t at = FindIn(report, kComm);
  if (at == std::string_view::npos) return std::nullopt;
  static const RE2* re = CompilePattern(R"( Comm: syz\.([0-9]+)\.([0-9]+) )").release();
  std::vector<std::string_view> g;
  if (!SearchIn(*re, report.substr(at), &g)) return std::nullopt;
  Executor e;
  if (g[0].size() > 9 || g[1].size() > 9) return std::nullopt;
  e.proc = std::stoi(std::string(g[0]));
  e.id = std::stoi(std::string(g[1]));
  return e;
}

}  // namespace

bool IsLinuxOopsLine(std::string_view line, std::string_view next, bool check_replay) {
  if (FamilyOf(line) == nullptr) return false;
  return !check_replay || !Contains(next, kReplay);
}

Report ParseLinuxOops(std::string_view whole_log, size_t from, size_t oops, LogFacts* facts) {
  Report r;
  std::string_view log = whole_log.substr(from);
  Line first = LineAt(log, oops - from);
  const CompiledFamily* family = FamilyOf(first.text);
  if (family == nullptr) return r;
  Gathered g = Gather(log, first, facts);
  std::string_view report_text = g.text;
  size_t end = std::max(g.end, first.end());
  // Marked lines of the report serve the title text too (it is the report's start).
  std::vector<MarkedLine> marks = MarkLines(report_text);
  Description d = Describe(std::string_view(g.text).substr(0, g.cut), *family, marks);
  if (d.title.empty()) {
    // The header did not survive into the title text: the raw lines are all there is.
    report_text = log.substr(first.pos, end - first.pos);
    g.prefix.clear();
    marks = MarkLines(report_text);
    d = Describe(report_text, *family, marks);
  }
  r.crashed = true;
  r.type = TitleToType(d.title);
  r.corrupted = d.corrupted;
  r.corrupted_reason = d.reason;
  if (!r.corrupted && TitleHasTimestamp(d.title)) {
    r.corrupted = true;
    r.corrupted_reason = "title contains a timestamp";
  }
  if (!r.corrupted && d.format != nullptr && !d.format->spec->stack_not_required) {
    r.corrupted_reason = MissingStackReason(report_text, marks);
    r.corrupted = !r.corrupted_reason.empty();
  }
  r.title = NormalizeTitle(d.title);
  for (const std::string& alt : d.alts) r.alt_titles.push_back(NormalizeTitle(alt));
  std::sort(r.alt_titles.begin(), r.alt_titles.end());
  r.alt_titles.erase(std::unique(r.alt_titles.begin(), r.alt_titles.end()), r.alt_titles.end());
  r.frame = FrameOfTitle(r.title);
  r.start = from + first.pos;
  r.end = from + end;
  r.guilty_file = GuiltyFileForTitle(r.title, report_text);
  r.report = g.prefix;
  r.report.append(report_text);
  r.executor = ExecutorOf(r.report);
  return r;
}

std::vector<std::string> LinuxFormatErrors() {
  std::vector<std::string> errors;
  auto check = [&errors](const RE2* re) {
    if (re != nullptr && !re->ok()) errors.push_back(re->pattern() + ": " + re->error());
  };
  for (const CompiledFamily& f : Families()) {
    check(f.false_positives.get());
    for (const CompiledFormat& format : f.formats) {
      check(format.title.re.get());
      check(format.body.re.get());
      if (!format.frames) continue;
      for (std::string& e : format.frames->Errors()) errors.push_back(std::move(e));
    }
  }
  return errors;
}

}  // namespace culprit::crash
