#include "decide/posterior.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "decide/ancestor_mass.h"

namespace culprit::decide {

namespace {

constexpr std::array<double, Posterior::kGrid> kDefaultGrid = {
    0.03, 0.05, 0.08, 0.12, 0.17, 0.23, 0.3, 0.38, 0.47, 0.57, 0.67, 0.77, 0.86, 0.93, 0.97, 0.999};

// The prior over p: most reproducers are reliable, so the top grid point gets kReliablePrior,
// the rest is uniform. Runs on the bad commit then move it like any other observation. It
// shapes the posterior and the choice of tests; the stop rule's profile odds leave it out, so a
// wrong guess of p cannot end a search.
constexpr double kReliablePrior = 0.6;
// Accidental-failure rates: "never but for a misread" (kEpsilon), then from one run in 300 to
// one in six, about a factor 1.2-1.5 apart from 0.01 up (as fine as p's grid where they
// overlap). kEpsilon holds 1 - accident_prior of the prior, the others share the rest. A
// grid point a factor 2 or more from the true rate costs every clean run a little likelihood,
// which over thousands of runs makes "the bug everywhere at a low p" fit better than the truth
// (a coarser grid, {0.01, 0.03, 0.07, 0.15}, ended long noisy searches in false "the good commit
// crashes too"). A fine grid lets "a weak bug plus few accidents" explain what "more accidents"
// explains; the planner copes since it weighs each hypothesis's own rates
// (Posterior::PredictRows): where they predict alike, runs tell nothing.
constexpr std::array<double, Posterior::kFalseGrid> kFalseRates = {Posterior::kEpsilon,
                                                                   0.003,
                                                                   0.006,
                                                                   0.01,
                                                                   0.015,
                                                                   0.02,
                                                                   0.03,
                                                                   0.04,
                                                                   0.05,
                                                                   0.065,
                                                                   0.08,
                                                                   0.1,
                                                                   0.13,
                                                                   0.17};

// The prior of grid point j of f: kEpsilon holds 1 - accident_prior, the others share the rest.
double FalsePrior(size_t j, double accident_prior) {
  return j == 0 ? 1 - accident_prior : accident_prior / (Posterior::kFalseGrid - 1);
}

}  // namespace

double LogBeta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

double BinaryEntropy(double x) {
  if (x <= 0 || x >= 1) return 0;
  return -(x * std::log2(x) + (1 - x) * std::log2(1 - x));
}

Posterior::Posterior(const CommitDag& dag, Mode mode, std::vector<CommitIndex> hyps,
                     std::vector<double> prior, double outside_prior, double known_p,
                     double accident_prior)
    : dag_(dag),
      mode_(mode),
      hyps_(std::move(hyps)),
      prior_(std::move(prior)),
      outside_prior_(outside_prior),
      profile_accidents_(accident_prior >= EngineOptions::kAccidentsCounted),
      cell_of_(hyps_.size(), 0),
      bits_(1),
      pos_of_(static_cast<size_t>(dag.size()), -1) {
  assert(prior_.size() == hyps_.size() && "one prior weight per hypothesis");
  // Before any evidence, f's marginal is its prior.
  for (size_t j = 0; j < kFalseGrid; ++j) {
    f_marginal_[j] = FalsePrior(j, accident_prior);
  }
  // A known p fills the whole grid: every grid point is p, so the posterior over p is moot.
  for (size_t g = 0; g < kGrid; ++g) {
    grid_[g] = known_p > 0 ? std::min(known_p, 0.999) : kDefaultGrid[g];
    log_prior_p_[g] = known_p > 0      ? -std::log(double{kGrid})
                      : g + 1 == kGrid ? std::log(kReliablePrior)
                                       : std::log((1 - kReliablePrior) / (kGrid - 1));
    for (size_t j = 0; j < kFalseGrid; ++j) {
      const size_t x = g * kFalseGrid + j;
      const double p = grid_[g], f = kFalseRates[j];
      log_hit_[x] = std::log1p(-(1 - p) * (1 - f));
      log_miss_[x] = std::log1p(-p) + std::log1p(-f);
      log_false_[x] = std::log(f);
      log_clean_[x] = std::log1p(-f);
      log_prior_[x] = log_prior_p_[g] + std::log(f_marginal_[j]);
    }
  }
  std::array<double, kJoint> prior_joint{};
  for (size_t x = 0; x < kJoint; ++x) prior_joint[x] = std::exp(log_prior_[x]);
  row_joint_.assign(3, prior_joint);  // one cell, outside, not reproducible
  double sum = 0;
  for (double p : prior_) sum += p;
  cell_prior_ = {sum};
  mass_ = prior_;
  outside_ = outside_prior_;
}

template <class MassByP>
double Posterior::ProfileOdds(MassByP mass_by_p) const {
  double against = 0, for_it = 0;
  for (size_t g = 0; g < kGrid; ++g) {
    // p_marginal_ / prior of p is proportional to P(evidence | p).
    const double evidence = p_marginal_[g] * std::exp(-log_prior_p_[g]);
    const double mass = mass_by_p(g);
    against = std::max(against, (1 - mass) * evidence);
    for_it = std::max(for_it, mass * evidence);
  }
  return for_it > 0 ? against / for_it : INFINITY;
}

double Posterior::JointProfileOdds(size_t row, double share) const {
  if (row >= joint_.size()) return INFINITY;  // no evidence weighed yet
  double against = 0, for_it = 0;
  for (size_t x = 0; x < kJoint; ++x) {
    if (log_prior_[x] == -INFINITY) continue;  // a point the prior rules out
    const double inv_prior = std::exp(-log_prior_[x]);
    const double mine = share * joint_[row][x];
    against = std::max(against, (joint_total_[x] - mine) * inv_prior);
    for_it = std::max(for_it, mine * inv_prior);
  }
  return for_it > 0 ? against / for_it : INFINITY;
}

double Posterior::ProfileOddsAgainst(size_t i) const {
  const size_t cell = static_cast<size_t>(cell_of_[i]);
  if (cell_prior_[cell] <= 0) return INFINITY;
  if (profile_accidents_) return JointProfileOdds(cell, prior_[i] / cell_prior_[cell]);
  return ProfileOdds([&](size_t g) { return cell_by_p_[cell][g] * prior_[i] / cell_prior_[cell]; });
}

double Posterior::ProfileOddsAgainstOutside() const {
  if (profile_accidents_) return JointProfileOdds(OutsideRow(), 1.0);
  return ProfileOdds([&](size_t g) { return outside_by_p_[g]; });
}

void Posterior::MassByCommit(std::vector<double>* w) const {
  w->assign(static_cast<size_t>(dag_.size()), 0.0);
  for (size_t i = 0; i < hyps_.size(); ++i) (*w)[static_cast<size_t>(hyps_[i])] = mass_[i];
}

void Posterior::Split(CommitIndex t) {
  std::vector<uint8_t> anc = MarkAncestors(dag_, {t});
  const size_t cells = bits_.size();
  std::vector<int32_t> remap(2 * cells, -1);
  std::vector<std::vector<uint8_t>> bits;
  std::vector<double> prior;
  for (size_t i = 0; i < hyps_.size(); ++i) {
    uint8_t b = anc[static_cast<size_t>(hyps_[i])];
    size_t key = static_cast<size_t>(cell_of_[i]) * 2 + b;
    if (remap[key] < 0) {
      remap[key] = static_cast<int32_t>(bits.size());
      bits.push_back(bits_[static_cast<size_t>(cell_of_[i])]);
      bits.back().push_back(b);
      prior.push_back(0);
    }
    cell_of_[i] = remap[key];
    prior[static_cast<size_t>(remap[key])] += prior_[i];
  }
  bits_ = std::move(bits);
  cell_prior_ = std::move(prior);
  pos_of_[static_cast<size_t>(t)] = static_cast<int32_t>(split_.size());
  split_.push_back(t);
}

void Posterior::PredictRow(size_t row, int runs, double* detect, double* accident) const {
  double m = 0, c = 0;
  for (size_t x = 0; x < kJoint; ++x) {
    m += row_joint_[row][x] * std::exp(runs * log_miss_[x]);
    c += row_joint_[row][x] * std::exp(runs * log_clean_[x]);
  }
  *detect = 1 - m;
  *accident = 1 - c;
}

void Posterior::PredictRows(const std::vector<int>& runs, RowRates* out) const {
  const size_t rows = row_joint_.size(), n = runs.size();
  // Per joint point, the chance that runs[j] runs all miss (bug) / are all clean (no bug).
  std::vector<std::array<double, kJoint>> miss(n), clean(n);
  for (size_t j = 0; j < n; ++j) {
    for (size_t x = 0; x < kJoint; ++x) {
      miss[j][x] = std::exp(runs[j] * log_miss_[x]);
      clean[j][x] = std::exp(runs[j] * log_clean_[x]);
    }
  }
  out->detect.assign(rows, std::vector<double>(n, 0.0));
  out->accident.assign(rows, std::vector<double>(n, 0.0));
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < n; ++j) {
      double m = 0, c = 0;
      for (size_t x = 0; x < kJoint; ++x) {
        m += row_joint_[r][x] * miss[j][x];
        c += row_joint_[r][x] * clean[j][x];
      }
      out->detect[r][j] = 1 - m;
      out->accident[r][j] = 1 - c;
    }
  }
}

double Posterior::AccidentLogLikelihood(int failures, int clean, double accident_prior) {
  double top = -INFINITY;
  std::array<double, kFalseGrid> l{};
  for (size_t j = 0; j < kFalseGrid; ++j) {
    const double prior = FalsePrior(j, accident_prior);
    l[j] = prior > 0 ? std::log(prior) + failures * std::log(kFalseRates[j]) +
                           clean * std::log1p(-kFalseRates[j])
                     : -INFINITY;
    top = std::max(top, l[j]);
  }
  double sum = 0;
  for (double v : l) sum += std::exp(v - top);
  return top + std::log(sum);
}

double Posterior::AccidentProfileLogLikelihood(int failures, int clean, double accident_prior,
                                               double* rate) {
  double top = -INFINITY;
  for (size_t j = 0; j < kFalseGrid; ++j) {
    if (FalsePrior(j, accident_prior) <= 0) continue;
    const double l = failures * std::log(kFalseRates[j]) + clean * std::log1p(-kFalseRates[j]);
    if (l > top) {
      top = l;
      if (rate != nullptr) *rate = kFalseRates[j];
    }
  }
  return top;
}

Posterior::Chain Posterior::Changepoint(const std::vector<std::pair<int, int>>& chain,
                                        double accident_prior) {
  const size_t n = chain.size();
  Chain out;
  out.post.assign(n, 0.0);
  out.fail.assign(n, std::vector<double>(n, 0.0));
  if (n == 0) return out;
  // Per grid point (p, f) and k: log prior + the runs of the first k + 1 at the bug's rate
  // and of the rest at f's, by prefix and suffix sums.
  std::vector<std::array<double, kJoint>> log_joint(n);
  std::vector<double> bug(n + 1, 0.0), none(n + 1, 0.0);  // prefix sums, per grid point
  for (size_t g = 0; g < kGrid; ++g) {
    const double log_prior_p =
        g + 1 == kGrid ? std::log(kReliablePrior) : std::log((1 - kReliablePrior) / (kGrid - 1));
    for (size_t j = 0; j < kFalseGrid; ++j) {
      const double p = kDefaultGrid[g], f = kFalseRates[j];
      const double hit = std::log1p(-(1 - p) * (1 - f)), miss = std::log1p(-p) + std::log1p(-f);
      const double fails = std::log(f), clean = std::log1p(-f);
      for (size_t i = 0; i < n; ++i) {
        bug[i + 1] = bug[i] + chain[i].first * hit + chain[i].second * miss;
        none[i + 1] = none[i] + chain[i].first * fails + chain[i].second * clean;
      }
      const double log_prior = log_prior_p + std::log(FalsePrior(j, accident_prior));
      for (size_t k = 0; k < n; ++k) {
        log_joint[k][g * kFalseGrid + j] = log_prior + bug[k + 1] + none[n] - none[k + 1];
      }
    }
  }
  double top = -INFINITY;
  for (const auto& row : log_joint) {
    for (double v : row) top = std::max(top, v);
  }
  double total = 0;
  for (size_t k = 0; k < n; ++k) {
    double mass = 0;
    std::vector<double>& fail = out.fail[k];
    for (size_t g = 0; g < kGrid; ++g) {
      for (size_t j = 0; j < kFalseGrid; ++j) {
        const double w = std::exp(log_joint[k][g * kFalseGrid + j] - top);
        const double p = kDefaultGrid[g], f = kFalseRates[j];
        mass += w;
        for (size_t i = 0; i < n; ++i) fail[i] += w * (i <= k ? 1 - (1 - p) * (1 - f) : f);
      }
    }
    out.post[k] = mass;
    total += mass;
    for (double& x : fail) x = mass > 0 ? x / mass : 0.0;
  }
  for (double& x : out.post) x /= total;
  return out;
}

double Posterior::ExpectedFalseRate() const {
  double f = 0;
  for (size_t j = 0; j < kFalseGrid; ++j) f += f_marginal_[j] * kFalseRates[j];
  return f;
}

template <class Bit>
void Posterior::LogLikelihood(const Evidence& ev, Bit bit, std::array<double, kJoint>* out) const {
  // Sufficient statistics: target crashes and clean runs on crashing and on clean commits, and
  // the log factors that do not depend on (p, f) (signature groups, marks).
  double hit = 0, miss = 0, accident = 0, clean = 0, constant = 0;
  std::map<std::string, int> group_state;  // signature -> bit of first member, 2 = separated
  int separated = 0;
  for (CommitIndex t : ev.built()) {
    int32_t pos = pos_of_[static_cast<size_t>(t)];
    if (pos < 0) continue;
    const CommitEvidence& e = ev.at(t);
    const int changed = bit(static_cast<size_t>(pos));
    // An avoided commit's shared program is already in the prior (EngineOptions::avoidable).
    if (!e.signature.empty() && !e.avoided) {
      auto [it, inserted] = group_state.emplace(e.signature, changed);
      if (!inserted && it->second != 2 && it->second != changed) {
        it->second = 2;
        ++separated;
      }
    }
    const bool crashing = (mode_ == Mode::kCause) == (changed == 1);
    (crashing ? hit : accident) += e.target;
    (crashing ? miss : clean) += e.ok;
  }
  if (separated > 0) constant += separated * std::log(kSeparation);
  // A human's mark: right with probability 1 - kMarkError, the same under every p.
  static const double log_mark_wrong = std::log(kMarkError),
                      log_mark_right = std::log1p(-kMarkError);
  for (CommitIndex t : ev.marked()) {
    const int32_t pos = pos_of_[static_cast<size_t>(t)];
    if (pos < 0) continue;
    const bool crashing = (mode_ == Mode::kCause) == (bit(static_cast<size_t>(pos)) == 1);
    const bool says_crashing = ev.at(t).mark == CommitVerdict::kCrashes;
    constant += crashing == says_crashing ? log_mark_right : log_mark_wrong;
  }
  for (size_t x = 0; x < kJoint; ++x) {
    (*out)[x] = constant + hit * log_hit_[x] + miss * log_miss_[x] + accident * log_false_[x] +
                clean * log_clean_[x];
  }
}

void Posterior::Update(const Evidence& ev) {
  for (CommitIndex t : ev.built()) {
    if (ev.at(t).built() && pos_of_[static_cast<size_t>(t)] < 0) Split(t);
  }
  for (CommitIndex t : ev.marked()) {
    if (pos_of_[static_cast<size_t>(t)] < 0) Split(t);
  }
  const size_t cells = bits_.size();
  // Rows: the cells, then "outside the range", then "not reproducible".
  std::vector<std::array<double, kJoint>> lw(cells + 2);
  double top = -INFINITY;
  for (size_t k = 0; k < cells + 2; ++k) {
    double lp;
    if (k < cells) {
      LogLikelihood(
          ev, [&](size_t pos) { return static_cast<int>(bits_[k][pos]); }, &lw[k]);
      lp = cell_prior_[k] > 0 ? std::log(cell_prior_[k]) : -INFINITY;
    } else if (k == cells) {
      // Outside the range: every commit crashes (cause) / none is fixed (fix).
      const int bit = mode_ == Mode::kCause ? 1 : 0;
      LogLikelihood(
          ev, [bit](size_t) { return bit; }, &lw[k]);
      lp = outside_prior_ > 0 ? std::log(outside_prior_) : -INFINITY;
    } else {
      // Not reproducible: no commit has the crash; what was seen was misclassification.
      const int bit = mode_ == Mode::kCause ? 0 : 1;
      LogLikelihood(
          ev, [bit](size_t) { return bit; }, &lw[k]);
      lp = std::log(kNotReproduciblePrior);
    }
    for (size_t x = 0; x < kJoint; ++x) {
      lw[k][x] += lp + log_prior_[x];
      top = std::max(top, lw[k][x]);
    }
  }
  std::vector<double> cell_post(cells + 2, 0.0);
  // f is integrated out: per row, the joint weights summed over f, one per grid point of p.
  std::vector<std::array<double, kGrid>> by_p(cells + 2);
  p_marginal_.fill(0.0);
  f_marginal_.fill(0.0);
  double total = 0;
  for (size_t k = 0; k < cells + 2; ++k) {
    by_p[k].fill(0.0);
    for (size_t x = 0; x < kJoint; ++x) {
      const double v = std::exp(lw[k][x] - top);
      by_p[k][x / kFalseGrid] += v;
      f_marginal_[x % kFalseGrid] += v;
      cell_post[k] += v;
      total += v;
    }
    for (size_t g = 0; g < kGrid; ++g) p_marginal_[g] += by_p[k][g];
  }
  cell_by_p_.resize(cells);
  for (size_t k = 0; k < cells; ++k) {
    for (size_t g = 0; g < kGrid; ++g) cell_by_p_[k][g] = by_p[k][g] / p_marginal_[g];
  }
  for (size_t g = 0; g < kGrid; ++g) outside_by_p_[g] = by_p[cells][g] / p_marginal_[g];
  joint_.resize(cells + 2);
  joint_total_.fill(0.0);
  for (size_t k = 0; k < cells + 2; ++k) {
    for (size_t x = 0; x < kJoint; ++x) {
      joint_[k][x] = std::exp(lw[k][x] - top);
      joint_total_[x] += joint_[k][x];
    }
  }
  row_joint_.resize(cells + 2);
  for (size_t k = 0; k < cells + 2; ++k) {
    for (size_t x = 0; x < kJoint; ++x) {
      row_joint_[k][x] = cell_post[k] > 0 ? std::exp(lw[k][x] - top) / cell_post[k] : 0.0;
    }
  }
  for (double& v : p_marginal_) v /= total;
  for (double& v : f_marginal_) v /= total;
  outside_ = cell_post[cells] / total;
  not_reproducible_ = cell_post[cells + 1] / total;
  // Within a cell, mass is shared in proportion to the prior.
  for (size_t k = 0; k < cells; ++k) {
    cell_post[k] = cell_prior_[k] > 0 ? cell_post[k] / (total * cell_prior_[k]) : 0.0;
  }
  mass_.resize(hyps_.size());
  for (size_t i = 0; i < hyps_.size(); ++i) {
    mass_[i] = prior_[i] * cell_post[static_cast<size_t>(cell_of_[i])];
  }
}

}  // namespace culprit::decide
