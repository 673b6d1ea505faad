#include "crash/corruption.h"

#include <vector>

#include "crash/line_shapes.h"

namespace culprit::crash {

bool TitleHasTimestamp(std::string_view title) {
  // "[", spaces, digits "." digits, "]".
  for (size_t at = title.find('['); at != std::string_view::npos; at = title.find('[', at + 1)) {
    size_t i = at + 1;
    while (i < title.size() && title[i] == ' ') ++i;
    size_t digits = i;
    while (i < title.size() && title[i] >= '0' && title[i] <= '9') ++i;
    if (i == digits || i >= title.size() || title[i] != '.') continue;
    size_t fraction = ++i;
    while (i < title.size() && title[i] >= '0' && title[i] <= '9') ++i;
    if (i > fraction && i < title.size() && title[i] == ']') return true;
  }
  return false;
}

std::string_view MissingStackReason(std::string_view text) {
  return MissingStackReason(text, MarkLines(text));
}

std::string_view MissingStackReason(std::string_view text, const std::vector<MarkedLine>& marks) {
  // Each way a stack can start, at its first occurrence: a few lines later there must be a
  // frame (or the kernel's own "stack is not available") before another stack starts.
  constexpr int kLookahead = 15;
  bool has_stack = false;
  std::vector<std::string_view> names;
  const auto& shapes = StackStartShapes();
  std::vector<size_t> starts = FirstStackStarts(text, marks);
  for (size_t s = 0; s < shapes.size(); ++s) {
    size_t at = starts[s];
    if (at == std::string_view::npos) continue;
    std::string_view rest = text.substr(at);
    size_t breaks = 0;
    for (size_t nl = rest.find('\n'); nl != std::string_view::npos && breaks < 3;
         nl = rest.find('\n', nl + 1))
      ++breaks;
    if (breaks < 3) {
      if (shapes[s].can_corrupt) return "call trace is missed";
      continue;
    }
    // The lines after the one the match starts on.
    size_t pos = rest.find('\n') + 1;
    bool frames = false;
    for (int i = 0; i < kLookahead && pos <= rest.size(); ++i) {
      size_t end = rest.find('\n', pos);
      std::string_view line =
          rest.substr(pos, end == std::string_view::npos ? rest.npos : end - pos);
      if (IsStackStartLine(line)) break;
      if (line.find("(stack is not available)") != std::string_view::npos ||
          FrameLineNames(line, &names)) {
        frames = true;
        break;
      }
      if (end == std::string_view::npos) break;
      pos = end + 1;
    }
    if (frames) {
      has_stack = true;
    } else if (shapes[s].can_corrupt) {
      return "no frames in a stack trace";
    }
  }
  return has_stack ? "" : "no stack trace in report";
}

}  // namespace culprit::crash
