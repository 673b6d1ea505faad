// The running log of a bisection, line for line in the style of syzbot's bisection log
// ("testing commit H", "run #3: crashed: TITLE", "# git bisect bad H", "Bisecting: ..."),
// and an optional one-line progress display for terminals.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

namespace culprit::report {

class ProgressLog {
 public:
  /// `status` (may be null) receives a one-line, overwritten progress display (a terminal).
  ProgressLog(std::ostream& log, std::ostream* status)
      : tee_(log.rdbuf()), tee_out_(&tee_), log_(tee_out_), status_(status) {}
  ProgressLog(const ProgressLog&) = delete;
  ProgressLog& operator=(const ProgressLog&) = delete;

  /// From now on every log line also goes to `copy` (the job's log file; null: none). The
  /// progress display never does.
  void CopyTo(std::ostream* copy);

  void Start(bool fix_mode, const std::string& commit);
  void TestingRelease(const std::string& tag);
  void Bisecting(int revisions_left, int steps_left, const std::string& commit,
                 const std::string& title);
  void TestingCommit(const std::string& commit);
  /// "compiler: ..." (when known) and "signature: S" ("kernel signature: S" for kernels).
  void BuildResult(bool ok, const std::string& signature, const std::string& log_path, bool cached,
                   const std::string& compiler = "", const std::string& label = "signature");
  /// One line per run ("run #i: crashed: T") or "all runs: X" when every run says the same.
  void RunResults(const std::vector<std::string>& results, int first_index);
  /// The same for runs numbered `indices` (parallel runs need not be consecutive).
  void RunResults(const std::vector<std::string>& results, const std::vector<int>& indices);
  /// "# git bisect good H (DETAIL)", the detail saying what the verdict rests on.
  void Verdict(const std::string& verdict, const std::string& commit,
               const std::string& detail = "");
  void Note(const std::string& text);
  /// Replaces the terminal progress line; no-op without a status stream.
  void Status(const std::string& text);
  void ClearStatus();

 private:
  // Writes through to the log stream's buffer and, when set, to the copy's.
  class Tee : public std::streambuf {
   public:
    explicit Tee(std::streambuf* out) : out_(out) {}
    std::streambuf* copy = nullptr;

   protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

   private:
    std::streambuf* out_;
  };
  Tee tee_;
  std::ostream tee_out_;
  std::ostream& log_;
  std::ostream* status_;
  bool status_shown_ = false;
};

}  // namespace culprit::report
