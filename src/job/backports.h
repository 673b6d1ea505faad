// Fix-ups applied only where they are missing (syzbot's backports): a job lists fix commits,
// each with the commit that broke the build or the boot. A tested commit that contains the
// guilty commit but not its fix is built with the fix cherry-picked onto it, in culprit's
// private object store (never the user's repository). A fix that does not apply is noted and
// the commit is built without it. Used by the kernel target's Target::SourceOf.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "history/history.h"
#include "job/job_config.h"
#include "job/target.h"

namespace culprit::job {

/// A backport with its revisions resolved to full commit ids.
struct ResolvedBackport {
  std::string guilty;
  std::string fix;
};

/// Resolves every entry; an unknown revision is a kBadInput error naming the entry.
Result<std::vector<ResolvedBackport>> ResolveBackports(history::Repository& repo,
                                                       const std::vector<Backport>& backports);

/// The entries `commit_id` needs: it contains the guilty commit and not the fix, in order.
Result<std::vector<ResolvedBackport>> MissingFixups(history::Repository& repo,
                                                    const std::string& commit_id,
                                                    const std::vector<ResolvedBackport>& all);

/// What to build for `commit_id`: the commit itself when it needs no fix-up, else a commit in
/// the private store with the missing fixes cherry-picked, and one note per fix-up: "applied
/// fix-up H2 (fixes H)", or "fix-up H2 (fixes H) does not apply (REASON): tested without it".
Result<BuildSource> SourceWithFixups(history::Repository& repo, const std::string& commit_id,
                                     const std::vector<ResolvedBackport>& all);

}  // namespace culprit::job
