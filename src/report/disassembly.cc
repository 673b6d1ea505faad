#include "report/disassembly.h"

#include <capstone/capstone.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <regex>
#include <vector>

namespace culprit::report {
namespace {

enum class Arch { kX86_64, kArm64 };

struct CodeBytes {
  Arch arch = Arch::kX86_64;
  std::vector<uint8_t> bytes;
  int trap = -1;  // offset of the marked instruction, -1 if the line marks none
};

struct Insn {
  size_t offset = 0;
  size_t size = 0;
  std::string text;     // "mov    %ebp,%edx", ".byte 0xa9"
  bool bad = false;     // not a real instruction: (bad), .byte, a lone prefix
  bool elided = false;  // a run of zero bytes objdump shows as "..."
};

std::optional<uint64_t> ParseHex(std::string_view s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + d;
  }
  return v;
}

std::vector<std::string_view> Tokens(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

/// Parses the bytes after "Code:"; x86 prints bytes ("<0f>" marks the trap), arm64 32-bit words
/// ("(d4210000)" marks it), kept little-endian as in memory.
std::optional<CodeBytes> ParseCodeLine(std::string_view line) {
  size_t pos = line.find("Code: ");
  if (pos == std::string_view::npos) return std::nullopt;
  CodeBytes code;
  std::vector<std::string_view> tokens = Tokens(line.substr(pos + 6));
  if (tokens.empty()) return std::nullopt;
  for (std::string_view token : tokens) {
    bool marked = token.size() > 2 && ((token.front() == '<' && token.back() == '>') ||
                                       (token.front() == '(' && token.back() == ')'));
    if (marked) token = token.substr(1, token.size() - 2);
    std::optional<uint64_t> value = ParseHex(token);
    if (!value) return std::nullopt;
    if (token.size() == 8) {
      code.arch = Arch::kArm64;
    } else if (token.size() != 2) {
      return std::nullopt;  // arm (thumb) halfwords and other layouts are not supported
    }
    if (marked) code.trap = static_cast<int>(code.bytes.size());
    for (size_t i = 0; i < token.size() / 2; ++i) code.bytes.push_back((*value >> (8 * i)) & 0xff);
  }
  bool mixed = code.arch == Arch::kArm64 && code.bytes.size() != 4 * tokens.size();
  if (mixed) return std::nullopt;
  return code;
}

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

/// objdump prints numbers in hex everywhere; capstone prints small ones in decimal ("$3",
/// "8(%rsp)") and negative immediates signed ("$-0xfff"), where objdump shows them at operand
/// width.
std::string HexImmediates(const std::string& ops, unsigned imm_size) {
  static const std::regex kImm(R"(\$(-?)(0x[0-9a-f]+|[0-9]+))");
  std::string out;
  auto last = ops.cbegin();
  for (std::sregex_iterator it(ops.begin(), ops.end(), kImm), end; it != end; ++it) {
    out.append(last, (*it)[0].first);
    uint64_t v = std::stoull((*it)[2].str(), nullptr, 0);
    if ((*it)[1].length() > 0) v = -v;
    if (imm_size > 0 && imm_size < 8) v &= (uint64_t{1} << (8 * imm_size)) - 1;
    out += "$" + Hex(v);
    last = (*it)[0].second;
  }
  out.append(last, ops.cend());
  return out;
}

std::string HexDisplacements(const std::string& ops) {
  // "8(%rsp)", and absolute addresses: "%gs:0,%rax".
  static const std::regex kDisp(R"((^|[,:*])(-?)([0-9]+)(\(|,|$))");
  std::string out;
  auto last = ops.cbegin();
  for (std::sregex_iterator it(ops.begin(), ops.end(), kDisp), end; it != end; ++it) {
    out.append(last, (*it)[0].first);
    out += (*it)[1].str() + (*it)[2].str() + Hex(std::stoull((*it)[3].str())) + (*it)[4].str();
    last = (*it)[0].second;
  }
  out.append(last, ops.cend());
  return out;
}

/// Rewrites capstone's AT&T operands in objdump's spelling.
std::string ObjdumpOperands(const cs_insn& insn) {
  const cs_x86& x86 = insn.detail->x86;
  unsigned imm_size = 0;
  const cs_x86_op* mem = nullptr;
  for (int i = 0; i < x86.op_count; ++i) {
    if (x86.operands[i].type == X86_OP_IMM && imm_size == 0) imm_size = x86.operands[i].size;
    if (x86.operands[i].type == X86_OP_MEM) mem = &x86.operands[i];
  }
  std::string ops = std::regex_replace(std::string(insn.op_str), std::regex(", "), ",");
  ops = HexDisplacements(HexImmediates(ops, imm_size));
  if (std::regex_match(ops, std::regex("[0-9]+"))) return Hex(std::stoull(ops));  // branch target
  if (mem == nullptr) return ops;
  bool rip = mem->mem.base == X86_REG_RIP;
  // An encoded zero displacement (disp8 0, RIP+0) is printed by objdump as "0x0(...)".
  if (mem->mem.disp == 0 && (x86.encoding.disp_size > 0 || rip)) {
    ops = std::regex_replace(ops, std::regex(R"((^|[,:*])\()"), "$010x0(");
  }
  ops = std::regex_replace(ops, std::regex(R"(\((%[a-z0-9]+)?,(%[a-z0-9]+)\))"), "($1,$2,1)");
  if (rip) ops += "        # " + Hex(insn.address + insn.size + mem->mem.disp);
  return ops;
}

bool HasRegisterOperand(const cs_insn& insn) {
  for (int i = 0; i < insn.detail->x86.op_count; ++i) {
    if (insn.detail->x86.operands[i].type == X86_OP_REG) return true;
  }
  return false;
}

bool IsBranch(const cs_insn& insn) {
  for (int i = 0; i < insn.detail->groups_count; ++i) {
    uint8_t g = insn.detail->groups[i];
    if (g == CS_GRP_JUMP || g == CS_GRP_CALL || g == CS_GRP_RET) return true;
  }
  return false;
}

/// capstone always spells AT&T size suffixes ("movl %ebp, %edx"); objdump drops them when a
/// register operand implies the size, and on branches. A suffix is what AT&T adds to the Intel
/// mnemonic ("movzbl" vs "movzx" is a different name, kept).
std::string ObjdumpMnemonic(const cs_insn& att, const cs_insn& intel) {
  std::string m = att.mnemonic;
  std::string base = intel.mnemonic;
  bool suffixed = m.size() == base.size() + 1 && m.compare(0, base.size(), base) == 0 &&
                  std::string_view("bwlq").find(m.back()) != std::string_view::npos;
  bool fixed_size = base == "push" || base == "pop";  // 64-bit only, objdump does not say "q"
  if (suffixed && (HasRegisterOperand(att) || IsBranch(att) || fixed_size)) m.pop_back();
  static const std::pair<const char*, const char*> kRenames[] = {
      {"pushfq", "pushf"}, {"popfq", "popf"}, {"lretl", "lret"}, {"iretl", "iret"}};
  for (const auto& [from, to] : kRenames) {
    if (m == from) return to;
  }
  return m;
}

const char* RexName(uint8_t b) {
  static const char* kNames[] = {"rex",    "rex.B",   "rex.X",   "rex.XB",  "rex.R",  "rex.RB",
                                 "rex.RX", "rex.RXB", "rex.W",   "rex.WB",  "rex.WX", "rex.WXB",
                                 "rex.WR", "rex.WRB", "rex.WRX", "rex.WRXB"};
  return kNames[b & 0xf];
}

/// objdump's name for a prefix byte printed on its own line (before a truncated instruction).
std::optional<std::string> PrefixName(uint8_t b) {
  if ((b & 0xf0) == 0x40) return RexName(b);
  switch (b) {
    case 0x26:
      return "es";
    case 0x2e:
      return "cs";
    case 0x36:
      return "ss";
    case 0x3e:
      return "ds";
    case 0x64:
      return "fs";
    case 0x65:
      return "gs";
    case 0x66:
      return "data16";
    case 0x67:
      return "addr32";
    case 0xf0:
      return "lock";
    case 0xf2:
      return "repnz";
    case 0xf3:
      return "repz";
    default:
      return std::nullopt;
  }
}

/// objdump spells string instructions with their implicit segments ("%ds:(%rsi),%es:(%rdi)"),
/// and stos/lods/scas without a size suffix (their register operand gives it).
void StringOperation(std::string& mnemonic, std::string& ops) {
  static const std::regex kString(
      R"(^((?:rep|repne|repnz|repe|repz) )?(movs|cmps|stos|lods|scas|ins|outs)[bwlq]$)");
  std::smatch m;
  if (!std::regex_match(mnemonic, m, kString)) return;
  std::string op = m[2].str();
  if (op == "stos" || op == "lods" || op == "scas") mnemonic = m[1].str() + op;
  ops = std::regex_replace(ops, std::regex(R"((^|,)\(%rsi\))"), "$1%ds:(%rsi)");
  ops = std::regex_replace(ops, std::regex(R"((^|,)\(%rdi\))"), "$1%es:(%rdi)");
}

std::string Padded(const std::string& mnemonic, const std::string& ops) {
  if (ops.empty()) return mnemonic;
  std::string m = mnemonic;
  if (m.size() < 6) m.resize(6, ' ');
  return m + " " + ops;
}

/// The instruction as objdump spells it, with the special cases that kernel code shows.
std::string ObjdumpText(const cs_insn& att, const cs_insn& intel) {
  const uint8_t* b = att.bytes;
  if (att.size == 2 && b[0] == 0x66 && b[1] == 0x90) return "xchg   %ax,%ax";
  std::string mnemonic = ObjdumpMnemonic(att, intel);
  std::string ops = ObjdumpOperands(att);
  uint8_t opcode = att.detail->x86.opcode[0];
  bool shift_by_one = opcode == 0xd0 || opcode == 0xd1;  // objdump shows no count
  if (shift_by_one && ops.starts_with("$0x1,")) ops.erase(0, 5);
  StringOperation(mnemonic, ops);
  bool port_io = mnemonic.starts_with("in") || mnemonic.starts_with("out");
  if (size_t dx = ops.find("%dx"); port_io && dx != std::string::npos) ops.replace(dx, 3, "(%dx)");
  bool short_xchg = opcode >= 0x91 && opcode <= 0x97 && mnemonic == "xchg";
  if (size_t comma = ops.find(','); short_xchg && comma != std::string::npos) {
    ops = ops.substr(comma + 1) + "," + ops.substr(0, comma);  // objdump: accumulator first
  }
  if (mnemonic.starts_with("nop") && ops.starts_with("%cs:")) {
    // Padding nops: objdump names the prefixes, "data16 cs nopw 0x0(%rax,%rax,1)".
    std::string prefixes;
    for (size_t k = 0; k + 1 < att.size && b[k] == 0x66 && b[k + 1] == 0x66; ++k) {
      prefixes += "data16 ";
    }
    mnemonic = prefixes + "cs " + mnemonic;
    ops.erase(0, 4);
  }
  return Padded(mnemonic, ops);
}

struct Capstone {
  csh handle = 0;
  bool ok = false;
  Capstone(cs_arch arch, cs_mode mode, int syntax) {
    ok = cs_open(arch, mode, &handle) == CS_ERR_OK;
    if (!ok) return;
    cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
    if (syntax != 0) cs_option(handle, CS_OPT_SYNTAX, syntax);
  }
  ~Capstone() {
    if (ok) cs_close(&handle);
  }
  Capstone(const Capstone&) = delete;
  Capstone& operator=(const Capstone&) = delete;

  /// Decodes one instruction at `offset`; nullptr if the bytes there do not decode.
  cs_insn* At(const std::vector<uint8_t>& bytes, size_t offset) {
    cs_insn* insn = nullptr;
    size_t n = cs_disasm(handle, bytes.data() + offset, bytes.size() - offset, offset, 1, &insn);
    return n == 1 ? insn : nullptr;
  }
};

/// Names bytes capstone rejects as objdump does: a truncated instruction at the end is ".byte",
/// a lone REX prefix "rex.W", anything else "(bad)".
Insn Undecodable(Capstone& att, const std::vector<uint8_t>& bytes, size_t offset) {
  Insn insn{.offset = offset, .size = 1, .bad = true};
  uint8_t b = bytes[offset];
  std::vector<uint8_t> padded(bytes.begin() + offset, bytes.end());
  size_t available = padded.size();
  padded.resize(available + 16, 0);
  cs_insn* whole = att.At(padded, 0);
  bool vex = (b == 0xc4 || b == 0xc5) && available < 3;  // zero padding makes it a different insn
  bool truncated = vex || (whole != nullptr && whole->size > available);
  if (whole != nullptr) cs_free(whole, 1);
  std::optional<std::string> prefix = PrefixName(b);
  if ((truncated || available == 1) && prefix) {
    insn.text = *prefix;
  } else if (truncated) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), ".byte 0x%x", b);
    insn.text = buf;
  } else {
    insn.text = "(bad)";
  }
  return insn;
}

/// objdump elides runs of zero bytes at an instruction start as "...": 8 or more anywhere, or
/// fewer than 3 that run to the end (binutils' skip_zeroes and skip_zeroes_at_end).
size_t ElidedZeros(const std::vector<uint8_t>& bytes, size_t offset) {
  size_t end = offset;
  while (end < bytes.size() && bytes[end] == 0) ++end;
  size_t zeros = end - offset;
  bool elided = zeros >= 8 || (zeros > 0 && end == bytes.size() && zeros < 3);
  return elided ? zeros : 0;
}

std::vector<Insn> DecodeX86(const std::vector<uint8_t>& bytes) {
  Capstone att(CS_ARCH_X86, CS_MODE_64, CS_OPT_SYNTAX_ATT);
  Capstone intel(CS_ARCH_X86, CS_MODE_64, 0);
  std::vector<Insn> out;
  if (!att.ok || !intel.ok) return out;
  size_t offset = 0;
  while (offset < bytes.size()) {
    if (size_t zeros = ElidedZeros(bytes, offset); zeros > 0) {
      out.push_back({.offset = offset, .size = zeros, .text = "...", .elided = true});
      offset += zeros;
      continue;
    }
    cs_insn* a = att.At(bytes, offset);
    cs_insn* i = a != nullptr ? intel.At(bytes, offset) : nullptr;
    if (i == nullptr) {
      out.push_back(Undecodable(att, bytes, offset));
    } else {
      out.push_back({.offset = offset, .size = a->size, .text = ObjdumpText(*a, *i)});
      cs_free(i, 1);
    }
    if (a != nullptr) cs_free(a, 1);
    offset += out.back().size;
  }
  return out;
}

std::vector<Insn> DecodeArm64(const std::vector<uint8_t>& bytes) {
  Capstone cs(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, 0);
  std::vector<Insn> out;
  if (!cs.ok) return out;
  for (size_t offset = 0; offset + 4 <= bytes.size(); offset += 4) {
    cs_insn* insn = cs.At(bytes, offset);
    if (insn == nullptr) {
      out.push_back({.offset = offset, .size = 4, .text = "udf", .bad = true});
      continue;
    }
    std::string ops = insn->op_str;
    out.push_back({.offset = offset,
                   .size = 4,
                   .text = ops.empty() ? insn->mnemonic : insn->mnemonic + ("\t" + ops)});
    cs_free(insn, 1);
  }
  return out;
}

struct Listing {
  std::vector<Insn> insns;
  size_t trap_index = SIZE_MAX;
  size_t bytes_skipped = 0;
};

/// syzkaller's decompileWithOffset: the Code: bytes need not start on an instruction boundary, so
/// try cutting 0..7 leading bytes and keep the first cut whose decoding lands on the marked byte
/// with no undecodable bytes before it (else the first cut that lands at all).
std::optional<Listing> BestGuess(const CodeBytes& code) {
  if (code.arch == Arch::kArm64 || code.trap < 0) {
    Listing listing{.insns = code.arch == Arch::kArm64 ? DecodeArm64(code.bytes)
                                                       : DecodeX86(code.bytes)};
    for (size_t i = 0; i < listing.insns.size(); ++i) {
      if (static_cast<int>(listing.insns[i].offset) == code.trap) listing.trap_index = i;
    }
    return listing;
  }
  constexpr int kMaxCut = 8;
  std::optional<Listing> best;
  for (int cut = 0; cut <= code.trap && cut < kMaxCut; ++cut) {
    std::vector<uint8_t> bytes(code.bytes.begin() + cut, code.bytes.end());
    Listing listing{.insns = DecodeX86(bytes), .bytes_skipped = static_cast<size_t>(cut)};
    size_t trap = code.trap - cut;
    bool has_bad = false;
    for (size_t i = 0; i < listing.insns.size() && listing.insns[i].offset <= trap; ++i) {
      if (listing.insns[i].offset == trap) listing.trap_index = i;
      if (listing.insns[i].offset < trap) has_bad = has_bad || listing.insns[i].bad;
    }
    if (listing.trap_index == SIZE_MAX) continue;
    if (!has_bad) return listing;
    if (!best) best = std::move(listing);
  }
  return best;
}

std::string Address(size_t offset) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%4zx:\t", offset);
  return buf;
}

/// objdump's x86 layout: 7 bytes per line, padded to 21 columns; longer instructions continue
/// their bytes on following lines.
std::string FormatX86(const std::vector<uint8_t>& bytes, const Insn& insn, std::string_view mark) {
  constexpr size_t kBytesPerLine = 7;
  if (insn.elided) return "\t...\n";
  std::string out;
  for (size_t start = 0; start < insn.size; start += kBytesPerLine) {
    out += Address(insn.offset + start);
    std::string hex;
    for (size_t i = start; i < insn.size && i < start + kBytesPerLine; ++i) {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%02x ", bytes[insn.offset + i]);
      hex += buf;
    }
    if (start == 0) {
      hex.resize(3 * kBytesPerLine, ' ');
      out += hex + "\t" + insn.text;
      out += mark;
      out += "\n";
    } else {
      out += hex + "\n";
    }
  }
  return out;
}

std::string FormatArm64(const std::vector<uint8_t>& bytes, const Insn& insn,
                        std::string_view mark) {
  uint32_t word = 0;
  for (int i = 3; i >= 0; --i) word = word << 8 | bytes[insn.offset + i];
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08x \t", word);
  return Address(insn.offset) + buf + insn.text + std::string(mark) + "\n";
}

}  // namespace

std::string DisassembleCodeLine(std::string_view code_line) {
  std::optional<CodeBytes> code = ParseCodeLine(code_line);
  if (!code) return "";
  std::optional<Listing> listing = BestGuess(*code);
  if (!listing || listing->insns.empty()) return "";
  std::vector<uint8_t> bytes(code->bytes.begin() + listing->bytes_skipped, code->bytes.end());
  std::string out = "Code disassembly (best guess)";
  if (listing->bytes_skipped > 0) {
    out += ", " + std::to_string(listing->bytes_skipped) + " bytes skipped";
  }
  out += ":\n";
  for (size_t i = 0; i < listing->insns.size(); ++i) {
    const Insn& insn = listing->insns[i];
    std::string_view mark = i == listing->trap_index ? " <-- trapping instruction" : "";
    out +=
        code->arch == Arch::kArm64 ? FormatArm64(bytes, insn, mark) : FormatX86(bytes, insn, mark);
  }
  return out;
}

}  // namespace culprit::report
