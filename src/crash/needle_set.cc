#include "crash/needle_set.h"

#include <cstring>

namespace culprit::crash {
namespace {

// Higher is rarer in console logs: punctuation and capitals beat lowercase, digits and spaces
// (hex addresses and timestamps make digits and a-f the most common bytes).
int Rarity(unsigned char c) {
  if (c == ':' || c == '*' || c == '\'' || c == '`' || c == '_') return 4;
  if (c >= 'A' && c <= 'Z') return 3;
  if (c == 'k' || c == 'v' || c == 'w' || c == 'y' || c == 'z' || c == 'j' || c == 'q' ||
      c == 'p' || c == 'g' || c == 'h' || c == 'u')
    return 2;
  if ((c >= 'a' && c <= 'f') || (c >= '0' && c <= '9') || c == ' ') return 0;
  return 1;
}

uint16_t Pair(const char* p) {
  return static_cast<uint16_t>(static_cast<unsigned char>(p[0]) |
                               (static_cast<unsigned char>(p[1]) << 8));
}

}  // namespace

NeedleSet::NeedleSet(std::vector<std::string_view> needles)
    : needles_(std::move(needles)), bits_(1024, 0), buckets_(65536) {
  for (size_t n = 0; n < needles_.size(); ++n) {
    std::string_view s = needles_[n];
    if (s.size() < 2) continue;  // needles are headers, never a single byte
    size_t best = 0;
    int best_score = -1;
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      int score = Rarity(s[i]) + Rarity(s[i + 1]);
      if (score > best_score) best = i, best_score = score;
    }
    uint16_t key = Pair(s.data() + best);
    if (best > max_offset_) max_offset_ = best;
    bits_[key >> 6] |= uint64_t{1} << (key & 63);
    buckets_[key].push_back({static_cast<uint32_t>(n), static_cast<uint32_t>(best)});
  }
}

NeedleSet::Hit NeedleSet::Find(std::string_view text, size_t from) const {
  const char* p = text.data();
  size_t n = text.size();
  const uint64_t* bits = bits_.data();
  for (size_t i = from; i + 1 < n; ++i) {
    // Eight positions per step without branches; most blocks of a log have no candidate.
    while (i + 9 < n) {
      uint64_t any = 0;
      for (size_t k = 0; k < 8; ++k) {
        uint16_t key = Pair(p + i + k);
        any |= bits[key >> 6] >> (key & 63);
      }
      if (any & 1) break;
      i += 8;
    }
    uint16_t key = Pair(p + i);
    if (!((bits[key >> 6] >> (key & 63)) & 1)) continue;
    Hit best;
    for (const Entry& e : buckets_[key]) {
      if (i < from + e.offset) continue;
      size_t start = i - e.offset;
      std::string_view needle = needles_[e.needle];
      if (start + needle.size() > n || std::memcmp(p + start, needle.data(), needle.size()) != 0)
        continue;
      if (start < best.pos || (start == best.pos && e.needle < best.needle))
        best = {start, e.needle};
    }
    if (best.pos == std::string_view::npos) continue;
    // A longer needle whose pair lies further on may start earlier: look that far ahead.
    for (size_t j = i + 1; j + 1 < n && j <= i + max_offset_; ++j) {
      uint16_t k2 = Pair(p + j);
      if (!((bits[k2 >> 6] >> (k2 & 63)) & 1)) continue;
      for (const Entry& e : buckets_[k2]) {
        if (j < from + e.offset) continue;
        size_t start = j - e.offset;
        std::string_view needle = needles_[e.needle];
        if (start >= best.pos || start + needle.size() > n ||
            std::memcmp(p + start, needle.data(), needle.size()) != 0)
          continue;
        best = {start, e.needle};
      }
    }
    return best;
  }
  return {};
}

}  // namespace culprit::crash
