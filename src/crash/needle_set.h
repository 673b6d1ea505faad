// Private to crash/: finds any of a fixed set of short strings in a large buffer in one pass.
// A 64K-bit table of one "rare" byte pair per needle filters positions; only hits are compared.
// Every pair holds one of a few anchor bytes (':' for most headers), so only the positions next
// to an anchor byte, found 16 bytes at a time, are looked up in the table.
// This is the fast path that keeps crash-free logs well above 1 GB/s (no regex per line).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace culprit::crash {

class NeedleSet {
 public:
  explicit NeedleSet(std::vector<std::string_view> needles);

  struct Hit {
    size_t pos = std::string_view::npos;  ///< offset of the needle in the text
    size_t needle = 0;                    ///< index into the constructor's list
  };
  /// The first occurrence at or after `from` of any needle (the lowest index on ties).
  Hit Find(std::string_view text, size_t from) const;

  /// True if the needles share few enough anchor bytes for the vectorized scan (at most 8);
  /// otherwise every position of a text is looked up and scans run several times slower.
  bool vectorized() const { return anchor_count_ > 0; }

 private:
  struct Entry {
    uint32_t needle;
    uint32_t offset;  // of the byte pair inside the needle
  };
  static constexpr size_t kMaxAnchors = 8;
  std::vector<std::string_view> needles_;
  std::vector<uint64_t> bits_;               // 65536 bits, one per byte pair
  std::vector<std::vector<Entry>> buckets_;  // per byte pair
  size_t max_offset_ = 0;
  std::array<char, kMaxAnchors> anchors_{};  // distinct bytes, one of which is in every pair
  size_t anchor_count_ = 0;                  // 0: too many anchors, every position is looked up
  std::array<bool, 256> is_anchor_{};
};

}  // namespace culprit::crash
