// Kernel config minimization before bisecting ([kernel] minimize, after syzkaller's
// pkg/kconfig): at the bad commit, the job's config is reduced toward a small baseline config
// while the target crash still shows. First the sanitizers the crash does not need are
// dropped, then the other options that differ from the baseline are bisected as sets (kept
// or reverted to the baseline's value, half a set at a time); every candidate is built with
// olddefconfig, so Kconfig's dependencies decide what a set really turns on, and the config
// actually built is what the next step starts from. At most `minimize_builds` builds; the
// smallest config seen to reproduce wins. Builds and runs go through the dispatcher (stored,
// cached, reused on resume); the result is kept in the state directory and reused on resume.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "base/result.h"
#include "build/builder.h"
#include "history/history.h"
#include "job/job_config.h"
#include "job/target.h"
#include "report/bisection_result.h"
#include "report/progress_log.h"
#include "run/runner.h"
#include "store/store.h"

namespace culprit::job {

struct MinimizeParts {
  history::Repository& repo;
  std::vector<history::Worktree*> worktrees;
  run::Runner& runner;
  store::Store& store;
  report::ProgressLog& log;
  /// The builder of a target with another config (the executor's, around the target's own).
  std::function<Result<std::unique_ptr<build::Builder>>(Target&)> make_builder;
  /// The target of the job with another config; empty: MakeTarget (tests plug in fakes).
  std::function<std::unique_ptr<Target>(const JobConfig&)> make_target = {};
};

/// Minimizes the config of `config` (a kernel job with minimize set) at its bad commit. The
/// result's `path` is the config to bisect with; `fell_back` when there is none (the job's
/// own config did not reproduce, so the bisection uses it and says so). A result stored by an
/// earlier run of the job is returned as it is.
Result<report::BisectionResult::MinimizedConfig> MinimizeKernelConfig(
    const JobConfig& config, int64_t job_id, const std::filesystem::path& state_dir,
    MinimizeParts parts);

/// The bisection of `config` with the minimized config (`minimized`, when there is one that
/// reproduced), and again with the job's own config if the minimized one stops reproducing at
/// the bad commit: minimization never makes the answer wrong. Then `minimized` says it fell
/// back and the log says why. `bisect` runs one bisection with the config it is given; the
/// result carries `minimized`.
Result<report::BisectionResult> BisectWithMinimizedConfig(
    const JobConfig& config, std::optional<report::BisectionResult::MinimizedConfig> minimized,
    const std::function<Result<report::BisectionResult>(const JobConfig&)>& bisect,
    report::ProgressLog& log);

/// The options of `candidates` that must stay for `reproduces` to hold, given that all of
/// them together reproduce (syzkaller's bisection over option sets): a set that reproduces
/// with half of it kept narrows to that half; else both halves are searched, each with what
/// the other needs kept. `reproduces` may answer false for "unknown" (over budget): the
/// options then stay. Order is kept.
std::vector<std::string> NeededOptions(
    const std::vector<std::string>& candidates,
    const std::function<bool(const std::vector<std::string>& kept)>& reproduces);

}  // namespace culprit::job
