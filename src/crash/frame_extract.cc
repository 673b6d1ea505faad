#include "crash/frame_extract.h"

#include <re2/re2.h>

#include <optional>
#include <unordered_map>

#include "crash/demangle.h"
#include "crash/frame_lists.h"
#include "crash/line_shapes.h"
#include "crash/pattern.h"

namespace culprit::crash {
namespace {

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

const RE2& StallAnchorRe() {
  static const RE2* re = CompileNameList(StallAnchors()).release();
  return *re;
}

// §4.1: the frame just above the first dispatcher or syscall entry; cross-calls are one bucket.
std::optional<Frame> ChooseStall(const std::vector<std::string>& raw,
                                 const std::vector<std::string>& canonical) {
  for (size_t i = 0; i < canonical.size(); ++i) {
    if (!RE2::PartialMatch(canonical[i], StallAnchorRe())) continue;
    if (Contains(canonical[i], "smp_call_function")) return Frame{"smp_call_function", raw[i]};
    size_t above = i == 0 ? 0 : i - 1;
    return Frame{canonical[above], raw[above]};
  }
  return std::nullopt;
}

// §4.2: hangs show at random victims; two common waits are grouped, otherwise the first frame
// that is not itself waiting.
std::optional<Frame> ChooseHang(const std::vector<std::string>& raw,
                                const std::vector<std::string>& canonical) {
  for (size_t i = 0; i < canonical.size(); ++i) {
    for (std::string_view bucket : HangBuckets()) {
      if (!Contains(canonical[i], bucket)) continue;
      if (bucket == "rtnl_lock") return Frame{canonical[i], raw[i]};
      return Frame{"synchronize_rcu", raw[i]};
    }
  }
  for (size_t i = 0; i < canonical.size(); ++i) {
    bool waiting = false;
    for (std::string_view w : HangWaitingFrames()) waiting = waiting || Contains(canonical[i], w);
    if (!waiting) return Frame{canonical[i], raw[i]};
  }
  return std::nullopt;
}

std::optional<Frame> Choose(const std::vector<std::string>& pool, FrameChooser chooser) {
  if (pool.empty()) return std::nullopt;
  std::vector<std::string> canonical;
  canonical.reserve(pool.size());
  for (const std::string& name : pool) canonical.push_back(CanonicalFrame(name));
  switch (chooser) {
    case FrameChooser::kFirst:
      return Frame{canonical[0], pool[0]};
    case FrameChooser::kStall:
      return ChooseStall(pool, canonical);
    case FrameChooser::kHang:
      return ChooseHang(pool, canonical);
  }
  return std::nullopt;
}

// Lines of a text, one at a time, from a cursor shared by all steps.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  bool Next(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    *line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string CanonicalFrame(std::string_view name) {
  std::string_view best = name;
  for (std::string_view prefix : SyscallPrefixes()) {
    if (name.starts_with(prefix) && name.size() - prefix.size() < best.size())
      best = name.substr(prefix.size());
  }
  return std::string(best);
}

CompiledFrameRule::CompiledFrameRule(const FrameRule& rule) : chooser_(rule.chooser) {
  for (const FrameStep& s : rule.steps) steps_.push_back({CompilePattern(s.line)});
  for (const FrameStep& s : rule.fallback) fallback_.push_back({CompilePattern(s.line)});
  std::vector<std::string_view> skip = GlobalFrameSkips();
  skip.insert(skip.end(), rule.skip.begin(), rule.skip.end());
  skip_ = CompileNameList(skip);
}

CompiledFrameRule::~CompiledFrameRule() = default;

std::vector<std::string> CompiledFrameRule::Errors() const {
  std::vector<std::string> errors;
  auto check = [&errors](const RE2* re) {
    if (re != nullptr && !re->ok()) errors.push_back(re->pattern() + ": " + re->error());
  };
  for (const Step& s : steps_) check(s.line.get());
  for (const Step& s : fallback_) check(s.line.get());
  check(skip_.get());
  return errors;
}

bool CompiledFrameRule::Skipped(const std::string& name) const {
  // The same generic frames recur in every report: the answer is remembered per skip list.
  thread_local std::unordered_map<const RE2*, std::unordered_map<std::string, bool>> cache;
  auto& answers = cache[skip_.get()];
  if (answers.size() > 20000) answers.clear();
  auto [it, inserted] = answers.try_emplace(name, false);
  if (inserted) it->second = RE2::PartialMatch(name, *skip_);
  return it->second;
}

FrameResult CompiledFrameRule::Run(const std::vector<Step>& steps, std::string_view text) const {
  FrameResult result;
  std::vector<std::string> pool;
  auto add = [&](const std::vector<std::string_view>& names) {
    for (std::string_view name : names) {
      if (name.data() == nullptr) continue;  // a group that took no part
      std::string demangled = DemangleSymbol(name);
      if (!Skipped(demangled)) pool.push_back(std::move(demangled));
    }
  };
  auto choose = [&] {
    std::optional<Frame> key = Choose(pool, chooser_);
    if (!key) {
      key = Frame{"corrupted", "corrupted"};
      result.failed = true;
    }
    result.frames.push_back(std::move(*key));
    pool.clear();
  };
  LineReader lines(text);
  std::string_view line;
  std::vector<std::string_view> names;
  bool seen_stack = false;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].line != nullptr) {
      while (lines.Next(&line)) {
        if (IsFaultInjectionFrame(line)) {
          result.failed = true;
          break;
        }
        if (SearchIn(*steps[i].line, line, &names)) {
          add(names);
          break;
        }
      }
      continue;
    }
    if (seen_stack) choose();
    seen_stack = true;
    const RE2* next = i + 1 < steps.size() ? steps[i + 1].line.get() : nullptr;
    while (lines.Next(&line)) {
      if (IsFaultInjectionFrame(line)) {
        result.failed = true;
        break;
      }
      if (IsStackStartLine(line)) break;
      // The next step's line ends the section (KMSAN's "Uninit was created at:").
      if (next != nullptr && SearchIn(*next, line, &names)) {
        add(names);
        ++i;
        break;
      }
      if (FrameLineNames(line, &names)) add(names);
    }
  }
  choose();
  return result;
}

FrameResult CompiledFrameRule::Extract(std::string_view text) const {
  FrameResult result = Run(steps_, text);
  if (result.failed && !fallback_.empty()) result = Run(fallback_, text);
  return result;
}

}  // namespace culprit::crash
