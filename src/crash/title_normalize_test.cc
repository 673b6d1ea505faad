#include "crash/title_normalize.h"

#include <gtest/gtest.h>

#include <string>

namespace culprit::crash {
namespace {

struct Row {
  const char* name;
  const char* in;
  const char* want;
};

const Row kRows[] = {
    {"executor_name", "INFO: task syz-executor3:1234 hung", "INFO: task syz-executor hung"},
    {"executor_pid", "WARNING in syz-executor.5/10244", "WARNING in syz-executor"},
    {"syzkaller_pid", "kernel panic: syzkaller0:12 died", "kernel panic: syzkaller died"},
    {"address_needs_a_separator", "deadbeef1 cafe0000 at", "deadbeef1 ADDR at"},
    {"long_decimal", "count 12345678 bytes", "count ADDR bytes"},
    {"multi_part_line_number", "panicked at x.rs:12:5:", "panicked at x.rs:LINE:"},
    {"syzkaller_name", "kernel panic: syzkaller263121 died", "kernel panic: syzkaller died"},
    {"long_hex_to_addr", "KASAN: wild-memory-access at ffff88801234abcd",
     "KASAN: wild-memory-access at ADDR"},
    {"hex_with_prefix", "bad address 0xdead0000beef", "bad address ADDR"},
    {"short_hex_kept", "opcode 0x1f", "opcode 0x1f"},
    {"ipv4", "tcp: 10.128.0.169 reset", "tcp: IP reset"},
    {"ipv4_without_boundaries", "addr=a10.1.2.3b", "addr=aIPb"},
    {"line_number", "WARNING in net/core/dev.c:1234", "WARNING in net/core/dev.c:LINE"},
    {"offset_dropped", "BUG in foo_bar+0x1f/0x30", "BUG in foo_bar"},
    {"cpu_number", "stuck on CPU#3", "stuck on CPU"},
    {"standalone_numbers", "unknown-block(0,0) failed(-22)", "unknown-block(NUM,NUM) failed(-NUM)"},
    {"identifier_digits_kept", "x86_64 ext4_iget", "x86_64 ext4_iget"},
    {"part_suffix", "do_con_write.part.22", "do_con_write.part.NUM"},
    {"control_and_non_ascii_dropped", "WARNING\x01 in f\xc3\xa9oo", "WARNING in foo"},
    {"tabs_and_spaces", "a\t\tb   c  ", "a b c"},
};

class NormalizeRow : public testing::TestWithParam<Row> {};

TEST_P(NormalizeRow, Normalizes) { EXPECT_EQ(NormalizeTitle(GetParam().in), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(All, NormalizeRow, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Normalize, CutsAt120Bytes) {
  std::string title = "WARNING in " + std::string(300, 'x');
  EXPECT_EQ(NormalizeTitle(title).size(), 120u);
}

TEST(TitleType, FirstMatchingPrefixDecides) {
  EXPECT_EQ(TitleToType("KASAN: use-after-free Read in f"), "KASAN-USE-AFTER-FREE-READ");
  EXPECT_EQ(TitleToType("KASAN: slab-out-of-bounds Write in f"), "KASAN-WRITE");
  EXPECT_EQ(TitleToType("INFO: task hung in f"), "HANG");
  EXPECT_EQ(TitleToType("possible deadlock in f"), "LOCKDEP");
  EXPECT_EQ(TitleToType("WARNING in f"), "WARNING");
  EXPECT_EQ(TitleToType("general protection fault in f"), "DoS");
  EXPECT_EQ(TitleToType("KASAN: null-ptr-deref Write in f"),
            "KASAN-NULL-POINTER-DEREFERENCE-WRITE");
  EXPECT_EQ(TitleToType("KASAN: slab-out-of-bounds in f"), "KASAN-READ");
  EXPECT_EQ(TitleToType("KASAN: use-after-free in f"), "KASAN-USE-AFTER-FREE-READ");
  EXPECT_EQ(TitleToType("BUG: stack guard page was hit in f"), "UNKNOWN");
  EXPECT_EQ(TitleToType("WARNING: kmalloc bug in f"), "WARNING");
  EXPECT_EQ(TitleToType("panic: runtime error"), "DoS");
  EXPECT_EQ(TitleToType("something new"), "UNKNOWN");
}

}  // namespace
}  // namespace culprit::crash
