// The kernel's MAINTAINERS file: parsed natively (no get_maintainer.pl), and the rule that turns
// the files a culprit touches into the To and Cc of the report e-mail. Reading the file from a
// checkout and listing a commit's files are left to the caller.
#pragma once

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace culprit::history {

/// One section of MAINTAINERS: a title line, then `X:\tvalue` lines.
struct MaintainersEntry {
  std::string title;                     // "IO_URING"
  int line = 0;                          // 1-based line of the title
  std::vector<std::string> maintainers;  // M: addresses, lower-cased ("axboe@kernel.dk")
  std::vector<std::string> reviewers;    // R: addresses, lower-cased
  std::vector<std::string> lists;        // L: addresses, lower-cased, suffix dropped
  std::string status;                    // S: "Maintained", "Odd Fixes", ...
  std::vector<std::string> files;        // F: patterns ("fs/io_uring.c", "block/", "*")
  std::vector<std::string> excludes;     // X: patterns
  std::vector<std::regex> file_regexes;  // N: searched in file paths
  std::vector<std::regex> keywords;      // K: searched in the changed lines of a patch
};

struct Maintainers {
  std::vector<MaintainersEntry> entries;  // in file order
  /// Lines skipped with a reason ("MAINTAINERS:812: K: regex not understood: ..."): the kernel's
  /// regexes are Perl's, and one std::regex rejects must not lose the whole file.
  std::vector<std::string> warnings;
};

/// Parses MAINTAINERS text. Sections are blocks separated by blank lines whose lines match
/// `^[A-Z]:`; blocks without such lines (the preamble) are skipped; unknown letters are ignored.
/// Fails (kBadInput, "MAINTAINERS:<line>: ...") on a field line before any title or an empty value.
Result<Maintainers> ParseMaintainers(std::string_view text);

/// Whether F:/X: `pattern` covers `file` (a path relative to the source tree), as get_maintainer.pl
/// decides: a trailing '/' covers the directory recursively, '*' and '?' glob within one path
/// component, and a pattern without wildcards also covers the files below a directory of its name.
bool PatternMatches(std::string_view pattern, std::string_view file);

struct Recipients {
  std::vector<std::string> to;  // maintainers, then lists
  /// Reviewers, then linux-kernel@vger.kernel.org when a subsystem list already has the change.
  std::vector<std::string> cc;
};

/// The addresses to mail about a change to `files`. Sections apply by F: (minus X:), N: on the file
/// paths, and K: on the changed lines of `patch` (may be empty). Sections are taken per file, most
/// specific pattern first (get_maintainer.pl's depth order; THE REST's `*` last). Addresses are
/// lower-case, each appears once (To wins over Cc), in that order.
Recipients ForFiles(const Maintainers& maintainers, const std::vector<std::string>& files,
                    std::string_view patch = {});

}  // namespace culprit::history
