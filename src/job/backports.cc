#include "job/backports.h"

#include "base/strings.h"

namespace culprit::job {

Result<std::vector<ResolvedBackport>> ResolveBackports(history::Repository& repo,
                                                       const std::vector<Backport>& backports) {
  std::vector<ResolvedBackport> out;
  for (size_t i = 0; i < backports.size(); ++i) {
    const Backport& b = backports[i];
    const std::string entry = "[kernel] backports[" + std::to_string(i) + "]";
    auto guilty = repo.Resolve(b.guilty);
    if (!guilty) return Fail(ErrorKind::kBadInput, entry + ": guilty: " + guilty.error().message);
    auto fix = repo.Resolve(b.fix);
    if (!fix) return Fail(ErrorKind::kBadInput, entry + ": fix: " + fix.error().message);
    out.push_back({*guilty, *fix});
  }
  return out;
}

Result<std::vector<ResolvedBackport>> MissingFixups(history::Repository& repo,
                                                    const std::string& commit_id,
                                                    const std::vector<ResolvedBackport>& all) {
  std::vector<ResolvedBackport> out;
  for (const ResolvedBackport& b : all) {
    auto has_guilty = repo.IsAncestor(b.guilty, commit_id);
    if (!has_guilty) return tl::unexpected(has_guilty.error());
    if (!*has_guilty) continue;
    auto has_fix = repo.IsAncestor(b.fix, commit_id);
    if (!has_fix) return tl::unexpected(has_fix.error());
    if (!*has_fix) out.push_back(b);
  }
  return out;
}

Result<BuildSource> SourceWithFixups(history::Repository& repo, const std::string& commit_id,
                                     const std::vector<ResolvedBackport>& all) {
  auto info = repo.Commit(commit_id);
  if (!info) return tl::unexpected(info.error());
  BuildSource source{.commit = commit_id, .tree_id = info->tree_id, .notes = {}};
  auto missing = MissingFixups(repo, commit_id, all);
  if (!missing) return tl::unexpected(missing.error());
  if (missing->empty()) return source;
  std::vector<history::TreeEdit> edits;
  for (const ResolvedBackport& b : *missing)
    edits.push_back({.kind = history::TreeEdit::Kind::kCherryPick, .commit = b.fix});
  auto edited = repo.EditTree(commit_id, edits);
  if (!edited) return Wrap(edited.error(), "applying fix-ups to " + ShortHash(commit_id));
  source.commit = edited->commit_id;
  source.tree_id = edited->tree_id;
  // One note per fix-up, in the job's order.
  for (const ResolvedBackport& b : *missing) {
    const std::string what = ShortHash(b.fix) + " (fixes " + ShortHash(b.guilty) + ")";
    std::string note = "applied fix-up " + what;
    for (const auto& failed : edited->failed) {
      if (failed.commit != b.fix) continue;
      note = "fix-up " + what + " does not apply (" + failed.reason + "): tested without it";
    }
    source.notes.push_back(std::move(note));
  }
  return source;
}

}  // namespace culprit::job
