#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crash/report.h"

namespace culprit::crash {
namespace {

struct Row {
  const char* name;
  const char* log;
  const char* title;
  const char* type;
  const char* frame = "";
  const char* guilty_file = "";
  bool corrupted = false;
};

const Row kRows[] = {
    {.name = "asan_use_after_free",
     .log = "start\n"
            "=================================================================\n"
            "==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc "
            "0x55d4c1a2b3c4 bp 0x7ffc sp 0x7ffc\n"
            "READ of size 4 at 0x602000000010 thread T0\n"
            "    #0 0x55d4c1a2b3c4 in parse_node /src/demo/parse.c:12:5\n"
            "    #1 0x55d4c1a2b400 in main /src/demo/main.c:30:3\n"
            "    #2 0x7f0000000000 in __libc_start_main (/lib/x86_64-linux-gnu/libc.so.6+0x21c87)\n"
            "\n"
            "0x602000000010 is located 0 bytes inside of 4-byte region\n"
            "freed by thread T0 here:\n"
            "    #0 0x7f1 in __interceptor_free "
            "../../../../src/libsanitizer/asan/asan_malloc_linux.cc:52\n"
            "    #1 0x55d in release_node /src/demo/parse.c:40:3\n"
            "\n"
            "SUMMARY: AddressSanitizer: heap-use-after-free /src/demo/parse.c:12:5 in parse_node\n"
            "==4242==ABORTING\n",
     .title = "ASan: heap-use-after-free in parse_node",
     .type = "ASAN",
     .frame = "parse_node",
     .guilty_file = "/src/demo/parse.c"},
    {.name = "asan_skips_interceptors",
     .log = "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6 at pc 0x4 bp 0x7 sp "
            "0x7\nWRITE of size 8 at 0x6 thread T0\n"
            "    #0 0x4c in __asan_memcpy (/out/demo+0x4c)\n"
            "    #1 0x4d in memcpy /usr/include/string.h:10\n"
            "    #2 0x4e in Buffer::Append(char const*, unsigned long) /src/buf.cc:7:3\n",
     .title = "ASan: heap-buffer-overflow in Buffer::Append",
     .type = "ASAN",
     .frame = "Buffer::Append",
     .guilty_file = "/src/buf.cc"},
    {.name = "asan_double_free",
     .log = "==7==ERROR: AddressSanitizer: attempting double-free on 0x60200 in thread T0:\n"
            "    #0 0x7f in free (/usr/lib/libasan.so.8+0xb4)\n"
            "    #1 0x55 in drop_list /src/list.c:9\n",
     .title = "ASan: double-free in drop_list",
     .type = "ASAN",
     .frame = "drop_list",
     .guilty_file = "/src/list.c"},
    {.name = "asan_segv",
     .log = "AddressSanitizer:DEADLYSIGNAL\n"
            "==9==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x5 bp 0x1 "
            "sp 0x2 T0)\n==9==The signal is caused by a READ memory access.\n"
            "    #0 0x5 in lookup /src/tab.c:3:10\n",
     .title = "ASan: SEGV in lookup",
     .type = "ASAN",
     .frame = "lookup",
     .guilty_file = "/src/tab.c"},
    {.name = "asan_stack_overflow_truncated",
     .log = "==9==ERROR: AddressSanitizer: stack-buffer-overflow on address 0x7ffd at pc 0x5\n",
     .title = "ASan: stack-buffer-overflow",
     .type = "ASAN",
     .corrupted = true},
    {.name = "lsan_leak",
     .log = "==5==ERROR: LeakSanitizer: detected memory leaks\n\n"
            "Direct leak of 40 byte(s) in 1 object(s) allocated from:\n"
            "    #0 0x7f in malloc (/usr/lib/libasan.so.8+0xde)\n"
            "    #1 0x55 in new_node /src/node.c:4:12\n",
     .title = "ASan: memory leak in new_node",
     .type = "LEAK",
     .frame = "new_node",
     .guilty_file = "/src/node.c"},
    {.name = "ubsan_overflow_no_stack",
     .log = "/src/calc.c:12:7: runtime error: signed integer overflow: 2147483647 + 1 cannot be "
            "represented in type 'int'\n",
     .title = "UBSan: signed integer overflow in calc.c",
     .type = "UBSAN",
     .guilty_file = "/src/calc.c"},
    {.name = "ubsan_with_stack",
     .log = "x.c:3:5: runtime error: index 10 out of bounds for type 'int [5]'\n"
            "    #0 0x4 in fill /src/x.c:3:5\n",
     .title = "UBSan: index NUM out of bounds in fill",
     .type = "UBSAN",
     .frame = "fill",
     .guilty_file = "/src/x.c"},
    {.name = "tsan_race",
     .log = "==================\nWARNING: ThreadSanitizer: data race (pid=77)\n"
            "  Write of size 4 at 0x7b04 by thread T1:\n"
            "    #0 worker /src/pool.c:10:5 (demo+0x12)\n"
            "    #1 __tsan_thread_start_func (libtsan.so.2+0x3)\n",
     .title = "TSan: data race in worker",
     .type = "TSAN",
     .frame = "worker",
     .guilty_file = "/src/pool.c"},
    {.name = "msan_uninit",
     .log = "==3==WARNING: MemorySanitizer: use-of-uninitialized-value\n"
            "    #0 0x49 in check /src/v.c:8:7\n",
     .title = "MSan: use-of-uninitialized-value in check",
     .type = "MSAN",
     .frame = "check",
     .guilty_file = "/src/v.c"},
    {.name = "glibc_assert",
     .log = "demo: /src/tree.c:88: insert: Assertion `node->left == NULL' failed.\nAborted\n",
     .title = "assertion `node->left == NULL' failed in insert",
     .type = "ASSERT",
     .frame = "insert",
     .guilty_file = "/src/tree.c"},
    {.name = "glibc_abort",
     .log = "free(): double free detected in tcache 2\nAborted (core dumped)\n",
     .title = "glibc: free(): double free detected in tcache NUM",
     .type = "ASSERT"},
    {.name = "go_panic",
     .log = "panic: runtime error: index out of range [5] with length 3\n\n"
            "goroutine 1 [running]:\nmain.parse(0xc000010000, 0x3)\n\t/src/x.go:12 +0x1d\n"
            "main.main()\n\t/src/x.go:20 +0x25\nexit status 2\n",
     .title = "Go panic: runtime error: index out of range [NUM] with length NUM in main.parse",
     .type = "PANIC",
     .frame = "main.parse",
     .guilty_file = "/src/x.go"},
    {.name = "rust_panic",
     .log = "thread 'main' panicked at src/main.rs:5:10:\nattempt to add with overflow\n"
            "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
     .title = "Rust panic: attempt to add with overflow in main.rs",
     .type = "PANIC",
     .guilty_file = "src/main.rs"},
    // Paths may hold spaces (a state directory "st with space"): the function ends at its first
    // space outside brackets, the location runs to the line's end (issue 14).
    {.name = "asan_path_with_spaces",
     .log = "==4==ERROR: AddressSanitizer: heap-use-after-free on address 0x6 at pc 0x5 bp 0x1\n"
            "READ of size 4 at 0x6 thread T0\n"
            "    #0 0x5 in lookup /some/dir/st with space/worktree/src/prog.c:12:5\n"
            "    #1 0x6 in main /some/dir/st with space/worktree/src/prog.c:30:3\n",
     .title = "ASan: heap-use-after-free in lookup",
     .type = "ASAN",
     .frame = "lookup",
     .guilty_file = "/some/dir/st with space/worktree/src/prog.c"},
    {.name = "asan_cxx_operator_and_const_method",
     .log = "==4==ERROR: AddressSanitizer: heap-use-after-free on address 0x6 at pc 0x5 bp 0x1\n"
            "READ of size 4 at 0x6 thread T0\n"
            "    #0 0x5 in operator delete(void*) (/usr/lib/libasan.so.8+0xb4)\n"
            "    #1 0x6 in Table::get(int) const /my src/table.cc:7:3\n",
     .title = "ASan: heap-use-after-free in Table::get",
     .type = "ASAN",
     .frame = "Table::get",
     .guilty_file = "/my src/table.cc"},
    {.name = "tsan_path_with_spaces",
     .log = "WARNING: ThreadSanitizer: data race (pid=77)\n"
            "  Write of size 4 at 0x7b04 by thread T1:\n"
            "    #0 worker /a b/pool.c:10:5 (demo+0x12)\n",
     .title = "TSan: data race in worker",
     .type = "TSAN",
     .frame = "worker",
     .guilty_file = "/a b/pool.c"},
    {.name = "ubsan_path_with_spaces",
     .log = "/a b/calc.c:12:7: runtime error: signed integer overflow: 2147483647 + 1 cannot be "
            "represented in type 'int'\n",
     .title = "UBSan: signed integer overflow in calc.c",
     .type = "UBSAN",
     .guilty_file = "/a b/calc.c"},
    {.name = "glibc_assert_path_with_spaces",
     .log = "demo: /a b/tree.c:88: insert: Assertion `n' failed.\nAborted\n",
     .title = "assertion `n' failed in insert",
     .type = "ASSERT",
     .frame = "insert",
     .guilty_file = "/a b/tree.c"},
};

class SanitizerRow : public testing::TestWithParam<Row> {};

TEST_P(SanitizerRow, GivesTitleTypeAndFrame) {
  const Row& row = GetParam();
  Report r = Parse(row.log);
  EXPECT_TRUE(r.crashed);
  EXPECT_TRUE(ContainsCrash(row.log));
  EXPECT_EQ(r.title, row.title);
  EXPECT_EQ(r.type, row.type);
  EXPECT_EQ(r.frame, row.frame);
  EXPECT_EQ(r.guilty_file, row.guilty_file);
  EXPECT_EQ(r.corrupted, row.corrupted);
  EXPECT_LT(r.start, r.end);
  EXPECT_LE(r.end, std::string_view(row.log).size());
  EXPECT_FALSE(r.report.empty());
}

INSTANTIATE_TEST_SUITE_P(All, SanitizerRow, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Sanitizers, ReportSpansHeaderToSummary) {
  std::string log = std::string(kRows[0].log) + "after the report\n";
  Report r = Parse(log);
  EXPECT_EQ(log.substr(r.start, 5), "==424");
  // The end is the end of the SUMMARY line (its '\n'), as for kernel reports.
  EXPECT_EQ(log.substr(r.end), "\n==4242==ABORTING\nafter the report\n");
}

TEST(Sanitizers, KernelConsoleOutputIsLeftToTheKernelRules) {
  // A user program's Go panic in a kernel console is syzkaller's "panic:" report.
  std::string log =
      "[  1.0] booting\npanic: runtime error: slice bounds out of range\n\ngoroutine 1 "
      "[running]:\nmain.main()\n\t/src/x.go:3 +0x1d\n";
  Report r = Parse(log);
  EXPECT_EQ(r.title, "panic: runtime error: slice bounds out of range");
  EXPECT_EQ(r.type, "DoS");
}

// A suppression pattern anywhere in the output suppresses a user-space report as it does a
// kernel one (§9): the Go runtime out of memory is the machine's trouble, not the program's.
TEST(Sanitizers, SuppressedWhereverThePatternIs) {
  const std::string oom =
      "fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\nmain.grow()\n"
      "\t/src/x.go:7 +0x1d\n";
  Report r = Parse(oom);
  ASSERT_TRUE(r.crashed);
  EXPECT_TRUE(r.suppressed) << r.title;
  EXPECT_FALSE(Parse(kRows[0].log).suppressed);
}

TEST(Sanitizers, CleanRunHasNoCrash) {
  const char* log = "parsed 12 nodes\nok\nwarning: unused value\n";
  EXPECT_FALSE(ContainsCrash(log));
  EXPECT_FALSE(Parse(log).crashed);
}

TEST(Sanitizers, SameCrashAcrossRuns) {
  Report a = Parse(kRows[0].log);
  std::string other = kRows[0].log;
  other.replace(other.find("4242"), 4, "9999");
  Report b = Parse(other);
  EXPECT_TRUE(SameCrash(a, b));
  EXPECT_FALSE(SameCrash(a, Parse(kRows[2].log)));
}

TEST(StackFiles, CitedNonGenericFilesInOrderOnce) {
  struct {
    const char* report;
    std::vector<std::string> want;
  } rows[] = {
      {"    #0 0x55 in parse_node /src/demo/parse.c:12:5\n"
       "    #1 0x55 in parse_all /src/demo/parse.c:40:3\n"
       "    #2 0x55 in main /src/demo/./main.c:30:3\n",
       {"src/demo/parse.c", "src/demo/main.c"}},  // absolute paths lose their "/"
      {"Call Trace:\n"
       " dump_stack_lvl+0x1/0x2 lib/dump_stack.c:106\n"
       " kasan_report+0x1/0x2 mm/kasan/report.c:588\n"
       " comm_write+0x57/0xb1 fs/proc/base.c:1720\n"
       " vfs_write+0x1/0x2 fs/read_write.c:582\n",
       {"fs/proc/base.c", "fs/read_write.c"}},
      {"no frames with files here\n", {}},
  };
  for (const auto& r : rows) EXPECT_EQ(StackFiles(r.report), r.want) << r.report;
}

}  // namespace
}  // namespace culprit::crash
