// User-space reports as a table: each kind is one row of kFormats (marker, header pattern, kind,
// title prefix, type, stack style). The frame is the first one that is not sanitizer, libc or
// language runtime code.
#include "crash/sanitizers.h"

#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <string>

#include "base/strings.h"
#include "crash/console_line.h"
#include "crash/lines.h"
#include "crash/pattern.h"
#include "crash/title_normalize.h"

namespace culprit::crash {

const std::vector<UserSpaceFormat>& UserSpaceFormats() {
  static const auto* formats = new std::vector<UserSpaceFormat>{
      {.marker = "ERROR: AddressSanitizer: ",
       .header = R"(ERROR: AddressSanitizer: attempting double-free)",
       .kind = "double-free",
       .title = "ASan: ",
       .type = "ASAN",
       .needs_stack = true},
      {.marker = "ERROR: AddressSanitizer: ",
       .header = R"(ERROR: AddressSanitizer: attempting free on address which was not malloc)",
       .kind = "bad-free",
       .title = "ASan: ",
       .type = "ASAN",
       .needs_stack = true},
      {.marker = "ERROR: AddressSanitizer: ",
       .header = R"(ERROR: AddressSanitizer: ([^ ]+))",
       .title = "ASan: ",
       .type = "ASAN",
       .needs_stack = true},
      {.marker = "ERROR: HWAddressSanitizer: ",
       .header = R"(ERROR: HWAddressSanitizer: ([^ ]+))",
       .title = "ASan: ",
       .type = "ASAN",
       .needs_stack = true},
      {.marker = "ERROR: LeakSanitizer: ",
       .header = R"(ERROR: LeakSanitizer:)",
       .kind = "memory leak",
       .title = "ASan: ",
       .type = "LEAK",
       .needs_stack = true},
      // "x.c:3:5: runtime error: <kind>: details"; a Go runtime error is no UBSan report.
      {.marker = ": runtime error: ",
       .header = R"(: runtime error: (.*?)(?: of type | for type | of address | at address |:|$))",
       .title = "UBSan: ",
       .type = "UBSAN",
       .unless = R"(panic: runtime error: )",
       .header_file = R"(^\s*(.+?)(?::[0-9]+)+: runtime error)"},
      {.marker = "WARNING: ThreadSanitizer: ",
       .header = R"(WARNING: ThreadSanitizer: ([^(]*))",
       .title = "TSan: ",
       .type = "TSAN",
       .needs_stack = true},
      {.marker = "WARNING: MemorySanitizer: ",
       .header = R"(WARNING: MemorySanitizer: ([^ ]+))",
       .title = "MSan: ",
       .type = "MSAN",
       .needs_stack = true},
      // glibc's assert: "prog: x.c:12: parse_node: Assertion `n' failed."
      {.marker = "' failed.",
       .header = R"(Assertion (`.*' failed))",
       .title = "assertion ",
       .type = "ASSERT",
       .header_frame = R"(: ([^:]+?):[0-9]+: ([^:]+): Assertion)"},
      {.marker = "*** stack smashing detected ***",
       .header = R"((.+))",
       .title = "glibc: ",
       .type = "ASSERT"},
      {.marker = "double free detected", .header = R"((.+))", .title = "glibc: ", .type = "ASSERT"},
      {.marker = "double free or corruption",
       .header = R"((.+))",
       .title = "glibc: ",
       .type = "ASSERT"},
      {.marker = "panic: ",
       .header = R"(^panic: (.*))",
       .title = "Go panic: ",
       .type = "PANIC",
       .stack = UserStack::kGo,
       .followed_by = "\ngoroutine "},
      {.marker = "fatal error: ",
       .header = R"(^fatal error: (.*))",
       .title = "Go panic: ",
       .type = "PANIC",
       .stack = UserStack::kGo,
       .followed_by = "\ngoroutine "},
      {.marker = "' panicked at ",
       .header = R"(^thread '.*' panicked at (.*))",
       .title = "Rust panic: ",
       .type = "PANIC",
       .stack = UserStack::kRust,
       .kind_on_next_line = true,
       .header_file = R"(panicked at (?:'.*', )?(.+?):[0-9]+)"},
  };
  return *formats;
}

namespace {

struct CompiledFormat {
  const UserSpaceFormat* spec;
  std::unique_ptr<RE2> header, unless, header_frame, header_file;
};

const std::vector<CompiledFormat>& Compiled() {
  static const auto* compiled = [] {
    auto* out = new std::vector<CompiledFormat>;
    for (const UserSpaceFormat& f : UserSpaceFormats()) {
      out->push_back({&f, CompilePattern(f.header), CompilePattern(f.unless),
                      CompilePattern(f.header_frame), CompilePattern(f.header_file)});
    }
    return out;
  }();
  return *compiled;
}

// True if a line at or before `pos` carries a kernel console prefix ("[  96.262735] "): a user
// program's output inside a kernel console is noise to syzbot, and its own "panic:" lines are
// the kernel table's. `scan` carries the work done for earlier positions of the same log.
bool InKernelConsole(std::string_view log, size_t pos, ConsoleScan* scan) {
  if (scan->stamp != std::string_view::npos) return scan->stamp <= pos;
  LineCursor cursor(log, scan->scanned);
  Line line;
  while (scan->scanned <= pos && cursor.Next(&line)) {
    scan->scanned = cursor.pos();
    if (SplitConsoleLine(line.text).kind != ContextKind::kNone) {
      scan->stamp = line.pos;
      return line.pos <= pos;
    }
  }
  return false;
}

// One user-space stack frame: "#1 0x55d4 in parse_node /src/x.c:12:5" (ASan, MSan),
// "#0 worker /src/x.c:10 (prog+0x1d)" (TSan), "main.parse(...)" + "\t/src/x.go:12" (Go),
// "  4: prog::parse" + "at ./src/main.rs:5:10" (Rust).
struct Frame {
  std::string function;
  std::string file;
};

// The end of a frame's function name in `s`: its first space outside parentheses and angle
// brackets ("Buffer::Append(char const*, unsigned long)", "(anonymous namespace)::f",
// "std::vector<int, std::allocator<int> >::at"), past an operator's own symbol and words
// ("operator delete(void*)", "operator<<", "operator new[](unsigned long)"). What follows is
// the source location, whose path may hold spaces.
size_t FunctionEnd(std::string_view s) {
  constexpr std::string_view kOperator = "operator";
  int depth = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (s.substr(i).starts_with(kOperator) &&
        (i == 0 || s[i - 1] == ':' || s[i - 1] == ' ' || s[i - 1] == '~')) {
      i += kOperator.size();
      if (s.substr(i).starts_with(" new") || s.substr(i).starts_with(" delete")) {
        i = s.find_first_of("([ ", i + 1);
        if (i == std::string_view::npos) return s.size();
        if (s.substr(i).starts_with("[]")) i += 2;
        continue;
      }
      while (i < s.size() &&
             std::string_view("<>=!+-*/%&|^~,").find(s[i]) != std::string_view::npos)
        ++i;
      if (s.substr(i).starts_with("()") || s.substr(i).starts_with("[]")) i += 2;
      continue;
    }
    char c = s[i];
    if (c == '(' || c == '<') {
      ++depth;
    } else if ((c == ')' || c == '>') && depth > 0) {
      --depth;
    } else if (c == ' ' && depth == 0) {
      // A method's qualifier belongs to the name ("Foo::get() const").
      bool qualifier = false;
      for (std::string_view q : {std::string_view(" const"), std::string_view(" volatile")}) {
        if (i > 0 && s[i - 1] == ')' && s.substr(i).starts_with(q) &&
            (i + q.size() == s.size() || s[i + q.size()] == ' ')) {
          i += q.size();
          qualifier = true;
          break;
        }
      }
      if (!qualifier) return i;
      continue;
    }
    ++i;
  }
  return s.size();
}

bool ParseSanitizerFrame(std::string_view text, Frame* frame) {
  static const RE2 re(R"(^\s*#\d+ (?:0x[0-9a-fA-F]+ )?(?:in )?)");
  re2::StringPiece rest(text.data(), text.size());
  if (!RE2::Consume(&rest, re)) return false;
  std::string_view line = Trim(std::string_view(rest.data(), rest.size()));
  if (line.empty()) return false;
  size_t end = FunctionEnd(line);
  std::string function(line.substr(0, end));
  // Unsymbolized: an address, or only the module ("(/out/prog+0x4c)").
  if (function.starts_with("0x") || (function.starts_with("(") && !function.starts_with("(anon")))
    return false;
  size_t paren = function.find('(');
  if (paren != std::string::npos && paren > 0 && !function.starts_with("operator"))
    function.resize(paren);
  // The location: "/src/x.c:12:5", maybe followed by TSan's "(prog+0x1d)"; a module alone
  // ("(/lib/libc.so.6+0x21c87)") names no source file.
  std::string_view location = end < line.size() ? Trim(line.substr(end)) : std::string_view();
  if (location.starts_with("(")) location = {};
  if (location.ends_with(")")) {
    size_t open = location.rfind(" (");
    if (open != std::string_view::npos) location = Trim(location.substr(0, open));
  }
  frame->function = function;
  frame->file = std::string(location);
  return true;
}

bool IsRuntimeFrame(const Frame& f) {
  static const RE2 function_re(
      R"(^(?:__interceptor_|___interceptor_|__asan|__lsan|__tsan|__msan|__ubsan|__sanitizer|__hwasan|)"
      R"(__libc_|__GI_|__cxa_|__assert|_start$|_Unwind|__pthread|pthread_|start_thread|clone|)"
      R"(std::__|__gnu_cxx|__fortify|__memcpy|__memset|__strcpy|__stpcpy|__strlen|abort$|raise$|)"
      R"(gsignal|(?:m|c|re|pvalloc|valloc|posix_memalign|aligned_alloc)alloc$|malloc$|free$|)"
      R"(operator new|operator delete|mem(?:cpy|move|set|cmp|chr)$|str(?:n?cpy|n?cat|n?cmp|len|dup|chr)$|)"
      R"(runtime\.|core::|std::|rust_panic|__rust|panic_|alloc::))");
  static const RE2 file_re(
      R"(libsanitizer|compiler-rt|/libc\.so|/libc-|/libasan|/libtsan|/libmsan|)"
      R"(/libubsan|/libstdc\+\+|/ld-linux|/libpthread|sysdeps/|/rustc/|/go/src/runtime/)");
  return RE2::PartialMatch(f.function, function_re) || RE2::PartialMatch(f.file, file_re);
}

std::string StripLocation(std::string_view file) {
  // "/src/x.c:12:5" -> "/src/x.c", "/src/x.go:12 +0x1d" -> "/src/x.go": the location starts at
  // the first colon followed by a digit (a path may hold spaces and colons).
  for (size_t colon = file.find(':'); colon != std::string_view::npos;
       colon = file.find(':', colon + 1)) {
    if (colon + 1 < file.size() && file[colon + 1] >= '0' && file[colon + 1] <= '9')
      return std::string(file.substr(0, colon));
  }
  return std::string(file);
}

// The first frame not in runtime code, from `from` on; `end` becomes the end of the last frame
// line read (the first stack's end).
bool FirstUserFrame(std::string_view log, size_t from, Frame* out, size_t* end) {
  LineCursor cursor(log, from);
  Line line;
  bool in_stack = false;
  int lines_without_frame = 0;
  while (cursor.Next(&line)) {
    Frame f;
    if (ParseSanitizerFrame(line.text, &f)) {
      in_stack = true;
      *end = line.end();
      if (!IsRuntimeFrame(f)) {
        *out = f;
        return true;
      }
      continue;
    }
    if (in_stack && Trim(line.text).empty()) break;
    if (++lines_without_frame > 30) break;
  }
  return false;
}

// Go: "main.parse(0xc000, 0x3)" then "\t/src/x.go:12 +0x1d".
bool FirstGoFrame(std::string_view log, size_t from, Frame* out) {
  static const RE2 func_re(R"(^([a-zA-Z0-9_./*()\[\]-]+)\(.*\)$)");
  LineCursor cursor(log, from);
  Line line;
  for (int n = 0; n < 200 && cursor.Next(&line); ++n) {
    std::string function;
    if (!RE2::FullMatch(line.text, func_re, &function)) continue;
    Frame f{function, ""};
    Line next;
    if (cursor.Next(&next)) f.file = StripLocation(Trim(next.text));
    if (f.function.starts_with("runtime.") || f.function.starts_with("panic(")) continue;
    *out = f;
    return true;
  }
  return false;
}

// Rust with RUST_BACKTRACE=1: "   4: prog::parse" then "             at ./src/main.rs:5:10".
bool FirstRustFrame(std::string_view log, size_t from, Frame* out) {
  static const RE2 func_re(R"(^\s*\d+: (\S+?)(?:::h[0-9a-f]{16})?$)");
  LineCursor cursor(log, from);
  Line line;
  for (int n = 0; n < 200 && cursor.Next(&line); ++n) {
    std::string function;
    if (!RE2::FullMatch(line.text, func_re, &function)) continue;
    Frame f{function, ""};
    if (IsRuntimeFrame(f) || function.starts_with("<")) continue;
    *out = f;
    return true;
  }
  return false;
}

// The end of the report's last line: its SUMMARY or ABORTING line if there is one.
size_t ReportEnd(std::string_view log, size_t from, size_t fallback) {
  size_t limit = std::min(log.size(), from + (256 << 10));
  std::string_view window = log.substr(0, limit);
  size_t end = std::string_view::npos;
  for (std::string_view closing : {"SUMMARY: ", "==ABORTING"}) {
    size_t at = window.find(closing, from);
    if (at == std::string_view::npos) continue;
    Line line = LineAt(log, at);
    if (end == std::string_view::npos || line.end() < end) end = line.end();
  }
  return end != std::string_view::npos ? end : fallback;
}

}  // namespace

bool HasKernelConsoleLine(std::string_view text) {
  LineCursor cursor(text, 0);
  Line line;
  while (cursor.Next(&line)) {
    if (SplitConsoleLine(line.text).kind != ContextKind::kNone) return true;
  }
  return false;
}

namespace {

// The row whose report starts on `line`, or null.
const CompiledFormat* FormatOf(std::string_view log, const Line& line,
                               std::vector<std::string_view>* groups, ConsoleScan* scan) {
  ConsoleScan own;
  if (InKernelConsole(log, line.pos, scan != nullptr ? scan : &own)) return nullptr;
  for (const CompiledFormat& f : Compiled()) {
    const UserSpaceFormat& spec = *f.spec;
    if (line.text.find(spec.marker) == std::string_view::npos) continue;
    if (!SearchIn(*f.header, line.text, groups)) continue;
    if (f.unless && SearchIn(*f.unless, line.text, nullptr)) continue;
    if (!spec.followed_by.empty() &&
        log.substr(line.pos, 4096).find(spec.followed_by) == std::string_view::npos)
      continue;
    return &f;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string_view> UserSpaceMarkers() {
  std::vector<std::string_view> out;
  for (const UserSpaceFormat& f : UserSpaceFormats()) {
    if (std::find(out.begin(), out.end(), f.marker) == out.end()) out.push_back(f.marker);
  }
  return out;
}

bool IsUserSpaceHeaderLine(std::string_view log, size_t line_pos, ConsoleScan* scan) {
  std::vector<std::string_view> groups;
  return FormatOf(log, LineAt(log, line_pos), &groups, scan) != nullptr;
}

Report ParseUserSpace(std::string_view log, size_t pos) {
  Report r;
  Line header = LineAt(log, pos);
  std::vector<std::string_view> groups;
  const CompiledFormat* f = FormatOf(log, header, &groups, nullptr);
  if (f == nullptr) return r;
  const UserSpaceFormat& spec = *f->spec;
  r.crashed = true;
  r.start = header.pos;
  size_t body = PastLine(log, header.end());
  std::string kind = groups.empty() ? std::string(spec.kind) : std::string(Trim(groups[0]));
  if (spec.kind_on_next_line && header.text.ends_with(":") && body < log.size())
    kind = std::string(Trim(LineAt(log, body).text));
  Frame frame;
  bool have_frame = false;
  size_t stack_end = header.end();
  std::vector<std::string_view> g;
  if (f->header_frame && SearchIn(*f->header_frame, header.text, &g)) {
    frame = {std::string(g[1]), std::string(g[0])};
    size_t paren = frame.function.find('(');
    if (paren != std::string::npos && paren > 0) frame.function.resize(paren);
    have_frame = true;
  }
  switch (spec.stack) {
    case UserStack::kSanitizer:
      if (!have_frame) have_frame = FirstUserFrame(log, body, &frame, &stack_end);
      break;
    case UserStack::kGo:
      have_frame = FirstGoFrame(log, body, &frame);
      break;
    case UserStack::kRust:
      have_frame = FirstRustFrame(log, body, &frame);
      break;
  }
  if (!have_frame && f->header_file && SearchIn(*f->header_file, header.text, &g))
    frame.file = StripLocation(g[0]);
  std::string title = std::string(spec.title) + kind;
  if (have_frame) {
    title += " in " + frame.function;
    r.frame = frame.function;
  } else if (!frame.file.empty()) {
    size_t slash = frame.file.rfind('/');
    title += " in " + frame.file.substr(slash == std::string::npos ? 0 : slash + 1);
  }
  r.guilty_file = StripLocation(frame.file);
  r.title = NormalizeTitle(title);
  r.type = std::string(spec.type);
  r.corrupted = spec.needs_stack && !have_frame && stack_end == header.end();
  if (r.corrupted) r.corrupted_reason = "no frames in a stack trace";
  r.end = ReportEnd(log, header.pos, stack_end);
  r.report = std::string(log.substr(r.start, r.end - r.start));
  return r;
}

}  // namespace culprit::crash
