#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "history/history.h"

namespace culprit::history {
namespace {

std::vector<std::string> Keys(const std::vector<Trailer>& trailers) {
  std::vector<std::string> keys;
  for (const Trailer& t : trailers) keys.push_back(t.key + "=" + t.value);
  return keys;
}

TEST(ParseTrailersTest, KernelStyleBlock) {
  const char* message =
      "io_uring: fix a use-after-free\n"
      "\n"
      "The request was freed: see the Link: below.\n"
      "\n"
      "Reported-by: syzbot+123@syzkaller.appspotmail.com\n"
      "Link: https://lore.kernel.org/r/abc\n"
      "Cc: stable@vger.kernel.org # 5.10\n"
      "Fixes: 1234567890ab (\"io_uring: add things\")\n"
      "Reviewed-by: Jens Axboe <axboe@kernel.dk>\n"
      "Acked-by: A <a@x.org>\n"
      "Tested-by: T <t@x.org>\n"
      "Signed-off-by: Pavel <p@x.org>\n";
  EXPECT_EQ(
      Keys(ParseTrailers(message)),
      (std::vector<std::string>{
          "Reported-by=syzbot+123@syzkaller.appspotmail.com", "Link=https://lore.kernel.org/r/abc",
          "Cc=stable@vger.kernel.org # 5.10", "Fixes=1234567890ab (\"io_uring: add things\")",
          "Reviewed-by=Jens Axboe <axboe@kernel.dk>", "Acked-by=A <a@x.org>",
          "Tested-by=T <t@x.org>", "Signed-off-by=Pavel <p@x.org>"}));
}

TEST(ParseTrailersTest, OnlyTheLastParagraphCounts) {
  const char* message =
      "title\n\nKey: not a trailer, the body\n\nplain text paragraph\nwithout trailers\n";
  EXPECT_TRUE(ParseTrailers(message).empty());
}

TEST(ParseTrailersTest, MixedBlockWithGitKeyIsAccepted) {
  const char* message = "title\n\nbody\n\n[ fixed the typo ]\nSigned-off-by: B <b@x.org>\n";
  EXPECT_EQ(Keys(ParseTrailers(message)), (std::vector<std::string>{"Signed-off-by=B <b@x.org>"}));
}

TEST(ParseTrailersTest, TitleOnlyHasNone) {
  EXPECT_TRUE(ParseTrailers("just a title\n").empty());
  EXPECT_TRUE(ParseTrailers("").empty());
}

TEST(ParseTrailersTest, WorksWithoutFinalNewline) {
  EXPECT_EQ(Keys(ParseTrailers("t\n\nSigned-off-by: A <a@x.org>")),
            (std::vector<std::string>{"Signed-off-by=A <a@x.org>"}));
}

}  // namespace
}  // namespace culprit::history
