#include "history/maintainers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace culprit::history {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Modelled on the kernel's MAINTAINERS (v5.14): its preamble, real sections, THE REST last.
constexpr char kMaintainers[] = R"(List of maintainers and how to submit kernel changes
====================================================

Descriptions of section entries and preferred order
---------------------------------------------------

	M: *Mail* patches to: FullName <address@domain>
	F: *Files* and directories wildcard patterns.

Maintainers List
----------------

BLOCK LAYER
M:	Jens Axboe <axboe@kernel.dk>
L:	linux-block@vger.kernel.org
S:	Maintained
T:	git git://git.kernel.org/pub/scm/linux/kernel/git/axboe/linux-block.git
F:	block/
F:	drivers/block/
F:	include/linux/blk*
F:	kernel/trace/blktrace.c
F:	lib/sbitmap.c

BLOCK LAYER TESTS
M:	Tester <Tester@Example.org>
S:	Odd Fixes
F:	block/*_test.c
X:	block/skip_test.c

IO_URING
M:	Jens Axboe <axboe@kernel.dk>
R:	Pavel Begunkov <asml.silence@gmail.com>
L:	io-uring@vger.kernel.org
S:	Maintained
T:	git git://git.kernel.dk/linux-block
F:	fs/io-wq.c
F:	fs/io-wq.h
F:	fs/io_uring.c
F:	include/linux/io_uring.h
F:	include/uapi/linux/io_uring.h
F:	tools/io_uring/

IO_URING TOOLS
M:	Pavel Begunkov <ASML.Silence@gmail.com>
S:	Maintained
F:	tools/io_uring/

TRACING
M:	Steven Rostedt <rostedt@goodmis.org>
L:	linux-trace@vger.kernel.org (moderated for non-subscribers)
S:	Maintained
F:	kernel/trace
F:	include/linux/trace?.h

TEGRA ARCHITECTURE SUPPORT
M:	thierry.reding@gmail.com
L:	linux-tegra@vger.kernel.org
S:	Supported
N:	[^a-z]tegra

SECCOMP
M:	Kees Cook <keescook@chromium.org>
S:	Supported
K:	\bsecure_computing
K:	\bTIF_SECCOMP\b

THE REST
M:	Linus Torvalds <torvalds@linux-foundation.org>
L:	linux-kernel@vger.kernel.org
S:	Buried alive in reporters
T:	git git://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git
F:	*
F:	*/
)";

struct Case {
  const char* name;
  std::vector<std::string> files;
  const char* patch = "";
  std::vector<std::string> to;
  std::vector<std::string> cc;
};

const Case kCases[] = {
    {.name = "io_uring_file",
     .files = {"fs/io_uring.c"},
     .to = {"axboe@kernel.dk", "torvalds@linux-foundation.org", "io-uring@vger.kernel.org"},
     .cc = {"asml.silence@gmail.com", "linux-kernel@vger.kernel.org"}},
    {.name = "block_directory_recursive",
     .files = {"block/blk-mq/sched.c"},
     .to = {"axboe@kernel.dk", "torvalds@linux-foundation.org", "linux-block@vger.kernel.org"},
     .cc = {"linux-kernel@vger.kernel.org"}},
    {.name = "deeper_pattern_comes_first",
     .files = {"block/elevator_test.c"},
     .to = {"tester@example.org", "axboe@kernel.dk", "torvalds@linux-foundation.org",
            "linux-block@vger.kernel.org"},
     .cc = {"linux-kernel@vger.kernel.org"}},
    {.name = "exclusion",
     .files = {"block/skip_test.c"},
     .to = {"axboe@kernel.dk", "torvalds@linux-foundation.org", "linux-block@vger.kernel.org"},
     .cc = {"linux-kernel@vger.kernel.org"}},
    {.name = "glob_within_component",
     .files = {"include/linux/blkdev.h"},
     .to = {"axboe@kernel.dk", "torvalds@linux-foundation.org", "linux-block@vger.kernel.org"},
     .cc = {"linux-kernel@vger.kernel.org"}},
    {.name = "glob_does_not_cross_slash",
     .files = {"include/linux/blk/mq.h"},
     .to = {"torvalds@linux-foundation.org", "linux-kernel@vger.kernel.org"}},
    {.name = "plain_directory_name_and_list_suffix",
     .files = {"kernel/trace/ftrace.c"},
     .to = {"rostedt@goodmis.org", "torvalds@linux-foundation.org", "linux-trace@vger.kernel.org"},
     .cc = {"linux-kernel@vger.kernel.org"}},
    {.name = "question_mark",
     .files = {"include/linux/traceX.h"},
     .to = {"rostedt@goodmis.org", "torvalds@linux-foundation.org", "linux-trace@vger.kernel.org"},
     .cc = {"linux-kernel@vger.kernel.org"}},
    {.name = "only_the_rest_keeps_lkml_in_to",
     .files = {"mm/slab.c"},
     .to = {"torvalds@linux-foundation.org", "linux-kernel@vger.kernel.org"}},
    {.name = "top_level_file",
     .files = {"Makefile"},
     .to = {"torvalds@linux-foundation.org", "linux-kernel@vger.kernel.org"}},
    {.name = "n_regex_on_path",
     .files = {"drivers/gpu/host1x/tegra-drm.c"},
     .to = {"thierry.reding@gmail.com", "torvalds@linux-foundation.org",
            "linux-tegra@vger.kernel.org"},
     .cc = {"linux-kernel@vger.kernel.org"}},
    {.name = "k_keyword_in_changed_lines",
     .files = {"mm/slab.c"},
     .patch = "--- a/mm/slab.c\n+++ b/mm/slab.c\n@@ -1,1 +1,1 @@\n secure_computing(x);\n"
              "-old();\n+if (test_thread_flag(TIF_SECCOMP))\n",
     .to = {"torvalds@linux-foundation.org", "keescook@chromium.org",
            "linux-kernel@vger.kernel.org"}},
    {.name = "k_keyword_in_context_line_is_ignored",
     .files = {"mm/slab.c"},
     .patch = "--- a/mm/slab.c\n+++ b/mm/slab.c\n@@ -1,1 +1,1 @@\n secure_computing(x);\n",
     .to = {"torvalds@linux-foundation.org", "linux-kernel@vger.kernel.org"}},
    {.name = "several_files_deduplicated_in_order",
     .files = {"fs/io_uring.c", "block/blk-core.c"},
     .to = {"axboe@kernel.dk", "torvalds@linux-foundation.org", "io-uring@vger.kernel.org",
            "linux-block@vger.kernel.org"},
     .cc = {"asml.silence@gmail.com", "linux-kernel@vger.kernel.org"}},
    {.name = "reviewer_who_is_also_maintainer_stays_in_to",
     .files = {"tools/io_uring/io_uring-bench.c"},
     .to = {"axboe@kernel.dk", "asml.silence@gmail.com", "torvalds@linux-foundation.org",
            "io-uring@vger.kernel.org"},
     .cc = {"linux-kernel@vger.kernel.org"}},
    {.name = "no_files", .files = {}},
};

class MaintainersCase : public testing::TestWithParam<Case> {};

TEST_P(MaintainersCase, Recipients) {
  const Case& c = GetParam();
  Result<Maintainers> m = ParseMaintainers(kMaintainers);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  Recipients r = ForFiles(*m, c.files, c.patch);
  EXPECT_EQ(r.to, c.to);
  EXPECT_EQ(r.cc, c.cc);
}

INSTANTIATE_TEST_SUITE_P(All, MaintainersCase, testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ParseMaintainers, ReadsSections) {
  Result<Maintainers> m = ParseMaintainers(kMaintainers);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_THAT(m->warnings, IsEmpty());
  ASSERT_EQ(m->entries.size(), 8u);
  const MaintainersEntry& io_uring = m->entries[2];
  EXPECT_EQ(io_uring.title, "IO_URING");
  EXPECT_EQ(io_uring.line, 30);
  EXPECT_THAT(io_uring.maintainers, ElementsAre("axboe@kernel.dk"));
  EXPECT_THAT(io_uring.reviewers, ElementsAre("asml.silence@gmail.com"));
  EXPECT_THAT(io_uring.lists, ElementsAre("io-uring@vger.kernel.org"));
  EXPECT_EQ(io_uring.status, "Maintained");
  EXPECT_EQ(io_uring.files.size(), 6u);
  EXPECT_EQ(m->entries.back().title, "THE REST");
}

struct BadInput {
  const char* name;
  const char* text;
  const char* error;
};

const BadInput kBadInputs[] = {
    {.name = "field_before_title",
     .text = "M:\ta@b.c\n",
     .error = "MAINTAINERS:1: field before title"},
    {.name = "empty_value",
     .text = "X\nM:\ta@b.c\nF:\t\n",
     .error = "MAINTAINERS:3: empty F: value in section X"},
};

class ParseMaintainersBad : public testing::TestWithParam<BadInput> {};

TEST_P(ParseMaintainersBad, PointsAtTheLine) {
  Result<Maintainers> m = ParseMaintainers(GetParam().text);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(m.error().message, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(All, ParseMaintainersBad, testing::ValuesIn(kBadInputs),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ParseMaintainers, PerlOnlyRegexIsAWarningNotAFailure) {
  Result<Maintainers> m = ParseMaintainers("X\nM:\ta@b.c\nK:\t(?i)foo\nF:\tx/\n");
  ASSERT_TRUE(m.has_value());
  EXPECT_THAT(m->warnings, ElementsAre("MAINTAINERS:3: K: regex not understood, skipped: (?i)foo"));
  EXPECT_EQ(m->entries.size(), 1u);
}

struct PatternCase {
  const char* pattern;
  const char* file;
  bool want;
};

const PatternCase kPatterns[] = {
    {"block/", "block/blk-core.c", true},
    {"block/", "block/mq/sched.c", true},
    {"block/", "blocks/x.c", false},
    {"block/", "block", false},
    {"fs/io_uring.c", "fs/io_uring.c", true},
    {"fs/io_uring.c", "fs/io_uring.h", false},
    {"kernel/trace", "kernel/trace/ftrace.c", true},
    {"kernel/trace", "kernel/tracepoint.c", false},
    {"include/linux/blk*", "include/linux/blkdev.h", true},
    {"include/linux/blk*", "include/linux/blk/mq.h", false},
    {"drivers/*/foo.c", "drivers/net/foo.c", true},
    {"drivers/*/foo.c", "drivers/net/x/foo.c", false},
    {"arch/*/kvm/", "arch/x86/kvm/mmu/mmu.c", true},
    {"*", "Makefile", true},
    {"*", "fs/read_write.c", false},
    {"*/", "fs/read_write.c", true},
};

TEST(PatternMatches, FollowsGetMaintainer) {
  for (const PatternCase& c : kPatterns) {
    EXPECT_EQ(PatternMatches(c.pattern, c.file), c.want) << c.pattern << " vs " << c.file;
  }
}

}  // namespace
}  // namespace culprit::history
