// The guilty file of a report (§6 of syzbot-title-rules.md): the first source file cited in the
// stack that is not generic kernel code, then a deeper file of the same subtree if the stack
// goes on into one. Also the files a stack cites, for a prior over commits.
#include "crash/guilty_file.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "crash/lines.h"
#include "crash/pattern.h"
#include "crash/report.h"

namespace culprit::crash {
namespace {

// Files where a bug is reported, rarely where it is made: headers, library code, sanitizer
// runtimes, allocators, locking, scheduling, printk, the fault path, core networking helpers.
constexpr std::string_view kNeverGuilty[] = {
    R"(\.h)",
    R"(^lib/)",
    R"(^virt/lib/)",
    R"(^mm/kasan/)",
    R"(^mm/kmsan/)",
    R"(^kernel/kcov.c)",
    R"(^mm/sl.b.c)",
    R"(^mm/filemap.c)",
    R"(^mm/folio-compat.c)",
    R"(^mm/truncate.c)",
    R"(^mm/memory.c)",
    R"(^mm/percpu)",
    R"(^mm/vmalloc.c)",
    R"(^mm/page_alloc.c)",
    R"(^mm/mempool.c)",
    R"(^mm/util.c)",
    R"(^kernel/rcu/)",
    R"(^arch/.*/kernel/traps.c)",
    R"(^arch/.*/kernel/unwind.*.c)",
    R"(^arch/.*/mm/fault.c)",
    R"(^arch/.*/mm/physaddr.c)",
    R"(^arch/.*/kernel/stacktrace.c)",
    R"(^arch/.*/kernel/apic/apic.c)",
    R"(^arch/arm64/kernel/entry.*.c)",
    R"(^arch/arm64/kernel/process\.c)",
    R"(^kernel/locking/)",
    R"(^kernel/panic.c)",
    R"(^kernel/printk/printk.*.c)",
    R"(^kernel/softirq.c)",
    R"(^kernel/kthread.c)",
    R"(^kernel/sched/.*.c)",
    R"(^kernel/stacktrace.c)",
    R"(^kernel/time/timer.c)",
    R"(^kernel/workqueue.c)",
    R"(^net/core/dev.c)",
    R"(^net/core/sock.c)",
    R"(^net/core/skbuff.c)",
    R"(^fs/proc/generic.c)",
    R"(^trusty/)",
    R"(^drivers/usb/core/urb.c)",
    R"(^arch/.*/lib/crc)",
};

// Lockdep's IRQ-state and held-lock lines cite the lock's file, not the bug's.
constexpr std::string_view kIgnoredLine =
    R"((?:hardirqs|softirqs)\s*last\s*(?:enabled|disabled)|,\s*at:\s*|^\s*#[0-9]+:|)"
    R"(^Register r[0-9]+ information)";

const RE2& NeverGuiltyRe() {
  static const RE2* re = [] {
    std::string joined;
    for (std::string_view p : kNeverGuilty) joined += (joined.empty() ? "" : "|") + std::string(p);
    return CompilePattern(joined).release();
  }();
  return *re;
}

const RE2& IgnoredLineRe() {
  static const RE2* re = CompilePattern(kIgnoredLine).release();
  return *re;
}

// "path/file.c:123" on a line: the leftmost such reference, without ":123".
std::string_view FileRef(std::string_view line) {
  // Every reference holds ".c:" or ".h:" and a digit: look at the colons first.
  bool maybe = false;
  for (size_t colon = line.find(':'); colon != std::string_view::npos && !maybe;
       colon = line.find(':', colon + 1)) {
    maybe = colon >= 2 && line[colon - 2] == '.' &&
            (line[colon - 1] == 'c' || line[colon - 1] == 'h') && colon + 1 < line.size() &&
            line[colon + 1] >= '0' && line[colon + 1] <= '9';
  }
  if (!maybe) return {};
  static const RE2* re =
      CompilePattern(R"(([A-Za-z0-9_./-]*[A-Za-z0-9_-]\.(?:c|h)):[0-9]+)").release();
  std::vector<std::string_view> groups;
  if (!SearchIn(*re, line, &groups)) return {};
  return groups[0];
}

bool NeverGuilty(std::string_view file) {
  return RE2::PartialMatch(re2::StringPiece(file.data(), file.size()), NeverGuiltyRe());
}

bool IgnoredLine(std::string_view line) {
  return RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), IgnoredLineRe());
}

// Lexical cleaning as Go's filepath.Clean: "." and "x/.." go, "//" becomes "/", a root stays.
std::string CleanPath(std::string_view path) {
  bool rooted = path.starts_with("/");
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
        continue;
      }
      if (rooted) continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) out.append(i == 0 ? "" : "/").append(parts[i]);
  return out.empty() ? "." : out;
}

std::string_view Dir(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

template <class F>
void ForEachLine(std::string_view text, F f) {
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    if (!f(text.substr(pos, end - pos))) return;
    pos = end + 1;
  }
}

// The lines of `report` that may cite a file (they hold ".c:" or ".h:"), in order.
std::vector<std::string_view> CitingLines(std::string_view report) {
  static constexpr Needle kC(".c:"), kH(".h:");
  std::vector<size_t> starts;
  for (const Needle* n : {&kC, &kH}) {
    for (size_t at = FindIn(report, *n); at != std::string_view::npos;) {
      size_t nl = at == 0 ? std::string_view::npos : report.rfind('\n', at - 1);
      starts.push_back(nl == std::string_view::npos ? 0 : nl + 1);
      size_t end = report.find('\n', at);
      at = end == std::string_view::npos ? end : FindIn(report, *n, end + 1);
    }
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  std::vector<std::string_view> lines;
  for (size_t pos : starts) {
    size_t end = report.find('\n', pos);
    lines.push_back(report.substr(pos, end == std::string_view::npos ? end : end - pos));
  }
  return lines;
}

std::string GuiltyIn(std::string_view report) {
  // Lines without a file reference play no part: only the citing ones are read.
  std::vector<std::string_view> lines = CitingLines(report);
  std::string guilty;
  size_t i = 0;
  // First pass: the first reference to a file that is not generic (the first of any kind is
  // kept in case there is none: a report should reach someone).
  bool found = false;
  for (; i < lines.size() && !found; ++i) {
    std::string_view file = FileRef(lines[i]);
    if (file.empty()) continue;
    if (guilty.empty()) guilty = std::string(file);
    if (NeverGuilty(file) || IgnoredLine(lines[i])) continue;
    guilty = CleanPath(file);
    found = true;
  }
  if (!found) return guilty;
  // Second pass: a file deeper in the same subtree names the bug more precisely.
  static const RE2* deeper = CompilePattern(R"(^/(?:[^/]+/)+[^/]+\.[ch]$)").release();
  std::string base(Dir(guilty));
  for (; i < lines.size(); ++i) {
    if (IgnoredLine(lines[i])) continue;
    std::string_view file = FileRef(lines[i]);
    if (file.empty() || NeverGuilty(file)) continue;
    std::string cleaned = CleanPath(file);
    if (cleaned.starts_with(base) && RE2::FullMatch(cleaned.substr(base.size()), *deeper)) {
      guilty = cleaned;
      base = std::string(Dir(guilty));
    }
  }
  return guilty;
}

// Source files a line cites, for StackFiles: kernel and user-space languages alike.
constexpr std::string_view kSourceExts[] = {".c", ".h", ".S", ".rs", ".cc", ".cpp", ".go"};

bool IsPathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '/' ||
         c == '.';
}

// The first "path/file.ext:123" of each line of `report`, in order.
std::vector<std::string_view> CitedFiles(std::string_view report) {
  std::vector<std::string_view> files;
  ForEachLine(report, [&](std::string_view line) {
    for (size_t colon = line.find(':'); colon != std::string_view::npos;
         colon = line.find(':', colon + 1)) {
      if (colon + 1 >= line.size() || !std::isdigit(static_cast<unsigned char>(line[colon + 1])))
        continue;
      std::string_view before = line.substr(0, colon);
      bool source = false;
      for (std::string_view ext : kSourceExts) source = source || before.ends_with(ext);
      if (!source) continue;
      size_t begin = colon;
      while (begin > 0 && IsPathChar(line[begin - 1])) --begin;
      if (begin > 0 && line[begin - 1] != ' ' && line[begin - 1] != '\t' && line[begin - 1] != '(')
        continue;
      files.push_back(line.substr(begin, colon - begin));
      break;
    }
    return true;
  });
  return files;
}

}  // namespace

std::string GuiltyFileForTitle(std::string_view title, std::string_view report) {
  // An RCU stall's frames before the timer interrupt are the stall detector itself.
  if (title.starts_with("INFO: rcu detected stall")) {
    for (std::string_view marker :
         {"apic_timer_interrupt+0x", "el1h_64_irq+0x", "Exception stack"}) {
      size_t at = report.find(marker);
      if (at == std::string_view::npos) continue;
      std::string file = GuiltyIn(report.substr(at));
      if (!file.empty()) return file;
    }
  }
  return GuiltyIn(report);
}

std::string GuiltyFile(std::string_view report, std::string_view title) {
  return GuiltyFileForTitle(title, report);
}

std::vector<std::string> StackFiles(std::string_view report) {
  std::vector<std::string> files;
  for (std::string_view cited : CitedFiles(report)) {
    std::string file = CleanPath(cited);
    if (file.starts_with("/")) file.erase(0, 1);
    if (NeverGuilty(file) || std::find(files.begin(), files.end(), file) != files.end()) continue;
    files.push_back(std::move(file));
  }
  return files;
}

}  // namespace culprit::crash
