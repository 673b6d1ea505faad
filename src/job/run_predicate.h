// What makes a run fail, from the job's --verdict, --expect and --infra-exit: the part of run
// classification (run_classifier.h) that the user chooses. Private to job/.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "job/job_config.h"

namespace re2 {
class RE2;
}

namespace culprit::job {

class RunPredicate {
 public:
  /// --verdict crash, no --expect, infrastructure exit 126: today's crash bisection.
  RunPredicate() = default;
  /// The predicate of `config`; kBadInput naming --expect if it is not a valid RE2 pattern.
  static Result<RunPredicate> Make(const JobConfig& config);

  Predicate verdict() const { return verdict_; }
  /// The exit status that means "infrastructure error", -1 for none.
  int infra_exit() const { return infra_exit_; }
  bool has_expect() const { return expect_ != nullptr; }
  const std::string& expect_text() const { return expect_text_; }
  /// True if the output holds a match of --expect (true without --expect).
  bool Matches(std::string_view log) const;
  /// True when the predicate, not the crash's title, says which failures are the target:
  /// --verdict exit (every failing run) or --expect (every failure that matches).
  bool DefinesTarget() const { return verdict_ == Predicate::kExit || has_expect(); }
  /// What changes classification, for the test's cache key: "" for the default predicate, so
  /// that runs stored before predicates existed are still found.
  std::string Recipe() const;

 private:
  Predicate verdict_ = Predicate::kCrash;
  int infra_exit_ = 126;
  std::string expect_text_;
  std::shared_ptr<const re2::RE2> expect_;
};

}  // namespace culprit::job
