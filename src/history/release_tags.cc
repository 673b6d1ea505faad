// Release tags: parsing kernel-style version names and listing the ones a repository has.
#include <algorithm>
#include <climits>
#include <string_view>
#include <tuple>

#include "base/strings.h"
#include "history/git_internal.h"
#include "history/history.h"

namespace culprit::history {
namespace {

/// Consumes a decimal number without a leading zero (other than "0" itself) from the front of
/// `s`. Numbers are capped at 6 digits so they fit an int.
bool ConsumeNumber(std::string_view& s, int* out) {
  size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  if (n == 0 || n > 6 || (n > 1 && s[0] == '0')) return false;
  *out = 0;
  for (size_t i = 0; i < n; ++i) *out = *out * 10 + (s[i] - '0');
  s.remove_prefix(n);
  return true;
}

bool ConsumeLiteral(std::string_view& s, std::string_view literal) {
  if (!StartsWith(s, literal)) return false;
  s.remove_prefix(literal.size());
  return true;
}

}  // namespace

// Accepts vX.Y, vX.Y.Z, vX.Y-rcN and, for the 2.6 era of the kernel, vX.Y.Z-rcN.
std::optional<ReleaseTag> ParseReleaseTag(const std::string& name) {
  std::string_view s = name;
  ReleaseTag tag;
  tag.name = name;
  if (!ConsumeLiteral(s, "v") || !ConsumeNumber(s, &tag.major) || !ConsumeLiteral(s, ".") ||
      !ConsumeNumber(s, &tag.minor)) {
    return std::nullopt;
  }
  if (ConsumeLiteral(s, ".") && !ConsumeNumber(s, &tag.patch)) return std::nullopt;
  if (ConsumeLiteral(s, "-rc") && (!ConsumeNumber(s, &tag.rc) || tag.rc == 0)) return std::nullopt;
  if (!s.empty()) return std::nullopt;
  return tag;
}

bool ReleaseLess(const ReleaseTag& a, const ReleaseTag& b) {
  auto key = [](const ReleaseTag& t) { return std::tie(t.major, t.minor, t.patch); };
  if (key(a) != key(b)) return key(a) < key(b);
  int a_rc = a.rc == 0 ? INT_MAX : a.rc;
  int b_rc = b.rc == 0 ? INT_MAX : b.rc;
  if (a_rc != b_rc) return a_rc < b_rc;
  return a.name < b.name;
}

namespace {

struct TagScan {
  git_repository* repo;
  std::vector<ReleaseTag> releases;
};

int CollectRelease(const char* ref_name, git_oid* target, void* payload) {
  auto* scan = static_cast<TagScan*>(payload);
  std::string_view name = ref_name;
  if (!ConsumeLiteral(name, "refs/tags/")) return 0;
  std::optional<ReleaseTag> tag = ParseReleaseTag(std::string(name));
  if (!tag) return 0;
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, scan->repo, target, GIT_OBJECT_ANY) < 0) return 0;
  ObjectPtr object(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0) return 0;
  ObjectPtr commit(peeled);
  tag->commit = ToHex(*git_object_id(commit.get()));
  scan->releases.push_back(std::move(*tag));
  return 0;
}

}  // namespace

Result<std::vector<ReleaseTag>> ListReleases(git_repository* repo) {
  TagScan scan{.repo = repo, .releases = {}};
  int rc = git_tag_foreach(repo, CollectRelease, &scan);
  if (rc < 0 && rc != GIT_ENOTFOUND)
    return Fail(ErrorKind::kCorrupt, "listing tags: " + GitErrorText());
  std::stable_sort(scan.releases.begin(), scan.releases.end(), ReleaseLess);
  return std::move(scan.releases);
}

}  // namespace culprit::history
