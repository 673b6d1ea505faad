#include "report/progress_log.h"

namespace culprit::report {

ProgressLog::Tee::int_type ProgressLog::Tee::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  if (copy) copy->sputc(traits_type::to_char_type(c));
  return out_->sputc(traits_type::to_char_type(c));
}

std::streamsize ProgressLog::Tee::xsputn(const char* s, std::streamsize n) {
  if (copy) copy->sputn(s, n);
  return out_->sputn(s, n);
}

int ProgressLog::Tee::sync() {
  if (copy) copy->pubsync();
  return out_->pubsync();
}

void ProgressLog::CopyTo(std::ostream* copy) {
  log_.flush();
  tee_.copy = copy ? copy->rdbuf() : nullptr;
}

void ProgressLog::Start(bool fix_mode, const std::string& commit) {
  ClearStatus();
  log_ << (fix_mode ? "bisecting fixing commit since " : "bisecting cause commit starting from ")
       << commit << "\n";
}

void ProgressLog::TestingRelease(const std::string& tag) {
  ClearStatus();
  log_ << "testing release " << tag << "\n";
}

void ProgressLog::Bisecting(int revisions_left, int steps_left, const std::string& commit,
                            const std::string& title) {
  ClearStatus();
  log_ << "Bisecting: " << revisions_left << " revisions left to test after this (roughly "
       << steps_left << (steps_left == 1 ? " step)\n" : " steps)\n");
  log_ << "[" << commit << "] " << title << "\n\n";
}

void ProgressLog::TestingCommit(const std::string& commit) {
  ClearStatus();
  log_ << "testing commit " << commit << "\n";
}

void ProgressLog::BuildResult(bool ok, const std::string& signature, const std::string& log_path,
                              bool cached, const std::string& compiler, const std::string& label) {
  ClearStatus();
  if (!compiler.empty()) log_ << "compiler: " << compiler << "\n";
  if (ok)
    log_ << label << ": " << signature << (cached ? " (cached build)" : "") << "\n";
  else
    log_ << "build failed" << (cached ? " (cached)" : "") << ": see " << log_path << "\n";
  log_.flush();
}

void ProgressLog::RunResults(const std::vector<std::string>& results, int first_index) {
  std::vector<int> indices;
  for (size_t i = 0; i < results.size(); ++i) indices.push_back(first_index + static_cast<int>(i));
  RunResults(results, indices);
}

void ProgressLog::RunResults(const std::vector<std::string>& results,
                             const std::vector<int>& indices) {
  if (results.empty()) return;
  ClearStatus();
  bool all_same = true;
  for (const auto& r : results) all_same = all_same && r == results.front();
  if (all_same && results.size() > 1) {
    log_ << "all " << results.size() << " runs: " << results.front() << "\n";
  } else {
    for (size_t i = 0; i < results.size(); i++)
      log_ << "run #" << (i < indices.size() ? indices[i] : static_cast<int>(i)) << ": "
           << results[i] << "\n";
  }
  log_.flush();
}

void ProgressLog::Verdict(const std::string& verdict, const std::string& commit,
                          const std::string& detail) {
  ClearStatus();
  log_ << "# git bisect " << verdict << " " << commit;
  if (!detail.empty()) log_ << " (" << detail << ")";
  log_ << "\n";
  log_.flush();
}

void ProgressLog::Note(const std::string& text) {
  ClearStatus();
  log_ << text << "\n";
  log_.flush();
}

void ProgressLog::Status(const std::string& text) {
  if (!status_) return;
  std::string line = text.size() > 110 ? text.substr(0, 110) : text;
  *status_ << "\r\033[K" << line << std::flush;
  status_shown_ = true;
}

void ProgressLog::ClearStatus() {
  if (!status_ || !status_shown_) return;
  *status_ << "\r\033[K" << std::flush;
  status_shown_ = false;
}

}  // namespace culprit::report
