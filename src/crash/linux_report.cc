// Linux oops parsing, after syzkaller's pkg/report/linux.go: find the first oops line, gather
// the report (same console context, prefixes stripped), pick the format whose title regex
// matches earliest, take the frame from the stack, then check the report for corruption.
// ~600 lines because these four steps share the compiled table and the frame-line helpers;
// the table itself is data in linux_formats.cc, the frame policy in stack_frames.cc.
#include "crash/linux_report.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "crash/console_line.h"
#include "crash/lines.h"
#include "crash/linux_formats.h"
#include "crash/needle_set.h"
#include "crash/stack_frames.h"
#include "crash/title_normalize.h"

namespace culprit::crash {
namespace {

std::string Expand(std::string_view re) {
  static constexpr std::pair<std::string_view, std::string_view> kTemplates[] = {
      {"{{ADDR}}", "0x[0-9a-f]+"},
      {"{{PC}}", R"(\[<?(?:0x)?[0-9a-f]+>?\])"},
      {"{{FUNC}}", R"(([a-zA-Z0-9_]+)(?:\.|\+))"},
      {"{{SRC}}", R"(([a-zA-Z0-9_/.-]+\.[a-z]+:[0-9]+))"},
  };
  std::string s(re);
  for (const auto& [from, to] : kTemplates) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
  }
  return s;
}

std::unique_ptr<RE2> Compile(std::string_view re) {
  if (re.empty()) return nullptr;
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  // Console logs carry arbitrary bytes (task names, garbage): "." matches any byte, as Go's
  // regexp matches an invalid byte as U+FFFD.
  options.set_encoding(RE2::Options::EncodingLatin1);
  auto compiled = std::make_unique<RE2>(Expand(re), options);
  return compiled;
}

std::unique_ptr<RE2> CompileAny(const std::vector<std::string_view>& res) {
  if (res.empty()) return nullptr;
  std::string joined;
  for (std::string_view re : res) {
    if (!joined.empty()) joined += "|";
    joined += "(?:" + Expand(re) + ")";
  }
  return Compile(joined);
}

struct CompiledPart {
  std::unique_ptr<RE2> re;  // null = parse frames here
  PartLiterals hint;
  std::vector<Needle> needles;  // hint.literals, to search for
};

struct CompiledStack {
  std::vector<CompiledPart> parts;
  std::vector<CompiledPart> parts2;
  std::unique_ptr<RE2> skip;
  FrameChoice choice;
};

// A necessary condition for a regex to match at a position, read off its pattern: the text
// there starts with `prefix`, and the rest of that line holds each of `then` in order (each
// literal follows a ".*", which stays on the line). It turns most of the title regexes that
// cannot match away without running them. Empty (admits all) for a top-level alternation.
struct LiteralGate {
  std::string prefix;
  std::vector<std::string> then;

  bool Admits(std::string_view text, size_t at) const {
    std::string_view rest = text.substr(at);
    if (!rest.starts_with(prefix)) return false;
    if (then.empty()) return true;
    rest.remove_prefix(prefix.size());
    rest = rest.substr(0, rest.find('\n'));
    size_t from = 0;
    for (const std::string& literal : then) {
      size_t found = rest.find(literal, from);
      if (found == std::string_view::npos) return false;
      from = found + literal.size();
    }
    return true;
  }
};

bool HasTopLevelAlternation(std::string_view re) {
  int depth = 0;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      ++i;
    } else if (c == '[') {
      // A class: "]" right after "[" or "[^" is a member; escapes are skipped.
      size_t j = i + 1;
      if (j < re.size() && re[j] == '^') ++j;
      if (j < re.size() && re[j] == ']') ++j;
      while (j < re.size() && re[j] != ']') j += re[j] == '\\' ? 2 : 1;
      i = j;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      return true;
    }
  }
  return false;
}

LiteralGate GateOf(std::string_view re) {
  LiteralGate gate;
  if (HasTopLevelAlternation(re)) return gate;
  constexpr std::string_view kMeta = ".[]()*+?{}|^$\\";
  std::string* run = &gate.prefix;
  size_t i = 0;
  while (i < re.size()) {
    char literal;
    size_t next;
    if (re[i] == '\\' && i + 1 < re.size() && std::ispunct(static_cast<unsigned char>(re[i + 1]))) {
      literal = re[i + 1];
      next = i + 2;
    } else if (kMeta.find(re[i]) == std::string_view::npos) {
      literal = re[i];
      next = i + 1;
    } else if (re.substr(i, 2) == ".*") {
      // ".*" or ".*?": any bytes of the same line, then the next literal run.
      i += re.substr(i, 3) == ".*?" ? 3 : 2;
      run = &gate.then.emplace_back();
      continue;
    } else {
      break;
    }
    // A quantified byte is not required: the literal run ends before it.
    if (next < re.size() && std::string_view("*+?{").find(re[next]) != std::string_view::npos)
      break;
    run->push_back(literal);
    i = next;
  }
  std::erase_if(gate.then, [](const std::string& s) { return s.empty(); });
  return gate;
}

// True if no match of the regex can hold a '\n' and none depends on the text around it (no
// anchors, word boundaries or flags): a match starting on a line is then found with that line
// alone as the text, which lets RE2 skip its DFA pass over the rest of the report.
bool OnOneLine(std::string_view re) {
  for (std::string_view bad : {"[^", "(?s", "(?m", "(?i", "(?U", "(?-"}) {
    if (re.find(bad) != std::string_view::npos) return false;
  }
  for (size_t i = 0; i < re.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(re[i]);
    if (c < 0x20 || c == '^' || c == '$') return false;
    if (c == '\\' && i + 1 < re.size()) {
      // Escaped punctuation is a literal; of the letter escapes only \d and \w stay on a line.
      char e = re[++i];
      if (std::isalnum(static_cast<unsigned char>(e)) && e != 'd' && e != 'w') return false;
    }
  }
  return true;
}

struct CompiledFormat {
  const OopsFormat* spec;
  std::unique_ptr<RE2> title, report;
  std::unique_ptr<CompiledStack> stack;
  LiteralGate title_gate;  // checked before the title regex runs
  bool title_on_line = false;
};

struct CompiledOops {
  const OopsSpec* spec;
  std::unique_ptr<RE2> suppressions;
  std::unique_ptr<RE2> confirm;
  std::vector<CompiledFormat> formats;
};

std::vector<CompiledPart> CompileParts(const std::vector<std::string_view>& parts) {
  std::vector<CompiledPart> out;
  for (std::string_view p : parts) {
    if (p == kStackHere) {
      out.push_back({nullptr, {}, {}});
      continue;
    }
    // Searching line by line needs a regex that stays on one line.
    CompiledPart part{Compile(p), OnOneLine(Expand(p)) ? LiteralsOfPart(p) : PartLiterals{}, {}};
    for (std::string_view literal : part.hint.literals) part.needles.emplace_back(literal);
    out.push_back(std::move(part));
  }
  return out;
}

const std::vector<CompiledOops>& Oopses() {
  static const auto* oopses = [] {
    auto* out = new std::vector<CompiledOops>;
    for (const OopsSpec& spec : LinuxOopsSpecs()) {
      CompiledOops c{&spec, CompileAny(spec.suppressions), Compile(spec.confirm), {}};
      for (const OopsFormat& f : spec.formats) {
        CompiledFormat cf{&f,      Compile(f.title),        Compile(f.report),
                          nullptr, GateOf(Expand(f.title)), OnOneLine(Expand(f.title))};
        if (f.has_stack) {
          std::vector<std::string_view> skip = GenericFrameSkips();
          skip.insert(skip.end(), f.stack.skip.begin(), f.stack.skip.end());
          cf.stack = std::make_unique<CompiledStack>(
              CompiledStack{CompileParts(f.stack.parts), CompileParts(f.stack.parts2),
                            CompileAny(skip), f.stack.choice});
        }
        c.formats.push_back(std::move(cf));
      }
      out->push_back(std::move(c));
    }
    return out;
  }();
  return *oopses;
}

// The oops whose header is on `line` (and that is not a known false positive), or null.
// `following` is the log from the line on (for headers that need a look ahead).
const CompiledOops* MatchOops(std::string_view line, std::string_view following = {}) {
  for (const CompiledOops& oops : Oopses()) {
    if (line.find(oops.spec->header) == std::string_view::npos) continue;
    if (oops.suppressions && RE2::PartialMatch(line, *oops.suppressions)) continue;
    if (oops.spec->line_start && !SplitConsoleLine(line).text.starts_with(oops.spec->header))
      continue;
    if (oops.confirm) {
      std::string_view window = following.substr(0, 8 << 10);
      if (!RE2::PartialMatch(re2::StringPiece(window.data(), window.size()), *oops.confirm))
        continue;
    }
    return &oops;
  }
  return nullptr;
}

// syzkaller's infoMessagesWithStack: messages that are no bug but print a stack; inside a
// report they interleave their stack with the report's own.
constexpr std::string_view kInfoMessagesWithStack[] = {
    "vmalloc: allocation failure:", "FAULT_INJECTION: forcing a failure",
    "FAULT_FLAG_ALLOW_RETRY missing"};

bool IsInfoMessageWithStack(std::string_view line) {
  for (std::string_view m : kInfoMessagesWithStack) {
    if (line.find(m) != std::string_view::npos) return true;
  }
  return false;
}

// Oops headers and info messages: the lines of a report that need a closer look.
const NeedleSet& GatherNeedles() {
  static const NeedleSet* needles = [] {
    std::vector<std::string_view> n;
    for (const OopsSpec& spec : LinuxOopsSpecs()) n.push_back(spec.header);
    for (std::string_view m : kInfoMessagesWithStack) n.push_back(m);
    return new NeedleSet(std::move(n));
  }();
  return *needles;
}

// The report as parsed: stripped lines of the oops' console context.
struct Gathered {
  std::string text;
  size_t end = 0;       // log offset just past the last oops header line of this report
  size_t text_end = 0;  // log offset just past the last line gathered
  // Length of `text` the title is taken from: up to a second report (syzkaller's reportEnd).
  size_t desc_end = std::string::npos;
};

constexpr size_t kMaxReportLines = 4000;
constexpr size_t kMaxReportBytes = 1 << 20;
constexpr int kPrefixLines = 5;

bool SameContext(std::string_view oops_context, std::string_view line_context) {
  return oops_context.empty() || oops_context == line_context;
}

// Up to kPrefixLines lines of the same context before the oops (syzkaller keeps them too).
std::string PrefixLines(std::string_view log, size_t pos, std::string_view context, bool stamped) {
  std::vector<std::string_view> lines;
  size_t end = pos;
  for (int scanned = 0; end > 0 && scanned < 200 && lines.size() < kPrefixLines; ++scanned) {
    Line line = LineAt(log, end - 1);
    end = line.pos;
    ConsoleLine c = SplitConsoleLine(line.text);
    if (c.context != context || c.stamped != stamped || c.text.empty() ||
        IsQuestionableFrame(c.text))
      continue;
    lines.push_back(c.text);
  }
  std::string out;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) out.append(*it).push_back('\n');
  return out;
}

bool IsStackStart(std::string_view line);

// After the first oops line, another oops header starts a second report, except the panic
// line that ends the first one.
bool IsSecondReport(std::string_view text) {
  return text.find("Kernel panic - not syncing") == std::string_view::npos;
}

// syzkaller's reportStartIgnores: oops lines that follow the real header of the same report.
bool ContinuesReport(std::string_view line) {
  static constexpr std::string_view kFollowers[] = {
      "invalid opcode: 0000", "Kernel panic - not syncing", "unregister_netdevice: waiting for",
      "PANIC: double fault", "Internal error:"};
  for (std::string_view f : kFollowers) {
    if (line.find(f) != std::string_view::npos) return true;
  }
  return false;
}

// `first_oops`: MatchOops of the line holding `pos` (with the log from that line on), which
// the caller has.
Gathered Gather(std::string_view log, size_t pos, const CompiledOops* first_oops,
                bool questionable) {
  Gathered g;
  Line first = LineAt(log, pos);
  if (first.pos != pos) first_oops = MatchOops(first.text, log.substr(pos));
  std::string_view context = SplitConsoleLine(first.text).context;
  bool stamped = SplitConsoleLine(first.text).stamped;
  // Whether a line of this context before `line_pos` starts a stack: asked only on a repeated
  // header, so the lines are looked at then (each at most once), not one by one as they pass.
  bool seen_stack = false;
  size_t unchecked = pos;  // the first line not looked at yet
  auto seen_stack_before = [&](size_t line_pos) {
    LineCursor again(log, unchecked);
    Line l;
    while (!seen_stack && again.Next(&l) && l.pos < line_pos) {
      ConsoleLine c = SplitConsoleLine(l.text);
      if (!SameContext(context, c.context) || (stamped && !c.stamped)) continue;
      seen_stack = IsStackStart(c.text);
    }
    unchecked = line_pos;
    return seen_stack;
  };
  g.text = PrefixLines(log, pos, context, stamped);
  g.text.reserve(std::min(log.size() - pos + g.text.size(), kMaxReportBytes + (64 << 10)));
  LineCursor cursor(log, pos);
  Line line;
  size_t count = 0;
  // Header and info message candidates come from one scan; only lines holding one are checked
  // in full (the others hold neither).
  size_t next_header = GatherNeedles().Find(log, pos).pos;
  while (cursor.Next(&line) && count < kMaxReportLines && g.text.size() < kMaxReportBytes) {
    ConsoleLine c = SplitConsoleLine(line.text);
    const CompiledOops* oops = nullptr;
    bool info = false;
    if (next_header < line.end()) {
      oops = line.pos == first.pos ? first_oops : MatchOops(line.text, log.substr(line.pos));
      info = IsInfoMessageWithStack(line.text);
      next_header = GatherNeedles().Find(log, PastLine(log, line.end())).pos;
    }
    // Without a console context, another oops (or a message with its own stack) may belong to
    // another task: the title comes from the text before it.
    if (line.pos != pos && context.empty() && g.desc_end == std::string::npos &&
        ((oops != nullptr && !ContinuesReport(line.text)) || info))
      g.desc_end = g.text.size();
    // With timestamps on the oops line, unstamped lines are program output, not the kernel's.
    if (!SameContext(context, c.context) || (stamped && !c.stamped)) continue;
    bool is_oops = oops != nullptr;
    // Another oops of the same kind starts a second report; other kinds ("invalid opcode"
    // after "kernel BUG", the final "Kernel panic") belong to this one.
    // (Only once this report has shown a stack: a garbled first header is often repeated.)
    if (line.pos != pos && oops == first_oops && seen_stack_before(line.pos) &&
        IsSecondReport(c.text))
      break;
    ++count;
    if (is_oops) g.end = PastLine(log, line.end());
    g.text_end = PastLine(log, line.end());
    if (!questionable && IsQuestionableFrame(c.text)) continue;
    g.text.append(c.text).push_back('\n');
  }
  return g;
}

const RE2& ArmFrameLineRe() {
  static const RE2 re(Expand(R"(^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}})"));
  return re;
}
const RE2& StackStartRe() {
  static const RE2 re(
      R"(Call (?:T|t)race|Allocated:|Allocated by task [0-9]+:|Freed:|Freed by task [0-9]+:|[^k] backtrace(?: \(crc [0-9a-f]+\))?:|Backtrace:|Uninit was stored to memory at)");
  return re;
}

// All capture groups of `re` matched somewhere in `text` ("" for groups that did not take part).
bool Groups(const RE2& re, std::string_view text, std::vector<std::string>* groups,
            size_t* match_start = nullptr) {
  int n = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> sub(n + 1);
  if (!re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED,
                sub.data(), n + 1))
    return false;
  groups->clear();
  for (int i = 1; i <= n; ++i) groups->emplace_back(sub[i].data(), sub[i].size());
  if (match_start != nullptr) *match_start = sub[0].data() - text.data();
  return true;
}

// False if `line` holds none of the part's literals (then its regex cannot match there).
bool MayHold(const CompiledPart& part, std::string_view line) {
  if (part.needles.empty()) return true;
  for (const Needle& literal : part.needles) {
    if (FindIn(line, literal) != std::string_view::npos) return true;
  }
  return false;
}

// The first match of a part regex in `text`, as Groups. Part regexes never span lines: with
// literals known, the regex runs only on the lines that hold one, in order (or not at all when
// the regex is just its literals).
bool FirstPartMatch(const CompiledPart& part, std::string_view text,
                    std::vector<std::string>* groups, size_t* match_start) {
  if (part.needles.empty()) return Groups(*part.re, text, groups, match_start);
  int n = part.re->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> sub(n + 1);
  size_t from = 0;
  while (from < text.size()) {
    // The earliest literal: each one is searched for only before the best so far (on a tie
    // the first listed wins, as in the regex's alternation).
    size_t hit = std::string_view::npos;
    for (const Needle& literal : part.needles) {
      std::string_view window =
          hit == std::string_view::npos ? text : text.substr(0, hit + literal.text.size() - 1);
      hit = std::min(hit, FindIn(window, literal, from));
    }
    if (hit == std::string_view::npos) return false;
    if (part.hint.whole) {
      groups->clear();
      *match_start = hit;
      return true;
    }
    Line line = LineAt(text, hit);
    // The line is the whole text the regex sees (see OnOneLine).
    if (part.re->Match(re2::StringPiece(line.text.data(), line.text.size()), 0, line.text.size(),
                       RE2::UNANCHORED, sub.data(), n + 1)) {
      groups->clear();
      for (int i = 1; i <= n; ++i) groups->emplace_back(sub[i].data(), sub[i].size());
      *match_start = sub[0].data() - text.data();
      return true;
    }
    from = PastLine(text, line.end());
  }
  return false;
}

// A stack keyword line ("Call Trace:", "Freed by task 1:", ...); literals gate the regex.
bool IsStackStart(std::string_view line) {
  // Each keyword holds one of these literals ("Call", "ktra" of backtrace and Backtrace), four
  // bytes compared at once: this runs on every line of a stack, most of which hold none
  // (function names such as trace_* hold "race").
  auto key = [](const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  };
  static const uint32_t kCall = key("Call"), kKtra = key("ktra"), kAllo = key("Allo"),
                        kFree = key("Free"), kUnin = key("Unin");
  bool hinted = false;
  for (size_t i = 0; i + 4 <= line.size() && !hinted; ++i) {
    uint32_t v = key(line.data() + i);
    hinted = v == kCall || v == kKtra || v == kAllo || v == kFree || v == kUnin;
  }
  return hinted && RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), StackStartRe());
}

// `^ *(?:{{PC}} ){0,2}{{FUNC}}` by hand (it runs on every line of a stack), plus ARM's
// "[<pc>] (func) from [<pc>] (caller+0x1/0x2)" which names two frames.
bool FrameLine(std::string_view line, std::vector<std::string>* groups) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  for (int pcs = 0; pcs < 2 && i < line.size() && line[i] == '['; ++pcs) {
    size_t j = i + 1;
    if (j < line.size() && line[j] == '<') ++j;
    if (line.substr(j, 2) == "0x") j += 2;
    size_t hex = j;
    while (j < line.size() &&
           ((line[j] >= '0' && line[j] <= '9') || (line[j] >= 'a' && line[j] <= 'f')))
      ++j;
    if (j == hex) break;
    if (j < line.size() && line[j] == '>') ++j;
    if (j + 1 >= line.size() || line[j] != ']' || line[j + 1] != ' ') break;
    i = j + 2;
  }
  size_t name = i;
  while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_'))
    ++i;
  if (i > name && i < line.size() && (line[i] == '.' || line[i] == '+')) {
    groups->assign(1, std::string(line.substr(name, i - name)));
    return true;
  }
  return line.find(") from [") != std::string_view::npos && Groups(ArmFrameLineRe(), line, groups);
}

// syzkaller's corruptedLines: a fault-injection frame (" should_fail+0x..", "should_failslab",
// with suffixes such as ".cold") is often interleaved with the crash's own stack.
bool IsCorruptedLine(std::string_view line) {
  // The regex is anchored: " should_fail" opens the line, after an optional " [<pc>]".
  size_t at = 0;
  if (line.starts_with(" [")) {
    at = line.find(']');
    if (at == std::string_view::npos) return false;
    ++at;
  }
  if (!line.substr(at).starts_with(" should_fail")) return false;
  static const RE2 re(
      R"(^(?: \[<?(?:0x)?[0-9a-f]+>?\])? should_fail(?:slab)?(?:\.[a-z0-9.]+)?\+0x)");
  return RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), re);
}

// Offset of the first corrupted line that starts before `limit` in `text`, or npos.
size_t CorruptedLine(std::string_view text, size_t limit) {
  // Only occurrences that start before `limit` count: the search stops there.
  static constexpr Needle kNeedle("should_fail");
  std::string_view head =
      limit >= text.size() ? text
                           : text.substr(0, std::min(text.size(), limit + kNeedle.text.size() - 1));
  for (size_t at = FindIn(head, kNeedle); at != std::string_view::npos && at < limit;
       at = FindIn(head, kNeedle, at + 1)) {
    Line line = LineAt(text, at);
    if (line.pos < limit && IsCorruptedLine(line.text)) return line.pos;
  }
  return std::string_view::npos;
}

// Every stack keyword line holds one of these (see IsStackStart); "race" alone would also
// find every trace_* frame.
constexpr Needle kStackStartHints[] = {Needle("Call "), Needle("acktrace"), Needle("Allocated"),
                                       Needle("Freed"), Needle("Uninit was stored")};

// Offset of the first stack-start line at or after `from`, or npos. Lines holding a keyword
// literal are searched for, not walked.
size_t NextStackStart(std::string_view text, size_t from) {
  const auto& kHints = kStackStartHints;
  size_t next[std::size(kHints)];
  for (size_t h = 0; h < std::size(kHints); ++h) next[h] = FindIn(text, kHints[h], from);
  while (from < text.size()) {
    size_t hit = std::string_view::npos;
    for (size_t h = 0; h < std::size(kHints); ++h) {
      if (next[h] != std::string_view::npos && next[h] < from)
        next[h] = FindIn(text, kHints[h], from);
      hit = std::min(hit, next[h]);
    }
    if (hit == std::string_view::npos) return hit;
    Line line = LineAt(text, hit);
    if (IsStackStart(line.text)) return line.pos;
    from = PastLine(text, line.end());
  }
  return std::string_view::npos;
}

class StackWalk {
 public:
  StackWalk(std::string_view text, const RE2* skip, bool first_only)
      : text_(text), cursor_(text), skip_(skip), first_only_(first_only) {}

  // Frames captured by `re` groups (or the frame regexes), minus skipped ones.
  void Append(const std::vector<std::string>& captured, std::vector<std::string>* frames) {
    for (const std::string& f : captured) {
      // Groups such as {{SRC}} are not frames.
      if (f.empty() || f.find_first_of("/:") != std::string::npos) continue;
      if (f.starts_with("_R")) {
        std::string demangled = DemangleRust(f);
        if (!IsSkipped(demangled)) frames->push_back(std::move(demangled));
        continue;
      }
      if (IsSkipped(f)) continue;
      frames->push_back(f);
    }
  }

  // The same generic frames recur in every report: remember the skip decision per thread.
  bool IsSkipped(const std::string& frame) {
    if (skip_ == nullptr) return false;
    thread_local std::unordered_map<const RE2*, std::unordered_map<std::string, bool>> cache;
    if (decisions_ == nullptr) decisions_ = &cache[skip_];
    auto& decisions = *decisions_;
    if (decisions.size() > 50000) decisions.clear();
    auto [it, inserted] = decisions.try_emplace(frame, false);
    if (inserted) it->second = RE2::PartialMatch(FrameSpellings(frame)[0], *skip_);
    return it->second;
  }

  // Runs syzkaller's part sequence: a regex part consumes lines up to its first match; a stack
  // part consumes frames up to the next stack start (or the next part's match).
  std::vector<std::vector<std::string>> Run(const std::vector<CompiledPart>& parts) {
    std::vector<std::vector<std::string>> stacks(1);
    std::vector<std::string> groups;
    bool ran_stack = false;
    Line line;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].re != nullptr) {
        // Part regexes never span lines: one search over the rest finds the first line.
        size_t start = 0;
        std::string_view rest = text_.substr(std::min(cursor_.pos(), text_.size()));
        bool matched = FirstPartMatch(parts[i], rest, &groups, &start);
        // A fault-injection line before the part's match abandons the part (syzkaller's
        // corruptedLines): the rest of the walk resumes after that line.
        size_t injected_at = CorruptedLine(rest, matched ? start : rest.size());
        if (injected_at != std::string_view::npos) {
          injected_ = true;
          cursor_ =
              LineCursor(text_, cursor_.pos() + PastLine(rest, LineAt(rest, injected_at).end()));
          continue;
        }
        if (!matched) {
          cursor_ = LineCursor(text_, text_.size());
          continue;
        }
        Append(groups, &stacks.back());
        size_t line_end = rest.find('\n', start);
        cursor_ =
            LineCursor(text_, line_end == std::string_view::npos ? text_.size()
                                                                 : cursor_.pos() + line_end + 1);
        continue;
      }
      // A second run of frames (KMSAN's origin stack) is kept apart.
      if (ran_stack) stacks.emplace_back();
      ran_stack = true;
      bool any_frame = false;
      while (cursor_.Next(&line)) {
        if (IsCorruptedLine(line.text)) {
          injected_ = true;
          break;
        }
        // A stack start before this run's first frame opens it; after, it ends it.
        if (IsStackStart(line.text)) {
          // (A first-frame choice is settled once a frame is kept: the walk ends there, so a
          // later stack, often another task's, cannot corrupt it.)
          if (any_frame || (first_only_ && !stacks.back().empty())) break;
          continue;
        }
        if (i + 1 < parts.size() && parts[i + 1].re != nullptr &&
            MayHold(parts[i + 1], line.text) && Groups(*parts[i + 1].re, line.text, &groups)) {
          Append(groups, &stacks.back());
          ++i;
          break;
        }
        if (FrameLine(line.text, &groups)) {
          any_frame = true;
          Append(groups, &stacks.back());
          if (first_only_ && !stacks.back().empty() && i + 1 == parts.size()) {
            // The frame is settled; what is left is whether a fault-injection line comes
            // before the stack ends. Searched for, not walked line by line.
            size_t end = NextStackStart(text_, cursor_.pos());
            std::string_view rest = text_.substr(std::min(cursor_.pos(), text_.size()));
            size_t limit = end == std::string_view::npos ? rest.size() : end - cursor_.pos() + 1;
            if (CorruptedLine(rest, limit) != std::string_view::npos) injected_ = true;
            break;
          }
        }
      }
    }
    return stacks;
  }

  bool injected() const { return injected_; }

 private:
  std::string_view text_;
  LineCursor cursor_;
  const RE2* skip_;
  bool first_only_;
  bool injected_ = false;
  std::unordered_map<std::string, bool>* decisions_ = nullptr;  // this skip list's cache
};

ChosenFrame ChooseFrame(const std::vector<std::string>& frames, FrameChoice choice) {
  if (frames.empty()) return {};
  switch (choice) {
    case FrameChoice::kFirst:
      return {frames[0], ""};
    case FrameChoice::kStall:
      return StallFrame(frames);
    case FrameChoice::kHang:
      return HangFrame(frames);
  }
  return {};
}

struct StackResult {
  std::string frame;      // original spelling (or bucket); "" if none
  std::string original;   // the frame a bucket replaced, if any
  std::string second;     // first frame of a second stack (KMSAN origin), if any
  bool injected = false;  // a fault-injection line interrupted the stack
};

StackResult ExtractStack(std::string_view text, const CompiledStack& stack) {
  StackResult r;
  for (const auto* parts : {&stack.parts, &stack.parts2}) {
    if (parts->empty()) continue;
    StackWalk walk(text, stack.skip.get(), stack.choice == FrameChoice::kFirst);
    auto stacks = walk.Run(*parts);
    // A fault-injection line abandons the part it interrupts; the frames found around it
    // still name the crash, but the report is corrupted (syzkaller's corruptedLines).
    r.injected = r.injected || walk.injected();
    ChosenFrame chosen = ChooseFrame(stacks[0], stack.choice);
    r.frame = chosen.name();
    if (!chosen.bucket.empty()) r.original = chosen.frame;
    if (stacks.size() > 1 && !stacks[1].empty()) r.second = stacks[1][0];
    if (!r.frame.empty()) return r;
  }
  return r;
}

std::string Format(std::string_view fmt, const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '{' && i + 2 < fmt.size() && fmt[i + 2] == '}' && fmt[i + 1] >= '1' &&
        fmt[i + 1] <= '9') {
      size_t n = fmt[i + 1] - '1';
      if (n < args.size()) out += args[n];
      i += 2;
      continue;
    }
    out.push_back(fmt[i]);
  }
  return out;
}

struct Description {
  std::string title;
  std::vector<std::string> alts;
  std::string frame;
  bool corrupted = false;
  const CompiledFormat* format = nullptr;
};

// Formats the title and alternative titles with every spelling of the frame.
void FormatTitles(const CompiledFormat& f, std::vector<std::string> args, const std::string& frame,
                  const std::string& original, const std::string& second, Description* d) {
  std::vector<std::string> spellings =
      f.stack ? FrameSpellings(frame) : std::vector<std::string>{""};
  if (!original.empty()) spellings.push_back(original);
  auto with = [&](const std::string& spelling) {
    std::vector<std::string> a = args;
    if (f.stack) a.push_back(spelling);
    if (!second.empty()) a.push_back(second);
    return a;
  };
  d->title = Format(f.spec->fmt, with(spellings[0]));
  d->frame = f.stack ? spellings[0] : "";
  d->alts.clear();
  for (size_t i = 0; i < spellings.size(); ++i) {
    if (i > 0) d->alts.push_back(Format(f.spec->fmt, with(spellings[i])));
    for (std::string_view alt : f.spec->alt) {
      if (alt.find("{") != std::string_view::npos && second.empty() &&
          alt.find("origin") != std::string_view::npos)
        continue;
      d->alts.push_back(Format(alt, with(spellings[i])));
    }
  }
}

// Groups of `re` matched exactly at `pos` of `text`.
// `on_line`: the regex stays on one line (OnOneLine), so the rest of the line is all it needs.
bool GroupsAt(const RE2& re, std::string_view text, size_t pos, bool on_line,
              std::vector<std::string>* groups) {
  if (on_line) {
    size_t end = text.find('\n', pos);
    text = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = 0;
  }
  re2::StringPiece piece(text.data(), text.size());
  // Most tries fail within a few bytes: RE2's DFA alone says so (asked for groups, RE2 may go
  // straight to its slower submatch engines on a short text).
  if (!re.Match(piece, pos, text.size(), RE2::ANCHOR_START, nullptr, 0)) return false;
  int n = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> sub(n + 1);
  if (!re.Match(piece, pos, text.size(), RE2::ANCHOR_START, sub.data(), n + 1)) return false;
  groups->clear();
  for (int i = 1; i <= n; ++i) groups->emplace_back(sub[i].data(), sub[i].size());
  return true;
}

// syzkaller's extractDescription: the format whose title matches earliest wins (ties: table
// order); a format whose report regex or stack fails gives way to the next one. Every title
// regex starts with its oops header, so matches are tried only where the header occurs.
Description Describe(std::string_view text, const CompiledOops& oops) {
  std::string_view header = oops.spec->header;
  for (size_t at = text.find(header); at != std::string_view::npos;
       at = text.find(header, at + 1)) {
    // "divide error:" and "divide_error:" share formats whose regex starts at the line's word.
    std::vector<std::string> groups;
    bool matched_title = false;
    for (const CompiledFormat& f : oops.formats) {
      if (!f.title_gate.Admits(text, at) || !GroupsAt(*f.title, text, at, f.title_on_line, &groups))
        continue;
      matched_title = true;
      if (f.report != nullptr && !Groups(*f.report, text, &groups)) continue;
      Description d;
      std::string frame, original, second;
      if (f.stack) {
        StackResult sr = ExtractStack(text.substr(at), *f.stack);
        frame = sr.frame;
        original = sr.original;
        second = sr.second;
        d.corrupted = sr.injected;
        if (frame.empty()) {
          frame = "corrupted";
          d.corrupted = true;
        }
      }
      FormatTitles(f, groups, frame, original, second, &d);
      d.corrupted = d.corrupted || f.spec->corrupted;
      d.format = &f;
      return d;
    }
    if (matched_title) break;
  }
  // A title matched but no report regex or stack did, or nothing matched: the first line.
  Description d;
  d.corrupted = true;
  size_t at = text.find(header);
  if (at != std::string_view::npos) d.title = std::string(LineAt(text, at).text);
  return d;
}

// syzkaller's isCorrupted: a report that must have a stack needs a stack keyword, and the first
// line with each keyword needs a frame within the next 15 lines (before another keyword).
bool LacksStack(std::string_view text) {
  static const auto* keywords = new std::vector<std::unique_ptr<RE2>>([] {
    std::vector<std::unique_ptr<RE2>> res;
    for (const char* re :
         {R"(Call (?:T|t)race)", R"(Allocated:)", R"(Allocated by task [0-9]+:)", R"(Freed:)",
          R"(Freed by task [0-9]+:)", R"([^k] backtrace(?: \(crc [0-9a-f]+\))?:)", R"(Backtrace:)",
          R"(Uninit was stored to memory at)"})
      res.push_back(std::make_unique<RE2>(re));
    return res;
  }());
  // Keywords never span lines and every one passes IsStackStart: one pass over the lines finds
  // each keyword's first line (the view starts one byte early for "[^k] backtrace").
  std::vector<bool> seen(keywords->size());
  bool any = false;
  std::vector<std::string> groups;
  // Candidate lines hold a keyword literal: a few memmem passes instead of a look at each line.
  std::vector<size_t> candidates;
  for (const Needle& hint : kStackStartHints) {
    for (size_t at = FindIn(text, hint); at != std::string_view::npos;
         at = FindIn(text, hint, at + 1))
      candidates.push_back(LineAt(text, at).pos);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (size_t start : candidates) {
    Line line = LineAt(text, start);
    if (!IsStackStart(line.text)) continue;
    size_t from = line.pos == 0 ? 0 : line.pos - 1;
    re2::StringPiece view(text.data() + from, line.end() - from);
    bool keyword_line = false;
    for (size_t k = 0; k < keywords->size(); ++k) {
      if (seen[k] || !RE2::PartialMatch(view, *(*keywords)[k])) continue;
      seen[k] = keyword_line = true;
    }
    if (!keyword_line) continue;
    any = true;
    LineCursor ahead(text, PastLine(text, line.end()));
    Line next;
    bool found = false;
    for (int i = 0; i < 15 && ahead.Next(&next); ++i) {
      if (IsStackStart(next.text)) break;
      if (FindIn(next.text, "(stack is not available)") != std::string_view::npos ||
          FrameLine(next.text, &groups)) {
        found = true;
        break;
      }
    }
    if (!found) return true;
  }
  return !any;
}

bool IsCorrupted(std::string_view log, std::string_view text, const Description& d) {
  if (d.corrupted) return true;
  static const RE2 timestamp(R"(\[ *[0-9]+\.[0-9]+\]|\[ *[TC][0-9]+\])");
  if (RE2::PartialMatch(d.title, timestamp)) return true;
  static constexpr Needle kDisconnected("serialport: VM disconnected.");
  if (FindIn(log, kDisconnected) != std::string_view::npos) return true;
  if (d.format == nullptr || d.format->spec->no_stack_trace) return false;
  // A fault-injection frame anywhere in the stack: the report may show the injected failure.
  static constexpr Needle kShouldFail("should_fail");
  if (d.format->stack && FindIn(text, kShouldFail) != std::string_view::npos) {
    static const RE2 should_fail(R"((?m)^ *(?:\[<[0-9a-f]+>\] )?should_fail)");
    if (RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), should_fail)) return true;
  }
  return LacksStack(text);
}
}  // namespace

std::vector<std::string_view> LinuxOopsHeaders() {
  std::vector<std::string_view> headers;
  for (const OopsSpec& spec : LinuxOopsSpecs()) headers.push_back(spec.header);
  return headers;
}

bool IsLinuxOopsLine(std::string_view log, size_t line_pos) {
  return MatchOops(LineAt(log, line_pos).text, log.substr(line_pos)) != nullptr;
}

Report ParseLinuxOops(std::string_view log, size_t pos) {
  Report r;
  Line first = LineAt(log, pos);
  const CompiledOops* oops = MatchOops(first.text, log.substr(first.pos));
  if (oops == nullptr) return r;
  Gathered g = Gather(log, pos, oops, /*questionable=*/false);
  Description d = Describe(std::string_view(g.text).substr(0, g.desc_end), *oops);
  // Retry with the unwinder's unsure ("?") lines before giving up on the frame; only without a
  // printk caller context: with one, syzbot keeps such a report corrupted (its "?" lines come
  // from the interrupted stack scan, e.g. an RCU stall's timer interrupt).
  if (d.frame == "corrupted" && SplitConsoleLine(first.text).context.empty()) {
    Gathered gq = Gather(log, pos, oops, /*questionable=*/true);
    Description dq = Describe(std::string_view(gq.text).substr(0, gq.desc_end), *oops);
    if (dq.frame != "corrupted" && !dq.title.empty()) {
      d = std::move(dq);
      g = std::move(gq);
    }
  }
  r.crashed = true;
  r.corrupted = IsCorrupted(log, g.text, d);
  r.title = NormalizeTitle(d.title);
  for (const std::string& alt : d.alts) {
    std::string a = NormalizeTitle(alt);
    if (a != r.title) r.alt_titles.push_back(a);
  }
  std::sort(r.alt_titles.begin(), r.alt_titles.end());
  r.alt_titles.erase(std::unique(r.alt_titles.begin(), r.alt_titles.end()), r.alt_titles.end());
  r.type = TitleToType(r.title);
  r.frame = d.frame;
  r.start = first.pos;
  r.end = std::max(g.end, PastLine(log, first.end()));
  r.report = g.text;
  r.guilty_file = GuiltyFileForTitle(r.title, g.text);
  return r;
}

std::vector<std::string> LinuxFormatErrors() {
  std::vector<std::string> errors;
  auto check = [&errors](const RE2* re) {
    if (re != nullptr && !re->ok()) errors.push_back(re->pattern() + ": " + re->error());
  };
  for (const CompiledOops& oops : Oopses()) {
    check(oops.suppressions.get());
    for (const CompiledFormat& f : oops.formats) {
      check(f.title.get());
      check(f.report.get());
      if (!f.stack) continue;
      check(f.stack->skip.get());
      for (const auto& p : f.stack->parts) check(p.re.get());
      for (const auto& p : f.stack->parts2) check(p.re.get());
    }
  }
  return errors;
}

bool LinuxPanicked(std::string_view log) {
  static constexpr Needle kPanic("Kernel panic - not syncing");
  return FindIn(log, kPanic) != std::string_view::npos;
}

}  // namespace culprit::crash
