#include "crash/line_shapes.h"

#include <string.h>

#include <memory>

#include "crash/pattern.h"

namespace culprit::crash {
namespace {

bool Contains(std::string_view s, std::string_view needle) {
  return memmem(s.data(), s.size(), needle.data(), needle.size()) != nullptr;
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

bool IsStackStartLine(std::string_view line) {
  const auto& shapes = StackStartShapes();
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!Contains(line, shapes[i].literal)) continue;
    if (RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *CompiledStackStarts()[i]))
      return true;
  }
  return false;
}

size_t FindStackStart(std::string_view text, size_t shape) {
  const StackStartShape& s = StackStartShapes()[shape];
  if (!Contains(text, s.literal)) return std::string_view::npos;
  std::string_view whole;
  if (!SearchIn(*CompiledStackStarts()[shape], text, nullptr, &whole))
    return std::string_view::npos;
  return whole.data() - text.data();
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
  if (!Contains(line, "should_fail")) return false;
  static const auto* re =
      CompilePattern(R"(^(?: {{PC}})? should_fail(?:slab)?(?:\.[a-z0-9.]+)?\+0x)").release();
  return SearchIn(*re, line, nullptr);
}

}  // namespace culprit::crash
