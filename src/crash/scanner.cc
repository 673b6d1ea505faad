// Streaming front end of Parse: keeps a bounded window of the stream (context before the first
// crash header, then at most max_report_bytes after it), so a 1 GB console log costs ~1 MB.
#include <algorithm>
#include <string>

#include "crash/find_crash.h"
#include "crash/report.h"

namespace culprit::crash {
namespace {

constexpr std::string_view kPanic = "Kernel panic - not syncing";
// An unfinished line longer than this is cut to its tail before searching (headers are short).
constexpr size_t kMaxPartialLine = 64 << 10;
constexpr size_t kPartialTail = 4 << 10;

}  // namespace

struct Scanner::State {
  Options options;
  std::string window;
  size_t base = 0;      // stream offset of window[0]
  size_t searched = 0;  // window offset up to which complete lines were searched
  bool found = false;
  bool panicked = false;
  std::string panic_tail;  // last bytes of the previous chunk, for a split panic marker

  void NotePanic(std::string_view chunk) {
    if (panicked) return;
    // The marker may straddle chunks: search the previous tail joined with the chunk's head.
    std::string joined = panic_tail;
    joined.append(chunk.substr(0, kPanic.size()));
    if (joined.find(kPanic) != std::string::npos || chunk.find(kPanic) != std::string_view::npos) {
      panicked = true;
      return;
    }
    joined = panic_tail;
    joined.append(chunk.substr(chunk.size() > kPanic.size() ? chunk.size() - kPanic.size() : 0));
    panic_tail = joined.substr(joined.size() > kPanic.size() ? joined.size() - kPanic.size() : 0);
  }

  void Drop(size_t n) {
    window.erase(0, n);
    base += n;
    searched = n > searched ? 0 : searched - n;
  }

  // Searches complete lines not searched yet; on a hit, trims the context before it.
  void Search() {
    size_t last_nl = window.rfind('\n');
    if (last_nl == std::string::npos || last_nl + 1 <= searched) {
      if (window.size() - searched > kMaxPartialLine) Drop(window.size() - kPartialTail);
      return;
    }
    std::string_view complete(window.data(), last_nl + 1);
    size_t from = searched;
    size_t hit = FindFirstCrash(complete, from).pos;
    searched = last_nl + 1;
    if (hit != std::string_view::npos) {
      found = true;
      size_t keep_from = hit > options.context_bytes ? hit - options.context_bytes : 0;
      size_t nl = keep_from == 0 ? std::string::npos : window.rfind('\n', keep_from);
      Drop(nl == std::string::npos ? 0 : nl + 1);
      return;
    }
    // No crash yet: keep only the context a later crash would need.
    if (searched > options.context_bytes) {
      size_t cut = window.find('\n', searched - options.context_bytes);
      if (cut != std::string::npos && cut + 1 <= searched) Drop(cut + 1);
    }
  }
};

Scanner::Scanner() : Scanner(Options{}) {}
Scanner::Scanner(Options options) : state_(std::make_unique<State>()) { state_->options = options; }
Scanner::~Scanner() = default;

void Scanner::Feed(std::string_view chunk) {
  State& s = *state_;
  s.NotePanic(chunk);
  if (s.found) {
    size_t limit = s.options.context_bytes + s.options.max_report_bytes;
    if (s.window.size() < limit) s.window.append(chunk.substr(0, limit - s.window.size()));
    return;
  }
  s.window.append(chunk);
  s.Search();
}

Report Scanner::Finish() {
  State& s = *state_;
  Report r = Parse(s.window);
  if (r.crashed) {
    r.start += s.base;
    r.end += s.base;
  }
  r.panicked = s.panicked;
  return r;
}

size_t Scanner::buffered_bytes() const { return state_->window.size(); }

}  // namespace culprit::crash
