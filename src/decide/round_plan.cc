#include "decide/round_plan.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "decide/round_model.h"

namespace culprit::decide {
namespace {

// A run starts now only if it tells at least this share of the capacity of one run, C(p) bits
// at the expected crash rate p (one commit at a time, bayes gets about half of it per run over
// a whole search: docs/LOWER-BOUND.md); otherwise the VM waits for results that will make
// better questions, and the runs stay few.
constexpr double kWorthRunning = 0.25;
// A build starts only if it adds at least this share of the expected best next test, divided
// by the number of build slots: a build chosen on a guess holds one slot for a whole build
// time, which with one builder delays every other build (measured, kernel N = 1024, seed 11:
// 0.3 cut M = 1's wall time 3-8% against 0.1; with M = 4, 0.1 was 18% faster than 0.3).
constexpr double kWorthBuilding = 0.3;
// A build chosen on a guess (speculative) is not started while a run's result is due within
// this share of a build time, times the bits one run tells (1 at p = 1): the build would hold
// its slot a whole build time for a choice that result may change, and waiting costs at most
// that share. Measured (`culprit simulate --history kernel --n 1024 --vms 10 --build-minutes
// 6.6 --run-minutes 7.5`, 200 trials, seed 1): at p = 1, wall time -11% with one builder and
// -10% with four, builds -17% and -18%; at p <= 0.5 a run tells little and nothing changes
// (unscaled by the bits, wall time rose 1% there). Shares of 0.2 and 0.5 gave the same.
constexpr double kWaitForResult = 0.25;
constexpr double kDecided = 1e-5;
constexpr int kMaxRunCandidates = 16;
constexpr int kOutcomes = 16;
constexpr double kCoverage = 0.95;
constexpr int kRunSteps[] = {1, 2, 4, 8};

using Test = RoundModel::Test;

class RoundPlanner {
 public:
  explicit RoundPlanner(const RoundInputs& in)
      : in_(in), model_(in.ctx.dag, in.ctx.problem.mode, in.post) {
    in.post.MassByCommit(&w_);
    in.ctx.mass.Compute(w_, &m_);
    for (CommitIndex c : in.post.hyps()) candidates_.push_back(c);
    for (CommitIndex c : in.range.olds) candidates_.push_back(c);
    std::sort(candidates_.begin(), candidates_.end());
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
  }

  Plan Make() {
    Plan plan;
    Cancel(&plan);
    PlanRuns(&plan);
    PlanBuilds(&plan);
    return plan;
  }

 private:
  double U(CommitIndex c, const std::vector<double>& m, double outside, double not_rep) const {
    const double x = m[static_cast<size_t>(c)];
    const double u = in_.ctx.problem.mode == Mode::kCause ? x + outside : 1.0 - x - not_rep;
    return std::clamp(u, 0.0, 1.0);
  }
  double U(CommitIndex c) const {
    return U(c, m_, in_.post.outside(), in_.post.not_reproducible());
  }
  double ExpectedP() const {
    double p = 0;
    for (size_t g = 0; g < Posterior::kGrid; ++g)
      p += in_.post.p_marginal()[g] * in_.post.grid()[g];
    return p;
  }
  // Bits one run can tell at crash rate p: the Z-channel's capacity.
  static double Capacity(double p) {
    return p >= 1 ? 1.0 : std::log2(1 + p * std::pow(1 - p, (1 - p) / p));
  }
  bool Decided(CommitIndex c) const {
    const double u = U(c);
    return u < kDecided || u > 1 - kDecided;
  }
  bool IsEnd(CommitIndex c) const {
    return c == in_.range.newest ||
           std::find(in_.range.olds.begin(), in_.range.olds.end(), c) != in_.range.olds.end();
  }
  bool Cancelled(const Plan& plan, CommitIndex c) const {
    return std::find(plan.cancel.begin(), plan.cancel.end(), c) != plan.cancel.end();
  }
  // Can be run now: built (or avoided) and testable, or free through avoidance.
  bool Runnable(CommitIndex c) const {
    const CommitEvidence& e = in_.ev.at(c);
    if (e.Untestable()) return false;
    return e.built() || ProgramKnown(in_.ctx, in_.ev, c);
  }

  void Cancel(Plan* plan) const {
    for (const InFlight::Runs& r : in_.busy.runs) {
      if (!IsEnd(r.commit) && Decided(r.commit) && !Cancelled(*plan, r.commit)) {
        plan->cancel.push_back(r.commit);
      }
    }
    for (CommitIndex b : in_.busy.builds) {
      if (!IsEnd(b) && Decided(b) && !Cancelled(*plan, b)) plan->cancel.push_back(b);
    }
  }

  static void Add(std::vector<Test>* tests, int column, int runs) {
    for (Test& t : *tests) {
      if (t.column == column) {
        t.runs += runs;
        return;
      }
    }
    tests->push_back({column, runs});
  }

  void PlanRuns(Plan* plan) {
    for (const InFlight::Runs& r : in_.busy.runs) {
      if (Cancelled(*plan, r.commit)) continue;
      const int col = model_.Column(r.commit);
      if (col >= 0) Add(&pending_, col, r.runs);
    }
    const double ref = Capacity(ExpectedP());
    struct Cand {
      CommitIndex commit;
      double bits;
    };
    std::vector<Cand> cands;
    for (CommitIndex c : candidates_) {
      if (Decided(c) || in_.ev.at(c).Untestable()) continue;
      const double bits = model_.BestProbe(U(c)).bits_per_run;
      if (Runnable(c)) cands.push_back({c, bits});
    }
    std::stable_sort(cands.begin(), cands.end(),
                     [](const Cand& a, const Cand& b) { return a.bits > b.bits; });
    if (cands.size() > kMaxRunCandidates) cands.resize(kMaxRunCandidates);
    std::vector<int> cols;
    for (const Cand& c : cands) cols.push_back(model_.Column(c.commit));
    double base = model_.JointInfo(pending_);
    int left = in_.free.runs;
    while (left > 0) {
      double best_score = 0, best_gain = 0;
      int best_col = -1, best_runs = 0;
      for (int col : cols) {
        if (col < 0) continue;
        for (int k : kRunSteps) {
          if (k > left) break;
          std::vector<Test> trial = pending_;
          Add(&trial, col, k);
          if (trial.size() > static_cast<size_t>(RoundModel::kMaxJointTests)) break;
          const double gain = model_.JointInfo(trial) - base;
          if (gain / k > best_score) {
            best_score = gain / k;
            best_gain = gain;
            best_col = col;
            best_runs = k;
          }
        }
      }
      if (best_col < 0 || best_score < kWorthRunning * ref) break;
      Add(&pending_, best_col, best_runs);
      base += best_gain;
      left -= best_runs;
      const CommitIndex c = model_.CommitOf(best_col);
      auto it = std::find_if(plan->runs.begin(), plan->runs.end(),
                             [c](const Plan::Runs& r) { return r.commit == c; });
      if (it == plan->runs.end()) {
        plan->runs.push_back({c, best_runs});
        // Free through avoidance: the engine records it (Plan::avoided) before the runs.
        if (!in_.ev.at(c).built()) plan->builds.push_back(c);
      } else {
        it->runs += best_runs;
      }
    }
  }

  void PlanBuilds(Plan* plan) {
    int slots = in_.free.builds;
    if (slots <= 0) return;
    // A build chosen on a guess waits for a result due within a share of a build time, that
    // share scaled by what one run tells (the capacity at the expected crash rate).
    const bool result_soon =
        in_.busy.first_result_in >= 0 && in_.busy.build_time > 0 &&
        in_.busy.first_result_in < kWaitForResult * Capacity(ExpectedP()) * in_.busy.build_time;
    const int runs = model_.BestProbe(0.5).runs;
    std::vector<Test> future = pending_;
    std::vector<CommitIndex> available;
    for (CommitIndex c : candidates_) {
      if (Runnable(c)) available.push_back(c);
    }
    for (CommitIndex b : in_.busy.builds) {
      if (Cancelled(*plan, b)) continue;
      available.push_back(b);
      const int col = model_.Column(b);
      if (col >= 0 && future.size() < static_cast<size_t>(RoundModel::kMaxJointTests)) {
        Add(&future, col, runs);
      }
    }
    // Not built yet, each with the commit whose build gives its program: itself, or for an
    // avoidable commit the nearest non-avoidable first-parent ancestor.
    std::vector<CommitIndex> unbuilt, source;
    for (CommitIndex c : candidates_) {
      const CommitEvidence& e = in_.ev.at(c);
      if (e.build != BuildState::kUnknown || in_.busy.Building(c) || Runnable(c)) continue;
      CommitIndex from = c;
      ProgramKnown(in_.ctx, in_.ev, c, &from);
      if (in_.ev.at(from).build != BuildState::kUnknown) continue;  // failed: not a probe
      if (in_.busy.Building(from)) {
        available.push_back(c);
        continue;
      }
      unbuilt.push_back(c);
      source.push_back(from);
    }
    std::vector<double> chance(unbuilt.size());
    for (size_t i = 0; i < unbuilt.size(); ++i) chance[i] = in_.chance_testable(unbuilt[i]);
    std::vector<double> m;
    while (slots > 0 && !unbuilt.empty()) {
      std::vector<double> value(unbuilt.size(), 0.0);
      double ref = 0;
      for (const RoundModel::Outcome& o : model_.Outcomes(future, kOutcomes, kCoverage)) {
        in_.ctx.mass.Compute(o.weights, &m);
        double have = 0;
        for (CommitIndex a : available) {
          have =
              std::max(have, model_.BestProbe(U(a, m, o.outside, o.not_reproducible)).bits_per_run);
        }
        double best = have;
        for (size_t i = 0; i < unbuilt.size(); ++i) {
          const double u = U(unbuilt[i], m, o.outside, o.not_reproducible);
          const double v = chance[i] * model_.BestProbe(u).bits_per_run;
          value[i] += o.probability * std::max(0.0, v - have);
          best = std::max(best, v);
        }
        ref += o.probability * best;
      }
      size_t pick = 0;
      for (size_t i = 1; i < unbuilt.size(); ++i) {
        if (value[i] > value[pick]) pick = i;
      }
      const double slots_total = std::max(1, in_.builders);
      if (value[pick] <= 0 || value[pick] < kWorthBuilding / slots_total * ref) break;
      if (!future.empty() && result_soon) break;  // speculative: wait for the result
      const CommitIndex c = unbuilt[pick];
      const CommitIndex from = source[pick];
      plan->builds.push_back(from);
      if (!future.empty()) plan->speculative.push_back(from);
      // Every commit whose program that build gives is available once it is done.
      for (size_t i = unbuilt.size(); i-- > 0;) {
        if (source[i] != from) continue;
        available.push_back(unbuilt[i]);
        unbuilt.erase(unbuilt.begin() + static_cast<std::ptrdiff_t>(i));
        source.erase(source.begin() + static_cast<std::ptrdiff_t>(i));
        chance.erase(chance.begin() + static_cast<std::ptrdiff_t>(i));
      }
      const int col = model_.Column(c);
      if (col >= 0 && future.size() < static_cast<size_t>(RoundModel::kMaxJointTests)) {
        Add(&future, col, runs);
      }
      --slots;
    }
  }

  const RoundInputs& in_;
  RoundModel model_;
  std::vector<double> w_, m_;
  std::vector<CommitIndex> candidates_;
  std::vector<Test> pending_;  // in flight and planned
};

}  // namespace

Plan PlanBayesRound(const RoundInputs& in) { return RoundPlanner(in).Make(); }

}  // namespace culprit::decide
