#include "sim/sweep.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>

namespace culprit::sim {

using decide::CommitIndex;

namespace {

// Bits per run of the channel "one run on a commit" (a Z-channel). Times ln 2 it is also the
// relative entropy per run against the crash rate hardest to tell from p, min over q of
// max(D(p || q), ln(1 / (1 - q))) (the capacity's minimax form): what the floor below uses.
double Capacity(double p) {
  return p >= 1.0 ? 1.0 : std::log2(1 + p * std::pow(1 - p, (1 - p) / p));
}

// For every commit, how many commits of 1..n-1 other than itself are its ancestors: the
// culprits a transcript blaming it could really have come from.
std::vector<int64_t> CandidateAncestors(const decide::CommitDag& dag) {
  const int n = dag.size();
  std::vector<int64_t> count(static_cast<size_t>(n), 0);
  // 64 candidate ancestors at a time: word[c] holds which commits of the block are ancestors
  // of c. Parents come before children, so one pass per block suffices.
  std::vector<uint64_t> word(static_cast<size_t>(n));
  for (CommitIndex first = 1; first < n; first += 64) {
    std::fill(word.begin(), word.end(), 0);
    for (CommitIndex c = first; c < n; ++c) {
      uint64_t w = 0;
      for (CommitIndex parent : dag.parents(c)) {
        w |= word[static_cast<size_t>(parent)];
        if (parent >= first && parent < first + 64) w |= uint64_t{1} << (parent - first);
      }
      word[static_cast<size_t>(c)] = w;
      count[static_cast<size_t>(c)] += std::popcount(w);
    }
  }
  return count;
}

}  // namespace

double RunsLowerBound(int n, double p, double target) {
  return std::max(0.0, (target * std::log2(n) - 1) / Capacity(p));
}

double RunsFloorUnknownP(const decide::CommitDag& dag, double p, double target) {
  const int n = dag.size();
  const double bound = RunsLowerBound(n, p, target);
  const double delta = 1 - target;
  if (n < 3 || delta <= 0 || delta >= 1 || p <= 0) return bound;
  // log2 a(c) of the culprits that an ancestor could be blamed for, cheapest first.
  std::vector<double> log_ancestors;
  for (int64_t a : CandidateAncestors(dag)) {
    if (a > 0) log_ancestors.push_back(std::log2(static_cast<double>(a)));
  }
  std::sort(log_ancestors.begin(), log_ancestors.end());
  std::vector<double> prefix(log_ancestors.size() + 1, 0.0);
  for (size_t i = 0; i < log_ancestors.size(); ++i) prefix[i + 1] = prefix[i] + log_ancestors[i];
  const double culprits = n - 1;
  // The strategy may be wrong at p on a share delta of the culprits: at best on those that
  // cost the most, which then need no runs. The rest share the error budget at the lower rate
  // equally (cheapest). Per culprit kept, the counting proof (p = 1) charges log2(a / share)
  // runs, the relative-entropy proof one bit less, over C(p) bits per run.
  struct Bits {
    double counting = 0, relative_entropy = 0;
  };
  auto keep = [&](size_t dropped) {
    Bits b;
    if (dropped >= log_ancestors.size()) return b;
    const double kept = static_cast<double>(log_ancestors.size() - dropped);
    const double log_share = std::log2(delta * culprits / kept);
    b.counting = (prefix[log_ancestors.size() - dropped] - kept * log_share) / culprits;
    b.relative_entropy = b.counting - kept / culprits;
    return b;
  };
  // A randomized strategy may drop a fractional number on average: interpolate.
  const double dropped = delta * culprits;
  const size_t low = static_cast<size_t>(dropped);
  const double frac = dropped - static_cast<double>(low);
  const Bits a = keep(low), b = keep(low + 1);
  const double counting = (1 - frac) * a.counting + frac * b.counting;
  const double relative_entropy = (1 - frac) * a.relative_entropy + frac * b.relative_entropy;
  double floor = relative_entropy / Capacity(p);
  if (p >= 1) floor = std::max(floor, counting);
  return std::max(bound, floor);
}

namespace {

// Short stretches (1..8 commits) until `fraction` of the history is covered.
std::vector<Range> Stretches(std::mt19937_64& rng, int n, double fraction) {
  std::vector<Range> out;
  int covered = 0;
  while (covered < fraction * n) {
    int len = 1 + static_cast<int>(rng() % 8);
    int first = 1 + static_cast<int>(rng() % static_cast<uint64_t>(n - 2));
    int last = std::min(first + len - 1, n - 2);
    out.push_back({first, last});
    covered += last - first + 1;
  }
  return out;
}

// Weight 1 on a random prior_fraction of the commits, the culprit among them with chance
// prior_hit (seeded per trial, apart from the world's own randomness).
std::vector<double> TrialPrior(const decide::CommitDag& dag, const SweepSpec& spec, int trial,
                               CommitIndex culprit) {
  std::mt19937_64 rng(spec.seed * 7919 + static_cast<uint64_t>(trial));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> prior(static_cast<size_t>(dag.size()), 0.0);
  const int marked = std::max(1, static_cast<int>(spec.prior_fraction * dag.size()));
  for (int i = 0; i < marked; ++i) {
    CommitIndex c = static_cast<CommitIndex>(rng() % static_cast<uint64_t>(dag.size()));
    if (c != culprit) prior[static_cast<size_t>(c)] = 1.0;
  }
  prior[static_cast<size_t>(culprit)] = unit(rng) < spec.prior_hit ? 1.0 : 0.0;
  return prior;
}

}  // namespace

WorldSpec MakeTrialWorld(const decide::CommitDag& dag, const SweepSpec& spec, int trial) {
  std::mt19937_64 rng(spec.seed * 1000003 + static_cast<uint64_t>(trial));
  const int n = dag.size();
  WorldSpec w;
  w.mode = spec.mode;
  w.crash_p = spec.crash_p;
  w.other_crash_rate = spec.other_crash_rate;
  w.unrelated_look_like_target = spec.unrelated_look_like_target;
  w.infra_rate = spec.infra_rate;
  w.seed = rng();
  // Cause: culprit in 1..n-1 (good = root). Fix: bug introduced at the root, fixed in 1..n-1.
  w.culprit = 1 + static_cast<CommitIndex>(rng() % static_cast<uint64_t>(n - 1));
  w.introduced = 0;
  std::vector<Range> broken = Stretches(rng, n, spec.untestable_fraction);
  for (size_t i = 0; i < broken.size(); ++i) {
    (i % 2 == 0 ? w.build_broken : w.boot_broken).push_back(broken[i]);
  }
  w.same_binary = Stretches(rng, n, spec.same_binary_fraction);
  w.no_input = Stretches(rng, n, spec.no_input_fraction);
  // A commit that leaves the binary unchanged rarely changes behaviour: move nine in ten culprits
  // that landed in such a stretch (the tenth stays, a "noop" culprit the engine must still find).
  auto noop = [&](CommitIndex c) {
    auto in = [c](const Range& r) { return r.Contains(c); };
    return std::any_of(w.same_binary.begin(), w.same_binary.end(), in) ||
           std::any_of(w.no_input.begin(), w.no_input.end(), in);
  };
  if (noop(w.culprit) && rng() % 10 != 0) {
    for (int tries = 0; tries < 100 && noop(w.culprit); ++tries) {
      w.culprit = 1 + static_cast<CommitIndex>(rng() % static_cast<uint64_t>(n - 1));
    }
  }
  return w;
}

Trial RunTrial(const decide::CommitDag& dag, const SweepSpec& spec, int t,
               const std::function<void(double, const decide::Plan&)>& trace) {
  const CommitIndex head = dag.size() - 1;
  Trial out;
  out.world = MakeTrialWorld(dag, spec, t);
  World world(dag, out.world);
  decide::Problem problem{.bad = head, .good = {0}, .mode = spec.mode};
  if (spec.mode == decide::Mode::kFix) problem = {.bad = 0, .good = {head}, .mode = spec.mode};
  if (spec.release_search && spec.mode == decide::Mode::kCause) problem.good.clear();
  decide::EngineOptions options = spec.options;
  options.seed = spec.seed + static_cast<uint64_t>(t);
  if (spec.prior_hit >= 0) options.commit_prior = TrialPrior(dag, spec, t, out.world.culprit);
  // syzbot and git build every commit, as they do.
  if (spec.avoid && !out.world.no_input.empty() &&
      options.strategy == decide::StrategyKind::kBayes) {
    options.avoidable = world.Avoidable();
  }
  auto engine = decide::MakeEngine(dag, problem, options);
  if (!engine) {
    out.conclusion.kind = decide::ConclusionKind::kError;
    out.conclusion.error = engine.error().message;
    out.started = false;
    return out;
  }
  if (spec.time.vms > 0) {
    out.timed = world.DriveTimed(**engine, spec.time, trace);
    out.conclusion = out.timed.conclusion;
  } else {
    out.conclusion = world.Drive(**engine);
  }
  out.builds = world.builds();
  out.runs = world.runs();
  out.avoided = world.avoided();
  // Honest horizon: the crash really is there at the horizon commit (cause) / still there (fix).
  out.true_horizon =
      out.conclusion.culprit != decide::kNoCommit && world.Crashes(out.conclusion.culprit);
  return out;
}

SweepRow RunSweep(const decide::CommitDag& dag, const SweepSpec& spec) {
  SweepRow row;
  double builds = 0, runs = 0, claimed = 0, avoided = 0, minutes = 0, rounds = 0;
  for (int t = 0; t < spec.trials; ++t) {
    Trial trial = RunTrial(dag, spec, t);
    if (!trial.started) {
      ++row.failed;
      continue;
    }
    const decide::Conclusion& c = trial.conclusion;
    const CommitIndex culprit = trial.world.culprit;
    ++row.trials;
    builds += trial.builds;
    runs += trial.runs;
    avoided += trial.avoided;
    minutes += trial.timed.minutes;
    rounds += trial.timed.rounds;
    switch (c.kind) {
      case decide::ConclusionKind::kFound:
        (c.culprit == culprit ? row.right : row.wrong)++;
        row.sure_wrong += c.culprit != culprit;
        ++row.found;
        row.found_right += c.culprit == culprit;
        claimed += c.confidence;
        break;
      case decide::ConclusionKind::kInconclusive: {
        bool holds = std::any_of(c.candidates.begin(), c.candidates.end(),
                                 [&](const decide::Candidate& x) { return x.commit == culprit; });
        (holds ? row.honest : row.wrong)++;
        break;
      }
      case decide::ConclusionKind::kHorizon:
        (trial.true_horizon ? row.honest : row.wrong)++;
        row.sure_wrong += !trial.true_horizon && !c.short_of_target;
        break;
      case decide::ConclusionKind::kError:
        ++row.failed;
        break;
    }
  }
  if (row.trials > 0) {
    row.mean_builds = builds / row.trials;
    row.mean_runs = runs / row.trials;
    row.mean_avoided = avoided / row.trials;
    row.mean_minutes = minutes / row.trials;
    row.mean_rounds = rounds / row.trials;
  }
  if (row.found > 0) row.mean_claimed = claimed / row.found;
  return row;
}

}  // namespace culprit::sim
