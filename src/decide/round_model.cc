#include "decide/round_model.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>
#include <utility>

#include "decide/ancestor_mass.h"

namespace culprit::decide {
namespace {

constexpr int kMaxRuns = 64;
constexpr int kRunChoices[] = {1, 2, 4, 8, 16, 32};
constexpr int kGridSteps = 2048;

}  // namespace

RoundModel::RoundModel(const CommitDag& dag, Mode mode, const Posterior& post)
    : dag_(dag), mode_(mode), post_(post), masks_(post.hyps().size(), 0) {
  std::vector<int> runs(kMaxRuns);
  std::iota(runs.begin(), runs.end(), 1);
  post.PredictRows(runs, &rows_);
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

double RoundModel::RowRate(size_t row, int runs, bool crashing) const {
  if (runs <= 0) return 0;
  if (runs <= kMaxRuns) {
    const auto& table = crashing ? rows_.detect : rows_.accident;
    return table[row][static_cast<size_t>(runs - 1)];
  }
  double detect = 0, accident = 0;
  post_.PredictRow(row, runs, &detect, &accident);
  return crashing ? detect : accident;
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
  auto key = [&](size_t i) { return std::pair(masks_[i], post_.RowOf(i)); };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  for (size_t i : order) {
    if (cells_.empty() || cells_.back().mask != masks_[i] || cells_.back().row != post_.RowOf(i)) {
      cells_.push_back({masks_[i], post_.RowOf(i), 0.0});
    }
    cells_.back().mass += post_.mass(i);
    cell_of_[i] = static_cast<int32_t>(cells_.size() - 1);
  }
  // "Outside the range": every commit crashes; "not reproducible": none does.
  cells_.push_back({all_, post_.OutsideRow(), post_.outside()});
  cells_.push_back({0, post_.NotReproducibleRow(), post_.not_reproducible()});
  cells_valid_ = true;
}

std::vector<double> RoundModel::OutcomeLaw(const std::vector<Test>& tests) const {
  BuildCells();
  const size_t n = std::min(tests.size(), static_cast<size_t>(kMaxJointTests));
  std::vector<double> law(size_t{1} << n, 0.0);
  // Cells that agree on the tested commits and share a row give the same outcome law: merge
  // them, then add each group's product law (a crashing commit's test sees the crash with
  // chance Q, another's with chance G, of the group's row).
  struct Group {
    size_t mask = 0;
    size_t row = 0;
    double mass = 0;
  };
  std::vector<Group> groups;
  for (const Cell& cell : cells_) {
    if (cell.mass <= 0) continue;
    size_t m = 0;
    for (size_t t = 0; t < n; ++t) m |= ((cell.mask >> tests[t].column) & 1) << t;
    groups.push_back({m, cell.row, cell.mass});
  }
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return std::pair(a.row, a.mask) < std::pair(b.row, b.mask);
  });
  std::vector<double> part;
  for (size_t g = 0; g < groups.size();) {
    Group group = groups[g];
    for (++g; g < groups.size() && groups[g].row == group.row && groups[g].mask == group.mask; ++g)
      group.mass += groups[g].mass;
    part.assign(size_t{1} << n, 0.0);
    part[0] = group.mass;
    for (size_t t = 0; t < n; ++t) {
      const bool crashing = (group.mask >> t) & 1;
      const double r = RowRate(group.row, tests[t].runs, crashing);
      const size_t bit = size_t{1} << t;
      for (size_t z = 0; z < bit; ++z) {
        part[z | bit] = part[z] * r;
        part[z] *= 1 - r;
      }
    }
    for (size_t z = 0; z < part.size(); ++z) law[z] += part[z];
  }
  return law;
}

double RoundModel::JointInfo(const std::vector<Test>& tests) const {
  if (tests.empty()) return 0;
  BuildCells();
  const size_t n = std::min(tests.size(), static_cast<size_t>(kMaxJointTests));
  // H(outcomes | culprit): every test is a coin flip, a crashing commit's with chance Q of the
  // cell's row, another's with chance G.
  const size_t rows = post_.rows();
  std::vector<double> h(rows * n, -1.0), hg(rows * n, -1.0);
  double noise = 0;
  for (const Cell& cell : cells_) {
    if (cell.mass <= 0) continue;
    double bits = 0;
    for (size_t t = 0; t < n; ++t) {
      const size_t x = cell.row * n + t;
      if ((cell.mask >> tests[t].column) & 1) {
        if (h[x] < 0) h[x] = BinaryEntropy(RowRate(cell.row, tests[t].runs, true));
        bits += h[x];
      } else {
        if (hg[x] < 0) hg[x] = BinaryEntropy(RowRate(cell.row, tests[t].runs, false));
        bits += hg[x];
      }
    }
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
        const double r = RowRate(cells_[k].row, tests[t].runs, crashes);
        factor[k] *= seen ? r : 1 - r;
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
