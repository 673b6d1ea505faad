#include "crash/demangle.h"

#include <cxxabi.h>
#include <libiberty/demangle.h>

#include <cstdlib>
#include <memory>

namespace culprit::crash {
namespace {

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using Malloced = std::unique_ptr<char, FreeDeleter>;

// Frame names are short; a longer "symbol" is garbage and not worth a demangler's time.
constexpr size_t kMaxSymbol = 4096;

}  // namespace

std::string DemangleRust(std::string_view symbol) {
  if (symbol.size() > kMaxSymbol || !(symbol.starts_with("_R") || symbol.starts_with("_ZN")))
    return std::string(symbol);
  std::string copy(symbol);
  // Without DMGL_VERBOSE: no crate disambiguators, no legacy hash.
  Malloced out(rust_demangle(copy.c_str(), DMGL_NO_OPTS));
  return out ? std::string(out.get()) : copy;
}

std::string CxxNameOnly(std::string_view s) {
  // Trailing qualifiers after the parameter list.
  size_t close = s.rfind(')');
  if (close == std::string_view::npos) return std::string(s);
  for (std::string_view tail = s.substr(close + 1); !tail.empty();) {
    size_t word = tail.find_first_not_of(' ');
    if (word == std::string_view::npos) break;
    tail = tail.substr(word);
    bool qualifier = false;
    for (std::string_view q : {"const", "volatile", "&&", "&", "noexcept"}) {
      if (tail.starts_with(q)) {
        tail = tail.substr(q.size());
        qualifier = true;
        break;
      }
    }
    if (!qualifier) return std::string(s);  // ")" inside a name, not a parameter list
  }
  // The "(" that opens the parameter list.
  int depth = 0;
  size_t open = std::string_view::npos;
  for (size_t i = close + 1; i-- > 0;) {
    if (s[i] == ')') ++depth;
    if (s[i] == '(' && --depth == 0) {
      open = i;
      break;
    }
  }
  if (open == std::string_view::npos || open == 0) return std::string(s);
  std::string_view name = s.substr(0, open);
  // A template function's return type comes first, separated by a space outside any brackets
  // ("operator new" and "operator int" hold spaces of their own).
  int nest = 0;
  size_t cut = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') ++nest;
    if (c == '>' || c == ')' || c == ']' || c == '}') --nest;
    if (c == ' ' && nest == 0 && !name.substr(0, i).ends_with("operator")) cut = i + 1;
  }
  return std::string(name.substr(cut));
}

std::string DemangleSymbol(std::string_view symbol) {
  if (symbol.size() < 3 || symbol.size() > kMaxSymbol || symbol[0] != '_')
    return std::string(symbol);
  if (symbol[1] == 'R' || symbol.starts_with("_ZN")) {
    std::string rust = DemangleRust(symbol);
    if (rust != symbol) return rust;
  }
  if (symbol[1] != 'Z') return std::string(symbol);
  std::string copy(symbol);
  int status = 0;
  Malloced out(abi::__cxa_demangle(copy.c_str(), nullptr, nullptr, &status));
  if (status != 0 || !out) return copy;
  return CxxNameOnly(out.get());
}

}  // namespace culprit::crash
