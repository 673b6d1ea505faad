#include "crash/frame_extract.h"

#include <re2/re2.h>

#include <algorithm>
#include <deque>
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

using Names = std::vector<std::string_view>;

Frame MakeFrame(std::string_view canonical, std::string_view raw) {
  return Frame{std::string(canonical), std::string(raw)};
}

// `name` without the syscall prefix that leaves it shortest ("__do_sys_foo" -> "foo").
std::string_view Canonical(std::string_view name) {
  std::string_view best = name;
  for (std::string_view prefix : SyscallPrefixes()) {
    if (name.size() - prefix.size() < best.size() && name.starts_with(prefix))
      best = name.substr(prefix.size());
  }
  return best;
}

// §4.1: the frame just above the first dispatcher or syscall entry; cross-calls are one bucket.
std::optional<Frame> ChooseStall(const Names& raw, const Names& canonical) {
  for (size_t i = 0; i < canonical.size(); ++i) {
    if (!RE2::PartialMatch(re2::StringPiece(canonical[i].data(), canonical[i].size()),
                           StallAnchorRe()))
      continue;
    if (Contains(canonical[i], "smp_call_function")) return MakeFrame("smp_call_function", raw[i]);
    size_t above = i == 0 ? 0 : i - 1;
    return MakeFrame(canonical[above], raw[above]);
  }
  return std::nullopt;
}

// §4.2: hangs show at random victims; two common waits are grouped, otherwise the first frame
// that is not itself waiting.
std::optional<Frame> ChooseHang(const Names& raw, const Names& canonical) {
  for (size_t i = 0; i < canonical.size(); ++i) {
    for (std::string_view bucket : HangBuckets()) {
      if (!Contains(canonical[i], bucket)) continue;
      if (bucket == "rtnl_lock") return MakeFrame(canonical[i], raw[i]);
      return MakeFrame("synchronize_rcu", raw[i]);
    }
  }
  for (size_t i = 0; i < canonical.size(); ++i) {
    bool waiting = false;
    for (std::string_view w : HangWaitingFrames()) waiting = waiting || Contains(canonical[i], w);
    if (!waiting) return MakeFrame(canonical[i], raw[i]);
  }
  return std::nullopt;
}

std::optional<Frame> Choose(const Names& pool, FrameChooser chooser) {
  if (pool.empty()) return std::nullopt;
  if (chooser == FrameChooser::kFirst) return MakeFrame(Canonical(pool[0]), pool[0]);
  Names canonical;
  canonical.reserve(pool.size());
  for (std::string_view name : pool) canonical.push_back(Canonical(name));
  switch (chooser) {
    case FrameChooser::kFirst:
      break;
    case FrameChooser::kStall:
      return ChooseStall(pool, canonical);
    case FrameChooser::kHang:
      return ChooseHang(pool, canonical);
  }
  return std::nullopt;
}

// Lines of a text from `start` on, with a cursor all steps share. Which lines start a stack or
// hold a fault-injection frame comes from MarkLines (the first line, cut at `start`, is looked
// at itself).
class LineReader {
 public:
  LineReader(std::string_view text, size_t start, const std::vector<MarkedLine>& marks)
      : text_(text), marks_(marks), pos_(start) {
    size_t end = text.find('\n', start);
    std::string_view first = text.substr(start, end == std::string_view::npos ? end : end - start);
    first_ = {start, IsStackStartLine(first), IsFaultInjectionFrame(first)};
  }

  bool Next(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    *line = text_.substr(pos_, end - pos_);
    current_ = pos_ == first_.pos ? first_ : MarkAt(pos_);
    pos_ = end + 1;
    return true;
  }
  bool StackStart() const { return current_.stack_start; }

  // Skips to the next line that starts a stack or holds a fault-injection frame, and reads
  // it (false at the end of the text): nothing else matters to a settled section.
  bool NextMarked(std::string_view* line) {
    size_t from = pos_;
    if (pos_ <= first_.pos) {
      if (first_.stack_start || first_.fault_injection) return Next(line);
      from = first_.pos + 1;
    }
    for (size_t m = FirstMarkFrom(from); m < marks_.size(); ++m) {
      if (!marks_[m].stack_start && !marks_[m].fault_injection) continue;
      pos_ = marks_[m].pos;
      return Next(line);
    }
    pos_ = text_.size();
    return false;
  }
  bool FaultInjection() const { return current_.fault_injection; }

  // Moves the cursor to the first line holding one of `literals`, unless a fault-injection
  // frame's line comes first (the cursor stops there). False if neither is left.
  bool SkipTo(const std::vector<std::string>& literals) {
    size_t hit = text_.size();
    for (const std::string& l : literals) hit = std::min(hit, text_.find(l, pos_));
    size_t line = hit == text_.size() ? hit : std::max(LineStart(hit), pos_);
    if (pos_ == first_.pos && first_.fault_injection) return true;
    // (The first line, cut at `start`, was looked at itself: its mark does not apply.)
    size_t from = pos_ == first_.pos ? pos_ + 1 : pos_;
    for (size_t m = FirstMarkFrom(from); m < marks_.size() && marks_[m].pos < line; ++m) {
      if (marks_[m].fault_injection) {
        pos_ = marks_[m].pos;
        return true;
      }
    }
    pos_ = line;
    return line < text_.size();
  }

 private:
  size_t LineStart(size_t at) const {
    size_t nl = at == 0 ? std::string_view::npos : text_.rfind('\n', at - 1);
    return nl == std::string_view::npos ? 0 : nl + 1;
  }
  size_t FirstMarkFrom(size_t pos) {
    while (next_mark_ < marks_.size() && marks_[next_mark_].pos < pos) ++next_mark_;
    return next_mark_;
  }
  MarkedLine MarkAt(size_t pos) {
    size_t m = FirstMarkFrom(pos);
    return m < marks_.size() && marks_[m].pos == pos ? marks_[m] : MarkedLine{pos};
  }

  std::string_view text_;
  const std::vector<MarkedLine>& marks_;
  size_t pos_;
  MarkedLine first_, current_;
  size_t next_mark_ = 0;
};

}  // namespace

std::string CanonicalFrame(std::string_view name) { return std::string(Canonical(name)); }

bool CompiledFrameRule::Step::MayMatch(std::string_view text) const {
  if (hints.empty()) return true;
  for (const std::string& h : hints) {
    if (text.find(h) != std::string_view::npos) return true;
  }
  return false;
}

CompiledFrameRule::CompiledFrameRule(const FrameRule& rule) : chooser_(rule.chooser) {
  for (const FrameStep& s : rule.steps)
    steps_.push_back({CompilePattern(s.line),
                      s.line.empty() ? std::vector<std::string>{} : RequiredLiterals(s.line)});
  for (const FrameStep& s : rule.fallback)
    fallback_.push_back({CompilePattern(s.line),
                         s.line.empty() ? std::vector<std::string>{} : RequiredLiterals(s.line)});
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

CompiledFrameRule::SkipAnswerMap& CompiledFrameRule::SkipAnswers() const {
  // The same generic frames recur in every report: the answer is remembered per skip list.
  thread_local std::unordered_map<const RE2*, SkipAnswerMap> cache;
  return cache[skip_.get()];
}

FrameResult CompiledFrameRule::Run(const std::vector<Step>& steps, std::string_view text,
                                   size_t start, const std::vector<MarkedLine>& marks) const {
  FrameResult result;
  Names pool;  // views into `text`, or into `demangled`
  std::deque<std::string> demangled;
  SkipAnswerMap& answers = SkipAnswers();
  auto add = [&](const std::vector<std::string_view>& names) {
    for (std::string_view name : names) {
      if (name.data() == nullptr) continue;  // a group that took no part
      if (name.starts_with("_Z") || name.starts_with("_R")) {
        std::string d = DemangleSymbol(name);
        if (d != name) name = demangled.emplace_back(std::move(d));
      }
      auto it = answers.find(name);
      if (it == answers.end()) {
        if (answers.size() > 50000) answers.clear();
        bool skip = RE2::PartialMatch(re2::StringPiece(name.data(), name.size()), *skip_);
        it = answers.emplace(std::string(name), skip).first;
      }
      if (!it->second) pool.push_back(name);
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
  LineReader lines(text, start, marks);
  std::string_view line;
  std::vector<std::string_view> names;
  bool seen_stack = false;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].line != nullptr) {
      // Consume lines until one matches; only lines holding a hint can.
      while (true) {
        if (!steps[i].hints.empty() && !lines.SkipTo(steps[i].hints)) break;
        if (!lines.Next(&line)) break;
        if (lines.FaultInjection()) {
          result.failed = true;
          break;
        }
        if (steps[i].MayMatch(line) && SearchIn(*steps[i].line, line, &names)) {
          add(names);
          break;
        }
      }
      continue;
    }
    if (seen_stack) choose();
    seen_stack = true;
    const Step* next = i + 1 < steps.size() && steps[i + 1].line ? &steps[i + 1] : nullptr;
    // Once the first-frame chooser has its frame in the last section, later frames change
    // nothing: only where the section ends, and whether a fault-injection frame comes first.
    bool last = i + 1 == steps.size();
    while (true) {
      bool settled = last && chooser_ == FrameChooser::kFirst && !pool.empty();
      if (!(settled ? lines.NextMarked(&line) : lines.Next(&line))) break;
      if (lines.FaultInjection()) {
        result.failed = true;
        break;
      }
      if (lines.StackStart()) break;
      if (settled) continue;
      // The next step's line ends the section (KMSAN's "Uninit was created at:").
      if (next != nullptr && next->MayMatch(line) && SearchIn(*next->line, line, &names)) {
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

FrameResult CompiledFrameRule::Extract(std::string_view text, size_t start,
                                       const std::vector<MarkedLine>& marks) const {
  FrameResult result = Run(steps_, text, start, marks);
  if (result.failed && !fallback_.empty()) result = Run(fallback_, text, start, marks);
  return result;
}

FrameResult CompiledFrameRule::Extract(std::string_view text) const {
  return Extract(text, 0, MarkLines(text));
}

}  // namespace culprit::crash
