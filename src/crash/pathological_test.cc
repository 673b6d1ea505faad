// Inputs a fuzzer would try: NUL bytes, invalid UTF-8, one huge line, a flood of headers. The
// parser must stay linear and never crash. Sizes are moderate: this also runs under ASan.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "crash/report.h"

namespace culprit::crash {
namespace {

TEST(Pathological, NulBytesAndInvalidUtf8) {
  std::string log("BUG: KASAN: use-after-free in f\0oo+0x1/0x2\n\xff\xfe\xc3(\n", 47);
  log += std::string(1000, '\0') + "\x80\x81 WARNING: CPU: 0 \xff at a.c:1 g+0x1/0x2\n";
  Report r = Parse(log);
  EXPECT_TRUE(r.crashed);
  for (char c : r.title) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "title has a non-printable byte";
}

TEST(Pathological, HugeSingleLineIsLinear) {
  std::string log(8 << 20, 'a');
  log.replace(4 << 20, 6, " BUG: ");
  auto start = std::chrono::steady_clock::now();
  Report r = Parse(log);
  EXPECT_TRUE(r.crashed);
  EXPECT_LE(r.title.size(), 120u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(Pathological, ManyHeadersStayLinear) {
  std::string log;
  for (int i = 0; i < 100000; ++i) log += "BUG: bad unlock balance detected!\n";
  auto start = std::chrono::steady_clock::now();
  Report r = Parse(log);
  EXPECT_TRUE(r.crashed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  std::string suppressed;
  for (int i = 0; i < 100000; ++i) suppressed += "INFO: lockdep is turned off.\n";
  EXPECT_FALSE(ContainsCrash(suppressed));
}

TEST(Pathological, EmptyAndTinyInputs) {
  for (const char* log : {"", "\n", "B", "BUG:", "WARNING:", "\n\n\nINFO:", "panic: "}) {
    Report r = Parse(log);
    EXPECT_LE(r.end, std::string_view(log).size());
    EXPECT_EQ(ContainsCrash(log), r.crashed) << log;
  }
}

// Two logs in one buffer, one after the other (a caller reusing its string): what was learnt
// about the first (it is a kernel console, so its program lines are no reports) must not
// decide the second.
TEST(Pathological, AReusedBufferIsANewLog) {
  const std::string console = "[  1.000000] booting\n*** stack smashing detected ***: terminated\n";
  std::string user = "program started ok\n*** stack smashing detected ***: terminated\n";
  user.insert(0, console.size() - user.size(), '-');
  ASSERT_EQ(user.size(), console.size());
  std::string buffer = console;
  EXPECT_FALSE(Parse(buffer).crashed);
  buffer.replace(0, buffer.size(), user);
  EXPECT_TRUE(Parse(buffer).crashed) << "the second log has no console line";
  EXPECT_EQ(Parse(buffer).title, "glibc: *** stack smashing detected ***: terminated");
}

TEST(Scanner, StreamsLikeParseAndStaysBounded) {
  std::string noise;
  for (int i = 0; i < 2000; ++i)
    noise += "[  1.000000] random console chatter line " + std::to_string(i) + "\n";
  std::string oops =
      "[  2.000000] general protection fault: 0000 [#1] SMP KASAN\n"
      "[  2.000000] RIP: 0010:tcp_v4_rcv+0x1/0x2\n"
      "[  2.000000] Call Trace:\n"
      "[  2.000000]  ip_local_deliver+0x1/0x2\n";
  Scanner::Options options{.max_report_bytes = 64 << 10, .context_bytes = 4 << 10};
  Scanner scanner(options);
  size_t max_buffered = 0;
  for (int i = 0; i < 50; ++i) {
    scanner.Feed(noise);
    max_buffered = std::max(max_buffered, scanner.buffered_bytes());
  }
  size_t oops_at = 50 * noise.size();
  scanner.Feed(oops);
  for (int i = 0; i < 50; ++i) {
    scanner.Feed(noise);
    max_buffered = std::max(max_buffered, scanner.buffered_bytes());
  }
  Report r = scanner.Finish();
  EXPECT_EQ(r.title, "general protection fault in tcp_v4_rcv");
  EXPECT_EQ(r.start, oops_at);
  EXPECT_LE(max_buffered, noise.size() + options.context_bytes + options.max_report_bytes);
}

TEST(Scanner, FindsHeaderSplitAcrossChunks) {
  std::string log = "[  1.0] hello\nKernel panic - not syncing: Attempted to kill init!\n";
  Scanner scanner;
  for (char c : log) scanner.Feed(std::string_view(&c, 1));
  Report r = scanner.Finish();
  EXPECT_EQ(r.title, "kernel panic: Attempted to kill init!");
  EXPECT_TRUE(r.panicked);
  EXPECT_EQ(r.start, log.find("Kernel"));
}

// A kernel console's user-space-looking lines are a program's output, not reports (Parse sees
// the console's prefixed lines anywhere before them). The Scanner has long dropped those lines
// when the program's line comes: it must still know. Found by the fuzz target.
TEST(Scanner, RemembersAKernelConsoleItNoLongerHolds) {
  std::string log = "[  147.647150][T10598] Code: 00 00 <01> 00\n";
  for (int i = 0; i < 2000; ++i) log += "program output line " + std::to_string(i) + "\n";
  log += "*** stack smashing detected ***: terminated\n";
  ASSERT_FALSE(Parse(log).crashed);
  Scanner::Options options{.max_report_bytes = 64 << 10, .context_bytes = 4 << 10};
  for (size_t chunk : {size_t{1} << 10, size_t{4} << 10, log.size()}) {
    Scanner scanner(options);
    for (size_t at = 0; at < log.size(); at += chunk) scanner.Feed(log.substr(at, chunk));
    EXPECT_LT(scanner.buffered_bytes(), log.size()) << chunk;
    EXPECT_FALSE(scanner.Finish().crashed) << "chunks of " << chunk;
  }
  // Without the console line, the same program's report is one.
  std::string user = log.substr(log.find('\n') + 1);
  Scanner scanner(options);
  for (size_t at = 0; at < user.size(); at += 4096) scanner.Feed(user.substr(at, 4096));
  Report r = scanner.Finish();
  EXPECT_TRUE(r.crashed);
  EXPECT_EQ(r.title, Parse(user).title);
}

TEST(Scanner, HugeLineWithoutNewlineIsBounded) {
  Scanner scanner;
  std::string chunk(1 << 20, 'x');
  for (int i = 0; i < 64; ++i) scanner.Feed(chunk);
  EXPECT_LT(scanner.buffered_bytes(), size_t{2} << 20);
  EXPECT_FALSE(scanner.Finish().crashed);
}

}  // namespace
}  // namespace culprit::crash
