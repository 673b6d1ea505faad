// The seam between the job loop and what is being bisected. A plain project (a build command
// and a test command) and a Linux kernel (kbuild, QEMU VMs, DWARF) differ in their recipes, how
// a run's stage and console log are classified, the signature's name, and what is added to the
// result after the conclusion; everything else in the loop is the same. MakeTarget is the one
// place that looks at the kind of job.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "build/builder.h"
#include "history/history.h"
#include "job/job_config.h"
#include "report/bisection_result.h"
#include "run/runner.h"
#include "store/store.h"

namespace culprit::job {

/// What one finished run says, as the store keeps it (before comparison with the target).
struct ClassifiedRun {
  store::RunStatus status = store::RunStatus::kOk;
  std::string title;  ///< the crash title; for infrastructure errors, what failed
  std::vector<std::string> alt_titles;
  RunStage stage = RunStage::kNone;
  bool truncated = false;
  std::optional<bool> expect_matched;  ///< a failure of a job with --expect: did it match
};

/// What is built for a commit: the commit itself, or a commit culprit made from it in its
/// private object store (fix-ups cherry-picked onto it), with lines for the log saying so.
struct BuildSource {
  std::string commit;   ///< what the build slot checks out
  std::string tree_id;  ///< the tree that is built: the build cache keys on it
  std::vector<std::string> notes;
};

class Target {
 public:
  virtual ~Target() = default;

  /// What to build for `commit_id`. Asked on the loop's thread before every cache lookup and
  /// build (the dispatcher remembers the answer). Default: the commit itself.
  virtual Result<BuildSource> SourceOf(history::Repository& repo, const std::string& commit_id);

  /// Everything that changes what a build produces / what a run does: part of the cache keys,
  /// so that a changed config or reproducer never reuses stale results.
  virtual std::string BuildRecipe() const = 0;
  virtual std::string TestRecipe() const = 0;
  /// The command a BuildSpec and a RunSpec carry ("" where the builder or runner ignores it).
  virtual std::string BuildCommand() const = 0;
  virtual std::string TestCommand() const = 0;
  /// The log's name for a build's fingerprint: "signature" or, for kernels, "kernel signature"
  /// ("tree" for a job without a build).
  virtual std::string_view SignatureLabel() const = 0;
  /// False for a job without a build step: a commit's "build" is its tree id (its signature),
  /// nothing is built, and each run checks the commit out in a run slot's worktree and runs
  /// the test there, as `git bisect run` runs a script in the checkout.
  virtual bool BuildsCommits() const { return true; }

  /// True when runs are processes on this machine in culprit's sandbox (the network setting
  /// applies to them); false for runs inside their own machine (VMs).
  virtual bool SandboxesRuns() const = 0;

  /// The files `build` read, as repository paths or patterns (build/build_inputs.h): what the
  /// compiler's dependency files or kbuild's .cmd files name, plus the build system's files.
  /// nullopt when it cannot be known (no dependency files): then no commit is avoided.
  virtual std::optional<std::vector<std::string>> BuildInputs(const store::BuildRow& build) = 0;

  /// The run's status and title from what the runner said and its console log.
  virtual ClassifiedRun Classify(const run::RunRecord& record, std::string_view log) const = 0;

  /// `report` with what the build knows added (kernels: file:line from vmlinux); unchanged
  /// when there is nothing to add.
  virtual std::string Symbolize(const store::BuildRow& build, const std::string& report) = 0;

  /// After the conclusion, with the target crash's first run and its build: the report as the
  /// result shows it (symbolized, disassembled) and recipients from the tree (MAINTAINERS).
  virtual void AddDetails(const store::RunRow& run, const store::BuildRow& build,
                          history::Repository& repo, report::BisectionResult& result) = 0;

  /// The real builder and runner (tests plug in fakes instead). `state_dir` holds what they
  /// keep between commits (a kernel's initramfs).
  virtual Result<std::unique_ptr<build::Builder>> MakeBuilder(history::Repository& repo) = 0;
  virtual Result<std::unique_ptr<run::Runner>> MakeRunner() = 0;
};

/// The target of `config`: a kernel when it has a [kernel] table, else a plain project.
std::unique_ptr<Target> MakeTarget(const JobConfig& config, const std::filesystem::path& state_dir);

/// Recipients from the MAINTAINERS file of the culprit's tree for the files it touches and the
/// guilty file, added to the result's To/Cc (kernels, and any project with such a file).
void AddMaintainerRecipients(history::Repository& repo, report::BisectionResult& result);

/// A plain project's target (also the one the loop tests use with fake parts).
std::unique_ptr<Target> MakeProgramTarget(const JobConfig& config);

}  // namespace culprit::job
