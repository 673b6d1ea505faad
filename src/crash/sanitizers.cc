#include "crash/sanitizers.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <string>

#include "base/strings.h"
#include "crash/lines.h"
#include "crash/needle_set.h"
#include "crash/title_normalize.h"

namespace culprit::crash {
namespace {

enum class Kind { kAsan, kLeak, kUbsan, kTsan, kMsan, kAssert, kGlibc, kGo, kRust };

struct Marker {
  std::string_view text;  // searched anywhere in a line
  Kind kind;
};

constexpr std::array<Marker, 13> kMarkers = {{
    {"ERROR: AddressSanitizer: ", Kind::kAsan},
    {"ERROR: HWAddressSanitizer: ", Kind::kAsan},
    {"ERROR: LeakSanitizer: ", Kind::kLeak},
    {": runtime error: ", Kind::kUbsan},
    {"WARNING: ThreadSanitizer: ", Kind::kTsan},
    {"WARNING: MemorySanitizer: ", Kind::kMsan},
    {"' failed.", Kind::kAssert},
    {"*** stack smashing detected ***", Kind::kGlibc},
    {"double free detected", Kind::kGlibc},
    {"double free or corruption", Kind::kGlibc},
    {"panic: ", Kind::kGo},
    {"fatal error: ", Kind::kGo},
    {"' panicked at ", Kind::kRust},
}};

// A kernel console ("[  96.262735] ..." lines) shows user programs' glibc aborts as noise: true
// if one of the few lines before `pos` starts with a console timestamp.
bool InKernelConsole(std::string_view log, size_t pos) {
  auto stamped = [&log](size_t at) {
    if (at >= log.size() || log[at] != '[') return false;
    size_t i = at + 1;
    while (i < log.size() && log[i] == ' ') ++i;
    size_t digits = i;
    while (i < log.size() && log[i] >= '0' && log[i] <= '9') ++i;
    return i > digits && i < log.size() && log[i] == '.';
  };
  size_t at = pos > 2048 ? log.find('\n', pos - 2048) + 1 : 0;
  while (at != 0 || pos <= 2048) {
    if (at > pos || at >= log.size()) break;
    if (stamped(at)) return true;
    size_t nl = log.find('\n', at);
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return false;
}

// True if the marker found on `line` really starts a report of its kind.
bool ConfirmMarker(std::string_view log, const Line& line, const Marker& m) {
  switch (m.kind) {
    case Kind::kGlibc:
      return !InKernelConsole(log, line.pos);
    case Kind::kUbsan:
      return !line.text.starts_with("panic: ");
    case Kind::kAssert:
      return line.text.find("Assertion `") != std::string_view::npos;
    case Kind::kGo: {
      if (!line.text.starts_with(m.text)) return false;
      // A Go panic prints its goroutines within a few lines.
      std::string_view rest = log.substr(line.pos, 4096);
      return rest.find("\ngoroutine ") != std::string_view::npos;
    }
    case Kind::kRust:
      return line.text.starts_with("thread '");
    default:
      return true;
  }
}

struct Hit {
  size_t line_pos = std::string_view::npos;
  const Marker* marker = nullptr;
};

Hit FindFirst(std::string_view log, size_t from) {
  static const NeedleSet* markers = new NeedleSet(UserSpaceMarkers());
  while (from < log.size()) {
    NeedleSet::Hit hit = markers->Find(log, from);
    if (hit.pos == std::string_view::npos) return {};
    Line line = LineAt(log, hit.pos);
    // Any marker on this line may confirm it, not only the first one found.
    for (const Marker& m : kMarkers) {
      if (line.text.find(m.text) != std::string_view::npos && ConfirmMarker(log, line, m))
        return {line.pos, &m};
    }
    from = PastLine(log, line.end());
  }
  return {};
}

// One user-space stack frame: "#1 0x55d4 in parse_node /src/x.c:12:5" (ASan, MSan),
// "#0 worker /src/x.c:10 (prog+0x1d)" (TSan), "main.parse(...)" + "\t/src/x.go:12" (Go),
// "  4: prog::parse" + "at ./src/main.rs:5:10" (Rust).
struct Frame {
  std::string function;
  std::string file;
};

bool ParseSanitizerFrame(std::string_view text, Frame* frame) {
  static const RE2 re(
      R"(^\s*#\d+ (?:0x[0-9a-fA-F]+ )?(?:in )?(.+?)(?: ([^ ()]+?)(?::\d+)*)?(?: \(.*\))?\s*$)");
  std::string function, file;
  if (!RE2::FullMatch(text, re, &function, &file)) return false;
  if (function.starts_with("0x") || function.starts_with("(")) return false;  // unsymbolized
  size_t paren = function.find('(');
  if (paren != std::string::npos && paren > 0 && !function.starts_with("operator"))
    function.resize(paren);
  frame->function = function;
  frame->file = file;
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
  // "/src/x.c:12:5" -> "/src/x.c"
  size_t colon = file.find(':');
  return std::string(colon == std::string_view::npos ? file : file.substr(0, colon));
}

// Scans the frames after the header; returns the first non-runtime one (or none). `end` becomes
// the end of the first stack.
bool FirstUserFrame(std::string_view log, size_t from, Frame* out, size_t* end) {
  LineCursor cursor(log, from);
  Line line;
  bool in_stack = false;
  int lines_without_frame = 0;
  *end = from;
  while (cursor.Next(&line)) {
    Frame f;
    if (ParseSanitizerFrame(line.text, &f)) {
      in_stack = true;
      *end = PastLine(log, line.end());
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

// The words after `marker` on `line` up to the first of `stops`.
std::string WordsAfter(std::string_view line, std::string_view marker, std::string_view stops) {
  size_t at = line.find(marker);
  if (at == std::string_view::npos) return "";
  std::string_view rest = line.substr(at + marker.size());
  size_t stop = rest.size();
  for (char c : stops) stop = std::min(stop, rest.find(c));
  return std::string(Trim(rest.substr(0, stop)));
}

std::string AsanKind(std::string_view header) {
  std::string kind = WordsAfter(header, "Sanitizer: ", " ");
  if (header.find("attempting double-free") != std::string_view::npos) return "double-free";
  if (header.find("attempting free on address which was not malloc") != std::string_view::npos)
    return "bad-free";
  return kind;
}

std::string UbsanKind(std::string_view header) {
  std::string msg = WordsAfter(header, "runtime error: ", ":");
  for (std::string_view cut : {" of type ", " for type ", " of address ", " at address "}) {
    size_t at = msg.find(cut);
    if (at != std::string::npos) msg.resize(at);
  }
  return msg;
}

// Offset just past the report's last line: the SUMMARY / ABORTING line if there is one.
size_t ReportEnd(std::string_view log, size_t from, size_t fallback) {
  size_t limit = std::min(log.size(), from + (256 << 10));
  std::string_view window = log.substr(0, limit);
  size_t end = std::string_view::npos;
  for (std::string_view closing : {"SUMMARY: ", "==ABORTING"}) {
    size_t at = window.find(closing, from);
    if (at == std::string_view::npos) continue;
    Line line = LineAt(log, at);
    if (end == std::string_view::npos || line.pos <= end) end = PastLine(log, line.end());
  }
  if (end != std::string_view::npos) return end;
  return std::max(fallback, PastLine(log, LineAt(log, from).end()));
}

}  // namespace

std::vector<std::string_view> UserSpaceMarkers() {
  std::vector<std::string_view> out;
  for (const Marker& m : kMarkers) out.push_back(m.text);
  return out;
}

bool IsUserSpaceHeaderLine(std::string_view log, size_t line_pos) {
  Line line = LineAt(log, line_pos);
  for (const Marker& m : kMarkers) {
    if (line.text.find(m.text) != std::string_view::npos && ConfirmMarker(log, line, m))
      return true;
  }
  return false;
}

Report ParseUserSpace(std::string_view log, size_t pos) {
  Hit hit = FindFirst(log, pos);
  Report r;
  if (hit.marker == nullptr) return r;
  Line header = LineAt(log, hit.line_pos);
  r.crashed = true;
  r.start = header.pos;
  size_t body = PastLine(log, header.end());
  Frame frame;
  bool have_frame = false;
  size_t stack_end = body;
  std::string prefix, kind;
  switch (hit.marker->kind) {
    case Kind::kAsan:
      prefix = "ASan: ";
      kind = AsanKind(header.text);
      break;
    case Kind::kLeak:
      prefix = "ASan: ";
      kind = "memory leak";
      break;
    case Kind::kUbsan:
      prefix = "UBSan: ";
      kind = UbsanKind(header.text);
      break;
    case Kind::kTsan:
      prefix = "TSan: ";
      kind = WordsAfter(header.text, "ThreadSanitizer: ", "(");
      break;
    case Kind::kMsan:
      prefix = "MSan: ";
      kind = WordsAfter(header.text, "MemorySanitizer: ", " ");
      break;
    case Kind::kAssert:
      prefix = "assertion ";
      kind = "`" + WordsAfter(header.text, "Assertion `", "\n");
      if (kind.ends_with(".")) kind.pop_back();
      break;
    case Kind::kGlibc:
      prefix = "glibc: ";
      kind = std::string(Trim(header.text));
      break;
    case Kind::kGo:
      prefix = "Go panic: ";
      kind = std::string(Trim(header.text.substr(header.text.find(':') + 1)));
      have_frame = FirstGoFrame(log, body, &frame);
      break;
    case Kind::kRust: {
      prefix = "Rust panic: ";
      Line next = LineAt(log, std::min(body, log.size()));
      kind = header.text.ends_with(":") && body < log.size()
                 ? std::string(Trim(next.text))
                 : WordsAfter(header.text, "panicked at ", "\n");
      have_frame = FirstRustFrame(log, body, &frame);
      if (!have_frame) frame.file = StripLocation(WordsAfter(header.text, "panicked at ", " :,'"));
      break;
    }
  }
  if (hit.marker->kind == Kind::kAssert) {
    // "prog: x.c:12: parse_node: Assertion `n' failed." names the function itself.
    static const RE2 re(R"(: ([^ :]+):(?:\d+): ([^:]+): Assertion)");
    std::string file, function;
    if (RE2::PartialMatch(header.text, re, &file, &function)) {
      frame = {function, file};
      have_frame = true;
      size_t paren = frame.function.find('(');
      if (paren != std::string::npos && paren > 0) frame.function.resize(paren);
    }
  }
  if (!have_frame && hit.marker->kind != Kind::kGo && hit.marker->kind != Kind::kRust)
    have_frame = FirstUserFrame(log, body, &frame, &stack_end);
  if (!have_frame && hit.marker->kind == Kind::kUbsan) {
    frame.file = StripLocation(Trim(header.text.substr(0, header.text.find(": runtime error"))));
  }
  std::string title = prefix + kind;
  if (have_frame) {
    title += " in " + frame.function;
    r.frame = frame.function;
  } else if (!frame.file.empty()) {
    size_t slash = frame.file.rfind('/');
    title += " in " + frame.file.substr(slash == std::string::npos ? 0 : slash + 1);
  }
  r.guilty_file = StripLocation(frame.file);
  r.title = NormalizeTitle(title);
  r.type = TitleToType(r.title);
  // Sanitizer reports always carry a stack; one without a single frame was cut off.
  bool needs_stack = hit.marker->kind == Kind::kAsan || hit.marker->kind == Kind::kLeak ||
                     hit.marker->kind == Kind::kTsan || hit.marker->kind == Kind::kMsan;
  r.corrupted = needs_stack && !have_frame && stack_end == body;
  r.end = ReportEnd(log, header.pos, stack_end);
  r.report = std::string(log.substr(r.start, r.end - r.start));
  return r;
}

}  // namespace culprit::crash
