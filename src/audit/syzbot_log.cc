#include "audit/syzbot_log.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "base/strings.h"

namespace culprit::audit {
namespace {

constexpr int kSyzkallerRunsPerCommit = 10;  // syzkaller pkg/bisect: NumTests

bool IsHash(std::string_view s) {
  return s.size() >= 7 && s.size() <= 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

bool Consume(std::string_view* s, std::string_view prefix) {
  if (!StartsWith(*s, prefix)) return false;
  s->remove_prefix(prefix.size());
  return true;
}

std::string_view FirstToken(std::string_view s) { return s.substr(0, s.find(' ')); }

std::string_view AfterFirstToken(std::string_view s) {
  size_t space = s.find(' ');
  return space == std::string_view::npos ? std::string_view() : Trim(s.substr(space + 1));
}

std::optional<int> ParseInt(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// One run's text, as syzkaller's processResults writes it.
std::optional<LoggedRun> ParseRunText(std::string_view text) {
  text = Trim(text);
  if (text == "OK") return LoggedRun{};
  struct Form {
    std::string_view prefix;
    LoggedRunKind kind;
  };
  static constexpr Form kForms[] = {
      {"crashed: ", LoggedRunKind::kCrashed},
      {"boot failed: ", LoggedRunKind::kBootFailed},
      {"basic kernel testing failed: ", LoggedRunKind::kTestFailed},
      {"infra problem: ", LoggedRunKind::kInfraFailed},
      {"failed: ", LoggedRunKind::kInfraFailed},
  };
  for (const Form& f : kForms) {
    if (StartsWith(text, f.prefix)) {
      return LoggedRun{f.kind, std::string(Trim(text.substr(f.prefix.size())))};
    }
  }
  return std::nullopt;
}

// "Bisecting: 11799 revisions left to test after this (roughly 14 steps)".
bool ParseBisecting(std::string_view s, int* left, int* steps) {
  if (!Consume(&s, "Bisecting: ")) return false;
  auto n = ParseInt(FirstToken(s));
  size_t roughly = s.find("(roughly ");
  if (!n || roughly == std::string_view::npos) return false;
  std::string_view rest = s.substr(roughly + 9);
  auto k = ParseInt(FirstToken(rest));
  if (!k) return false;
  *left = *n;
  *steps = *k;
  return true;
}

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// syzkaller's wordings of "the range searched holds no answer" over the years.
bool IsHorizonLine(std::string_view lower) {
  return Contains(lower, "oldest tested release already had the bug") ||
         Contains(lower, "already happened on the oldest tested release") ||
         Contains(lower, "crash is older than") || Contains(lower, "crash still not fixed") ||
         Contains(lower, "crash still happens on");
}

bool IsErrorLine(std::string_view line, std::string_view lower) {
  return StartsWith(line, "error: ") || Contains(lower, "reproduced on the original commit") ||
         Contains(lower, "does not reproduce on the original commit") ||
         Contains(lower, "bisection is taking too long");
}

enum class State {
  kHeader,      // before "bisecting cause/fixing commit ..."
  kBody,        // the walk
  kGitFound,    // after "H is the first bad commit": git's commit details follow
  kGitSkipped,  // after "There are only 'skip'ped commits left to test."
  kCandidates,  // after "bisection is inconclusive, ... could be any of:"
  kReport,      // after "crash: TITLE": the crash report, not read
};

class Parser {
 public:
  explicit Parser(const ParseOptions& options) : options_(options) {}

  Result<SyzbotLog> Parse(std::string_view text) {
    std::vector<std::string_view> lines = SplitLines(text);
    for (size_t i = 0; i < lines.size() && state_ != State::kReport; ++i) {
      std::string_view line = lines[i];
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (auto ok = Line(static_cast<int>(i) + 1, line); !ok) return tl::unexpected(ok.error());
    }
    if (auto ok = Finish(static_cast<int>(lines.size())); !ok) return tl::unexpected(ok.error());
    return std::move(log_);
  }

 private:
  static tl::unexpected<Error> At(int line, const std::string& message) {
    return Fail(ErrorKind::kBadInput, "line " + std::to_string(line) + ": " + message);
  }

  TestedCommit* current() { return log_.tested.empty() ? nullptr : &log_.tested.back(); }

  Result<void> Line(int n, std::string_view line) {
    switch (state_) {
      case State::kHeader:
        return Header(n, line);
      case State::kGitFound:
        // git's "commit H / Author / Date / message / diffstat" until syzbot speaks again; the
        // message and the diffstat are indented, so their words are never read as an answer.
        if (!line.empty() && line.front() != ' ' && line.front() != '\t') Summary(n, line);
        return {};
      case State::kGitSkipped:
        if (IsHash(Trim(line))) git_candidates_.emplace_back(Trim(line));
        if (StartsWith(line, "We cannot bisect more")) state_ = State::kBody;
        return {};
      case State::kCandidates:
        if (IsHash(Trim(line))) {
          log_.culprits.emplace_back(Trim(line));
          return {};
        }
        state_ = State::kBody;
        return Body(n, line);
      default:
        return Body(n, line);
    }
  }

  Result<void> Header(int n, std::string_view line) {
    std::string_view s = Trim(line);
    if (s.empty()) return {};
    if (Consume(&s, "bisecting cause commit starting from ")) {
      log_.mode = LogMode::kCause;
    } else if (Consume(&s, "bisecting fixing commit since ")) {
      log_.mode = LogMode::kFix;
    } else {
      return At(n,
                "expected 'bisecting cause commit starting from HASH' or 'bisecting fixing "
                "commit since HASH' (is this a syzbot bisection log?)");
    }
    if (!IsHash(FirstToken(s))) return At(n, "expected a commit hash at the end of the first line");
    log_.start = std::string(FirstToken(s));
    state_ = State::kBody;
    return {};
  }

  Result<void> Body(int n, std::string_view line) {
    std::string_view s = line;
    if (Trim(s).empty() || StartsWith(s, "building syzkaller on ") ||
        StartsWith(s, "ensuring issue is reproducible on original commit")) {
      return {};
    }
    if (Consume(&s, "testing release ")) {
      pending_release_ = std::string(FirstToken(Trim(s)));
      return {};
    }
    if (StartsWith(s, "testing current HEAD ")) {
      pending_head_ = true;
      return {};
    }
    if (Consume(&s, "testing commit ")) return Tested(n, s);
    if (StartsWith(s, "run #") || StartsWith(s, "all runs:")) return Run(n, s);
    if (Consume(&s, "compiler: ")) return Detail(n, line, [&](TestedCommit& c) { c.compiler = s; });
    if (Consume(&s, "kernel signature: ")) {
      return Detail(n, line, [&](TestedCommit& c) { c.signature = std::string(Trim(s)); });
    }
    if (Consume(&s, "# git bisect start ")) return Start(n, s);
    if (Consume(&s, "# git bisect ")) return Verdict(n, s);
    if (StartsWith(s, "Bisecting: ")) return Bisecting(n, s);
    if (StartsWith(s, "[") && s.find(']') != std::string_view::npos) {
      std::string_view hash = s.substr(1, s.find(']') - 1);
      if (IsHash(hash)) {
        titles_.push_back({std::string(hash), std::string(Trim(s.substr(s.find(']') + 1)))});
        return {};
      }
    }
    if (Consume(&s, "There are only 'skip'ped commits left to test")) {
      state_ = State::kGitSkipped;
      return {};
    }
    if (StartsWith(s, "The first bad commit could be any of")) {
      state_ = State::kGitSkipped;
      return {};
    }
    if (IsHash(FirstToken(s)) && Trim(AfterFirstToken(s)) == "is the first bad commit") {
      git_found_ = std::string(FirstToken(s));
      git_found_line_ = n;
      state_ = State::kGitFound;
      return {};
    }
    if (Summary(n, line)) return {};
    return Unknown(n, line);
  }

  // syzbot's closing lines; false if `line` is none of them.
  bool Summary(int n, std::string_view line) {
    std::string_view s = line;
    const std::string lower = ToLower(line);
    if (StartsWith(s, "culprit signature:") || StartsWith(s, "parent  signature:") ||
        StartsWith(s, "recipients (")) {
      return true;
    }
    if (Consume(&s, "revisions tested: ")) {
      log_.revisions_tested =
          ParseInt(FirstToken(s).substr(0, FirstToken(s).find(','))).value_or(-1);
      return true;
    }
    if (Consume(&s, "reproducer is flaky (")) {
      log_.syzbot_repro_chance = std::atof(std::string(FirstToken(s)).c_str());
      return true;
    }
    if (StartsWith(s, "reproducer seems to be flaky")) return true;
    for (std::string_view what : {"first bad commit: ", "first good commit: "}) {
      std::string_view rest = s;
      if (Consume(&rest, what) && IsHash(FirstToken(rest))) {
        SetEnding(LogEnding::kCulprit, n, line);
        log_.culprits = {std::string(FirstToken(rest))};
        log_.culprit_title = std::string(AfterFirstToken(rest));
        if ((what == "first good commit: ") != (log_.mode == LogMode::kFix)) {
          log_.notes.push_back("line " + std::to_string(n) + " names the '" +
                               std::string(what.substr(0, what.size() - 2)) + "' in a " +
                               (log_.mode == LogMode::kFix ? "fix" : "cause") + " bisection");
        }
        state_ = State::kBody;
        return true;
      }
    }
    if (StartsWith(s, "bisection is inconclusive")) {
      SetEnding(LogEnding::kInconclusive, n, line);
      log_.culprits.clear();
      state_ = State::kCandidates;
      return true;
    }
    if (Consume(&s, "crash: ")) {
      log_.crash_title = std::string(Trim(s));
      state_ = State::kReport;
      return true;
    }
    if (IsHorizonLine(lower)) {
      SetEnding(LogEnding::kHorizon, n, line);
      state_ = State::kBody;
      return true;
    }
    if (IsErrorLine(line, lower) && !AwaitingBuild()) {
      SetEnding(LogEnding::kError, n, line);
      state_ = State::kBody;
      return true;
    }
    return false;
  }

  void SetEnding(LogEnding ending, int n, std::string_view line) {
    log_.ending = ending;
    ending_set_ = true;
    log_.ending_line = n;
    log_.ending_text = std::string(Trim(line));
  }

  // The last tested commit has neither runs nor a verdict: text now is its build's output.
  bool AwaitingBuild() {
    const TestedCommit* c = current();
    return c != nullptr && c->runs.empty() && c->verdict == LoggedVerdict::kNone && !ending_set_;
  }

  Result<void> Unknown(int n, std::string_view line) {
    if (AwaitingBuild() && current()->signature.empty()) {
      std::string& out = current()->build_output;
      if (out.size() < 4096) out += std::string(Trim(line)) + "\n";
      return {};
    }
    if (log_.ignored_lines++ == 0) log_.first_ignored_line = n;
    return {};
  }

  template <class F>
  Result<void> Detail(int n, std::string_view line, F set) {
    TestedCommit* c = current();
    if (c == nullptr) {
      return At(n, "'" + std::string(line.substr(0, line.find(':') + 1)) +
                       "' before any 'testing commit HASH' line");
    }
    set(*c);
    return {};
  }

  Result<void> Tested(int n, std::string_view s) {
    std::string_view hash = FirstToken(Trim(s));
    if (!IsHash(hash)) return At(n, "expected a commit hash after 'testing commit'");
    if (const TestedCommit* prev = current();
        prev != nullptr && prev->in_bisection && prev->verdict == LoggedVerdict::kNone) {
      return At(n, "commit " + prev->id + " (tested at line " + std::to_string(prev->line) +
                       ") got no verdict before the next test; expected '# git bisect good|bad|"
                       "skip " +
                       prev->id + "'");
    }
    TestedCommit c{.id = std::string(hash), .line = n};
    c.release = std::move(pending_release_);
    c.head = pending_head_;
    c.in_bisection = !log_.bisect_bad.empty();
    if (std::string_view with = AfterFirstToken(Trim(s)); Consume(&with, "with ")) {
      c.compiler = std::string(with);
    }
    pending_release_.clear();
    pending_head_ = false;
    log_.tested.push_back(std::move(c));
    return {};
  }

  Result<void> Run(int n, std::string_view s) {
    TestedCommit* c = current();
    if (c == nullptr) return At(n, "a run line before any 'testing commit HASH' line");
    if (c->verdict != LoggedVerdict::kNone) {
      return At(n, "a run line after the verdict on " + c->id + " (line " +
                       std::to_string(c->verdict_line) + "); expected 'testing commit HASH'");
    }
    std::string_view text = s;
    if (Consume(&text, "all runs:")) {
      if (!c->runs.empty()) return At(n, "'all runs:' after single runs of " + c->id);
      auto run = ParseRunText(text);
      if (!run)
        return At(n,
                  "expected 'all runs: OK' or 'all runs: crashed: TITLE' (or boot "
                  "failed / basic kernel testing failed / infra problem)");
      c->runs.push_back(*run);
      c->all_runs = true;
      return {};
    }
    text.remove_prefix(5);  // "run #"
    size_t colon = text.find(':');
    auto index = ParseInt(text.substr(0, colon));
    if (colon == std::string_view::npos || !index) return At(n, "expected 'run #N: RESULT'");
    if (c->all_runs || *index != static_cast<int>(c->runs.size())) {
      return At(n, "expected run #" + std::to_string(c->runs.size()) + " of " + c->id +
                       ", found run #" + std::to_string(*index));
    }
    auto run = ParseRunText(text.substr(colon + 1));
    if (!run) {
      return At(n,
                "expected 'OK', 'crashed: TITLE', 'boot failed: TITLE', 'basic kernel "
                "testing failed: TITLE' or 'infra problem: ...' after 'run #" +
                    std::to_string(*index) + ":'");
    }
    max_run_index_ = std::max(max_run_index_, *index);
    c->runs.push_back(*run);
    return {};
  }

  Result<void> Start(int n, std::string_view s) {
    std::string_view bad = FirstToken(Trim(s));
    std::string_view good = FirstToken(AfterFirstToken(Trim(s)));
    if (!IsHash(bad) || !IsHash(good)) {
      return At(n, "expected '# git bisect start BAD GOOD' with two commit hashes");
    }
    if (!log_.bisect_bad.empty()) return At(n, "a second '# git bisect start'");
    log_.bisect_bad = std::string(bad);
    log_.bisect_good = std::string(good);
    log_.bisect_line = n;
    last_verdict_ = -1;
    return {};
  }

  Result<void> Verdict(int n, std::string_view s) {
    std::string_view word = FirstToken(Trim(s));
    std::string_view hash = FirstToken(AfterFirstToken(Trim(s)));
    LoggedVerdict v = word == "good"   ? LoggedVerdict::kGood
                      : word == "bad"  ? LoggedVerdict::kBad
                      : word == "skip" ? LoggedVerdict::kSkip
                                       : LoggedVerdict::kNone;
    if (v == LoggedVerdict::kNone || !IsHash(hash)) {
      return At(n, "expected '# git bisect good|bad|skip HASH'");
    }
    if (log_.bisect_bad.empty()) return At(n, "a verdict before '# git bisect start'");
    TestedCommit* c = current();
    if (c == nullptr || c->verdict != LoggedVerdict::kNone || !c->in_bisection) {
      // A verdict without a test of its own: syzbot reused an earlier result (same kernel).
      log_.tested.push_back(
          {.id = std::string(hash), .line = n, .in_bisection = true, .reused = true});
      log_.notes.push_back("line " + std::to_string(n) + ": verdict on " + std::string(hash) +
                           " without a test in the log (a reused result)");
      c = current();
    } else if (!SameCommit(c->id, hash)) {
      return At(n, "verdict on " + std::string(hash) + ", but the commit tested last is " + c->id +
                       " (line " + std::to_string(c->line) + ")");
    }
    c->verdict = v;
    c->verdict_line = n;
    if (c->runs.empty() && !c->signature.empty() && c->build_output.empty()) c->reused = true;
    last_verdict_ = static_cast<int>(log_.tested.size()) - 1;
    return {};
  }

  Result<void> Bisecting(int n, std::string_view s) {
    int left = 0, steps = 0;
    if (!ParseBisecting(s, &left, &steps)) {
      return At(n, "expected 'Bisecting: N revisions left to test after this (roughly K steps)'");
    }
    if (log_.bisect_bad.empty()) return At(n, "'Bisecting:' before '# git bisect start'");
    if (last_verdict_ < 0) {
      log_.left_at_start = left;
      log_.steps_at_start = steps;
    } else {
      log_.tested[static_cast<size_t>(last_verdict_)].left_after = left;
      log_.tested[static_cast<size_t>(last_verdict_)].steps_after = steps;
    }
    return {};
  }

  static bool SameCommit(std::string_view a, std::string_view b) {
    return StartsWith(a, b) || StartsWith(b, a);
  }

  Result<void> Finish(int last_line) {
    if (state_ == State::kHeader) {
      return At(1,
                "expected 'bisecting cause commit starting from HASH' or 'bisecting fixing "
                "commit since HASH'; the log is empty");
    }
    if (log_.tested.empty()) {
      return At(last_line,
                "the log ends without testing any commit (expected 'testing commit "
                "HASH')");
    }
    if (!ending_set_ && !git_found_.empty()) {
      log_.ending = LogEnding::kCulprit;
      log_.culprits = {git_found_};
      log_.ending_line = git_found_line_;
      log_.ending_text = git_found_ + " is the first bad commit";
      log_.notes.push_back("the log ends before syzbot's summary; the answer is git's");
      ending_set_ = true;
    }
    if (!ending_set_ && !git_candidates_.empty()) {
      log_.ending = LogEnding::kInconclusive;
      log_.culprits = git_candidates_;
      log_.ending_text = "there are only 'skip'ped commits left to test";
      ending_set_ = true;
    }
    if (!ending_set_) return CutLog(last_line);
    if (!git_found_.empty() && log_.ending == LogEnding::kCulprit &&
        !SameCommit(git_found_, log_.culprits.front())) {
      log_.notes.push_back("git's first bad commit " + git_found_ + " differs from syzbot's " +
                           log_.culprits.front());
    }
    FillTitlesAndRuns();
    return {};
  }

  Result<void> CutLog(int last_line) {
    const TestedCommit& c = log_.tested.back();
    const std::string where = "the log ends at line " + std::to_string(last_line);
    if (c.in_bisection && c.verdict == LoggedVerdict::kNone) {
      return At(last_line, where + " after " + c.id + " was tested (line " +
                               std::to_string(c.line) +
                               "), before its verdict; expected '# git "
                               "bisect good|bad|skip " +
                               c.id + "' (the log looks cut)");
    }
    if (!log_.bisect_bad.empty()) {
      return At(last_line, where + " inside the bisection (last verdict at line " +
                               std::to_string(c.verdict_line) +
                               "); expected git's next step or its answer ('HASH is the first "
                               "bad commit') and syzbot's summary (the log looks cut)");
    }
    return At(last_line, where + " after the release walk (last test at line " +
                             std::to_string(c.line) +
                             "); expected '# git bisect start BAD GOOD' or syzbot's answer");
  }

  void FillTitlesAndRuns() {
    int per_test = options_.runs_per_test;
    if (per_test <= 0)
      per_test = max_run_index_ >= 0 ? max_run_index_ + 1 : kSyzkallerRunsPerCommit;
    log_.runs_per_test = per_test;
    for (TestedCommit& c : log_.tested) {
      if (c.all_runs) c.runs.assign(static_cast<size_t>(per_test), c.runs.front());
      for (const auto& [hash, title] : titles_) {
        if (c.title.empty() && SameCommit(hash, c.id)) c.title = title;
      }
    }
    if (log_.revisions_tested >= 0 &&
        log_.revisions_tested != static_cast<int>(log_.tested.size())) {
      int tested = 0;
      for (const TestedCommit& c : log_.tested) tested += !c.reused || !c.runs.empty();
      if (tested != log_.revisions_tested) {
        log_.notes.push_back("syzbot counts " + std::to_string(log_.revisions_tested) +
                             " revisions tested; the log shows " + std::to_string(tested));
      }
    }
  }

  ParseOptions options_;
  SyzbotLog log_;
  State state_ = State::kHeader;
  bool ending_set_ = false;
  std::string pending_release_;
  bool pending_head_ = false;
  int last_verdict_ = -1;
  int max_run_index_ = -1;
  std::string git_found_;
  int git_found_line_ = 0;
  std::vector<std::string> git_candidates_;
  std::vector<std::pair<std::string, std::string>> titles_;  // git's "[H] title" lines
};

}  // namespace

Result<SyzbotLog> ParseSyzbotLog(std::string_view text, const ParseOptions& options) {
  return Parser(options).Parse(text);
}

std::string_view LoggedVerdictName(LoggedVerdict v) {
  switch (v) {
    case LoggedVerdict::kGood:
      return "good";
    case LoggedVerdict::kBad:
      return "bad";
    case LoggedVerdict::kSkip:
      return "skip";
    case LoggedVerdict::kNone:
      break;
  }
  return "";
}

}  // namespace culprit::audit
