#include <gtest/gtest.h>

#include <sstream>

#include "report/picture.h"
#include "report/render.h"
#include "report/testing/sample_result.h"

namespace culprit::report {
namespace {

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
  return n;
}

std::string Page(const BisectionResult& r) {
  HtmlOptions o;
  o.link = [](const std::string& path) { return ReportsLink(path, "/st"); };
  o.log_href = "../logs/job-1.log";
  o.heading = "job 1";
  std::ostringstream out;
  WriteHtml(r, o, out);
  return out.str();
}

// The picture: one mark per tested commit with its verdict and runs, one per candidate, the
// culprit and its parent ringed; in range order when positions are known.
TEST(Picture, MarksEveryTestedCommitCandidateCulpritAndParent) {
  struct {
    const char* name;
    bool positions;
    decide::ConclusionKind outcome;
    size_t candidates;
    size_t culprit, parent;
  } rows[] = {
      {"found with positions", true, decide::ConclusionKind::kFound, 2, 1, 1},
      {"found without positions", false, decide::ConclusionKind::kFound, 2, 1, 1},
      {"inconclusive", true, decide::ConclusionKind::kInconclusive, 2, 0, 0},
      {"error, nothing but tests", false, decide::ConclusionKind::kError, 0, 0, 0},
  };
  for (const auto& row : rows) {
    BisectionResult r = SampleResult();
    r.outcome = row.outcome;
    if (!row.positions) {
      for (auto& t : r.tested) t.position = -1;
      for (auto& c : r.candidates) c.position = -1;
    }
    if (row.outcome != decide::ConclusionKind::kFound) r.commit.clear();
    if (row.candidates == 0) r.candidates.clear();
    std::ostringstream out;
    WritePicture(r, out);
    const std::string svg = out.str();
    EXPECT_EQ(Count(svg, "<g class=\"mark tested"), r.tested.size()) << row.name;
    EXPECT_EQ(Count(svg, "<g class=\"mark candidate\""), row.candidates) << row.name;
    EXPECT_EQ(Count(svg, "<g class=\"mark culprit\""), row.culprit) << row.name;
    EXPECT_EQ(Count(svg, "<g class=\"mark parent\""), row.parent) << row.name;
    EXPECT_EQ(Count(svg, "<svg"), 1u);
    EXPECT_EQ(Count(svg, "</svg>"), 1u);
    EXPECT_EQ(Count(svg, "<g"), Count(svg, "</g>")) << row.name;
  }
}

TEST(Picture, TestedMarkCarriesVerdictAndRunCounts) {
  std::ostringstream out;
  WritePicture(SampleResult(), out);
  const std::string svg = out.str();
  EXPECT_NE(
      svg.find("data-commit=\"b9011c7e671dbbf59bb753283ddfd03f0c9eb865\" data-verdict=\"bad\" "
               "data-order=\"1\" data-crashed=\"2\" data-ok=\"1\" data-untestable=\"1\""),
      std::string::npos)
      << svg;
  // With positions, the axis runs old to new: parent (17), culprit (18), then the start (40),
  // and the 21 commits between 18 and 40 are folded into a gap.
  size_t parent = svg.find("data-commit=\"72f42973");
  size_t culprit = svg.find("<g class=\"mark tested verdict-bad\" data-commit=\"483fc4e3");
  size_t start = svg.find("data-commit=\"b9011c7e");
  EXPECT_LT(parent, culprit);
  EXPECT_LT(culprit, start);
  EXPECT_NE(svg.find("<g class=\"gap\" data-commits=\"21\">"), std::string::npos);
}

TEST(Html, PageLinksLogsAndShowsDiffAndSettings) {
  const std::string html = Page(SampleResult());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("href=\"../builds/k1/build.log\""), std::string::npos);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NE(html.find("href=\"../runs/k1-t/run-" + std::to_string(i) + ".log\""),
              std::string::npos);
  }
  EXPECT_NE(html.find("href=\"../logs/job-1.log\""), std::string::npos);
  EXPECT_NE(html.find("<span class=\"add\">+\tint &lt;new&gt;;</span>"), std::string::npos);
  EXPECT_NE(html.find("make -j2 &amp;&amp; cp prog &quot;$CULPRIT_OUT/&quot;"), std::string::npos);
  EXPECT_EQ(Count(html, "<script"), 0u) << "no scripts";
  EXPECT_EQ(Count(html, "src=\"http"), 0u) << "no external assets";
  EXPECT_EQ(html.find("<new>"), std::string::npos) << "unescaped text";
  for (const char* tag : {"table", "pre", "h2", "svg", "details", "g"}) {
    EXPECT_EQ(Count(html, std::string("<") + tag + ">") + Count(html, std::string("<") + tag + " "),
              Count(html, std::string("</") + tag + ">"))
        << tag;
  }
}

TEST(Html, EscapesAndReplacesBadBytes) {
  BisectionResult r = SampleResult();
  r.title = "KASAN: use-after-free in <unknown> & co \xe9";
  r.tested[0].title = "mm: a <b> 'c'\x01";
  const std::string html = Page(r);
  EXPECT_NE(html.find("use-after-free in &lt;unknown&gt; &amp; co \xef\xbf\xbd"),
            std::string::npos);
  EXPECT_NE(html.find("mm: a &lt;b&gt; &#39;c&#39;\xef\xbf\xbd"), std::string::npos);
  EXPECT_EQ(html.find("<unknown>"), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
}

TEST(Links, StateRelativeAndReportsLink) {
  struct {
    std::string path, state, relative, link;
  } rows[] = {
      {"/st/runs/a-b/run-0.log", "/st", "runs/a-b/run-0.log", "../runs/a-b/run-0.log"},
      {"/st/runs/a-b/run-0.log", "/st/", "runs/a-b/run-0.log", "../runs/a-b/run-0.log"},
      {".culprit/builds/k/build.log", ".culprit", "builds/k/build.log", "../builds/k/build.log"},
      {"./.culprit/builds/k/build.log", ".culprit", "builds/k/build.log", "../builds/k/build.log"},
      // Recorded relative to the directory the job ran in; shown from another.
      {".culprit/runs/x/run 1.log", "/home/u/p/.culprit", "runs/x/run 1.log",
       "../runs/x/run%201.log"},
      {"/elsewhere/file.log", "/st", "", "file:///elsewhere/file.log"},
      {"../st2/runs", "/st", "", ""},
      {"", "/st", "", ""},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(StateRelative(row.path, row.state), row.relative) << row.path << " in " << row.state;
    EXPECT_EQ(ReportsLink(row.path, row.state), row.link) << row.path << " in " << row.state;
  }
}

}  // namespace
}  // namespace culprit::report
