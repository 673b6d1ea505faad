#include "decide/round_model.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

#include "decide/ancestor_mass.h"

namespace culprit::decide {
namespace {

constexpr int kMaxRuns = 64;
constexpr int kRunChoices[] = {1, 2, 4, 8, 16, 32};
constexpr int kGridSteps = 2048;

}  // namespace

RoundModel::RoundModel(const CommitDag& dag, Mode mode, const Posterior& post)
    : dag_(dag), mode_(mode), post_(post), masks_(post.hyps().size(), 0) {
  // Detect and False compute what they do not find in these tables (empty until now).
  std::vector<double> detect(kMaxRuns + 1, 0.0), accident(kMaxRuns + 1, 0.0);
  for (int k = 1; k <= kMaxRuns; ++k) {
    detect[static_cast<size_t>(k)] = Detect(k);
    accident[static_cast<size_t>(k)] = False(k);
  }
  detect_ = std::move(detect);
  false_ = std::move(accident);
  best_.assign(kGridSteps + 1, 0.0);
  best_runs_.assign(kGridSteps + 1, 1);
  for (int i = 0; i <= kGridSteps; ++i) {
    const double u = static_cast<double>(i) / kGridSteps;
    for (int k : kRunChoices) {
      const double q = detect_[static_cast<size_t>(k)], g = false_[static_cast<size_t>(k)];
      const double bits =
          (BinaryEntropy(u * q + (1 - u) * g) - u * BinaryEntropy(q) - (1 - u) * BinaryEntropy(g)) /
          k;
      if (bits > best_[static_cast<size_t>(i)]) {
        best_[static_cast<size_t>(i)] = bits;
        best_runs_[static_cast<size_t>(i)] = k;
      }
    }
  }
}

double RoundModel::Detect(int runs) const {
  if (runs <= 0) return 0;
  if (runs < static_cast<int>(detect_.size())) return detect_[static_cast<size_t>(runs)];
  double miss = 0;
  for (size_t g = 0; g < Posterior::kGrid; ++g) {
    miss += post_.p_marginal()[g] * std::pow(1 - post_.grid()[g], runs);
  }
  return 1 - miss * std::pow(1 - post_.ExpectedFalseRate(), runs);
}

double RoundModel::False(int runs) const {
  if (runs <= 0) return 0;
  if (runs < static_cast<int>(false_.size())) return false_[static_cast<size_t>(runs)];
  return 1 - std::pow(1 - post_.ExpectedFalseRate(), runs);
}

RoundModel::Probe RoundModel::BestProbe(double u) const {
  const double x = std::clamp(u, 0.0, 1.0) * kGridSteps;
  const size_t i = std::min(static_cast<size_t>(x), static_cast<size_t>(kGridSteps - 1));
  const double f = x - static_cast<double>(i);
  return {.runs = best_runs_[f < 0.5 ? i : i + 1],
          .bits_per_run = (1 - f) * best_[i] + f * best_[i + 1]};
}

int RoundModel::Column(CommitIndex c) {
  auto it = std::find(columns_.begin(), columns_.end(), c);
  if (it != columns_.end()) return static_cast<int>(it - columns_.begin());
  if (static_cast<int>(columns_.size()) >= kMaxColumns) return -1;
  const int col = static_cast<int>(columns_.size());
  columns_.push_back(c);
  const uint64_t bit = uint64_t{1} << col;
  all_ |= bit;
  std::vector<uint8_t> anc = MarkAncestors(dag_, {c});
  const std::vector<CommitIndex>& hyps = post_.hyps();
  for (size_t i = 0; i < hyps.size(); ++i) {
    // Cause: c crashes if the culprit is among its ancestors. Fix: if the fix is not.
    const bool changed = anc[static_cast<size_t>(hyps[i])] != 0;
    if (changed == (mode_ == Mode::kCause)) masks_[i] |= bit;
  }
  cells_valid_ = false;
  return col;
}

void RoundModel::BuildCells() const {
  if (cells_valid_) return;
  cells_.clear();
  cell_of_.assign(masks_.size(), 0);
  std::vector<size_t> order(masks_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return masks_[a] < masks_[b]; });
  for (size_t i : order) {
    if (cells_.empty() || cells_.back().mask != masks_[i]) cells_.push_back({masks_[i], 0.0});
    cells_.back().mass += post_.mass(i);
    cell_of_[i] = static_cast<int32_t>(cells_.size() - 1);
  }
  // "Outside the range": every commit crashes; "not reproducible": none does.
  cells_.push_back({all_, post_.outside()});
  cells_.push_back({0, post_.not_reproducible()});
  cells_valid_ = true;
}

std::vector<double> RoundModel::OutcomeLaw(const std::vector<Test>& tests) const {
  BuildCells();
  const size_t n = std::min(tests.size(), static_cast<size_t>(kMaxJointTests));
  std::vector<double> law(size_t{1} << n, 0.0);
  for (const Cell& cell : cells_) {
    size_t m = 0;
    for (size_t t = 0; t < n; ++t) m |= ((cell.mask >> tests[t].column) & 1) << t;
    law[m] += cell.mass;
  }
  // From "which tested commits crash" to "which tests saw the crash", one test at a time: a
  // crashing commit's test misses with chance 1 - Q, another's fails by accident with chance G.
  for (size_t t = 0; t < n; ++t) {
    const double q = Detect(tests[t].runs), g = False(tests[t].runs);
    const size_t bit = size_t{1} << t;
    for (size_t m = 0; m < law.size(); ++m) {
      if ((m & bit) == 0) continue;
      const double crashing = law[m], clean = law[m ^ bit];
      law[m] = q * crashing + g * clean;
      law[m ^ bit] = (1 - q) * crashing + (1 - g) * clean;
    }
  }
  return law;
}

double RoundModel::JointInfo(const std::vector<Test>& tests) const {
  if (tests.empty()) return 0;
  BuildCells();
  const size_t n = std::min(tests.size(), static_cast<size_t>(kMaxJointTests));
  std::vector<double> h(n), hg(n);
  for (size_t t = 0; t < n; ++t) {
    h[t] = BinaryEntropy(Detect(tests[t].runs));
    hg[t] = BinaryEntropy(False(tests[t].runs));
  }
  // H(outcomes | culprit): every test is a coin flip, a crashing commit's with chance Q.
  double noise = 0;
  for (const Cell& cell : cells_) {
    double bits = 0;
    for (size_t t = 0; t < n; ++t) bits += ((cell.mask >> tests[t].column) & 1) ? h[t] : hg[t];
    noise += cell.mass * bits;
  }
  double total = 0;
  for (double p : OutcomeLaw(tests)) {
    if (p > 0) total -= p * std::log2(p);
  }
  return std::max(0.0, total - noise);
}

std::vector<RoundModel::Outcome> RoundModel::Outcomes(const std::vector<Test>& tests,
                                                      int max_outcomes, double coverage) const {
  BuildCells();
  const size_t n = std::min(tests.size(), static_cast<size_t>(kMaxJointTests));
  std::vector<double> law = OutcomeLaw(tests);
  std::vector<size_t> order(law.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return law[a] > law[b]; });
  std::vector<Outcome> out;
  double covered = 0;
  const std::vector<CommitIndex>& hyps = post_.hyps();
  for (size_t z : order) {
    if (static_cast<int>(out.size()) >= max_outcomes || covered >= coverage || law[z] <= 0) break;
    covered += law[z];
    // P(z | cell) for each cell, then each hypothesis takes its cell's factor.
    std::vector<double> factor(cells_.size(), 1.0);
    for (size_t k = 0; k < cells_.size(); ++k) {
      for (size_t t = 0; t < n && factor[k] > 0; ++t) {
        const bool crashes = (cells_[k].mask >> tests[t].column) & 1;
        const bool seen = (z >> t) & 1;
        const double q = Detect(tests[t].runs), g = False(tests[t].runs);
        factor[k] *= crashes ? (seen ? q : 1 - q) : (seen ? g : 1 - g);
      }
    }
    Outcome o;
    o.probability = law[z];
    o.weights.assign(static_cast<size_t>(dag_.size()), 0.0);
    for (size_t i = 0; i < hyps.size(); ++i) {
      o.weights[static_cast<size_t>(hyps[i])] =
          post_.mass(i) * factor[static_cast<size_t>(cell_of_[i])] / law[z];
    }
    o.outside = cells_[cells_.size() - 2].mass * factor[cells_.size() - 2] / law[z];
    o.not_reproducible = cells_.back().mass * factor.back() / law[z];
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace culprit::decide
