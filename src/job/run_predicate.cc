#include "job/run_predicate.h"

#include <re2/re2.h>

#include "job/config_values.h"

namespace culprit::job {

Result<RunPredicate> RunPredicate::Make(const JobConfig& config) {
  RunPredicate p;
  p.verdict_ = config.verdict;
  p.infra_exit_ = InfraExit(config);
  p.expect_text_ = config.expect;
  if (!config.expect.empty()) {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_shared<const re2::RE2>(config.expect, options);
    if (!re->ok())
      return Fail(ErrorKind::kBadInput,
                  "--expect " + value::Quote(config.expect) +
                      " is not a valid RE2 regular expression: " + re->error());
    p.expect_ = std::move(re);
  }
  return p;
}

bool RunPredicate::Matches(std::string_view log) const {
  return !expect_ || RE2::PartialMatch(log, *expect_);
}

std::string RunPredicate::Recipe() const {
  if (verdict_ == Predicate::kCrash && !expect_ && infra_exit_ == 126) return "";
  return "\nverdict=" + std::string(PredicateName(verdict_)) +
         "\ninfra_exit=" + std::to_string(infra_exit_) + "\nexpect=" + expect_text_;
}

}  // namespace culprit::job
