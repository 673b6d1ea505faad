// Streaming front end of Parse: keeps a bounded window of the stream (context before the first
// crash header, then at most max_report_bytes after it), so a 1 GB console log costs ~1 MB.
// A header line is judged only once the window holds its context on both sides (what Parse of
// the whole log would see), so streaming and Parse agree. What Parse would know of the part no
// longer held is kept as facts: the console facts (LogFactsStream) and whether a kernel console
// line was seen (then user-space-looking lines are a program's output, not reports).
#include <algorithm>
#include <string>

#include "crash/find_crash.h"
#include "crash/log_facts.h"
#include "crash/report.h"
#include "crash/sanitizers.h"

namespace culprit::crash {
namespace {

// An unfinished line longer than this is cut to its tail before searching (headers are short).
constexpr size_t kMaxPartialLine = 64 << 10;
constexpr size_t kPartialTail = 4 << 10;
// Header checks look this far past their line (Go's "fatal error:" needs its goroutine dump).
constexpr size_t kLookahead = 8 << 10;

}  // namespace

struct Scanner::State {
  Options options;
  std::string window;
  size_t base = 0;       // stream offset of window[0]
  size_t searched = 0;   // window offset up to which lines were judged
  FirstCrash hit;        // window-relative once found
  LogFactsStream facts;  // panic, suppressions: over the whole stream
  bool console = false;  // a kernel console line was dropped from the window

  bool found() const { return hit.pos != std::string_view::npos; }

  void Drop(size_t n) {
    if (!console) console = HasKernelConsoleLine(std::string_view(window).substr(0, n));
    window.erase(0, n);
    base += n;
    searched = n > searched ? 0 : searched - n;
  }

  // Judges header lines in [searched, limit); `final` once the stream has ended.
  void Search(bool final) {
    size_t last_nl = window.rfind('\n');
    size_t complete = final ? window.size() : (last_nl == std::string::npos ? 0 : last_nl + 1);
    // A line longer than kMaxPartialLine without its end: judge what is complete now, then keep
    // only the line's tail (a header in its head is lost; such lines are not console output).
    bool huge_partial = !final && window.size() - complete > kMaxPartialLine;
    size_t limit = complete;
    if (!final && !huge_partial) {
      limit = complete > kLookahead ? complete - kLookahead : 0;
      size_t nl = limit == 0 ? std::string::npos : window.rfind('\n', limit - 1);
      limit = nl == std::string::npos ? 0 : nl + 1;
    }
    if (limit > searched && Judge(complete, limit)) return;
    if (huge_partial) Drop(window.size() - kPartialTail);
  }

  // Looks for a header line in [searched, limit); true if found (the window is then trimmed to
  // the context before it).
  bool Judge(size_t complete, size_t limit) {
    FirstCrash first = FindFirstCrash(std::string_view(window).substr(0, complete), searched,
                                      /*check_replay=*/true, /*facts=*/nullptr, console);
    if (first.pos != std::string_view::npos && first.pos < limit) {
      hit = first;
      size_t keep_from = hit.pos > options.context_bytes ? hit.pos - options.context_bytes : 0;
      size_t nl = keep_from == 0 ? std::string::npos : window.rfind('\n', keep_from);
      size_t drop = nl == std::string::npos ? 0 : nl + 1;
      Drop(drop);
      hit.pos -= drop;
      return true;
    }
    searched = limit;
    // No crash yet: keep only the context a later header would need.
    if (searched > options.context_bytes) {
      size_t cut = window.find('\n', searched - options.context_bytes);
      if (cut != std::string::npos && cut + 1 <= searched) Drop(cut + 1);
    }
    return false;
  }
};

Scanner::Scanner() : Scanner(Options{}) {}
Scanner::Scanner(Options options) : state_(std::make_unique<State>()) { state_->options = options; }
Scanner::~Scanner() = default;

void Scanner::Feed(std::string_view chunk) {
  State& s = *state_;
  s.facts.Feed(chunk);
  if (s.found()) {
    size_t limit = s.hit.pos + s.options.max_report_bytes;
    if (s.window.size() < limit) s.window.append(chunk.substr(0, limit - s.window.size()));
    return;
  }
  s.window.append(chunk);
  s.Search(/*final=*/false);
}

Report Scanner::Finish() {
  State& s = *state_;
  if (!s.found()) s.Search(/*final=*/true);
  LogFacts facts = s.facts.Finish();
  Report r = ParseCrash(s.window, 0, s.hit);
  if (s.found()) {
    r.start += s.base;
    r.end += s.base;
    if (!s.hit.user_space) {
      r.suppressed = facts.suppressed;
      if (facts.vm_disconnected) r.corrupted = true;
    }
  }
  r.panicked = facts.panicked;
  return r;
}

size_t Scanner::buffered_bytes() const { return state_->window.size(); }

}  // namespace culprit::crash
