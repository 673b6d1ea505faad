// Small string helpers shared by every module: trimming, splitting, durations, hex.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace culprit {

std::string_view Trim(std::string_view s);
std::vector<std::string_view> SplitLines(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
std::string ToLower(std::string_view s);
/// "4h29m4.8s" in the style of the seed log (Go's time.Duration), for any non-negative duration.
std::string FormatDuration(std::chrono::duration<double> d);
/// The first 12 characters of a commit hash, as kernel engineers quote them.
std::string ShortHash(std::string_view hash);
/// `parts` with `separator` between them.
std::string Join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace culprit
