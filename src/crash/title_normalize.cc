// Title normalization (§7 of syzbot-title-rules.md) and the title -> crash type table (§10).
#include "crash/title_normalize.h"

#include <re2/re2.h>

#include <array>
#include <deque>
#include <memory>
#include <vector>

namespace culprit::crash {
namespace {

struct Rewrite {
  const char* pattern;
  const char* replacement;
  const char* needs;  // a byte class every match holds ("0-9"), to skip the regex when absent
};

// In order; each runs until the title stops changing. RE2 has no look-behind, so "after a
// non-alphanumeric character" is a captured group put back.
constexpr std::array<Rewrite, 9> kRewrites = {{
    {R"(syz-executor\.?[0-9]+(?:[/:][0-9]+)?)", "syz-executor", "syz-executor"},
    {R"(syzkaller[0-9]+(?:[/:][0-9]+)?)", "syzkaller", "syzkaller"},
    {R"(([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,})", "\\1ADDR", ""},
    {R"([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})", "IP", ""},
    {R"((\.[A-Za-z0-9_]+)(?::[0-9]+)+)", "\\1:LINE", ""},
    {R"(([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+/0x[0-9a-z]+)", "\\1", "+0x"},
    {R"(CPU#[0-9]+)", "CPU", "CPU#"},
    {R"(([^A-Za-z0-9_])[0-9]+([^A-Za-z0-9_]|$))", "\\1NUM\\2", ""},
    {R"([0-9]{7,})", "NUM", ""},
}};

const std::array<std::unique_ptr<RE2>, kRewrites.size()>& CompiledRewrites() {
  static const auto* compiled = [] {
    auto* res = new std::array<std::unique_ptr<RE2>, kRewrites.size()>;
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingLatin1);
    for (size_t i = 0; i < kRewrites.size(); ++i)
      (*res)[i] = std::make_unique<RE2>(kRewrites[i].pattern, options);
    return res;
  }();
  return *compiled;
}

// Printable ASCII only, runs of spaces as one, no leading or trailing space.
std::string Sanitize(std::string_view s) {
  s = s.substr(0, 120);
  std::string out;
  out.reserve(s.size());
  char last = ' ';
  for (char c : s) {
    if (c == '\t') c = ' ';
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) continue;
    if (c == ' ' && last == ' ') continue;
    out.push_back(c);
    last = c;
  }
  while (!out.empty() && (out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

std::string NormalizeTitle(std::string_view title) {
  std::string s(title.substr(0, 4096));
  const auto& res = CompiledRewrites();
  // Every rule but the address rule needs a digit; that one needs a run of six hex digits.
  // Replacements add neither, so most titles skip most regexes.
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
    if (*kRewrites[i].needs != '\0' && s.find(kRewrites[i].needs) == std::string::npos) continue;
    // Until nothing changes: matches may overlap ("(0,0)"); bounded for safety.
    for (int round = 0; round < 64; ++round) {
      std::string before = s;
      if (RE2::GlobalReplace(&s, *res[i], kRewrites[i].replacement) == 0 || s == before) break;
    }
  }
  return Sanitize(s);
}

namespace {

struct TypeRow {
  std::vector<std::string_view> prefixes;
  std::string_view type;
};

// §10: the first row with a prefix the title starts with decides. Order matters.
const std::vector<TypeRow>& TypeRows() {
  static const auto* rows = [] {
    auto* out = new std::vector<TypeRow>{
        {{"KFENCE: use-after-free write"}, "KFENCE-USE-AFTER-FREE-WRITE"},
        {{"KFENCE: use-after-free read", "KFENCE: use-after-free"}, "KFENCE-USE-AFTER-FREE-READ"},
        {{"KFENCE: invalid write", "KFENCE: out-of-bounds write"}, "KFENCE-WRITE"},
        {{"KFENCE: invalid read", "KFENCE: out-of-bounds read", "KFENCE: out-of-bounds"},
         "KFENCE-READ"},
        {{"KFENCE: memory corruption"}, "KFENCE-MEMORY-CORRUPTION"},
        {{"KFENCE: invalid free"}, "KFENCE-INVALID-FREE"},
        {{"KMSAN: uninit-value"}, "KMSAN-UNINIT-VALUE"},
        {{"KMSAN: kernel-infoleak-after-free", "KMSAN: kernel-usb-infoleak-after-free",
          "KMSAN: use-after-free"},
         "KMSAN-USE-AFTER-FREE-READ"},
        {{"KMSAN: kernel-infoleak", "KMSAN: kernel-usb-infoleak"}, "KMSAN-INFO-LEAK"},
        {{"KASAN: null-ptr-deref Write"}, "KASAN-NULL-POINTER-DEREFERENCE-WRITE"},
        {{"KASAN: null-ptr-deref Read"}, "KASAN-NULL-POINTER-DEREFERENCE-READ"},
        {{"BUG: unable to handle kernel NULL pointer dereference in"}, "NULL-POINTER-DEREFERENCE"},
        {{}, "KASAN-WRITE"},  // filled below
        {{}, "KASAN-READ"},   // filled below
        {{"KASAN: double-free or invalid-free", "KASAN: invalid-free"}, "KASAN-INVALID-FREE"},
        {{"KASAN: slab-use-after-free Write", "KASAN: use-after-free Write"},
         "KASAN-USE-AFTER-FREE-WRITE"},
        {{"KASAN: slab-use-after-free Read", "KASAN: use-after-free Read", "KASAN: use-after-free"},
         "KASAN-USE-AFTER-FREE-READ"},
        {{"BUG: corrupted list", "BUG: unable to handle kernel paging request"},
         "MEMORY_SAFETY_BUG"},
        {{"WARNING: refcount bug"}, "REFCOUNT_WARNING"},
        {{"UBSAN: array-index-out-of-bounds"}, "MEMORY_SAFETY_UBSAN"},
        {{"KCSAN: data-race"}, "KCSAN-DATARACE"},
        {{"KCSAN: assert: race in"}, "KCSAN-ASSERT"},
        {{"BUG: bad unlock balance in", "BUG: held lock freed in", "BUG: rwlock", "BUG: spinlock",
          "BUG: still has locks held in", "BUG: using", "WARNING: bad unlock balance in",
          "WARNING: held lock freed in", "WARNING: lock held", "WARNING: locking bug in",
          "WARNING: nested lock was not taken in", "WARNING: still has locks held in",
          "WARNING: suspicious RCU usage in", "inconsistent lock state in", "possible deadlock in"},
         "LOCKDEP"},
        {{"BUG: scheduling while atomic in",
          "BUG: sleeping function called from invalid context in"},
         "ATOMIC_SLEEP"},
        {{"memory leak in"}, "LEAK"},
        {{"BUG: bad usercopy in", "kernel BUG"}, "BUG"},
        {{"WARNING in"}, "WARNING"},
        // Deliberately untyped.
        {{"BUG: stack guard page was hit in", "WARNING: corrupted",
          "WARNING: kernel stack frame pointer has bad value",
          "WARNING: kernel stack regs has bad"},
         "UNKNOWN"},
        {{"BUG: soft lockup in", "INFO: rcu detected stall in", "INFO: task can't die in",
          "INFO: task hung in"},
         "HANG"},
        {{"Alignment trap in", "BUG: Object already free", "Internal error in",
          "PANIC: double fault", "Unhandled fault in",
          "VFS: Busy inodes after unmount (use-after-free)",
          "VFS: Close: file count is zero (use-after-free)", "divide error in",
          "general protection fault in", "go runtime error", "int3 in", "invalid opcode in",
          "kernel panic:", "kernel stack overflow", "panic:", "rust_kernel panicked",
          "stack segment fault in",
          "trusty:", "unregister_netdevice: waiting for DEV to become free"},
         "DoS"},
        {{"no output from test machine"}, "NO_OUTPUT"},
        {{"unexpected kernel reboot"}, "REBOOT"},
        {{"SYZFAIL", "SYZFATAL:"}, "SYZ_FAILURE"},
        {{"WARNING:"}, "WARNING"},
        {{"BUG:"}, "UNKNOWN"},
        {{"INFO:"}, "UNKNOWN"},
        {{"KASAN:"}, "KASAN-UNKNOWN"},
        {{"KFENCE:"}, "KFENCE-UNKNOWN"},
        {{"KMSAN:"}, "KMSAN-UNKNOWN"},
        {{"UBSAN:"}, "UBSAN"},
        {{"KCSAN:"}, "KCSAN-UNKNOWN"},
    };
    // "KASAN: <kind> Write" / "Read" for the kinds that say where the access went.
    static auto* prefixes = new std::deque<std::string>;  // stable addresses
    auto add = [](TypeRow& row, std::string p) {
      row.prefixes.push_back(prefixes->emplace_back(std::move(p)));
    };
    for (std::string_view kind :
         {"global-out-of-bounds", "out-of-bounds", "slab-out-of-bounds", "stack-out-of-bounds",
          "user-memory-access", "vmalloc-out-of-bounds", "wild-memory-access"})
      add((*out)[12], "KASAN: " + std::string(kind) + " Write");
    for (std::string_view kind :
         {"global-out-of-bounds", "invalid-access", "out-of-bounds", "slab-out-of-bounds",
          "stack-out-of-bounds", "unknown-crash", "user-memory-access", "vmalloc-out-of-bounds",
          "wild-memory-access"})
      add((*out)[13], "KASAN: " + std::string(kind) + " Read");
    for (std::string_view p :
         {"KASAN: slab-out-of-bounds", "KASAN: stack-out-of-bounds", "KASAN: wild-memory-access"})
      (*out)[13].prefixes.push_back(p);
    return out;
  }();
  return *rows;
}

}  // namespace

std::string TitleToType(std::string_view title) {
  for (const TypeRow& row : TypeRows()) {
    for (std::string_view p : row.prefixes) {
      if (title.starts_with(p)) return std::string(row.type);
    }
  }
  return "UNKNOWN";
}

}  // namespace culprit::crash
