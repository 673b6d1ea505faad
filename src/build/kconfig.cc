#include "build/kconfig.h"

#include <algorithm>

namespace culprit::build {
namespace {

constexpr std::string_view kPrefix = "CONFIG_";

// The sanitizer families: an option is one when its name is, or starts with, one of these.
constexpr std::string_view kSanitizers[] = {
    "CONFIG_KASAN",
    "CONFIG_KCSAN",
    "CONFIG_KMSAN",
    "CONFIG_UBSAN",
    "CONFIG_KFENCE",
    "CONFIG_DEBUG_KMEMLEAK",
    "CONFIG_PROVE_LOCKING",
    "CONFIG_LOCKDEP",
    "CONFIG_DEBUG_LOCKDEP",
    "CONFIG_DEBUG_ATOMIC_SLEEP",
    "CONFIG_DEBUG_OBJECTS",
    "CONFIG_DEBUG_LIST",
    "CONFIG_DEBUG_VM",
    "CONFIG_DEBUG_PAGEALLOC",
    "CONFIG_PAGE_POISONING",
    "CONFIG_SLUB_DEBUG_ON",
    "CONFIG_HARDENED_USERCOPY",
    "CONFIG_FORTIFY_SOURCE",
};

}  // namespace

Kconfig ParseKconfig(std::string_view text) {
  Kconfig out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.starts_with(kPrefix)) {
      size_t eq = line.find('=');
      if (eq != std::string_view::npos)
        out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
      continue;
    }
    constexpr std::string_view kUnset = " is not set";
    if (line.starts_with("# CONFIG_") && line.ends_with(kUnset)) {
      out[std::string(line.substr(2, line.size() - 2 - kUnset.size()))] = "n";
    }
  }
  return out;
}

std::string WriteKconfig(const Kconfig& config) {
  std::string out;
  for (const auto& [option, value] : config) {
    out += value == "n" ? "# " + option + " is not set\n" : option + "=" + value + "\n";
  }
  return out;
}

std::vector<std::string> DifferingOptions(const Kconfig& full, const Kconfig& baseline) {
  std::vector<std::string> out;
  for (const auto& [option, value] : full) {
    if (value == "n") continue;
    auto it = baseline.find(option);
    if (it == baseline.end() || it->second != value) out.push_back(option);
  }
  return out;  // sorted: a map's order
}

Kconfig WithOptions(const Kconfig& base, const Kconfig& from,
                    const std::vector<std::string>& options) {
  Kconfig out = base;
  for (const std::string& option : options) {
    auto it = from.find(option);
    out[option] = it == from.end() ? "n" : it->second;
  }
  return out;
}

bool IsSanitizer(std::string_view option) {
  return std::any_of(std::begin(kSanitizers), std::end(kSanitizers), [&](std::string_view s) {
    return option == s || (option.starts_with(s) && option[s.size()] == '_');
  });
}

std::vector<std::string> SanitizersFor(std::string_view title) {
  struct Rule {
    std::string_view in_title;
    std::vector<std::string> options;
  };
  static const Rule kRules[] = {
      {"KASAN:", {"CONFIG_KASAN"}},
      {"KCSAN:", {"CONFIG_KCSAN"}},
      {"KMSAN:", {"CONFIG_KMSAN"}},
      {"UBSAN:", {"CONFIG_UBSAN"}},
      {"KFENCE:", {"CONFIG_KFENCE"}},
      {"memory leak", {"CONFIG_DEBUG_KMEMLEAK"}},
      {"possible deadlock", {"CONFIG_PROVE_LOCKING", "CONFIG_LOCKDEP"}},
      {"inconsistent lock state", {"CONFIG_PROVE_LOCKING", "CONFIG_LOCKDEP"}},
      {"suspicious RCU usage", {"CONFIG_PROVE_LOCKING", "CONFIG_LOCKDEP"}},
      {"sleeping function called from invalid context", {"CONFIG_DEBUG_ATOMIC_SLEEP"}},
      {"ODEBUG:", {"CONFIG_DEBUG_OBJECTS"}},
      {"list_add corruption", {"CONFIG_DEBUG_LIST"}},
      {"list_del corruption", {"CONFIG_DEBUG_LIST"}},
  };
  std::vector<std::string> out;
  for (const Rule& rule : kRules) {
    if (title.find(rule.in_title) == std::string_view::npos) continue;
    for (const std::string& o : rule.options)
      if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(o);
  }
  return out;
}

}  // namespace culprit::build
