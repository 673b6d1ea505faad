// Private to crash/: walking a log line by line without copying.
#pragma once

#include <string.h>

#include <cstddef>
#include <string_view>

namespace culprit::crash {

/// A line of a log: its text (without '\n') and the byte offset where it starts.
struct Line {
  std::string_view text;
  size_t pos = 0;
  size_t end() const { return pos + text.size(); }  ///< offset of its '\n' (or of the log's end)
};

/// The line containing offset `pos`.
inline Line LineAt(std::string_view log, size_t pos) {
  size_t begin = pos == 0 ? std::string_view::npos : log.rfind('\n', pos - 1);
  begin = begin == std::string_view::npos ? 0 : begin + 1;
  size_t end = log.find('\n', pos);
  if (end == std::string_view::npos) end = log.size();
  return {log.substr(begin, end - begin), begin};
}

/// Iterates lines of `log` starting at `pos`: `Line line; while (cursor.Next(&line)) ...`.
class LineCursor {
 public:
  explicit LineCursor(std::string_view log, size_t pos = 0) : log_(log), pos_(pos) {}
  bool Next(Line* line) {
    if (pos_ >= log_.size()) return false;
    size_t end = log_.find('\n', pos_);
    if (end == std::string_view::npos) end = log_.size();
    *line = {log_.substr(pos_, end - pos_), pos_};
    pos_ = end + 1;
    return true;
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view log_;
  size_t pos_;
};

/// Offset of `needle` in `text` at or after `from`, or npos. glibc's memmem is several times
/// faster than string_view::find when the needle's first byte is common ('s' of should_fail).
inline size_t FindIn(std::string_view text, std::string_view needle, size_t from = 0) {
  if (from > text.size() || needle.empty()) return needle.empty() ? from : std::string_view::npos;
  const void* at = memmem(text.data() + from, text.size() - from, needle.data(), needle.size());
  return at == nullptr ? std::string_view::npos : static_cast<const char*>(at) - text.data();
}

/// A literal searched for often. glibc's memmem runs at 2-10 GB/s on short needles; memchr on
/// the needle's rarest letter (capitals and a few lowercase ones are 0.001-0.8% of a kernel
/// log's bytes) runs several times faster. Needles with none of these are left to memmem.
struct Needle {
  std::string_view text;
  size_t rare = std::string_view::npos;  ///< index of the byte memchr looks for

  constexpr explicit Needle(std::string_view s) : text(s) {
    // Letters below 1% of the bytes of kernel console logs, rarest first.
    constexpr std::string_view kRarestFirst = "JZQVWjHKYMzFOUqXBNLGDEAPIwSyvhgCRTkmup";
    size_t best = kRarestFirst.size();
    for (size_t i = 0; i < s.size(); ++i) {
      size_t rank = kRarestFirst.find(s[i]);
      if (rank < best) best = rank, rare = i;
    }
  }
};

/// As FindIn for a plain string (same result), by memchr on the needle's rare byte.
inline size_t FindIn(std::string_view text, const Needle& needle, size_t from = 0) {
  size_t r = needle.rare;
  size_t m = needle.text.size();
  if (r == std::string_view::npos || from > text.size() || text.size() - from < m)
    return FindIn(text, needle.text, from);
  const char* p = text.data();
  // The rare byte of a match starting at s in [from, size - m] lies at s + r.
  size_t at = from + r;
  size_t last = text.size() - m + r;
  for (size_t misses = 0; at <= last; ++misses) {
    const void* q = memchr(p + at, needle.text[r], last - at + 1);
    if (q == nullptr) return std::string_view::npos;
    size_t pos = static_cast<const char*>(q) - p;
    if (memcmp(p + pos - r, needle.text.data(), m) == 0) return pos - r;
    at = pos + 1;
    // A text full of that byte: memmem keeps the search linear.
    if (misses > 64 && misses * 64 > at - from) return FindIn(text, needle.text, at - r);
  }
  return std::string_view::npos;
}

/// Offset just past the line that ends at `line_end` (past its '\n' if there is one).
inline size_t PastLine(std::string_view log, size_t line_end) {
  return line_end < log.size() ? line_end + 1 : log.size();
}

}  // namespace culprit::crash
