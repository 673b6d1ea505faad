// A simulated world around a history: the planted culprit and the ways bisection goes wrong in
// practice (flaky reproducer, build- and boot-broken stretches, unrelated crashes, infrastructure
// errors, commits whose binary equals their parent's). Builds and runs are cheap and seeded.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "base/outcome.h"
#include "decide/dag.h"
#include "decide/engine.h"

namespace culprit::sim {

/// Inclusive index range; empty when last < first.
struct Range {
  int first = 0;
  int last = -1;
  bool Contains(int i) const { return i >= first && i <= last; }
};

struct WorldSpec {
  decide::Mode mode = decide::Mode::kCause;
  /// Cause: the first crashing commit. Fix: the commit that fixes the crash.
  decide::CommitIndex culprit = 0;
  /// Fix mode: the commit that introduced the crash (ignored in cause mode).
  decide::CommitIndex introduced = 0;
  double crash_p = 1.0;  ///< chance that one run on a crashing commit shows the target crash
  std::vector<Range> build_broken;
  std::vector<Range> boot_broken;
  std::vector<Range> same_binary;   ///< commits whose signature equals their first parent's
  std::vector<Range> infra_broken;  ///< commits whose runs all end in infrastructure errors
  double other_crash_rate = 0;      ///< chance a run shows an unrelated crash instead
  double infra_rate = 0;            ///< chance a run ends in an infrastructure error
  /// Streaks of bad luck: the first `runs` runs on `commit` miss the crash even if it is there.
  struct Streak {
    decide::CommitIndex commit = 0;
    int runs = 0;
  };
  std::vector<Streak> missed_first;
  uint64_t seed = 1;
};

class World {
 public:
  World(const decide::CommitDag& dag, const WorldSpec& spec);

  /// The truth: does the target crash exist at `c`?
  bool Crashes(decide::CommitIndex c) const { return crashes_[static_cast<size_t>(c)]; }
  const std::string& Signature(decide::CommitIndex c) const {
    return signature_[static_cast<size_t>(c)];
  }

  decide::BuildEvidence Build(decide::CommitIndex c);
  Outcome Run(decide::CommitIndex c);

  /// Asks the engine and performs its actions until it concludes (or `max_actions` pass, which
  /// yields an error conclusion). Appends every action to `trace` if given.
  decide::Conclusion Drive(decide::Engine& engine, std::vector<decide::Action>* trace = nullptr,
                           int max_actions = 100000);

  /// The same through Engine::PlanRound with `slots` builds and runs in flight at once: work
  /// finishes in the order it started (first in, first out) and each result is recorded as it
  /// finishes. Cancelled builds are dropped; a conclusion waits for the runs in flight.
  decide::Conclusion DrivePlans(decide::Engine& engine, const decide::Capacity& slots,
                                int max_steps = 100000);

  int builds() const { return builds_; }
  int runs() const { return runs_; }

 private:
  static bool InAny(const std::vector<Range>& ranges, int i);

  const decide::CommitDag& dag_;
  WorldSpec spec_;
  std::vector<uint8_t> crashes_;
  std::vector<std::string> signature_;
  std::vector<int> misses_left_;  // per commit, from spec.missed_first
  std::mt19937_64 rng_;
  int builds_ = 0;
  int runs_ = 0;
};

}  // namespace culprit::sim
