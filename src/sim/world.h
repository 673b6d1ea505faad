// A simulated world around a history: the planted culprit and the ways bisection goes wrong in
// practice (flaky reproducer, build- and boot-broken stretches, unrelated crashes, infrastructure
// errors, commits whose binary equals their parent's). Builds and runs are cheap and seeded.
#pragma once

#include <cstdint>
#include <functional>
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
  std::vector<Range> same_binary;  ///< commits whose signature equals their first parent's
  /// Commits that change no input of the build: the same program as their first parent (as
  /// same_binary), and what the pipeline would tell the engine (EngineOptions::avoidable).
  std::vector<Range> no_input;
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
  /// The predicate cannot tell an unrelated failure from the target (`--verdict exit` without
  /// `--expect`: any failing exit status counts): it is recorded as the target crash.
  bool unrelated_look_like_target = false;
};

/// Resources and durations of the wall-time model (World::DriveTimed).
struct TimeModel {
  int vms = 10;                ///< runs at once (V)
  int builders = 1;            ///< builds at once (M)
  double build_minutes = 6.6;  ///< one build (B)
  double run_minutes = 7.5;    ///< one run on one VM (T)
};

struct Timed {
  decide::Conclusion conclusion;
  double minutes = 0;  ///< wall time until the conclusion
  /// Plan-and-wait cycles that started runs: a run takes T, so the runs of one round end
  /// together; syzbot's 20-run test is two rounds at V = 10.
  int rounds = 0;
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
  /// The record of an avoided build (no build counted): the commit's program is its first
  /// parent's.
  decide::BuildEvidence Avoided(decide::CommitIndex c);
  Outcome Run(decide::CommitIndex c);
  /// Per commit, 1 if it is in spec.no_input (for EngineOptions::avoidable).
  std::vector<uint8_t> Avoidable() const;

  /// Asks the engine and performs its actions until it concludes (or `max_actions` pass, which
  /// yields an error conclusion). Appends every action to `trace` if given.
  decide::Conclusion Drive(decide::Engine& engine, std::vector<decide::Action>* trace = nullptr,
                           int max_actions = 100000);

  /// The same through Engine::PlanRound with `slots` builds and runs in flight at once: work
  /// finishes in the order it started (first in, first out) and each result is recorded as it
  /// finishes. Cancelled builds are dropped; a conclusion waits for the runs in flight.
  decide::Conclusion DrivePlans(decide::Engine& engine, const decide::Capacity& slots,
                                int max_steps = 100000);

  /// The same, event-driven in wall time: builds take B, at most M at once; a run takes T on
  /// one of V VMs; the engine is asked for a plan (PlanRound) whenever something finishes, with
  /// everything that finished at that moment recorded first. Cancelled work frees its slot at
  /// once and is counted (builds(), runs()) since it was started. `trace`, if given, sees every
  /// plan with the time it was made.
  Timed DriveTimed(decide::Engine& engine, const TimeModel& time,
                   const std::function<void(double, const decide::Plan&)>& trace = nullptr,
                   int max_plans = 100000);

  /// Real builds and runs started (avoided builds are not builds).
  int builds() const { return builds_; }
  int runs() const { return runs_; }
  int avoided() const { return avoided_; }

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
  int avoided_ = 0;
};

}  // namespace culprit::sim
