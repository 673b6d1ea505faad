#include "crash/needle_set.h"

#include <algorithm>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

// For the anchor byte of a needle without ':': rare punctuation ('*', '\'') beats capitals
// (0.02-0.5% of a kernel log's bytes), which beat ':' (about one a line) and letters; '_' and
// the punctuation of paths, addresses and stack frames are common.
int AnchorRarity(unsigned char c) {
  if (std::string_view(" .-/_[](),=+<>:").find(static_cast<char>(c)) != std::string_view::npos)
    return 0;
  if ((c >= '!' && c <= '/') || (c >= ';' && c <= '@') || (c >= '[' && c <= '`') || c >= '{')
    return 5;
  if (c >= 'A' && c <= 'Z') return 4;
  return Rarity(c) >= 2 ? 2 : 1;
}

uint16_t Pair(const char* p) {
  return static_cast<uint16_t>(static_cast<unsigned char>(p[0]) |
                               (static_cast<unsigned char>(p[1]) << 8));
}

}  // namespace

NeedleSet::NeedleSet(std::vector<std::string_view> needles)
    : needles_(std::move(needles)), bits_(1024, 0), buckets_(65536) {
  std::vector<char> anchors;
  for (size_t n = 0; n < needles_.size(); ++n) {
    std::string_view s = needles_[n];
    if (s.size() < 2) continue;  // needles are headers, never a single byte
    // The anchor: ':', which most headers share, else a byte another needle anchors on (each
    // anchor byte costs the scan a compare per block and a look-up per occurrence), else the
    // needle's rarest byte.
    char anchor = s[0];
    bool shared = false;
    if (s.find(':') != std::string_view::npos) {
      anchor = ':';
    } else {
      for (char c : s) {
        if (std::find(anchors.begin(), anchors.end(), c) == anchors.end()) continue;
        if (!shared || AnchorRarity(c) > AnchorRarity(anchor)) anchor = c;
        shared = true;
      }
      for (char c : s) {
        if (!shared && AnchorRarity(c) > AnchorRarity(anchor)) anchor = c;
      }
    }
    if (std::find(anchors.begin(), anchors.end(), anchor) == anchors.end())
      anchors.push_back(anchor);
    // The rarest pair that holds the anchor.
    size_t best = 0;
    int best_score = -1;
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      if (s[i] != anchor && s[i + 1] != anchor) continue;
      int score = Rarity(s[i]) + Rarity(s[i + 1]);
      if (score > best_score) best = i, best_score = score;
    }
    uint16_t key = Pair(s.data() + best);
    if (best > max_offset_) max_offset_ = best;
    bits_[key >> 6] |= uint64_t{1} << (key & 63);
    buckets_[key].push_back({static_cast<uint32_t>(n), static_cast<uint32_t>(best)});
  }
  if (anchors.size() <= kMaxAnchors) {
    std::copy(anchors.begin(), anchors.end(), anchors_.begin());
    anchor_count_ = anchors.size();
    for (char a : anchors) is_anchor_[static_cast<unsigned char>(a)] = true;
  }
}

NeedleSet::Hit NeedleSet::Find(std::string_view text, size_t from) const {
  const char* p = text.data();
  size_t n = text.size();
  const uint64_t* bits = bits_.data();
#ifdef __SSE2__
  __m128i anchor_vecs[kMaxAnchors];
  for (size_t a = 0; a < anchor_count_; ++a) anchor_vecs[a] = _mm_set1_epi8(anchors_[a]);
#endif
  // The anchors of the last 16 bytes loaded, p[block, block + 16), one bit each.
  size_t block = std::string_view::npos;
  unsigned block_mask = 0;
  // The first anchor byte at or after `i` (or n).
  auto next_anchor = [&](size_t i) {
#ifdef __SSE2__
    if (block != std::string_view::npos && i < block + 16) {
      unsigned rest = i > block ? block_mask & (~0u << (i - block)) : block_mask;
      if (rest != 0) return block + static_cast<size_t>(__builtin_ctz(rest));
      i = block + 16;
    }
    while (i + 16 <= n) {
      __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      __m128i any = _mm_cmpeq_epi8(bytes, anchor_vecs[0]);
      for (size_t a = 1; a < anchor_count_; ++a)
        any = _mm_or_si128(any, _mm_cmpeq_epi8(bytes, anchor_vecs[a]));
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(any));
      if (mask != 0) {
        block = i;
        block_mask = mask;
        return i + static_cast<size_t>(__builtin_ctz(mask));
      }
      i += 16;
    }
#endif
    while (i < n && !is_anchor_[static_cast<unsigned char>(p[i])]) ++i;
    return i;
  };
  for (size_t i = from; i + 1 < n; ++i) {
    if (anchor_count_ > 0) {
      // Every pair in the table holds an anchor byte: the next pair that may be in it starts
      // at the next anchor or just before it.
      size_t q = next_anchor(i);
      if (q >= n) break;
      if (q > i) i = q - 1;
    } else {
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
    }
    if (i + 1 >= n) break;
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
