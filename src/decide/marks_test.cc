// A human's marks (Problem::marks) as evidence, for every strategy: marked commits are never
// built for their verdict, a skip mark keeps the engine off a commit, and bayes weighs a mark as
// a verdict that can be wrong, so runs overturn a wrong one where git's walk cannot.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <set>
#include <string>

#include "decide/engine.h"
#include "sim/history.h"
#include "sim/world.h"

namespace culprit::decide {
namespace {

struct MarkScenario {
  const char* name;
  StrategyKind strategy = StrategyKind::kBayes;
  double crash_p = 1.0;
  int culprit = 40;
  std::vector<int> good = {0};
  std::vector<Mark> marks;
  ConclusionKind want = ConclusionKind::kFound;
  int want_culprit = -2;                  // -2: the planted one
  std::vector<int> want_candidates = {};  // kInconclusive: the exact set
  bool want_marked_untested = true;       // no marked commit was built
  bool fewer_runs_than_unmarked = false;  // the marks save runs
};

Mark Good(int c) { return {c, CommitVerdict::kClean}; }
Mark Bad(int c) { return {c, CommitVerdict::kCrashes}; }
Mark Skip(int c) { return {c, CommitVerdict::kUntestable}; }

const MarkScenario kScenarios[] = {
    {.name = "bayes_marks_narrow_the_search",
     .marks = {Good(30), Bad(50)},
     .fewer_runs_than_unmarked = true},
    {.name = "bayes_flaky_marks",
     .crash_p = 0.5,
     .marks = {Good(35), Bad(45)},
     .fewer_runs_than_unmarked = true},
    {.name = "git_takes_marks",
     .strategy = StrategyKind::kGit,
     .marks = {Good(30), Bad(50)},
     .fewer_runs_than_unmarked = true},
    {.name = "syzbot_takes_marks", .strategy = StrategyKind::kSyzbot, .marks = {Good(30), Bad(50)}},
    // Marks outweigh nothing a test shows: a wrong "good" below the culprit's children is
    // overturned by the runs on it.
    {.name = "bayes_overturns_a_wrong_good_mark",
     .marks = {Good(45)},
     .want_marked_untested = false},
    // git's walk trusts a mark as `git bisect good` does, right or wrong (the marked commit,
    // the culprit's parent, is built for the noop check only).
    {.name = "git_trusts_a_wrong_good_mark",
     .strategy = StrategyKind::kGit,
     .marks = {Good(45)},
     .want_culprit = 46,
     .want_marked_untested = false},
    {.name = "bayes_skip_marks_around_the_culprit",
     .marks = {Skip(38), Skip(39), Skip(40), Skip(41), Skip(42)},
     .want = ConclusionKind::kInconclusive,
     .want_candidates = {38, 39, 40, 41, 42, 43}},
    {.name = "git_skip_marks_around_the_culprit",
     .strategy = StrategyKind::kGit,
     .marks = {Skip(39), Skip(40)},
     .want = ConclusionKind::kInconclusive,
     .want_candidates = {39, 40, 41}},
    {.name = "bayes_skip_marks_elsewhere", .marks = {Skip(20), Skip(21), Skip(22)}},
    // With no --good, a release marked good by hand serves the release search (linear 64 has
    // releases at 10, 20, ..., 60).
    {.name = "bayes_release_search_takes_a_marked_release",
     .culprit = 45,
     .good = {},
     .marks = {Good(30)}},
    {.name = "git_release_search_takes_a_marked_release",
     .strategy = StrategyKind::kGit,
     .culprit = 45,
     .good = {},
     .marks = {Good(30)}},
};

void PrintTo(const MarkScenario& s, std::ostream* os) { *os << s.name; }

class MarkTest : public testing::TestWithParam<MarkScenario> {};

struct Outcome {
  Conclusion conclusion;
  int runs = 0;
  std::set<CommitIndex> built;
};

Outcome Bisect(const CommitDag& dag, const MarkScenario& s, bool with_marks) {
  sim::World world(dag, {.culprit = s.culprit, .crash_p = s.crash_p, .seed = 7});
  Problem problem{.bad = dag.size() - 1, .good = {s.good.begin(), s.good.end()}};
  if (with_marks) problem.marks = s.marks;
  auto engine = MakeEngine(dag, problem, {.strategy = s.strategy, .seed = 7});
  EXPECT_TRUE(engine.has_value()) << engine.error().message;
  Outcome out;
  if (!engine) return out;
  std::vector<Action> trace;
  out.conclusion = world.Drive(**engine, &trace);
  out.runs = world.runs();
  for (const Action& a : trace) {
    if (a.kind == Action::Kind::kBuild) out.built.insert(a.commit);
  }
  return out;
}

TEST_P(MarkTest, MarksAreEvidence) {
  const MarkScenario& s = GetParam();
  auto spec = sim::ParseHistorySpec("linear 64");
  ASSERT_TRUE(spec.has_value());
  spec->seed = 7;
  CommitDag dag = sim::MakeHistory(*spec);
  Outcome out = Bisect(dag, s, /*with_marks=*/true);
  const Conclusion& c = out.conclusion;
  ASSERT_EQ(static_cast<int>(c.kind), static_cast<int>(s.want))
      << "culprit " << c.culprit << ", error '" << c.error << "', stop '" << c.stop_reason << "'";
  if (s.want == ConclusionKind::kFound) {
    EXPECT_EQ(c.culprit, s.want_culprit == -2 ? s.culprit : s.want_culprit);
  }
  if (!s.want_candidates.empty()) {
    std::vector<int> got;
    for (const Candidate& x : c.candidates) got.push_back(x.commit);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, s.want_candidates);
  }
  for (const Mark& m : s.marks) {
    if (m.verdict == CommitVerdict::kUntestable || s.want_marked_untested) {
      EXPECT_FALSE(out.built.contains(m.commit)) << "marked commit " << m.commit << " was built";
    }
  }
  if (s.fewer_runs_than_unmarked) {
    Outcome unmarked = Bisect(dag, s, /*with_marks=*/false);
    EXPECT_LT(out.runs, unmarked.runs) << "with marks, without";
  }
}

INSTANTIATE_TEST_SUITE_P(decide, MarkTest, testing::ValuesIn(kScenarios),
                         [](const auto& info) { return std::string(info.param.name); });

// The engine's verdict on a marked commit is printed like any other: the mark's, for a commit
// nothing contradicts.
TEST(MarkVerdicts, MarkedCommitsHaveTheMarksVerdict) {
  auto spec = sim::ParseHistorySpec("linear 64");
  ASSERT_TRUE(spec.has_value());
  CommitDag dag = sim::MakeHistory(*spec);
  for (StrategyKind strategy : {StrategyKind::kBayes, StrategyKind::kGit}) {
    sim::World world(dag, {.culprit = 40, .seed = 7});
    Problem problem{.bad = 63, .good = {0}, .marks = {Good(30), Bad(50), Skip(45)}};
    auto engine = MakeEngine(dag, problem, {.strategy = strategy, .seed = 7});
    ASSERT_TRUE(engine.has_value()) << engine.error().message;
    world.Drive(**engine);
    EXPECT_EQ((*engine)->VerdictOf(30), CommitVerdict::kClean);
    EXPECT_EQ((*engine)->VerdictOf(50), CommitVerdict::kCrashes);
    EXPECT_EQ((*engine)->VerdictOf(45), CommitVerdict::kUntestable);
  }
}

TEST(MarkProblems, InconsistentMarksAreRejected) {
  auto spec = sim::ParseHistorySpec("linear 16");
  ASSERT_TRUE(spec.has_value());
  CommitDag dag = sim::MakeHistory(*spec);
  struct Row {
    const char* name;
    std::vector<Mark> marks;
    const char* error;
  };
  const Row rows[] = {
      {"out_of_range", {Good(99)}, "out of range"},
      {"on_bad", {Good(15)}, "end of the range"},
      {"on_good", {Bad(0)}, "end of the range"},
      {"twice", {Good(5), Bad(5)}, "marked twice"},
      {"no_verdict", {{5, CommitVerdict::kUndecided}}, "no verdict"},
  };
  for (const Row& r : rows) {
    Problem problem{.bad = 15, .good = {0}, .marks = r.marks};
    auto engine = MakeEngine(dag, problem, {});
    ASSERT_FALSE(engine.has_value()) << r.name;
    EXPECT_THAT(engine.error().message, testing::HasSubstr(r.error)) << r.name;
  }
}

}  // namespace
}  // namespace culprit::decide
