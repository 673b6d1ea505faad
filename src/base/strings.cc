#include "base/strings.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace culprit {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> lines;
  while (!s.empty()) {
    size_t nl = s.find('\n');
    if (nl == std::string_view::npos) {
      lines.push_back(s);
      break;
    }
    lines.push_back(s.substr(0, nl));
    s.remove_prefix(nl + 1);
  }
  return lines;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string FormatDuration(std::chrono::duration<double> d) {
  double total = d.count();
  if (!(total > 0)) return "0s";
  long long hours = static_cast<long long>(total / 3600);
  total -= static_cast<double>(hours) * 3600;
  long long minutes = static_cast<long long>(total / 60);
  total -= static_cast<double>(minutes) * 60;
  char buf[64];
  std::string out;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  std::snprintf(buf, sizeof buf, "%.3fs", total);
  out += buf;
  return out;
}

std::string ShortHash(std::string_view hash) { return std::string(hash.substr(0, 12)); }

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(parts[i]);
  }
  return out;
}

}  // namespace culprit
