// Test helper: writes small syzbot-style bisection logs line by line, in syzkaller's wording,
// so a test row states a log's shape in a few calls. Commits are numbers; H(n) is a 40-digit
// hash made of n.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace culprit::audit::testing {

inline std::string H(int n) {
  char two[8];
  std::snprintf(two, sizeof two, "%02x", n & 0xff);
  std::string out;
  for (int i = 0; i < 20; ++i) out += two;
  return out;
}

inline const std::string kTarget = "crashed: KASAN: use-after-free Read in io_submit_sqe";
inline const std::string kOther = "crashed: WARNING in ext4_write_inode";
inline const std::string kBoot = "boot failed: kernel panic: VFS: Unable to mount root fs";
inline const std::string kBasic = "basic kernel testing failed: possible deadlock in fs_reclaim";

class FakeLog {
 public:
  FakeLog& Cause(int start) {
    return Line("bisecting cause commit starting from " + H(start))
        .Line("building syzkaller on " + H(250));
  }
  FakeLog& Fix(int start) {
    return Line("bisecting fixing commit since " + H(start))
        .Line("building syzkaller on " + H(250));
  }
  FakeLog& Release(const std::string& tag) { return Line("testing release " + tag); }
  FakeLog& Head(int c) { return Line("testing current HEAD " + H(c)); }
  /// "testing commit", compiler, signature (unique per commit unless given), then the runs:
  /// one "all runs:" line when they are all the same, "run #i:" lines otherwise.
  FakeLog& Test(int c, const std::vector<std::string>& runs, const std::string& signature = "") {
    Line("testing commit " + H(c));
    Line("compiler: gcc (GCC) 10.2.1 20210217, GNU ld (GNU Binutils for Debian) 2.35.1");
    Line("kernel signature: " + (signature.empty() ? H(c) + H(c).substr(0, 24) : signature));
    bool same = true;
    for (const std::string& r : runs) same = same && r == runs.front();
    if (same && !runs.empty()) return Line("all runs: " + runs.front());
    for (size_t i = 0; i < runs.size(); ++i) Line("run #" + std::to_string(i) + ": " + runs[i]);
    return *this;
  }
  /// Ten runs: `crashes` of `run`, the rest OK, crashes first at the given indices.
  FakeLog& TestSome(int c, const std::vector<int>& at, const std::string& run = kTarget) {
    std::vector<std::string> runs(10, "OK");
    for (int i : at) runs[static_cast<size_t>(i)] = run;
    return Test(c, runs);
  }
  FakeLog& Start(int bad, int good, int left, int steps, int next) {
    Line("# git bisect start " + H(bad) + " " + H(good));
    return Bisecting(left, steps, next);
  }
  /// "# git bisect VERDICT H(c)", then git's count and next commit when `next` >= 0.
  FakeLog& Verdict(const std::string& verdict, int c, int left = -1, int steps = -1,
                   int next = -1) {
    Line("# git bisect " + verdict + " " + H(c));
    return next >= 0 ? Bisecting(left, steps, next) : *this;
  }
  /// git's answer and syzbot's summary for a found culprit.
  FakeLog& Found(int c, bool fix = false) {
    Line(H(c) + " is the first bad commit");
    Line("commit " + H(c));
    Line("Author: A Developer <a@example.org>");
    Line("Date:   Sun Aug 15 10:40:26 2021 +0100");
    Line("");
    Line("    subsys: commit " + std::to_string(c) + " (the crash still happens on HEAD)");
    Line("");
    Line(" fs/io_uring.c | 21 ++++++++++++++++++---");
    Line("");
    Line("revisions tested: 9, total time: 2h1m0.5s (build: 1h0m0s, test: 1h0m0s)");
    Line(std::string(fix ? "first good commit: " : "first bad commit: ") + H(c) +
         " subsys: commit " + std::to_string(c));
    Line("recipients (to): [\"a@example.org\"]");
    return Line("crash: KASAN: use-after-free Read in io_submit_sqe")
        .Line("BUG: KASAN: use-after-free in io_submit_sqe+0x1/0x2 fs/io_uring.c:1");
  }
  /// git runs out of testable commits: the candidates, then syzbot's summary.
  FakeLog& OnlySkipped(const std::vector<int>& candidates, bool fix = false) {
    Line("There are only 'skip'ped commits left to test.");
    Line("The first bad commit could be any of:");
    for (int c : candidates) Line(H(c));
    Line("We cannot bisect more!");
    Line("revisions tested: 7, total time: 1h0m0s (build: 30m0s, test: 30m0s)");
    Line(std::string("bisection is inconclusive, the first ") + (fix ? "good" : "bad") +
         " commit could be any of:");
    for (int c : candidates) Line(H(c));
    return *this;
  }
  FakeLog& Line(const std::string& line) {
    text_ += line + "\n";
    return *this;
  }
  const std::string& str() const { return text_; }

 private:
  FakeLog& Bisecting(int left, int steps, int next) {
    Line("Bisecting: " + std::to_string(left) + " revisions left to test after this (roughly " +
         std::to_string(steps) + " steps)");
    Line("[" + H(next) + "] subsys: commit " + std::to_string(next));
    return Line("");
  }

  std::string text_;
};

}  // namespace culprit::audit::testing
