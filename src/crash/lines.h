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

/// Offset just past the line that ends at `line_end` (past its '\n' if there is one).
inline size_t PastLine(std::string_view log, size_t line_end) {
  return line_end < log.size() ? line_end + 1 : log.size();
}

}  // namespace culprit::crash
