// Scores the parser on the dev corpus in shared/eval (not part of the repo). Figures are
// regression floors: the levels reached, not the targets.
#include "crash/corpus_eval.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace culprit::crash {
namespace {

namespace fs = std::filesystem;

std::vector<CorpusFile> ReadDir(const fs::path& dir) {
  std::vector<CorpusFile> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.find('.') != std::string::npos) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    files.push_back({name, ss.str()});
  }
  std::sort(files.begin(), files.end(),
            [](const CorpusFile& a, const CorpusFile& b) { return a.name < b.name; });
  return files;
}

TEST(CorpusEval, DevCorpusFigures) {
  fs::path root = fs::path(CULPRIT_SOURCE_DIR) / ".." / "shared" / "eval";
  std::vector<CorpusFile> reports = ReadDir(root / "syzkaller-linux-report");
  std::vector<CorpusFile> guilty = ReadDir(root / "syzkaller-linux-guilty");
  if (reports.empty())
    GTEST_SKIP() << "no corpus at " << root << " (shared/eval is not in the repo)";
  CorpusScore s = EvaluateCorpus(reports, guilty);
  std::cout << s.Summary();
  if (std::getenv("CULPRIT_SHOW_MISMATCHES") != nullptr) {
    for (const Mismatch& m : s.mismatches)
      std::cout << m.file << " " << m.field << "\n  want: " << m.want << "\n  got:  " << m.got
                << "\n";
  }
  auto pct = [](int n, int of) { return of == 0 ? 100.0 : 100.0 * n / of; };
  auto measure = [&pct](const Measure& m) { return pct(m.ok, m.of); };
  // Floors at the levels reached by implementing syzbot's rules (targets: 100 / 99.5 / 99 /
  // 99.5 / 100 on this corpus; the held-out part is what they are for).
  EXPECT_GE(pct(s.crash_agree, s.files), 100.0);
  EXPECT_GE(pct(s.title_exact, s.files), 100.0);
  EXPECT_GE(pct(s.alt_exact, s.files), 100.0);
  EXPECT_GE(pct(s.corrupted_ok, s.files), 100.0);
  EXPECT_GE(pct(s.type_ok, s.titled), 100.0);
  EXPECT_GE(measure(s.frame), 100.0);
  EXPECT_GE(measure(s.suppressed), 100.0);
  EXPECT_GE(measure(s.panicked), 100.0);
  EXPECT_GE(measure(s.executor), 100.0);
  EXPECT_GE(measure(s.positions), 100.0);
  EXPECT_GE(measure(s.report), 100.0);
  EXPECT_GE(pct(s.guilty_ok, s.guilty_files), 100.0);
}

}  // namespace
}  // namespace culprit::crash
