#include "sim/history.h"

#include <algorithm>
#include <cassert>
#include <random>
#include <string>
#include <vector>

namespace culprit::sim {

Result<HistorySpec> ParseHistorySpec(std::string_view spec) {
  HistorySpec out;
  size_t space = spec.find(' ');
  std::string_view kind = spec.substr(0, space);
  if (kind == "linear") {
    out.kind = HistoryKind::kLinear;
  } else if (kind == "kernel") {
    out.kind = HistoryKind::kKernel;
  } else {
    return Fail(ErrorKind::kBadInput,
                "unknown history '" + std::string(spec) + "' (use 'linear N' or 'kernel N')");
  }
  if (space != std::string_view::npos) {
    try {
      out.n = std::stoi(std::string(spec.substr(space + 1)));
    } catch (const std::exception&) {
      return Fail(ErrorKind::kBadInput, "bad commit count in history '" + std::string(spec) + "'");
    }
  }
  if (out.n < 2) return Fail(ErrorKind::kBadInput, "a history needs at least 2 commits");
  return out;
}

namespace {

class Builder {
 public:
  explicit Builder(int release_every) : release_every_(release_every) {}

  decide::CommitIndex Add(std::vector<decide::CommitIndex> parents) {
    decide::CommitNode node;
    node.id = "c" + std::to_string(nodes_.size());
    node.parents = std::move(parents);
    nodes_.push_back(std::move(node));
    return static_cast<decide::CommitIndex>(nodes_.size() - 1);
  }

  // A mainline commit (or merge): becomes the head; tagged as a release once `release_every`
  // commits have landed since the last one.
  void AddMainline(std::vector<decide::CommitIndex> parents) {
    head_ = Add(std::move(parents));
    mainline_.push_back(head_);
    if (size() - last_release_size_ >= release_every_) {
      last_release_size_ = size();
      nodes_.back().release = "v" + std::to_string(releases_.size() + 1);
      releases_.push_back(head_);
    }
  }

  int size() const { return static_cast<int>(nodes_.size()); }
  decide::CommitIndex head() const { return head_; }
  const std::vector<decide::CommitIndex>& mainline() const { return mainline_; }
  const std::vector<decide::CommitIndex>& releases() const { return releases_; }
  std::vector<decide::CommitNode> Take() { return std::move(nodes_); }

 private:
  std::vector<decide::CommitNode> nodes_;
  std::vector<decide::CommitIndex> mainline_, releases_;
  decide::CommitIndex head_ = decide::kNoCommit;
  int release_every_;
  int last_release_size_ = 1;  // the root is not tagged
};

}  // namespace

decide::CommitDag MakeHistory(const HistorySpec& spec) {
  std::mt19937_64 rng(spec.seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const int every = spec.release_every > 0 ? spec.release_every : std::clamp(spec.n / 6, 8, 300);
  Builder b(every);
  b.AddMainline({});
  while (b.size() < spec.n) {
    const int remaining = spec.n - b.size();
    if (spec.kind == HistoryKind::kLinear || remaining < 3 || unit(rng) < 0.35) {
      b.AddMainline({b.head()});
      continue;
    }
    // A topic branch: mostly short, sometimes long; forked from the head, a recent mainline
    // commit, or (rarely) an old release; merged into mainline.
    int max_len = std::min(40, remaining - 1);
    int len =
        std::clamp(static_cast<int>(std::exp(unit(rng) * std::log(max_len + 1.0))), 1, max_len);
    double where = unit(rng);
    decide::CommitIndex base = b.head();
    const auto& main = b.mainline();
    if (where < 0.1 && !b.releases().empty()) {
      base = b.releases()[static_cast<size_t>(rng() % b.releases().size())];
    } else if (where < 0.3) {
      size_t back = std::min<size_t>(main.size() - 1, rng() % 50);
      base = main[main.size() - 1 - back];
    }
    decide::CommitIndex tip = base;
    for (int i = 0; i < len; ++i) tip = b.Add({tip});
    b.AddMainline({b.head(), tip});
  }
  auto dag = decide::CommitDag::Make(b.Take());
  assert(dag.has_value() && "generated histories are well formed");
  return std::move(*dag);
}

}  // namespace culprit::sim
