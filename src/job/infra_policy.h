// When to give up on infrastructure errors (a run culprit could not start, a VM that would not
// come up): they are retried with backoff and are never evidence; a job stops only after
// sustained failure. Shared by the bisection loop and revert verification. Private to job/.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "store/store.h"

namespace culprit::job {

/// Infrastructure errors: retried with backoff, never evidence; the job stops only after
/// sustained failure (both enough attempts and enough time).
class InfraPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  InfraPolicy(int attempts, double patience_s)
      : attempts_(std::max(1, attempts)), patience_(std::max(0.0, patience_s)) {}

  void Record(const store::RunRow& row, std::string_view log_tail) {
    if (row.status != store::RunStatus::kInfra) {
      consecutive_ = 0;
      return;
    }
    const Clock::time_point now = Clock::now();
    if (consecutive_++ == 0) streak_start_ = now;
    last_ = row.title;
    if (!log_tail.empty()) last_ += "; its output ended with: " + std::string(log_tail);
    // 1 s, 2 s, 4 s ... at most a minute, and at most a tenth of the patience.
    double wait =
        std::min({std::ldexp(1.0, std::min(consecutive_ - 1, 10)), 60.0, patience_.count() / 10});
    hold_until_ = now + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(std::max(0.0, wait)));
  }

  /// Runs must not start before this (backoff after an infrastructure error).
  Clock::time_point hold_until() const {
    return consecutive_ > 0 ? hold_until_ : Clock::time_point();
  }

  std::optional<std::string> GiveUp() const {
    if (consecutive_ < attempts_ || Clock::now() - streak_start_ < patience_) return std::nullopt;
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - streak_start_).count();
    return std::to_string(consecutive_) + " runs in a row failed to start over " +
           std::to_string(seconds) + " s (last: " + (last_.empty() ? "no message" : last_) +
           "); check the test command and the machine";
  }

 private:
  int attempts_;
  std::chrono::duration<double> patience_;
  int consecutive_ = 0;
  Clock::time_point streak_start_;
  Clock::time_point hold_until_;
  std::string last_;
};

/// The last few lines of a log, on one line.
inline std::string LogTail(const std::string& text, size_t lines) {
  std::vector<std::string_view> all = SplitLines(text);
  while (!all.empty() && Trim(all.back()).empty()) all.pop_back();
  size_t from = all.size() > lines ? all.size() - lines : 0;
  std::string out;
  for (size_t i = from; i < all.size(); ++i) {
    if (!out.empty()) out += " | ";
    out += std::string(Trim(all[i]));
  }
  return out.size() > 400 ? out.substr(out.size() - 400) : out;
}

}  // namespace culprit::job
