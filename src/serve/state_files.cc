#include "serve/state_files.h"

#include <algorithm>
#include <string>

namespace culprit::serve {
namespace {

constexpr std::string_view kDirs[] = {"runs", "builds", "logs", "reports"};
constexpr std::string_view kExtensions[] = {".log", ".html", ".eml"};

}  // namespace

bool IsWithin(const std::filesystem::path& path, const std::filesystem::path& dir) {
  auto p = path.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++p) {
    if (d->empty()) continue;  // a trailing separator
    if (p == path.end() || *p != *d) return false;
  }
  return true;
}

Result<std::filesystem::path> ResolveStateFile(const std::filesystem::path& state,
                                               std::string_view relative) {
  const std::string shown(relative.substr(0, 200));
  if (relative.empty() || relative.front() == '/' || relative.find('\0') != std::string_view::npos)
    return Fail(ErrorKind::kBadInput, "not a path in the state directory: " + shown);
  std::filesystem::path rel(relative);
  for (const auto& part : rel) {
    if (part.empty() || part == ".." || part == ".")
      return Fail(ErrorKind::kBadInput, "not a path in the state directory: " + shown);
  }
  const std::string top = rel.begin()->string();
  if (std::find(std::begin(kDirs), std::end(kDirs), top) == std::end(kDirs) ||
      std::distance(rel.begin(), rel.end()) < 2)
    return Fail(ErrorKind::kNotFound, "not a log or report: " + shown);
  const std::string ext = rel.extension().string();
  if (std::find(std::begin(kExtensions), std::end(kExtensions), ext) == std::end(kExtensions))
    return Fail(ErrorKind::kNotFound, "not a log or report: " + shown);
  std::error_code ec;
  std::filesystem::path real = std::filesystem::canonical(state / rel, ec);
  if (ec) return Fail(ErrorKind::kNotFound, "no such file: " + shown);
  // A symlink may point anywhere: what counts is where the file really is.
  if (!IsWithin(real, state) || !std::filesystem::is_regular_file(real, ec) || ec)
    return Fail(ErrorKind::kNotFound, "no such file: " + shown);
  return real;
}

}  // namespace culprit::serve
