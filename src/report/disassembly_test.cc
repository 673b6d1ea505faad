#include "report/disassembly.h"

#include <gtest/gtest.h>

#include <string>

namespace culprit::report {
namespace {

struct Case {
  const char* name;
  const char* code_line;
  const char* want;  // "" when the line cannot be disassembled
};

// Expected blocks are objdump 2.40's output (`objdump -D -b binary -m i386:x86-64`) on the same
// bytes, the seed's block verbatim, except where a comment names a capstone difference.
const Case kCases[] = {
    {.name = "seed_kasan_gpf",
     .code_line =
         "Code: 89 ea 48 c1 ea 03 80 3c 02 00 0f 85 50 0a 00 00 48 b8 00 00 00 00 00 fc ff "
         "df 4c 8b 65 70 49 8d 7c 24 58 48 89 fa 48 c1 ea 03 <0f> b6 04 02 84 c0 74 08 3c "
         "03 0f 8e a0 08 00 00 41 8b 44 24 58 a9",
     .want = "Code disassembly (best guess):\n"
             "   0:\t89 ea                \tmov    %ebp,%edx\n"
             "   2:\t48 c1 ea 03          \tshr    $0x3,%rdx\n"
             "   6:\t80 3c 02 00          \tcmpb   $0x0,(%rdx,%rax,1)\n"
             "   a:\t0f 85 50 0a 00 00    \tjne    0xa60\n"
             "  10:\t48 b8 00 00 00 00 00 \tmovabs $0xdffffc0000000000,%rax\n"
             "  17:\tfc ff df \n"
             "  1a:\t4c 8b 65 70          \tmov    0x70(%rbp),%r12\n"
             "  1e:\t49 8d 7c 24 58       \tlea    0x58(%r12),%rdi\n"
             "  23:\t48 89 fa             \tmov    %rdi,%rdx\n"
             "  26:\t48 c1 ea 03          \tshr    $0x3,%rdx\n"
             "  2a:\t0f b6 04 02          \tmovzbl (%rdx,%rax,1),%eax <-- trapping instruction\n"
             "  2e:\t84 c0                \ttest   %al,%al\n"
             "  30:\t74 08                \tje     0x3a\n"
             "  32:\t3c 03                \tcmp    $0x3,%al\n"
             "  34:\t0f 8e a0 08 00 00    \tjle    0x8da\n"
             "  3a:\t41 8b 44 24 58       \tmov    0x58(%r12),%eax\n"
             "  3f:\ta9                   \t.byte 0xa9\n"},
    // Byte 0 (ff ff c3) does not decode, so the best guess starts at byte 1; the trailing REX
    // prefix is named as objdump names it.
    {.name = "seed_user_space_skips_bad_byte",
     .code_line =
         "Code: ff ff c3 66 2e 0f 1f 84 00 00 00 00 00 0f 1f 40 00 48 89 f8 48 89 f7 48 89 "
         "d6 48 89 ca 4d 89 c2 4d 89 c8 4c 8b 4c 24 08 0f 05 <48> 3d 01 f0 ff ff 73 01 c3 "
         "48 c7 c1 bc ff ff ff f7 d8 64 89 01 48",
     .want =
         "Code disassembly (best guess), 1 bytes skipped:\n"
         "   0:\tff c3                \tinc    %ebx\n"
         "   2:\t66 2e 0f 1f 84 00 00 \tcs nopw 0x0(%rax,%rax,1)\n"
         "   9:\t00 00 00 \n"
         "   c:\t0f 1f 40 00          \tnopl   0x0(%rax)\n"
         "  10:\t48 89 f8             \tmov    %rdi,%rax\n"
         "  13:\t48 89 f7             \tmov    %rsi,%rdi\n"
         "  16:\t48 89 d6             \tmov    %rdx,%rsi\n"
         "  19:\t48 89 ca             \tmov    %rcx,%rdx\n"
         "  1c:\t4d 89 c2             \tmov    %r8,%r10\n"
         "  1f:\t4d 89 c8             \tmov    %r9,%r8\n"
         "  22:\t4c 8b 4c 24 08       \tmov    0x8(%rsp),%r9\n"
         "  27:\t0f 05                \tsyscall\n"
         "  29:\t48 3d 01 f0 ff ff    \tcmp    $0xfffffffffffff001,%rax <-- trapping instruction\n"
         "  2f:\t73 01                \tjae    0x32\n"
         "  31:\tc3                   \tret\n"
         "  32:\t48 c7 c1 bc ff ff ff \tmov    $0xffffffffffffffbc,%rcx\n"
         "  39:\tf7 d8                \tneg    %eax\n"
         "  3b:\t64 89 01             \tmov    %eax,%fs:(%rcx)\n"
         "  3e:\t48                   \trex.W\n"},
    {.name = "rip_relative_calls_and_sizes",
     .code_line =
         "Code: <55> 48 8d 3d 00 10 00 00 e8 00 00 00 00 8b 45 00 48 63 47 08 0f 0b 48 81 "
         "ec 88 00 00 00 eb e3 cc 83 7f 08 00 7f 05 c3 90 48 83 c4 80 ff 24 25 10 00 00 00 eb be",
     .want = "Code disassembly (best guess):\n"
             "   0:\t55                   \tpush   %rbp <-- trapping instruction\n"
             "   1:\t48 8d 3d 00 10 00 00 \tlea    0x1000(%rip),%rdi        # 0x1008\n"
             "   8:\te8 00 00 00 00       \tcall   0xd\n"
             "   d:\t8b 45 00             \tmov    0x0(%rbp),%eax\n"
             "  10:\t48 63 47 08          \tmovslq 0x8(%rdi),%rax\n"
             "  14:\t0f 0b                \tud2\n"
             "  16:\t48 81 ec 88 00 00 00 \tsub    $0x88,%rsp\n"
             "  1d:\teb e3                \tjmp    0x2\n"
             "  1f:\tcc                   \tint3\n"
             "  20:\t83 7f 08 00          \tcmpl   $0x0,0x8(%rdi)\n"
             "  24:\t7f 05                \tjg     0x2b\n"
             "  26:\tc3                   \tret\n"
             "  27:\t90                   \tnop\n"
             "  28:\t48 83 c4 80          \tadd    $0xffffffffffffff80,%rsp\n"
             "  2c:\tff 24 25 10 00 00 00 \tjmp    *0x10\n"
             "  33:\teb be                \tjmp    0xfffffffffffffff3\n"},
    {.name = "string_operations_and_percpu",
     .code_line =
         "Code: <f3> 48 ab f3 48 a5 aa ab ac 48 ad a4 a6 ae 65 48 8b 04 25 00 00 00 00 65 4c "
         "8b 24 25 c0 fb 01 00",
     .want = "Code disassembly (best guess):\n"
             "   0:\tf3 48 ab             \trep stos %rax,%es:(%rdi) <-- trapping instruction\n"
             "   3:\tf3 48 a5             \trep movsq %ds:(%rsi),%es:(%rdi)\n"
             "   6:\taa                   \tstos   %al,%es:(%rdi)\n"
             "   7:\tab                   \tstos   %eax,%es:(%rdi)\n"
             "   8:\tac                   \tlods   %ds:(%rsi),%al\n"
             "   9:\t48 ad                \tlods   %ds:(%rsi),%rax\n"
             "   b:\ta4                   \tmovsb  %ds:(%rsi),%es:(%rdi)\n"
             "   c:\ta6                   \tcmpsb  %es:(%rdi),%ds:(%rsi)\n"
             "   d:\tae                   \tscas   %es:(%rdi),%al\n"
             "   e:\t65 48 8b 04 25 00 00 \tmov    %gs:0x0,%rax\n"
             "  15:\t00 00 \n"
             "  17:\t65 4c 8b 24 25 c0 fb \tmov    %gs:0x1fbc0,%r12\n"
             "  1e:\t01 00 \n"},
    // objdump's "..." for zeros: 8 or more anywhere, fewer than 3 at the end.
    {.name = "zero_runs_elided",
     .code_line = "Code: <c3> 00 00 00 00 00 00 00 00 90 00 00",
     .want = "Code disassembly (best guess):\n"
             "   0:\tc3                   \tret <-- trapping instruction\n"
             "\t...\n"
             "   9:\t90                   \tnop\n"
             "\t...\n"},
    {.name = "prefixes_and_short_forms",
     .code_line = "Code: <66> 90 d1 ee 6a e1 9c 66 66 2e 0f 1f 84 00 00 00 00 00 95 ec 48",
     .want = "Code disassembly (best guess):\n"
             "   0:\t66 90                \txchg   %ax,%ax <-- trapping instruction\n"
             "   2:\td1 ee                \tshr    %esi\n"
             "   4:\t6a e1                \tpush   $0xffffffffffffffe1\n"
             "   6:\t9c                   \tpushf\n"
             "   7:\t66 66 2e 0f 1f 84 00 \tdata16 cs nopw 0x0(%rax,%rax,1)\n"
             "   e:\t00 00 00 00 \n"
             "  12:\t95                   \txchg   %eax,%ebp\n"
             "  13:\tec                   \tin     (%dx),%al\n"
             "  14:\t48                   \trex.W\n"},
    {.name = "unmarked_line_decodes_from_byte_0",
     .code_line = "Code: 0f b6 04",
     .want = "Code disassembly (best guess):\n"
             "   0:\t0f                   \t.byte 0xf\n"
             "   1:\tb6 04                \tmov    $0x4,%dh\n"},
    {.name = "arm64_words",
     .code_line = "Code: d2800001 910003fd (d4210000) d65f03c0",
     .want = "Code disassembly (best guess):\n"
             "   0:\td2800001 \tmovz\tx1, #0\n"
             "   4:\t910003fd \tmov\tx29, sp\n"
             "   8:\td4210000 \tbrk\t#0x800 <-- trapping instruction\n"
             "   c:\td65f03c0 \tret\n"},
    {.name = "no_code_bytes", .code_line = "Code: Bad RIP value.", .want = ""},
    {.name = "not_a_code_line", .code_line = "RIP: 0010:__io_queue_sqe+0x1fb/0xcf0", .want = ""},
    {.name = "empty_code", .code_line = "Code: ", .want = ""},
};

class DisassemblyCase : public testing::TestWithParam<Case> {};

TEST_P(DisassemblyCase, MatchesObjdumpLayout) {
  const Case& c = GetParam();
  EXPECT_EQ(DisassembleCodeLine(c.code_line), c.want);
}

INSTANTIATE_TEST_SUITE_P(All, DisassemblyCase, testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace culprit::report
