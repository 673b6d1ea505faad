// The built-in example of `culprit demo`: a real git repository of a small C program with a
// few hundred commits, topic branches merged back, release tags, a stretch that does not
// compile, documentation-only commits, and one commit that plants a use-after-free that
// AddressSanitizer catches in about one run in three.
#pragma once

#include <filesystem>
#include <string>

#include "base/result.h"

namespace culprit::demo {

struct DemoRepo {
  std::filesystem::path path;
  std::string planted;  ///< full hash of the commit that plants the bug
  std::string planted_title;
  std::string head;  ///< the bad commit to start from
  int commits = 0;
  std::string build_command;  ///< compiles the program with ASan into $CULPRIT_OUT
  std::string test_command;   ///< runs its self-test once
};

/// Writes the repository into `dir` (which must not exist or be empty) with `git fast-import`.
Result<DemoRepo> MakeDemoRepo(const std::filesystem::path& dir);

}  // namespace culprit::demo
