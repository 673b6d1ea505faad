#include "crash/title_normalize.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <memory>
#include <utility>

namespace culprit::crash {
namespace {

struct Rewrite {
  const char* pattern;
  const char* replacement;
};

// Order and rules after syzkaller's pkg/report (report.go: sanitizeTitle and friends). RE2 has
// no look-behind, so "after a non-alphanumeric character" is a captured group put back.
constexpr std::array<Rewrite, 9> kRewrites = {{
    {R"(syz-executor[0-9]+(?:(?:/|:)[0-9]+)?)", "syz-executor"},
    {R"(syzkaller[0-9]+)", "syzkaller"},
    {R"((^|[^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,})", "\\1ADDR"},
    {R"((^|[^a-zA-Z0-9])[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})", "\\1IP"},
    {R"((\.[a-zA-Z]+):[0-9]+)", "\\1:LINE"},
    {R"(([a-zA-Z_][a-zA-Z0-9_.]*)\+0x[0-9a-f]+/0x[0-9a-f]+)", "\\1"},
    {R"(CPU#[0-9]+)", "CPU"},
    {R"((^|[^a-zA-Z0-9_])[0-9]+\b)", "\\1NUM"},
    {R"([0-9]{7,})", "NUM"},
}};

const std::array<std::unique_ptr<RE2>, kRewrites.size()>& CompiledRewrites() {
  static const auto* compiled = [] {
    auto* res = new std::array<std::unique_ptr<RE2>, kRewrites.size()>;
    for (size_t i = 0; i < kRewrites.size(); ++i)
      (*res)[i] = std::make_unique<RE2>(kRewrites[i].pattern);
    return res;
  }();
  return *compiled;
}

std::string Printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\t') c = ' ';
    if (c < 0x20 || c >= 0x7f) continue;
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string NormalizeTitle(std::string_view title) {
  std::string s(title.substr(0, 4096));
  const auto& res = CompiledRewrites();
  // Every rule needs a digit, except the address rule, which needs a run of 6 hex digits (a-f
  // alone, as in "deadbeef"). Replacements add neither, so most titles skip all regexes.
  bool digit = false;
  size_t hex_run = 0, longest_hex_run = 0;
  for (char c : s) {
    digit = digit || (c >= '0' && c <= '9');
    hex_run = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ? hex_run + 1 : 0;
    longest_hex_run = std::max(longest_hex_run, hex_run);
  }
  constexpr size_t kAddressRule = 2;
  for (size_t i = 0; i < kRewrites.size(); ++i) {
    if (i == kAddressRule ? longest_hex_run < 6 : !digit) continue;
    // Each rule runs until nothing changes (overlapping matches such as "(0,0)").
    for (int round = 0; round < 8 && RE2::GlobalReplace(&s, *res[i], kRewrites[i].replacement) > 0;
         ++round) {
    }
  }
  s = Printable(s);
  if (s.size() > 120) s.resize(120);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

namespace {

struct TypeRule {
  std::string_view prefix;  // title prefix; '*' matches any run of characters
  std::string_view type;    // "" = no type
};

// After syzkaller's crash.TitleToType: the first matching prefix decides.
constexpr TypeRule kTypeRules[] = {
    {"KASAN: *use-after-free Read", "KASAN-USE-AFTER-FREE-READ"},
    {"KASAN: *use-after-free Write", "KASAN-USE-AFTER-FREE-WRITE"},
    {"KASAN: use-after-free in", "KASAN-USE-AFTER-FREE-READ"},
    {"KASAN: invalid-free", "KASAN-INVALID-FREE"},
    {"KASAN: double-free", "KASAN-INVALID-FREE"},
    {"KASAN: null-ptr-deref Write", "KASAN-NULL-POINTER-DEREFERENCE-WRITE"},
    {"KASAN: null-ptr-deref", "KASAN-NULL-POINTER-DEREFERENCE-READ"},
    {"KASAN: * Write", "KASAN-WRITE"},
    {"KASAN: ", "KASAN-READ"},
    {"KMSAN: uninit-value", "KMSAN-UNINIT-VALUE"},
    {"KMSAN: *infoleak", "KMSAN-INFO-LEAK"},
    {"KMSAN: use-after-free", "KMSAN-USE-AFTER-FREE-READ"},
    {"KMSAN: ", "KMSAN-UNKNOWN"},
    {"KCSAN: data-race", "KCSAN-DATARACE"},
    {"KCSAN: assert", "KCSAN-ASSERT"},
    {"KCSAN: ", "KCSAN-UNKNOWN"},
    {"KFENCE: use-after-free read", "KFENCE-USE-AFTER-FREE-READ"},
    {"KFENCE: use-after-free write", "KFENCE-USE-AFTER-FREE-WRITE"},
    {"KFENCE: invalid free", "KFENCE-INVALID-FREE"},
    {"KFENCE: memory corruption", "KFENCE-MEMORY-CORRUPTION"},
    {"KFENCE: * read", "KFENCE-READ"},
    {"KFENCE: * write", "KFENCE-WRITE"},
    {"KFENCE: ", "KFENCE-UNKNOWN"},
    {"BUG: unable to handle kernel NULL pointer dereference", "NULL-POINTER-DEREFERENCE"},
    {"BUG: unable to handle kernel paging request", "MEMORY_SAFETY_BUG"},
    {"BUG: corrupted list", "MEMORY_SAFETY_BUG"},
    {"BUG: KASAN", "MEMORY_SAFETY_BUG"},
    {"UBSAN: array-index-out-of-bounds", "MEMORY_SAFETY_UBSAN"},
    {"UBSAN: ", "UBSAN"},
    {"BUG: scheduling while atomic", "ATOMIC_SLEEP"},
    {"BUG: sleeping function called from invalid context", "ATOMIC_SLEEP"},
    {"BUG: bad usercopy", "BUG"},
    {"kernel BUG", "BUG"},
    {"BUG: bad unlock balance", "LOCKDEP"},
    {"BUG: held lock freed", "LOCKDEP"},
    {"BUG: spinlock", "LOCKDEP"},
    {"BUG: rwlock", "LOCKDEP"},
    {"BUG: using __this_cpu_", "LOCKDEP"},
    {"BUG: using smp_processor_id() in preemptible", "LOCKDEP"},
    {"BUG: lock held when returning to user space", "LOCKDEP"},
    {"BUG: still has locks held", "LOCKDEP"},
    {"WARNING: bad unlock balance", "LOCKDEP"},
    {"WARNING: lock held when returning to user space", "LOCKDEP"},
    {"WARNING: locking bug", "LOCKDEP"},
    {"WARNING: nested lock was not taken", "LOCKDEP"},
    {"WARNING: still has locks held", "LOCKDEP"},
    {"WARNING: held lock freed", "LOCKDEP"},
    {"WARNING: suspicious RCU usage in", "LOCKDEP"},
    {"inconsistent lock state", "LOCKDEP"},
    {"possible deadlock", "LOCKDEP"},
    {"WARNING: refcount bug", "REFCOUNT_WARNING"},
    {"WARNING: kernel stack", ""},
    {"WARNING", "WARNING"},
    {"INFO: task hung", "HANG"},
    {"INFO: task can't die", "HANG"},
    {"INFO: rcu detected stall", "HANG"},
    {"BUG: soft lockup", "HANG"},
    {"memory leak in", "LEAK"},
    {"unexpected kernel reboot", "REBOOT"},
    {"SYZFAIL:", "SYZ_FAILURE"},
    {"SYZFATAL:", "SYZ_FAILURE"},
    {"general protection fault", "DoS"},
    {"divide error", "DoS"},
    {"invalid opcode", "DoS"},
    {"int3", "DoS"},
    {"PANIC: double fault", "DoS"},
    {"Internal error", "DoS"},
    {"Unhandled fault", "DoS"},
    {"Alignment trap", "DoS"},
    {"kernel panic", "DoS"},
    {"stack segment fault", "DoS"},
    {"BUG: Object already free", "DoS"},
    {"VFS: Close:", "DoS"},
    {"go runtime error", "DoS"},
    {"trusty: ", "DoS"},
    {"unregister_netdevice: waiting for", "DoS"},
    {"ASan: memory leak", "LEAK"},
    {"ASan: ", "ASAN"},
    {"UBSan: ", "UBSAN"},
    {"TSan: ", "TSAN"},
    {"MSan: ", "MSAN"},
    {"assertion ", "ASSERT"},
    {"glibc: ", "ASSERT"},
    {"Go panic: ", "PANIC"},
    {"Rust panic: ", "PANIC"},
};

// Prefix match where '*' stands for any run of characters.
bool MatchesPrefix(std::string_view title, std::string_view prefix) {
  size_t star = prefix.find('*');
  if (star == std::string_view::npos) return title.starts_with(prefix);
  if (!title.starts_with(prefix.substr(0, star))) return false;
  std::string_view rest = prefix.substr(star + 1);
  return title.find(rest, star) != std::string_view::npos;
}

}  // namespace

std::string TitleToType(std::string_view title) {
  for (const TypeRule& rule : kTypeRules) {
    if (!MatchesPrefix(title, rule.prefix)) continue;
    return rule.type.empty() ? "UNKNOWN" : std::string(rule.type);
  }
  return "UNKNOWN";
}

}  // namespace culprit::crash
