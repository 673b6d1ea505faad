// Console prefixes and contexts (§1.3 of shared/reference/syzbot-title-rules.md).
#include "crash/console_line.h"

#include <gtest/gtest.h>

#include <string>

namespace culprit::crash {
namespace {

struct Row {
  const char* name;
  const char* line;
  const char* text;
  ContextKind kind;
  const char* caller = "";
  bool questionable = false;
};

const Row kRows[] = {
    {"no_prefix", "BUG: x", "BUG: x", ContextKind::kNone},
    {"no_prefix_never_questionable", " ? foo+0x1/0x2", " ? foo+0x1/0x2", ContextKind::kNone},
    {"timestamp", "[   12.345678] BUG: x", "BUG: x", ContextKind::kConsole},
    {"task_caller", "[   12.345678][ T1234] BUG: x", "BUG: x", ContextKind::kCaller, "[ T1234]"},
    {"cpu_caller", "[   12.345678][    C0] BUG: x", "BUG: x", ContextKind::kCaller, "[    C0]"},
    {"syslog_level", "<4>[   12.3] BUG: x", "BUG: x", ContextKind::kConsole},
    {"after_login_prompt", "syzkaller login: [   16.3] BUG: x", "BUG: x", ContextKind::kConsole},
    {"after_dropped_messages", "** 12 printk messages dropped ** [ 16.3] BUG: x", "BUG: x",
     ContextKind::kConsole},
    {"timestamp_needs_a_space", "[   12.3]BUG: x", "[   12.3]BUG: x", ContextKind::kNone},
    {"questionable_frame", "[ 1.0][ T1]  ? foo+0x1/0x2", " foo+0x1/0x2", ContextKind::kCaller,
     "[ T1]", true},
    {"irq_marker_frames_are_not_questionable", "[ 1.0] <EOI> ? foo+0x1/0x2", "<EOI> ? foo+0x1/0x2",
     ContextKind::kConsole},
    {"powerpc_unreliable", "[ 1.0] [c0000000] [c0000001] foo+0x1/0x2 (unreliable)",
     "[c0000000] [c0000001] foo+0x1/0x2", ContextKind::kConsole, "", true},
};

class ConsoleRow : public testing::TestWithParam<Row> {};

TEST_P(ConsoleRow, Splits) {
  const Row& row = GetParam();
  ConsoleLine c = SplitConsoleLine(row.line);
  EXPECT_EQ(c.text, row.text);
  EXPECT_EQ(c.kind, row.kind);
  EXPECT_EQ(c.caller, row.caller);
  EXPECT_EQ(c.questionable, row.questionable);
}

INSTANTIATE_TEST_SUITE_P(All, ConsoleRow, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace culprit::crash
