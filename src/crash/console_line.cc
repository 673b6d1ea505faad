#include "crash/console_line.h"

#include <string.h>

#include <vector>

namespace culprit::crash {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t Digits(std::string_view s, size_t i) {
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i;
}

struct Prefix {
  bool ok = false;
  std::string_view caller;
  size_t end = 0;  // past the prefix's space
};

// "<6>" (optional), "[  96.262735]", then "[ T1234]" (optional), then one space, from `at`.
Prefix PrefixAt(std::string_view line, size_t at) {
  size_t i = at;
  if (i < line.size() && line[i] == '<') {
    size_t j = Digits(line, i + 1);
    if (j == i + 1 || j >= line.size() || line[j] != '>') return {};
    i = j + 1;
  }
  if (i >= line.size() || line[i] != '[') return {};
  ++i;
  while (i < line.size() && line[i] == ' ') ++i;
  size_t j = Digits(line, i);
  if (j == i || j >= line.size() || line[j] != '.') return {};
  i = j + 1;
  j = Digits(line, i);
  if (j == i || j >= line.size() || line[j] != ']') return {};
  size_t stamp_end = j + 1;
  // The caller id directly after the timestamp.
  size_t k = stamp_end;
  if (k < line.size() && line[k] == '[') {
    ++k;
    while (k < line.size() && line[k] == ' ') ++k;
    if (k < line.size() && (line[k] == 'T' || line[k] == 'C')) {
      size_t d = Digits(line, k + 1);
      if (d > k + 1 && d < line.size() && line[d] == ']' && d + 1 < line.size() &&
          line[d + 1] == ' ')
        return {true, line.substr(stamp_end, d + 1 - stamp_end), d + 2};
    }
  }
  if (stamp_end < line.size() && line[stamp_end] == ' ') return {true, {}, stamp_end + 1};
  return {};
}

size_t Find(std::string_view s, std::string_view needle, size_t from = 0) {
  if (from > s.size()) return std::string_view::npos;
  const void* at = memmem(s.data() + from, s.size() - from, needle.data(), needle.size());
  return at == nullptr ? std::string_view::npos : static_cast<const char*>(at) - s.data();
}

// The first offset of `c` followed by `next` at or after `from`, or npos. This runs on every
// line of a report: memchr on a rare byte beats memmem's setup on short lines.
size_t FindPair(std::string_view s, char c, char next, size_t from = 0) {
  while (from < s.size()) {
    const void* p = memchr(s.data() + from, c, s.size() - from);
    if (p == nullptr) return std::string_view::npos;
    size_t at = static_cast<const char*>(p) - s.data();
    if (at + 1 < s.size() && s[at + 1] == next) return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

bool HasLogin(std::string_view s) {
  // By its 'g', a rare byte in console lines (':' is not: registers, locations).
  for (size_t from = 0; from < s.size();) {
    const void* p = memchr(s.data() + from, 'g', s.size() - from);
    if (p == nullptr) return false;
    size_t g = static_cast<const char*>(p) - s.data();
    if (g >= 3 && s.substr(g - 3).starts_with(" login: ")) return true;
    from = g + 1;
  }
  return false;
}

// The prefix may follow a login prompt (the last one on the line first, as a greedy match
// would) or a "** N printk messages dropped **" notice.
Prefix FindPrefix(std::string_view line, bool login) {
  constexpr std::string_view kLogin = " login: ";
  // Each login prompt's end, tried from the last one back, as a greedy match would.
  std::vector<size_t> logins;
  for (size_t at = login ? Find(line, kLogin) : std::string_view::npos;
       at != std::string_view::npos; at = Find(line, kLogin, at + 1))
    logins.push_back(at + kLogin.size());
  for (auto it = logins.rbegin(); it != logins.rend(); ++it) {
    Prefix p = PrefixAt(line, *it);
    if (p.ok) return p;
  }
  constexpr std::string_view kDropped = " printk messages dropped ** ";
  if (line.starts_with("** ")) {
    size_t d = Digits(line, 3);
    if (d > 3 && line.substr(d).starts_with(kDropped)) {
      Prefix p = PrefixAt(line, d + kDropped.size());
      if (p.ok) return p;
    }
  }
  return PrefixAt(line, 0);
}

}  // namespace

ConsoleLine SplitConsoleLine(std::string_view raw) {
  ConsoleLine out;
  out.text = raw;
  // Nearly every prefix starts with '[' or '<'; other lines need a login prompt or a
  // dropped-messages notice before it.
  if (raw.empty()) return out;
  bool login = HasLogin(raw);
  if (raw[0] != '[' && raw[0] != '<' && raw[0] != '*' && !login) return out;
  Prefix p = FindPrefix(raw, login);
  if (!p.ok) return out;
  if (p.caller.empty()) {
    out.kind = ContextKind::kConsole;
  } else {
    out.kind = ContextKind::kCaller;
    out.caller = p.caller;
    size_t i = 1;
    while (i < p.caller.size() && p.caller[i] == ' ') ++i;
    out.caller_type = p.caller[i];
  }
  // Everything up to the line's first "] " goes; a prefix at the line's start ends with it.
  size_t cut = raw[0] == '[' && !login ? p.end : FindPair(raw, ']', ' ') + 2;
  std::string_view text = raw.substr(cut);
  // " ? " marks an unsure frame, powerpc says " (unreliable)"; not inside an IRQ stack's end.
  size_t q = FindPair(text, '?', ' ');
  while (q != std::string_view::npos && (q == 0 || text[q - 1] != ' '))
    q = FindPair(text, '?', ' ', q + 1);
  bool unreliable = q == std::string_view::npos && text.ends_with(" (unreliable)");
  if ((q != std::string_view::npos || unreliable) &&
      Find(text, "<EOI>") == std::string_view::npos) {
    out.questionable = true;
    if (unreliable) {
      text.remove_suffix(13);
    } else {
      text = text.substr(q + 1);
    }
  }
  out.text = text;
  return out;
}

}  // namespace culprit::crash
