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
  // Runs on every line of a report: offsets into the line, no substr.
  ConsoleLine out{{}, line};
  const char* p = line.data();
  size_t n = line.size();
  size_t at = 0;  // where the text starts
  auto digit = [](char c) { return static_cast<unsigned char>(c - '0') < 10; };
  // Optional "[  96.262735]".
  if (n > 2 && p[0] == '[') {
    size_t i = 1;
    while (i < n && p[i] == ' ') ++i;
    size_t digits = i;
    while (i < n && (digit(p[i]) || p[i] == '.')) ++i;
    if (i > digits && i < n && p[i] == ']') {
      at = i + 1;
      out.stamped = true;
    }
  }
  // Optional "[ T1234]" / "[  C1]".
  if (n - at > 3 && p[at] == '[') {
    size_t i = at + 1;
    while (i < n && p[i] == ' ') ++i;
    if (i < n && (p[i] == 'T' || p[i] == 'C')) {
      size_t begin = i++;
      while (i < n && digit(p[i])) ++i;
      if (i > begin + 1 && i < n && p[i] == ']') {
        out.context = std::string_view(p + begin, i - begin);
        at = i + 1;
      }
    }
  }
  if (at != 0 && at < n && p[at] == ' ') ++at;
  out.text = std::string_view(p + at, n - at);
  return out;
}

/// A frame the unwinder is unsure of: " ? foo+0x1/0x2", " [<ffff>] ? foo+0x1/0x2", or
/// powerpc's "[c0..] [c0..] foo+0x1/0x2 (unreliable)".
inline bool IsQuestionableFrame(std::string_view text) {
  if (text.empty()) return false;
  if (text.back() == ')' && text.ends_with(" (unreliable)")) return true;
  if (text[0] != ' ' && text[0] != '[' && text[0] != '?') return false;
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
