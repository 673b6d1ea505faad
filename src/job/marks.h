// The verdicts a human gave (--mark REV=good|bad|skip, --skip A..B) resolved against the
// bisection's graph: the engine's Problem::marks (evidence, see decide::Mark) and what the log
// and the reports say about them. Part of the job's question, so a resumed job replays them.
// Private to job/.
#pragma once

#include <vector>

#include "base/result.h"
#include "decide/dag.h"
#include "decide/engine.h"
#include "history/history.h"
#include "job/job_config.h"
#include "report/bisection_result.h"

namespace culprit::job {

struct ResolvedMarks {
  std::vector<decide::Mark> marks;           ///< one per marked commit
  std::vector<report::MarkInfo> shown;       ///< one per --mark and per --skip range
  std::vector<decide::CommitIndex> commits;  ///< per `shown` entry, its (first) commit
};

/// Resolves `config`'s marks in `dag`. A --mark outside the searched range, or on --bad or a
/// --good commit, is a kBadInput error naming it; a --skip range keeps only its commits inside
/// the range other than the ends and the commits --mark names, and must keep one.
Result<ResolvedMarks> ResolveMarks(const JobConfig& config, history::Repository& repo,
                                   const decide::CommitDag& dag, const decide::Problem& problem);

}  // namespace culprit::job
