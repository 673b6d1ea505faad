#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/render.h"
#include "report/testing/sample_result.h"

namespace culprit::report {
namespace {

// Everything `culprit show` prints comes back from the stored document.
TEST(ResultFromJson, RoundTripsEveryField) {
  const BisectionResult r = SampleResult();
  auto back = ResultFromJson(ToJson(r));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(ToJson(*back), ToJson(r));
  std::ostringstream a, b;
  WriteText(r, a);
  WriteText(*back, b);
  EXPECT_EQ(a.str(), b.str());
  EXPECT_EQ(back->tested[0].run_list[3].log_path, "/st/runs/k1-t/run-3.log");
  EXPECT_EQ(back->tested[1].verdict, decide::CommitVerdict::kClean);
  EXPECT_EQ(back->settings[0].value, "make -j2 && cp prog \"$CULPRIT_OUT/\"");
  EXPECT_EQ(back->candidates[1].position, 17);
}

// The predicate, a human's marks and the verification come back too: `culprit show` of a
// refuted job still says so, and exits as the job did.
TEST(ResultFromJson, RoundTripsPredicateMarksAndVerification) {
  BisectionResult r = SampleResult();
  r.verdict = "exit";
  r.expect = "FAIL: test_lookup";
  r.marks.push_back({.commit = r.tested[1].commit,
                     .title = "a commit",
                     .mark = decide::CommitVerdict::kClean,
                     .verdict = decide::CommitVerdict::kClean});
  r.marks.push_back({.commit = r.tested[0].commit,
                     .mark = decide::CommitVerdict::kUntestable,
                     .range = "HEAD~4..HEAD~2",
                     .commits = 2});
  r.tested[1].mark = decide::CommitVerdict::kClean;
  r.verification = Verification{.outcome = VerificationOutcome::kRefuted,
                                .runs = 12,
                                .crashes = 11,
                                .detail = "the crash is still there",
                                .commit = "0123456789abcdef0123456789abcdef01234567",
                                .bayes_factor = 1e-6,
                                .bisection_confidence = 0.995};
  auto back = ResultFromJson(ToJson(r));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(ToJson(*back), ToJson(r));
  ASSERT_TRUE(back->verification);
  EXPECT_TRUE(back->refuted());
  EXPECT_EQ(ExitStatus(*back), 4);
  EXPECT_EQ(back->marks[1].range, "HEAD~4..HEAD~2");
  EXPECT_EQ(back->marks[1].commits, 2);
  EXPECT_EQ(back->tested[1].mark, decide::CommitVerdict::kClean);
  EXPECT_EQ(back->expect, "FAIL: test_lookup");
  std::ostringstream text;
  WriteText(*back, text);
  EXPECT_NE(text.str().find("predicate: --verdict exit --expect 'FAIL: test_lookup'"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("marks given by hand: good "), std::string::npos) << text.str();
}

// Documents stored by older culprits, or damaged ones: a missing or mistyped key takes its
// default; only a document that is not an object is an error.
TEST(ResultFromJson, ToleratesOlderAndOddDocuments) {
  struct {
    const char* name;
    const char* json;
    bool ok;
    std::string commit;
    decide::ConclusionKind outcome;
    int tested;
  } rows[] = {
      {"empty object", "{}", true, "", decide::ConclusionKind::kError, 0},
      {"schema 1 result",
       R"({"mode":"cause","outcome":"found","commit":"abc","candidates":["abc"],
           "confidence":0.99,"commit_title":"t","tested":[{"commit":"abc","verdict":"bad",
           "runs":3,"target_crashes":1}]})",
       true, "abc", decide::ConclusionKind::kFound, 1},
      {"null commit and error", R"({"outcome":"error","commit":null,"error":null})", true, "",
       decide::ConclusionKind::kError, 0},
      {"mistyped keys", R"({"outcome":7,"commit":["x"],"tested":{"a":1},"runs":"many"})", true, "",
       decide::ConclusionKind::kError, 0},
      {"fix mode words", R"({"mode":"fix","outcome":"found","tested":[{"verdict":"old"}]})", true,
       "", decide::ConclusionKind::kFound, 1},
      {"array", "[1,2]", false, "", decide::ConclusionKind::kError, 0},
      {"not json", "found it", false, "", decide::ConclusionKind::kError, 0},
      {"empty", "", false, "", decide::ConclusionKind::kError, 0},
  };
  for (const auto& row : rows) {
    auto r = ResultFromJson(row.json);
    ASSERT_EQ(static_cast<bool>(r), row.ok) << row.name;
    if (!r) {
      EXPECT_EQ(r.error().kind, ErrorKind::kCorrupt) << row.name;
      continue;
    }
    EXPECT_EQ(r->commit, row.commit) << row.name;
    EXPECT_EQ(r->outcome, row.outcome) << row.name;
    EXPECT_EQ(r->tested.size(), static_cast<size_t>(row.tested)) << row.name;
  }
  auto old = ResultFromJson(rows[1].json);
  EXPECT_EQ(old->culprit.title, "t");
  EXPECT_EQ(old->candidates.size(), 1u);
  EXPECT_EQ(old->tested[0].position, -1);
  auto fix = ResultFromJson(rows[4].json);
  EXPECT_EQ(fix->tested[0].verdict, decide::CommitVerdict::kCrashes);
}

// Titles from git may be Latin-1: the document stays valid JSON, the bytes replaced.
TEST(ToJson, ReplacesBytesThatAreNotUtf8) {
  BisectionResult r = SampleResult();
  r.title = "caf\xe9 crash";
  r.tested[0].title = "\xff\xfe";
  std::string text;
  ASSERT_NO_THROW(text = ToJson(r));
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["title"], "caf\xef\xbf\xbd crash");
}

}  // namespace
}  // namespace culprit::report
