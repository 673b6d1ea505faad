#include "history/maintainers.h"

#include <fnmatch.h>

#include <algorithm>
#include <optional>

#include "base/strings.h"

namespace culprit::history {
namespace {

constexpr std::string_view kLkml = "linux-kernel@vger.kernel.org";

/// "Jens Axboe <axboe@kernel.dk>" -> "axboe@kernel.dk"; "io-uring@vger.kernel.org (moderated for
/// non-subscribers)" -> "io-uring@vger.kernel.org".
std::string Address(std::string_view value) {
  size_t open = value.find('<');
  size_t close = value.find('>', open);
  if (open != std::string_view::npos && close != std::string_view::npos) {
    return ToLower(Trim(value.substr(open + 1, close - open - 1)));
  }
  value = Trim(value);
  return ToLower(value.substr(0, value.find_first_of(" \t")));
}

bool IsFieldLine(std::string_view line) {
  return line.size() >= 2 && line[0] >= 'A' && line[0] <= 'Z' && line[1] == ':';
}

std::string LineRef(int line) { return "MAINTAINERS:" + std::to_string(line) + ": "; }

void AddRegex(std::vector<std::regex>& out, std::string_view value, int line, char letter,
              std::vector<std::string>& warnings) {
  try {
    out.emplace_back(std::string(value), std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    warnings.push_back(LineRef(line) + letter +
                       ": regex not understood, skipped: " + std::string(value));
  }
}

/// Adds one `X:\tvalue` line to `entry`; letters culprit does not use (W:, T:, P:, ...) are
/// dropped.
void AddField(MaintainersEntry& entry, char letter, std::string_view value, int line,
              std::vector<std::string>& warnings) {
  switch (letter) {
    case 'M':
      entry.maintainers.push_back(Address(value));
      break;
    case 'R':
      entry.reviewers.push_back(Address(value));
      break;
    case 'L':
      entry.lists.push_back(Address(value));
      break;
    case 'S':
      entry.status = value;
      break;
    case 'F':
      entry.files.emplace_back(value);
      break;
    case 'X':
      entry.excludes.emplace_back(value);
      break;
    case 'N':
      AddRegex(entry.file_regexes, value, line, letter, warnings);
      break;
    case 'K':
      AddRegex(entry.keywords, value, line, letter, warnings);
      break;
    default:
      break;
  }
}

bool HasWildcard(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

/// The first `n` components of `path` ("a/b/c", 2 -> "a/b"), or nullopt if it has fewer than `n`
/// directories above its last component.
std::optional<std::string_view> LeadingDirs(std::string_view path, size_t n) {
  size_t end = 0;
  for (size_t i = 0; i < n; ++i) {
    end = path.find('/', i == 0 ? 0 : end + 1);
    if (end == std::string_view::npos) return std::nullopt;
  }
  return path.substr(0, end);
}

bool Glob(std::string_view pattern, std::string_view path) {
  return fnmatch(std::string(pattern).c_str(), std::string(path).c_str(), FNM_PATHNAME) == 0;
}

/// get_maintainer.pl's pattern depth: more slashes is more specific; a leading '*' (THE REST) is
/// the least specific of all. Sections are mailed most specific first.
int PatternDepth(std::string_view pattern) {
  if (!pattern.empty() && pattern[0] == '*') return -1;
  int depth = static_cast<int>(std::count(pattern.begin(), pattern.end(), '/'));
  return pattern.ends_with('/') ? depth : depth + 1;
}

/// The depth at which `entry` covers `file`, or nullopt if it does not (or an X: excludes it).
std::optional<int> MatchDepth(const MaintainersEntry& entry, const std::string& file) {
  for (const std::string& x : entry.excludes) {
    if (PatternMatches(x, file)) return std::nullopt;
  }
  std::optional<int> depth;
  for (const std::string& f : entry.files) {
    if (PatternMatches(f, file)) depth = std::max(depth.value_or(-2), PatternDepth(f));
  }
  for (const std::regex& n : entry.file_regexes) {
    if (std::regex_search(file, n)) depth = std::max(depth.value_or(-2), 0);
  }
  return depth;
}

/// The + and - lines of a unified diff, without the +++/--- headers: what K: is matched against.
std::vector<std::string> ChangedLines(std::string_view patch) {
  std::vector<std::string> out;
  for (std::string_view line : SplitLines(patch)) {
    bool header = StartsWith(line, "+++") || StartsWith(line, "---");
    if (!header && (StartsWith(line, "+") || StartsWith(line, "-"))) out.emplace_back(line);
  }
  return out;
}

bool MatchesKeyword(const MaintainersEntry& entry, const std::vector<std::string>& changed) {
  for (const std::regex& k : entry.keywords) {
    for (const std::string& line : changed) {
      if (std::regex_search(line, k)) return true;
    }
  }
  return false;
}

/// Sections that apply, in mailing order: per file, by descending depth (ties in file order), then
/// sections matched by K: only.
std::vector<const MaintainersEntry*> ApplyingEntries(const Maintainers& maintainers,
                                                     const std::vector<std::string>& files,
                                                     std::string_view patch) {
  std::vector<const MaintainersEntry*> out;
  auto add = [&out](const MaintainersEntry* e) {
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  };
  for (const std::string& file : files) {
    std::vector<std::pair<int, const MaintainersEntry*>> hits;
    for (const MaintainersEntry& entry : maintainers.entries) {
      if (std::optional<int> depth = MatchDepth(entry, file)) hits.emplace_back(*depth, &entry);
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& hit : hits) add(hit.second);
  }
  std::vector<std::string> changed = ChangedLines(patch);
  if (changed.empty()) return out;
  for (const MaintainersEntry& entry : maintainers.entries) {
    if (MatchesKeyword(entry, changed)) add(&entry);
  }
  return out;
}

void AddOnce(std::vector<std::string>& to, const std::string& address) {
  if (std::find(to.begin(), to.end(), address) == to.end()) to.push_back(address);
}

}  // namespace

Result<Maintainers> ParseMaintainers(std::string_view text) {
  Maintainers result;
  std::vector<std::string_view> lines = SplitLines(text);
  MaintainersEntry* entry = nullptr;  // the section being filled, null between sections
  std::string_view title;             // first line of the current block
  int title_line = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    int number = static_cast<int>(i) + 1;
    if (Trim(line).empty()) {
      entry = nullptr;
      title = {};
      continue;
    }
    if (!IsFieldLine(line)) {
      if (title.empty()) {
        title = Trim(line);
        title_line = number;
      }
      continue;
    }
    if (entry == nullptr) {
      if (title.empty()) return Fail(ErrorKind::kBadInput, LineRef(number) + "field before title");
      result.entries.push_back({.title = std::string(title), .line = title_line});
      entry = &result.entries.back();
    }
    std::string_view value = Trim(line.substr(2));
    if (value.empty()) {
      return Fail(ErrorKind::kBadInput,
                  LineRef(number) + "empty " + line[0] + ": value in section " + entry->title);
    }
    AddField(*entry, line[0], value, number, result.warnings);
  }
  return result;
}

bool PatternMatches(std::string_view pattern, std::string_view file) {
  if (pattern.ends_with('/')) {
    pattern.remove_suffix(1);
    size_t dirs = std::count(pattern.begin(), pattern.end(), '/') + 1;
    std::optional<std::string_view> prefix = LeadingDirs(file, dirs);
    return prefix && Glob(pattern, *prefix);
  }
  if (Glob(pattern, file)) return true;
  // get_maintainer.pl appends '/' to a pattern naming a directory on disk; without the tree at
  // hand, a plain name that is a leading directory of the file counts as one.
  return !HasWildcard(pattern) && file.size() > pattern.size() && file.starts_with(pattern) &&
         file[pattern.size()] == '/';
}

Recipients ForFiles(const Maintainers& maintainers, const std::vector<std::string>& files,
                    std::string_view patch) {
  std::vector<const MaintainersEntry*> entries = ApplyingEntries(maintainers, files, patch);
  Recipients r;
  bool subsystem_list = false;
  for (const MaintainersEntry* e : entries) {
    for (const std::string& list : e->lists) subsystem_list = subsystem_list || list != kLkml;
  }
  // Maintainers before lists, as syzbot's recipients read; reviewers and a demoted LKML to Cc.
  std::vector<std::string> cc;
  for (const MaintainersEntry* e : entries) {
    for (const std::string& m : e->maintainers) AddOnce(r.to, m);
    for (const std::string& rev : e->reviewers) AddOnce(cc, rev);
  }
  for (const MaintainersEntry* e : entries) {
    for (const std::string& l : e->lists) AddOnce(l == kLkml && subsystem_list ? cc : r.to, l);
  }
  for (const std::string& address : cc) {
    if (std::find(r.to.begin(), r.to.end(), address) == r.to.end()) AddOnce(r.cc, address);
  }
  return r;
}

}  // namespace culprit::history
