// Links from a report to the files of its state directory, worked out from paths alone.
#include <filesystem>
#include <vector>

#include "report/escape.h"
#include "report/render.h"

namespace culprit::report {
namespace {

std::vector<std::string> Components(const std::filesystem::path& p) {
  std::vector<std::string> out;
  for (const auto& part : p.lexically_normal()) {
    if (!part.empty() && part != ".") out.push_back(part.string());
  }
  return out;
}

}  // namespace

std::string StateRelative(const std::string& path, const std::string& state_dir) {
  if (path.empty()) return "";
  const std::filesystem::path p(path), s(state_dir.empty() ? "." : state_dir);
  std::vector<std::string> parts = Components(p);
  if (p.is_absolute() == s.is_absolute()) {
    std::vector<std::string> base = Components(s);
    if (p.is_absolute()) base.erase(base.begin());  // the root, already in `parts` too
    if (p.is_absolute()) parts.erase(parts.begin());
    if (parts.size() > base.size() && std::equal(base.begin(), base.end(), parts.begin())) {
      std::filesystem::path rel;
      for (size_t i = base.size(); i < parts.size(); ++i) rel /= parts[i];
      if (parts[base.size()] != "..") return rel.string();
    }
    if (p.is_absolute()) parts = Components(p);
  }
  // Recorded relative to another working directory: the state's own layout names it.
  for (size_t i = parts.size(); i-- > 0;) {
    if (parts[i] != "runs" && parts[i] != "builds" && parts[i] != "logs") continue;
    if (i + 1 >= parts.size()) continue;
    std::filesystem::path rel;
    for (size_t k = i; k < parts.size(); ++k) rel /= parts[k];
    return rel.string();
  }
  return "";
}

std::string ReportsLink(const std::string& path, const std::string& state_dir) {
  if (path.empty()) return "";
  std::string rel = StateRelative(path, state_dir);
  if (!rel.empty()) return "../" + UrlPath(rel);
  if (std::filesystem::path(path).is_absolute()) return "file://" + UrlPath(path);
  return "";
}

}  // namespace culprit::report
