#include "symbolize/symbolizer.h"

#include <optional>
#include <regex>

#include "base/strings.h"

namespace culprit::symbolize {
namespace {

/// A `func+0xOFF/0xSIZE` reference inside a report line.
struct FrameRef {
  size_t begin = 0;  // where the function name starts: what precedes it is the prefix
  size_t end = 0;    // one past "/0xSIZE"
  std::string function;
  uint64_t offset = 0;
  uint64_t size = 0;
};

std::optional<FrameRef> FindFrameRef(std::string_view line) {
  static const std::regex kFrame(R"(([A-Za-z0-9_.$]+)\+0x([0-9a-f]+)/0x([0-9a-f]+))");
  std::cmatch m;
  if (!std::regex_search(line.begin(), line.end(), m, kFrame)) return std::nullopt;
  FrameRef ref{.begin = static_cast<size_t>(m.position(0)),
               .end = static_cast<size_t>(m.position(0) + m.length(0)),
               .function = m[1].str()};
  try {
    ref.offset = std::stoull(m[2].str(), nullptr, 16);
    ref.size = std::stoull(m[3].str(), nullptr, 16);
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
  return ref;
}

/// The faulting instruction itself (x86 RIP, arm64 pc), looked up as is; every other frame holds
/// a return address, looked up one byte back so that it lands in the call (syzkaller does so).
bool IsInstructionPointer(std::string_view prefix) {
  for (std::string_view marker : {"RIP: ", "EIP: ", "pc : ", "PC is at "}) {
    if (prefix.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

std::string Location(const Frame& frame) { return frame.file + ":" + std::to_string(frame.line); }

/// The symbolized form of `line` (several lines when inlined frames precede it), or nullopt to
/// keep it as it is.
std::optional<std::string> SymbolizeLine(Symbolizer& symbolizer, std::string_view line) {
  std::optional<FrameRef> ref = FindFrameRef(line);
  if (!ref) return std::nullopt;
  std::string_view prefix = line.substr(0, ref->begin);
  if (!Trim(line.substr(ref->end)).empty()) return std::nullopt;  // symbolized, or a module
  std::optional<Symbol> symbol;
  for (const Symbol& s : symbolizer.FindSymbols(ref->function)) {
    if (s.size == ref->size) {
      symbol = s;
      break;
    }
  }
  if (!symbol || ref->offset >= symbol->size) return std::nullopt;  // another build's frame
  bool back = !IsInstructionPointer(prefix) && ref->offset > 0;
  std::vector<Frame> frames = symbolizer.Symbolize(symbol->address + ref->offset - (back ? 1 : 0));
  if (frames.empty()) return std::nullopt;
  std::string out;
  for (size_t i = 0; i + 1 < frames.size(); ++i) {
    out += std::string(prefix) + frames[i].function + " " + Location(frames[i]) + " [inline]\n";
  }
  out += std::string(line.substr(0, ref->end)) + " " + Location(frames.back());
  return out;
}

}  // namespace

std::string SymbolizeReport(Symbolizer& symbolizer, std::string_view report) {
  std::string out;
  size_t pos = 0;
  while (pos < report.size()) {
    size_t newline = report.find('\n', pos);
    size_t end = newline == std::string_view::npos ? report.size() : newline;
    std::string_view line = report.substr(pos, end - pos);
    std::optional<std::string> symbolized = SymbolizeLine(symbolizer, line);
    out += symbolized ? *symbolized : std::string(line);
    if (newline != std::string_view::npos) out += '\n';
    pos = end + 1;
  }
  return out;
}

}  // namespace culprit::symbolize
