// Which files of a state directory the dashboard may serve: logs and reports, by a path
// relative to the directory, never anything outside it.
#pragma once

#include <filesystem>
#include <string_view>

#include "base/result.h"

namespace culprit::serve {

/// The file `relative` names under `state` (which must be canonical): a regular file ending in
/// .log, .html or .eml under runs/, builds/, logs/ or reports/. kBadInput for an absolute path,
/// a `..` or empty component, a NUL; kNotFound for a missing file, another kind of file, or
/// one whose canonical path (symlinks resolved) leaves `state`.
Result<std::filesystem::path> ResolveStateFile(const std::filesystem::path& state,
                                               std::string_view relative);

/// True if `path` is `dir` or lies under it, both canonical (compared by components).
bool IsWithin(const std::filesystem::path& path, const std::filesystem::path& dir);

}  // namespace culprit::serve
