// Kernel .config files as data, for config minimization (job/config_minimizer): the options and
// their values, the options two configs disagree on, a config made of one with some options
// taken from another, and which options are sanitizers. Resolving dependencies is left to the
// kernel's own olddefconfig, which the kernel builder runs on every config it builds.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace culprit::build {

/// Option ("CONFIG_KASAN") -> value as written ("y", "m", "0x10", "\"text\""); "n" for a
/// "# CONFIG_X is not set" line. Other lines are ignored.
using Kconfig = std::map<std::string, std::string>;

Kconfig ParseKconfig(std::string_view text);
/// One line per option, sorted, "n" written as "# CONFIG_X is not set".
std::string WriteKconfig(const Kconfig& config);

/// The options `full` enables or sets (any value but "n") that `baseline` lacks or sets to
/// another value, sorted.
std::vector<std::string> DifferingOptions(const Kconfig& full, const Kconfig& baseline);

/// `base` with each of `options` set to its value in `from` ("n" where `from` lacks it).
Kconfig WithOptions(const Kconfig& base, const Kconfig& from,
                    const std::vector<std::string>& options);

/// True for options of the kernel's dynamic checkers (KASAN, KCSAN, KMSAN, UBSAN, KFENCE,
/// kmemleak, lockdep, ...) and their sub-options: slow, and dropped when the bug needs none.
bool IsSanitizer(std::string_view option);

/// The sanitizer options a crash needs to show as itself, from its title: "KASAN:" needs
/// CONFIG_KASAN, "possible deadlock" lockdep, "memory leak" kmemleak, ... (empty for an oops).
std::vector<std::string> SanitizersFor(std::string_view crash_title);

}  // namespace culprit::build
