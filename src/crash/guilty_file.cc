// The guilty file: the first source file in a symbolized report that is not generic code
// (after syzkaller's guiltyFileIgnores for Linux).
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "crash/linux_report.h"
#include "crash/report.h"

namespace culprit::crash {

namespace {

constexpr std::string_view kSourceExts[] = {".c", ".h", ".S", ".rs", ".cc", ".cpp"};

bool IsPathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '/' ||
         c == '.';
}

// The source files cited as "path/file.c:123" in `report`, in order (by hand: this runs on
// every parsed report).
std::vector<std::string_view> CitedFiles(std::string_view report) {
  std::vector<std::string_view> files;
  for (size_t colon = report.find(':'); colon != std::string_view::npos;
       colon = report.find(':', colon + 1)) {
    if (colon + 1 >= report.size() || !std::isdigit(static_cast<unsigned char>(report[colon + 1])))
      continue;
    std::string_view before = report.substr(0, colon);
    bool source = false;
    for (std::string_view ext : kSourceExts) source = source || before.ends_with(ext);
    if (!source) continue;
    size_t begin = colon;
    while (begin > 0 && IsPathChar(report[begin - 1])) --begin;
    if (begin > 0 && report[begin - 1] != ' ' && report[begin - 1] != '\t' &&
        report[begin - 1] != '(' && report[begin - 1] != '\n')
      continue;
    // One file per line: the first citation (later ones are "inlined from" notes).
    if (!files.empty() && report.substr(files.back().data() - report.data(),
                                        begin - (files.back().data() - report.data()))
                                  .find('\n') == std::string_view::npos)
      continue;
    files.push_back(report.substr(begin, colon - begin));
  }
  return files;
}

// "arch/x86/kvm/../../../virt/kvm/eventfd.c" -> "virt/kvm/eventfd.c" (filepath.Clean).
std::string CleanPath(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (std::string_view part : parts) out.append(out.empty() ? "" : "/").append(part);
  return out;
}

}  // namespace

namespace {

// Generic code: where a crash is reported, rarely where it was caused.
bool IsGenericFile(const std::string& file) {
  static const RE2 ignore(
      R"(^(?:.*\.h$|lib/|virt/lib/|mm/kasan/|mm/kmsan/|mm/kfence/|kernel/kcov\.c|mm/sl.b\.c|)"
      R"(mm/slab_common\.c|mm/filemap\.c|mm/folio-compat\.c|mm/truncate\.c|mm/memory\.c|mm/percpu|)"
      R"(mm/vmalloc\.c|mm/page_alloc\.c|mm/mempool\.c|mm/util\.c|mm/kmemleak\.c|kernel/rcu/|)"
      R"(arch/.*/kernel/traps\.c|arch/.*/kernel/unwind.*\.c|arch/.*/mm/fault\.c|)"
      R"(arch/.*/mm/physaddr\.c|arch/.*/kernel/stacktrace\.c|arch/.*/kernel/dumpstack\.c|)"
      R"(arch/.*/kernel/apic/apic\.c|arch/arm64/kernel/entry.*\.c|arch/arm64/kernel/syscall\.c|)"
      R"(arch/x86/entry/|kernel/locking/|kernel/panic\.c|kernel/printk/|kernel/sched/|)"
      R"(kernel/time/timer\.c|kernel/workqueue\.c|kernel/softirq\.c|kernel/smp\.c|)"
      R"(net/core/dev\.c|net/core/sock\.c|net/core/skbuff\.c|fs/proc/generic\.c|trusty/|)"
      R"(drivers/usb/core/urb\.c|drivers/usb/core/message\.c|kernel/kthread\.c|kernel/exit\.c|)"
      R"(kernel/signal\.c|kernel/fork\.c|kernel/stacktrace\.c|kernel/entry/))");
  return RE2::PartialMatch(file, ignore);
}

}  // namespace

std::string GuiltyFile(std::string_view report) {
  std::string first;
  for (std::string_view cited : CitedFiles(report)) {
    std::string file = CleanPath(cited);
    if (first.empty()) first = file;
    if (!IsGenericFile(file)) return file;
  }
  // Better a generic file than none: the report still goes to someone.
  return first;
}

std::string GuiltyFileForTitle(std::string_view title, std::string_view report) {
  // RCU stalls: frames before the interrupt entry are the stall detector itself.
  if (title.starts_with("INFO: rcu detected stall")) {
    for (std::string_view entry :
         {"apic_timer_interrupt+0x", "el1h_64_irq+0x", "Exception stack"}) {
      size_t at = report.find(entry);
      if (at == std::string_view::npos) continue;
      std::string file = GuiltyFile(report.substr(at));
      if (!file.empty()) return file;
    }
  }
  return GuiltyFile(report);
}

std::vector<std::string> StackFiles(std::string_view report) {
  std::vector<std::string> files;
  for (std::string_view cited : CitedFiles(report)) {
    std::string file = CleanPath(cited);
    if (IsGenericFile(file) || std::find(files.begin(), files.end(), file) != files.end()) continue;
    files.push_back(std::move(file));
  }
  return files;
}

}  // namespace culprit::crash
