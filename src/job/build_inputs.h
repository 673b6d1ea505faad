// What a build read, and which commits cannot change the program it made. A compiler writes
// make-style dependency files (`-MD`: "target: dep dep \"), kbuild writes one `.cmd` file per
// object ("source_x.o := ..." and "deps_x.o := \" lists): together with the build system's own
// files (Makefiles, CMake, Kconfig, ...) they are the build's inputs. A commit whose own changes
// touch none of the inputs builds the same program as its first parent and needs no build.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace culprit::job {

/// The files a make-style dependency file names (targets left out), as written.
std::vector<std::string> ParseDepFile(std::string_view text);

/// The source and dependency files a kbuild `.cmd` file names, as written; `$(wildcard ...)`
/// entries (config options) left out.
std::vector<std::string> ParseKbuildCmdFile(std::string_view text);

/// `path` (absolute, or relative to `base`) as a path relative to the checkout `root`, or
/// nullopt when it lies outside it (a system header).
std::optional<std::string> RepositoryPath(const std::string& path,
                                          const std::filesystem::path& base,
                                          const std::filesystem::path& root);

/// Reads every file under `dir` whose name satisfies `is_dep_file` (at most `max_files`, each at
/// most a few MiB), parses it with `parse` and adds the paths inside `root` to `out`, relative
/// to it. `base` is what relative paths in the files are relative to. Returns how many files
/// were read.
size_t CollectInputs(const std::filesystem::path& dir, bool (*is_dep_file)(std::string_view name),
                     std::vector<std::string> (*parse)(std::string_view),
                     const std::filesystem::path& base, const std::filesystem::path& root,
                     std::vector<std::string>* out, size_t max_files = 200000);

/// The build system's own files, as patterns: a commit changing one of them may change any
/// build (Makefiles, CMake, Meson, autoconf, Kconfig/Kbuild, Bazel, Cargo, ...).
const std::vector<std::string>& BuildSystemPatterns();

/// True if `path` (repository-relative) matches `pattern`: a path, or a glob where `*` may
/// cross '/' (fnmatch without FNM_PATHNAME), or a directory prefix ending in '/'.
bool MatchesInput(std::string_view pattern, std::string_view path);

/// Sorted, deduplicated patterns split into exact paths (looked up) and globs (matched).
class InputSet {
 public:
  explicit InputSet(std::vector<std::string> patterns);
  bool Touches(const std::vector<std::string>& changed_paths) const;
  bool empty() const { return exact_.empty() && globs_.empty(); }

 private:
  std::vector<std::string> exact_;
  std::vector<std::string> globs_;
};

}  // namespace culprit::job
