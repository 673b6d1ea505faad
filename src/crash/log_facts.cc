#include "crash/log_facts.h"

#include <memory>

#include "crash/lines.h"
#include "crash/needle_set.h"
#include "crash/pattern.h"

namespace culprit::crash {
namespace {

constexpr std::string_view kPanic = "Kernel panic - not syncing";
constexpr std::string_view kDisconnected = "serialport: VM disconnected.";

struct Compiled {
  NeedleSet needles;  // every suppression literal, then kPanic, then kDisconnected
  std::vector<std::unique_ptr<RE2>> patterns;
};

const Compiled& Rules() {
  static const Compiled* compiled = [] {
    std::vector<std::unique_ptr<RE2>> patterns;
    for (const SuppressionRule& r : SuppressionRules())
      patterns.push_back(CompilePattern(r.pattern));
    return new Compiled{NeedleSet(LogFactNeedles()), std::move(patterns)};
  }();
  return *compiled;
}

void Scan(std::string_view log, LogFacts* facts) {
  const Compiled& c = Rules();
  for (size_t from = 0; from < log.size();) {
    if (facts->panicked && facts->suppressed && facts->vm_disconnected) return;
    NeedleSet::Hit hit = c.needles.Find(log, from);
    if (hit.pos == std::string_view::npos) return;
    Line line = LineAt(log, hit.pos);
    NoteLogFacts(line.text, facts);
    from = PastLine(log, line.end());
  }
}

}  // namespace

const std::vector<SuppressionRule>& SuppressionRules() {
  static const auto* rules = new std::vector<SuppressionRule>{
      // The fuzzing machinery failed, not the kernel.
      {"panic: failed to start executor binary", ""},
      {"panic: executor failed: pthread_create failed", ""},
      {"panic: failed to create temp dir", ""},
      // Out of memory, seen by the Go runtime as SIGBUS.
      {"fatal error: unexpected signal during runtime execution", ""},
      {"signal SIGBUS: bus error", ""},
      {"SYZFAIL: SIGBUS", ""},
      // The OOM killer took the fuzzer or the login daemon.
      {"Out of memory: Kill process ", R"(Out of memory: Kill process .* \(syz-executor\))"},
      {"Out of memory: Kill process ", R"(Out of memory: Kill process .* \(sshd\))"},
      {"Killed process ", R"(Killed process .* \(syz-executor\))"},
      {"Killed process ", R"(Killed process .* \(sshd\))"},
      {"lowmemorykiller: Killing 'syz-executor'", ""},
      {"lowmemorykiller: Killing 'sshd'", ""},
      {"INIT: PANIC: segmentation violation!", ""},
      {"*** stack smashing detected ***: terminated", ""},
      // Any operating system: the fuzzer itself ran out of memory.
      {"fatal error: runtime: out of memory", ""},
      {"fatal error: runtime: cannot allocate memory", ""},
      {"fatal error: out of memory", ""},
      {"fatal error: newosproc", ""},
      {"panic: ", R"(panic: .*cannot allocate memory)"},
  };
  return *rules;
}

std::vector<std::string_view> LogFactNeedles() {
  std::vector<std::string_view> needles;
  for (const SuppressionRule& r : SuppressionRules()) needles.push_back(r.literal);
  needles.push_back(kPanic);
  needles.push_back(kDisconnected);
  return needles;
}

void NoteLogFacts(std::string_view line, LogFacts* facts) {
  const Compiled& c = Rules();
  const auto& rules = SuppressionRules();
  // Every rule on this line, not only the needle that found it.
  for (size_t i = 0; i < rules.size() && !facts->suppressed; ++i) {
    if (line.find(rules[i].literal) == std::string_view::npos) continue;
    facts->suppressed = c.patterns[i] == nullptr || SearchIn(*c.patterns[i], line, nullptr);
  }
  facts->panicked = facts->panicked || line.find(kPanic) != std::string_view::npos;
  facts->vm_disconnected =
      facts->vm_disconnected || line.find(kDisconnected) != std::string_view::npos;
}

LogFacts ScanLogFacts(std::string_view log) {
  LogFacts facts;
  Scan(log, &facts);
  return facts;
}

bool LogPanicked(std::string_view log) {
  static constexpr Needle kNeedle(kPanic);
  return FindIn(log, kNeedle) != std::string_view::npos;
}

void LogFactsStream::Feed(std::string_view chunk) {
  size_t nl = chunk.rfind('\n');
  if (nl == std::string_view::npos) {
    partial_.append(chunk);
    // A line this long is no console line; its tail still holds what a pattern needs.
    constexpr size_t kMaxLine = 64 << 10;
    if (partial_.size() > 2 * kMaxLine) partial_.erase(0, partial_.size() - kMaxLine);
    return;
  }
  if (partial_.empty()) {
    Lines(chunk.substr(0, nl + 1));
  } else {
    partial_.append(chunk.substr(0, nl + 1));
    Lines(partial_);
    partial_.clear();
  }
  partial_.assign(chunk.substr(nl + 1));
}

LogFacts LogFactsStream::Finish() {
  Lines(partial_);
  partial_.clear();
  return facts_;
}

void LogFactsStream::Lines(std::string_view complete) { Scan(complete, &facts_); }

}  // namespace culprit::crash
