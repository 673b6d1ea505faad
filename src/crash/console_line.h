// Private to crash/: a kernel console line's prefix, "[  96.262735][ T1234] text".
#pragma once

#include <string_view>

namespace culprit::crash {

struct ConsoleLine {
  std::string_view context;  ///< "T1234" (task) or "C1" (CPU); "" if the line has none
  std::string_view text;     ///< the line without timestamp/context and one following space
  bool stamped = false;      ///< the line starts with a "[  96.262735]" timestamp
};

inline ConsoleLine SplitConsoleLine(std::string_view line) {
  ConsoleLine out{{}, line};
  std::string_view s = line;
  // Optional "[  96.262735]".
  if (s.size() > 2 && s[0] == '[') {
    size_t i = 1;
    while (i < s.size() && s[i] == ' ') ++i;
    size_t digits = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i > digits && i < s.size() && s[i] == ']') {
      s = s.substr(i + 1);
      out.stamped = true;
    }
  }
  // Optional "[ T1234]" / "[  C1]".
  if (s.size() > 3 && s[0] == '[') {
    size_t i = 1;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i < s.size() && (s[i] == 'T' || s[i] == 'C')) {
      size_t begin = i++;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i > begin + 1 && i < s.size() && s[i] == ']') {
        out.context = s.substr(begin, i - begin);
        s = s.substr(i + 1);
      }
    }
  }
  if (s.size() != line.size() && !s.empty() && s[0] == ' ') s.remove_prefix(1);
  out.text = s;
  return out;
}

/// A frame the unwinder is unsure of: " ? foo+0x1/0x2", " [<ffff>] ? foo+0x1/0x2", or
/// powerpc's "[c0..] [c0..] foo+0x1/0x2 (unreliable)".
inline bool IsQuestionableFrame(std::string_view text) {
  if (text.ends_with(" (unreliable)")) return true;
  size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  if (i < text.size() && text[i] == '[') {
    size_t close = text.find("] ", i);
    if (close == std::string_view::npos) return false;
    i = close + 2;
  }
  return text.substr(i).starts_with("? ");
}

}  // namespace culprit::crash
