// Private to crash/: runs a format's frame rule over a report (§1.7 and §4 of
// syzbot-title-rules.md): line steps and stack sections yield candidate frames, generic frames
// are skipped, and one key frame per stack is chosen (the first, or a stall's or hang's).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crash/oops_table.h"

namespace re2 {
class RE2;
}

namespace culprit::crash {

struct MarkedLine;

/// A chosen frame: `canonical` (syscall prefixes stripped) names the title, `raw` the alt titles.
struct Frame {
  std::string canonical;
  std::string raw;
};

struct FrameResult {
  std::vector<Frame> frames;  ///< one per stack section (at least one); "corrupted" if none
  bool failed = false;        ///< a frame was missing or a fault-injection frame interleaved
};

/// `name` without the syscall prefix that leaves it shortest ("__do_sys_foo" -> "foo").
std::string CanonicalFrame(std::string_view name);

class CompiledFrameRule {
 public:
  explicit CompiledFrameRule(const FrameRule& rule);
  ~CompiledFrameRule();

  /// Runs the rule on `text` from `start` (where the format matched). `marks` are
  /// MarkLines(text), shared by every rule run on the same text.
  FrameResult Extract(std::string_view text, size_t start,
                      const std::vector<MarkedLine>& marks) const;
  /// As above, on the whole of `text`.
  FrameResult Extract(std::string_view text) const;

  /// Patterns that fail to compile ("pattern: error").
  std::vector<std::string> Errors() const;

 private:
  struct Step {
    std::unique_ptr<re2::RE2> line;  // null: a stack section
    std::vector<std::string> hints;  // a line holding none of these cannot match (if any)
    bool MayMatch(std::string_view text) const;
  };
  FrameResult Run(const std::vector<Step>& steps, std::string_view text, size_t start,
                  const std::vector<MarkedLine>& marks) const;
  // Skip decisions by name, looked up with a string_view.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using SkipAnswerMap = std::unordered_map<std::string, bool, NameHash, std::equal_to<>>;
  SkipAnswerMap& SkipAnswers() const;

  std::vector<Step> steps_;
  std::vector<Step> fallback_;
  std::unique_ptr<re2::RE2> skip_;
  FrameChooser chooser_;
};

}  // namespace culprit::crash
