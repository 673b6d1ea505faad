// NeedleSet and FindIn's memchr path against naive searches: random texts built from pieces of
// the needles, so hits, near misses, overlaps and needles at the text's edges all occur.
#include "crash/needle_set.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "crash/lines.h"

namespace culprit::crash {
namespace {

NeedleSet::Hit Naive(const std::vector<std::string_view>& needles, std::string_view text,
                     size_t from) {
  NeedleSet::Hit best;
  for (size_t n = 0; n < needles.size(); ++n) {
    size_t at = text.find(needles[n], from);
    if (at < best.pos) best = {at, n};
  }
  return best;
}

void CheckAgainstNaive(const std::vector<std::string_view>& needles, uint32_t seed) {
  NeedleSet set(needles);
  std::mt19937 rng(seed);
  const std::string filler = "abc 0123:[]_\nxyzBKU'*";
  for (int round = 0; round < 300; ++round) {
    std::string text;
    size_t pieces = rng() % 40;
    for (size_t k = 0; k < pieces; ++k) {
      if (rng() % 3 == 0) {
        std::string_view n = needles[rng() % needles.size()];
        size_t a = rng() % n.size(), b = a + rng() % (n.size() - a + 1);
        text += rng() % 2 ? std::string(n) : std::string(n.substr(a, b - a));
      } else {
        for (size_t len = rng() % 20; len > 0; --len) text += filler[rng() % filler.size()];
      }
    }
    for (size_t from = 0; from <= text.size(); from += 1 + rng() % 7) {
      NeedleSet::Hit want = Naive(needles, text, from), got = set.Find(text, from);
      ASSERT_EQ(got.pos, want.pos) << "text '" << text << "' from " << from;
      if (want.pos != std::string_view::npos) {
        ASSERT_EQ(got.needle, want.needle);
      }
    }
  }
}

TEST(NeedleSet, HeadersLikeTheOopsTable) {
  CheckAgainstNaive({"BUG:", "WARNING:", "INFO:", "Kernel panic", "kernel BUG", "BUG kmalloc-",
                     "general protection fault", "' failed.", "*** stack smashing detected ***",
                     "panic: ", "fatal error: ", "double free detected", "int3:"},
                    1);
}

TEST(NeedleSet, ManyAnchorsFallBackToEveryPosition) {
  // More needles without ':' than anchors fit: every position is looked up.
  CheckAgainstNaive({"Aa", "Bb", "Cc", "Dd", "Ee", "Ff", "Gg", "Hh", "Ii", "Jj", "xyzB", "U'"}, 2);
}

TEST(NeedleSet, OverlappingNeedlesPreferTheEarliestThenTheLowestIndex) {
  CheckAgainstNaive({"BUG: KASAN:", "KASAN:", "BUG:", "G: K", "N:"}, 3);
}

TEST(Needle, FindInAgreesWithStringFind) {
  std::mt19937 rng(4);
  for (std::string_view literal :
       {"IP", "Call ", "Freed", "serialport: VM disconnected.", "aK", "should_fail", "QQ"}) {
    Needle needle(literal);
    for (int round = 0; round < 200; ++round) {
      std::string text;
      for (size_t len = rng() % 300; len > 0; --len) {
        if (rng() % 8 == 0) {
          text += literal.substr(0, 1 + rng() % literal.size());
        } else {
          text += "QIVaKCF _:"[rng() % 10];
        }
      }
      for (size_t from = 0; from <= text.size() + 1; from += 1 + rng() % 5)
        ASSERT_EQ(FindIn(text, needle, from), FindIn(text, literal, from))
            << literal << " in " << text;
    }
  }
  // A text full of the rare byte (the memmem fallback).
  std::string q(5000, 'Q');
  EXPECT_EQ(FindIn(q + "QX", Needle("QX")), 5000u);
  EXPECT_EQ(FindIn(q, Needle("QX")), std::string_view::npos);
}

}  // namespace
}  // namespace culprit::crash
