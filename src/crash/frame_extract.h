// Private to crash/: runs a format's frame rule over a report (§1.7 and §4 of
// syzbot-title-rules.md): line steps and stack sections yield candidate frames, generic frames
// are skipped, and one key frame per stack is chosen (the first, or a stall's or hang's).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crash/oops_table.h"

namespace re2 {
class RE2;
}

namespace culprit::crash {

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

  /// Runs the rule on `text`, which starts where the format matched.
  FrameResult Extract(std::string_view text) const;

  /// Patterns that fail to compile ("pattern: error").
  std::vector<std::string> Errors() const;

 private:
  struct Step {
    std::unique_ptr<re2::RE2> line;  // null: a stack section
  };
  FrameResult Run(const std::vector<Step>& steps, std::string_view text) const;
  bool Skipped(const std::string& name) const;

  std::vector<Step> steps_;
  std::vector<Step> fallback_;
  std::unique_ptr<re2::RE2> skip_;
  FrameChooser chooser_;
};

}  // namespace culprit::crash
