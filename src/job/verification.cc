#include "job/verification.h"

#include <thread>

#include "base/strings.h"
#include "decide/verification.h"

namespace culprit::job {
namespace {

// The edited commit's index in the dispatcher: it is not in the bisection's graph.
constexpr decide::CommitIndex kEdited = -2;
constexpr std::chrono::milliseconds kTick{200};

class Verifier {
 public:
  Verifier(const JobConfig& config, int64_t job_id, Parts parts, Dispatcher& dispatch,
           InfraPolicy& infra, const VerificationInput& input)
      : config_(config),
        job_id_(job_id),
        parts_(parts),
        dispatch_(dispatch),
        infra_(infra),
        in_(input),
        fix_(input.mode == decide::Mode::kFix) {
    for (const store::RunRow& row : in_.bad_runs) Count(row, &bad_);
    v_.bisection_confidence = in_.confidence;
  }

  Result<report::Verification> Run();

 private:
  struct Tally {
    decide::RunTally decisive;
    int untestable = 0;
    int other = 0;
    int all = 0;
  };

  // "reverting H on B" / "cherry-picking H onto B"; "with H reverted" / "with H applied".
  std::string Doing() const {
    return (fix_ ? "cherry-picking " : "reverting ") + ShortHash(in_.culprit_id) +
           (fix_ ? " onto " : " on ") + ShortHash(in_.bad_id);
  }
  std::string With() const {
    return "with " + ShortHash(in_.culprit_id) + (fix_ ? " applied" : " reverted");
  }
  std::string Counts() const {
    return std::to_string(tally_.decisive.crashes) + "/" + std::to_string(tally_.decisive.total()) +
           " runs crashed";
  }

  report::Verification Conclude(report::VerificationOutcome outcome, std::string detail) {
    v_.outcome = outcome;
    v_.detail = std::move(detail);
    v_.runs = tally_.decisive.total();
    v_.crashes = tally_.decisive.crashes;
    if (outcome == report::VerificationOutcome::kNotApplicable) {
      v_.bayes_factor = 1;
      parts_.log.Note("verification not applicable: " + v_.detail);
    }
    return v_;
  }

  void Count(const store::RunRow& row, Tally* t) const {
    ++t->all;
    switch (ToOutcome(row, in_.target)) {
      case Outcome::kTargetCrash:
        ++t->decisive.crashes;
        break;
      case Outcome::kOk:
        ++t->decisive.clean;
        break;
      case Outcome::kUntestable:
        ++t->untestable;
        break;
      case Outcome::kOtherCrash:
        ++t->other;
        break;
      case Outcome::kInfraError:
        break;
    }
  }
  void Count(const store::RunRow& row, decide::RunTally* t) const {
    Tally all;
    Count(row, &all);
    t->crashes += all.decisive.crashes;
    t->clean += all.decisive.clean;
  }

  bool Interrupted(std::string_view point) const {
    return parts_.interrupted && parts_.interrupted(point);
  }
  Result<std::optional<history::EditedTree>> Edit();
  Result<store::BuildRow> Build(const std::string& commit_id);
  Result<decide::VerificationCall> RunUntilDecided(const store::BuildRow& build);
  Result<void> Record(store::RunRow row, bool replayed);
  void Flush();

  const JobConfig& config_;
  int64_t job_id_;
  Parts parts_;
  Dispatcher& dispatch_;
  InfraPolicy& infra_;
  const VerificationInput& in_;
  const bool fix_;
  decide::RunTally bad_;
  Tally tally_;
  std::vector<store::RunRow> unprinted_;
  report::Verification v_;
};

// The edited commit, or nullopt when the edit does not apply (v_ then says why).
Result<std::optional<history::EditedTree>> Verifier::Edit() {
  history::TreeEdit edit{
      .kind = fix_ ? history::TreeEdit::Kind::kCherryPick : history::TreeEdit::Kind::kRevert,
      .commit = in_.culprit_id,
      .mainline = in_.merge ? 1 : 0};
  auto edited = parts_.repo.EditTree(in_.bad_id, {edit});
  if (!edited) {
    const ErrorKind kind = edited.error().kind;
    if (kind != ErrorKind::kBadInput && kind != ErrorKind::kNotFound)
      return Wrap(edited.error(), Doing());
    Conclude(report::VerificationOutcome::kNotApplicable,
             Doing() + " is not possible: " + edited.error().message);
    return std::optional<history::EditedTree>();
  }
  if (!edited->failed.empty()) {
    const history::EditedTree::Failed& f = edited->failed.front();
    std::string detail = Doing() + (f.reason.empty() ? " fails" : ": " + f.reason);
    if (!f.conflicts.empty()) detail += " (" + Join(f.conflicts, ", ") + ")";
    Conclude(report::VerificationOutcome::kNotApplicable, detail);
    return std::optional<history::EditedTree>();
  }
  v_.commit = edited->commit_id;
  if (auto ok = parts_.store.PutDecision(
          job_id_, "verify " + edited->commit_id + " tree " + edited->tree_id);
      !ok)
    return tl::unexpected(ok.error());
  return std::optional<history::EditedTree>(*edited);
}

// The edited commit's build: from the store by tree id, or built in a free slot.
Result<store::BuildRow> Verifier::Build(const std::string& commit_id) {
  auto cached = dispatch_.CachedBuild(commit_id);
  if (!cached) return tl::unexpected(cached.error());
  parts_.log.TestingCommit(commit_id);
  std::optional<store::BuildRow> build = *cached;
  if (!build) {
    parts_.log.Status("building " + ShortHash(commit_id) + " ...");
    if (auto ok = dispatch_.StartBuild(kEdited, commit_id); !ok) return tl::unexpected(ok.error());
    while (!build) {
      auto done = dispatch_.Wait(kTick);
      if (!done) return tl::unexpected(done.error());
      if (!*done || (*done)->cancelled || (*done)->kind != Finished::Kind::kBuild) continue;
      if (Interrupted("stored")) return Fail(ErrorKind::kInterrupted, "interrupted");
      build = (*done)->build;
    }
  }
  parts_.log.BuildResult(build->ok, build->signature, build->log_path,
                         cached->has_value() && parts_.target.BuildsCommits(), build->compiler,
                         std::string(parts_.target.SignatureLabel()));
  return *build;
}

Result<void> Verifier::Record(store::RunRow row, bool replayed) {
  if (!replayed) {
    std::string tail;
    if (row.status == store::RunStatus::kInfra) {
      tail = LogTail(ReadBounded(row.log_path, 64 << 10), 3);
    }
    infra_.Record(row, tail);
  }
  Count(row, &tally_);
  unprinted_.push_back(std::move(row));
  return {};
}

void Verifier::Flush() {
  if (unprinted_.empty() || dispatch_.runs_in_flight() > 0) return;
  std::sort(unprinted_.begin(), unprinted_.end(),
            [](const store::RunRow& a, const store::RunRow& b) { return a.index < b.index; });
  std::vector<std::string> lines;
  std::vector<int> indices;
  for (const store::RunRow& r : unprinted_) {
    lines.push_back(Describe(r));
    indices.push_back(r.index);
  }
  unprinted_.clear();
  parts_.log.RunResults(lines, indices);
}

// Runs the edited commit until the rule calls it (runs in flight are always waited for: the
// slow ones are the crashes). kUndecided also when the tree cannot be tested.
Result<decide::VerificationCall> Verifier::RunUntilDecided(const store::BuildRow& build) {
  auto stored = parts_.store.FindRuns(build.key, dispatch_.test_key());
  if (!stored) return tl::unexpected(stored.error());
  if (!stored->empty()) {
    parts_.log.Note("reusing " + std::to_string(stored->size()) + " stored runs");
    for (store::RunRow& row : *stored) {
      if (auto ok = Record(std::move(row), /*replayed=*/true); !ok)
        return tl::unexpected(ok.error());
    }
    Flush();
  }
  const int jobs = std::max(1, EffectiveJobs(config_));
  const decide::VerificationOptions options{
      .confidence_target = config_.confidence, .batch = jobs, .accident_rate = in_.accident_rate};
  for (;;) {
    const decide::VerificationDecision d =
        decide::DecideVerification(bad_, tally_.decisive, options);
    // As the bisection judges a commit: built but never running the reproducer is untestable.
    const bool untestable = tally_.untestable >= 2 && tally_.decisive.total() == 0;
    const int cap = 2 * std::max(decide::kMinVerificationRuns, 3 * bad_.total());
    const bool done =
        d.call != decide::VerificationCall::kRunMore || untestable || tally_.all >= cap;
    v_.bayes_factor = d.bayes_factor;
    if (done && dispatch_.runs_in_flight() == 0) {
      return untestable || d.call == decide::VerificationCall::kRunMore
                 ? decide::VerificationCall::kUndecided
                 : d.call;
    }
    if (Interrupted("plan")) return Fail(ErrorKind::kInterrupted, "interrupted");
    if (auto give_up = infra_.GiveUp()) return Fail(ErrorKind::kInfra, *give_up);
    const bool holding = InfraPolicy::Clock::now() < infra_.hold_until();
    const int free = holding ? 0 : std::max(0, jobs - dispatch_.runs_in_flight());
    const int want = done ? 0 : d.runs - dispatch_.runs_in_flight();
    if (const int start = std::min(free, want); start > 0) {
      if (auto ok = dispatch_.StartRuns(kEdited, v_.commit, build, start); !ok)
        return tl::unexpected(ok.error());
    }
    if (dispatch_.pending() == 0) {
      std::this_thread::sleep_for(std::min<InfraPolicy::Clock::duration>(
          infra_.hold_until() - InfraPolicy::Clock::now(), std::chrono::seconds(1)));
      continue;
    }
    parts_.log.Status("verifying " + ShortHash(v_.commit) + ": " + Counts() + ", " +
                      std::to_string(dispatch_.runs_in_flight()) + " in flight");
    auto finished = dispatch_.Wait(kTick);
    if (!finished) return tl::unexpected(finished.error());
    if (!*finished || (*finished)->cancelled || (*finished)->kind != Finished::Kind::kRun) continue;
    // Stored, not yet used: stopping here loses nothing.
    if (Interrupted("stored")) return Fail(ErrorKind::kInterrupted, "interrupted");
    if (auto ok = Record((*finished)->run, /*replayed=*/false); !ok)
      return tl::unexpected(ok.error());
    Flush();
  }
}

Result<report::Verification> Verifier::Run() {
  if (!in_.release.empty()) {
    return Conclude(report::VerificationOutcome::kNotApplicable,
                    "the " + std::string(fix_ ? "fix" : "culprit") + " is the release " +
                        in_.release + ": a release is not one change to " +
                        (fix_ ? "apply" : "revert"));
  }
  parts_.log.Note("verifying: " + Doing());
  auto edited = Edit();
  if (!edited) return tl::unexpected(edited.error());
  if (!*edited) return v_;
  auto build = Build((*edited)->commit_id);
  if (!build) return tl::unexpected(build.error());
  if (!build->ok) {
    return Conclude(report::VerificationOutcome::kNotApplicable,
                    "the tree " + With() + " does not build (see " + build->log_path + ")");
  }
  auto call = RunUntilDecided(*build);
  if (!call) return tl::unexpected(call.error());
  parts_.log.ClearStatus();
  switch (*call) {
    case decide::VerificationCall::kGone:
      parts_.log.Note("verified: crash gone " + With() + " (" + Counts() + ")");
      return Conclude(
          report::VerificationOutcome::kConfirmed,
          "the crash is gone " + With() + " on " + ShortHash(in_.bad_id) + " (" + Counts() + ")");
    case decide::VerificationCall::kStill: {
      std::string detail = "the crash is still there " + With() + " on " + ShortHash(in_.bad_id) +
                           " (" + Counts() + "): the answer is suspect";
      parts_.log.Note("verification refuted: " + detail);
      return Conclude(report::VerificationOutcome::kRefuted, detail);
    }
    case decide::VerificationCall::kRunMore:
    case decide::VerificationCall::kUndecided:
      break;
  }
  if (tally_.decisive.total() == 0) {
    return Conclude(report::VerificationOutcome::kNotApplicable,
                    "the tree " + With() + " cannot be tested (" +
                        std::to_string(tally_.untestable) + " untestable runs, " +
                        std::to_string(tally_.other) + " other crashes)");
  }
  return Conclude(
      report::VerificationOutcome::kNotApplicable,
      "the runs " + With() + " could not tell the crash gone from still there (" + Counts() + ")");
}

}  // namespace

Result<report::Verification> VerifyCulprit(const JobConfig& config, int64_t job_id, Parts parts,
                                           Dispatcher& dispatch, InfraPolicy& infra,
                                           const VerificationInput& input) {
  Verifier verifier(config, job_id, parts, dispatch, infra, input);
  return verifier.Run();
}

}  // namespace culprit::job
