// Target's defaults.
#include "job/target.h"

namespace culprit::job {

Result<BuildSource> Target::SourceOf(history::Repository& repo, const std::string& commit_id) {
  auto info = repo.Commit(commit_id);
  if (!info) return tl::unexpected(info.error());
  return BuildSource{.commit = commit_id, .tree_id = info->tree_id, .notes = {}};
}

}  // namespace culprit::job
