#include "crash/line_shapes.h"

#include <string.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <memory>

#include "crash/needle_set.h"
#include "crash/pattern.h"

namespace culprit::crash {
namespace {

size_t Find(std::string_view s, std::string_view needle, size_t from = 0) {
  if (from > s.size()) return std::string_view::npos;
  const void* at = memmem(s.data() + from, s.size() - from, needle.data(), needle.size());
  return at == nullptr ? std::string_view::npos : static_cast<const char*>(at) - s.data();
}

bool Contains(std::string_view s, std::string_view needle) {
  return Find(s, needle) != std::string_view::npos;
}

const std::vector<std::unique_ptr<RE2>>& CompiledStackStarts() {
  static const auto* compiled = [] {
    auto* out = new std::vector<std::unique_ptr<RE2>>;
    for (const StackStartShape& s : StackStartShapes()) out->push_back(CompilePattern(s.pattern));
    return out;
  }();
  return *compiled;
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// "[<ffffffff81234567>]", "[ffff8000]", "[<0x12>]" at `i`; the offset past it, or npos.
size_t SkipPc(std::string_view line, size_t i) {
  if (i >= line.size() || line[i] != '[') return std::string_view::npos;
  ++i;
  if (i < line.size() && line[i] == '<') ++i;
  if (line.substr(i, 2) == "0x") i += 2;
  size_t hex = i;
  while (i < line.size() && IsHex(line[i])) ++i;
  if (i == hex) return std::string_view::npos;
  if (i < line.size() && line[i] == '>') ++i;
  if (i >= line.size() || line[i] != ']') return std::string_view::npos;
  return i + 1;
}

}  // namespace

const std::vector<StackStartShape>& StackStartShapes() {
  static const auto* shapes = new std::vector<StackStartShape>{
      {"Call ", R"(Call (?:T|t)race)"},
      {"Allocated:", R"(Allocated:)"},
      {"Allocated by task ", R"(Allocated by task [0-9]+:)"},
      {"Freed:", R"(Freed:)"},
      {"Freed by task ", R"(Freed by task [0-9]+:)"},
      // kmemleak's "  backtrace:", not lockdep's "stack backtrace:".
      {" backtrace", R"([^k] backtrace(?: \(crc [0-9a-fA-F]*\))?:)"},
      {"Backtrace:", R"(Backtrace:)"},
      {"Uninit was stored to memory at", R"(Uninit was stored to memory at)"},
      // RISC-V prints the trap registers where other architectures print "Call Trace".
      {" badaddr: ", R"(status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: [0-9a-f]{16})",
       /*can_corrupt=*/false},
  };
  return *shapes;
}

namespace {

// For each byte, the shapes whose literal starts with it: one pass over a line finds which
// shapes may be there (this runs on every line of a stack).
struct FirstBytes {
  std::array<uint16_t, 256> shapes{};
};

const FirstBytes& ShapeFirstBytes() {
  static const FirstBytes* table = [] {
    auto* t = new FirstBytes;
    const auto& shapes = StackStartShapes();
    assert(shapes.size() <= 16 && "one bit per shape");
    for (size_t i = 0; i < shapes.size(); ++i)
      t->shapes[static_cast<unsigned char>(shapes[i].literal[0])] |= uint16_t{1} << i;
    return t;
  }();
  return *table;
}

// The shapes whose literal `line` holds, one bit each.
unsigned LiteralsIn(std::string_view line) {
  const auto& first = ShapeFirstBytes().shapes;
  const auto& shapes = StackStartShapes();
  unsigned found = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned candidates = first[static_cast<unsigned char>(line[i])] & ~found;
    while (candidates != 0) {
      int s = __builtin_ctz(candidates);
      candidates &= candidates - 1;
      std::string_view literal = shapes[s].literal;
      // The second byte first: most candidates (spaces) fail there.
      if (i + literal.size() <= line.size() && line[i + 1] == literal[1] &&
          memcmp(line.data() + i, literal.data(), literal.size()) == 0)
        found |= 1u << s;
    }
  }
  return found;
}

}  // namespace

bool IsStackStartLine(std::string_view line) {
  unsigned literals = LiteralsIn(line);
  while (literals != 0) {
    int s = __builtin_ctz(literals);
    literals &= literals - 1;
    if (RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *CompiledStackStarts()[s]))
      return true;
  }
  return false;
}

std::vector<MarkedLine> MarkLines(std::string_view text) {
  // One scan for the stack-start literals (their rare bytes make a fast set), one memmem for the
  // fault-injection frame (lowercase only: it would slow the set down).
  static const NeedleSet* starts = [] {
    std::vector<std::string_view> all;
    for (const StackStartShape& shape : StackStartShapes()) all.push_back(shape.literal);
    return new NeedleSet(std::move(all));
  }();
  auto line_of = [text](size_t at) {
    size_t nl = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
    return nl == std::string_view::npos ? 0 : nl + 1;
  };
  auto past_line = [text](size_t at) {
    size_t end = text.find('\n', at);
    return end == std::string_view::npos ? text.size() : end + 1;
  };
  std::vector<size_t> lines;
  for (size_t from = 0; from < text.size();) {
    size_t hit = starts->Find(text, from).pos;
    if (hit == std::string_view::npos) break;
    lines.push_back(line_of(hit));
    from = past_line(hit);
  }
  size_t merged = lines.size();
  for (size_t at = Find(text, "should_fail"); at != std::string_view::npos;
       at = Find(text, "should_fail", past_line(at)))
    lines.push_back(line_of(at));
  std::inplace_merge(lines.begin(), lines.begin() + merged, lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  std::vector<MarkedLine> marks;
  marks.reserve(lines.size());
  for (size_t pos : lines) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? end : end - pos);
    marks.push_back({pos, IsStackStartLine(line), IsFaultInjectionFrame(line)});
  }
  return marks;
}

std::vector<size_t> FirstStackStarts(std::string_view text, const std::vector<MarkedLine>& marks) {
  const auto& shapes = StackStartShapes();
  std::vector<size_t> first(shapes.size(), std::string_view::npos);
  unsigned seen = 0, all = (1u << shapes.size()) - 1;
  for (const MarkedLine& mark : marks) {
    if (seen == all) break;
    size_t end = text.find('\n', mark.pos);
    if (end == std::string_view::npos) end = text.size();
    unsigned found = LiteralsIn(text.substr(mark.pos, end - mark.pos)) & ~seen;
    // A match may take the byte before its line (the '\n' before " backtrace:").
    size_t window = mark.pos == 0 ? 0 : mark.pos - 1;
    while (found != 0) {
      int s = __builtin_ctz(found);
      found &= found - 1;
      std::string_view whole;
      if (!SearchIn(*CompiledStackStarts()[s], text.substr(window, end - window), nullptr, &whole))
        continue;
      first[s] = whole.data() - text.data();
      seen |= 1u << s;
    }
  }
  return first;
}

bool FrameLineNames(std::string_view line, std::vector<std::string_view>* names) {
  names->clear();
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  for (int pcs = 0; pcs < 2; ++pcs) {
    size_t past = SkipPc(line, i);
    if (past == std::string_view::npos || past >= line.size() || line[past] != ' ') break;
    i = past + 1;
  }
  size_t name = i;
  while (i < line.size() && IsNameChar(line[i])) ++i;
  if (i > name && i < line.size() && (line[i] == '.' || line[i] == '+')) {
    names->push_back(line.substr(name, i - name));
    return true;
  }
  // 32-bit ARM: "[<c0123456>] (foo.constprop.0) from [<c0654321>] (bar+0x1/0x2)".
  if (!Contains(line, ") from ")) return false;
  static const auto* arm =
      CompilePattern(R"(^ *{{PC}} \(([A-Za-z0-9_.]+)\) from {{PC}} \({{FN}})").release();
  std::vector<std::string_view> groups;
  if (!SearchIn(*arm, line, &groups)) return false;
  *names = groups;
  return true;
}

bool IsFaultInjectionFrame(std::string_view line) {
  // " should_fail..." or " [<pc>] should_fail...": look there before running the pattern.
  size_t at = 0;
  if (line.starts_with(" [")) {
    size_t close = line.find("] ", 2);
    if (close == std::string_view::npos) return false;
    at = close + 1;
  }
  if (!line.substr(at).starts_with(" should_fail")) return false;
  static const auto* re =
      CompilePattern(R"(^(?: {{PC}})? should_fail(?:slab)?(?:\.[a-z0-9.]+)?\+0x)").release();
  return SearchIn(*re, line, nullptr);
}

}  // namespace culprit::crash
