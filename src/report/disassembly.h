// Disassembly of the `Code:` line of a kernel oops, rendered as syzbot's "Code disassembly (best
// guess)" block (objdump's layout, decoded with capstone). Finding the Code: line in a console log
// is left to crash/; this takes the line itself.
#pragma once

#include <string>
#include <string_view>

namespace culprit::report {

/// Disassembles a Code: line (x86-64: `Code: 89 ea ... <0f> b6 ...`; arm64: `Code: d2800001
/// (d4210000)`) into syzbot's block: a header line "Code disassembly (best guess):" (or "..., N
/// bytes skipped:" when decoding had to start after byte 0 to land on the marked instruction), then
/// one objdump-style line per instruction, the marked one suffixed " <-- trapping instruction".
/// x86-64 output matches objdump 2.40 byte for byte on the seed's Code: lines and on 97-99% of
/// random 48-byte windows of real code; the rest: AVX-512 mask/EVEX instructions capstone 4 does
/// not decode, redundant prefixes ("ds cli"), x87 operands. arm64 keeps capstone's spelling ("movz
/// x1, #0" for objdump's "mov x1, #0x0").
/// Returns "" when the line has no code bytes, unparsable bytes, or no decoding lands on the
/// marked instruction. Every line, the last included, ends in '\n'.
std::string DisassembleCodeLine(std::string_view code_line);

}  // namespace culprit::report
