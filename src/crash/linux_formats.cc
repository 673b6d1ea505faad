// The Linux oops table: headers, their false positives, and per header the ordered formats that
// turn a report into a title. Data, after syzkaller's pkg/report/linux.go (upstream names the
// same buckets, so titles match syzbot's). Long on purpose: it is a table, not code.
#include "crash/linux_formats.h"

#include <deque>
#include <string>

namespace culprit::crash {
namespace {

// powerpc marks the faulting instruction inside the trace: "--- interrupt: 700 at func+0x2c/0x70".
constexpr std::string_view kRip =
    R"((?:IP|NIP|pc |PC is at|--- interrupt: [0-9a-f]+ at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FUNC}}|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\)))";
constexpr std::string_view kCallTrace = R"((?:Call (?:T|t)race:)|(?:Backtrace:))";
constexpr std::string_view kLockAt = R"(at: (?:{{PC}} +)?{{FUNC}})";
// Where an RCU stall's interrupted stack starts (the timer interrupt's entry).
constexpr std::string_view kStallIrq =
    R"((?:apic_timer_interrupt|Exception stack|el1_irq|el1h_64_irq|sysvec_apic_timer_interrupt))";
constexpr std::string_view kKmsanOrigin =
    R"((?:Local variable .* created at:|Uninit was created at:))";

// The faulting function (RIP/PC line) and then the frames after it; old kernels print the call
// trace first, so the trace alone is the fallback.
StackSpec RipStack(std::vector<std::string_view> skip = {}) {
  return {.parts = {kRip, kCallTrace, kStackHere},
          .parts2 = {kCallTrace, kStackHere},
          .skip = std::move(skip)};
}
StackSpec TraceStack(std::vector<std::string_view> skip = {}) {
  return {.parts = {kCallTrace, kStackHere}, .skip = std::move(skip)};
}

// Lockdep's "bad unlock balance": the lock released (the line after "is trying to release
// lock ... at:"), unless generic, then the stack of the report.
StackSpec UnlockBalanceStack() {
  return {.parts = {R"(is trying to release lock)", R"({{PC}} +{{FUNC}})", kCallTrace, kStackHere}};
}

OopsFormat WithStack(OopsFormat f, StackSpec s) {
  f.has_stack = true;
  f.stack = std::move(s);
  return f;
}

std::vector<OopsFormat> BugFormats() {
  const std::vector<std::string_view> kasan_skip = {
      // arm64 exception entry (el1_abort, el1h_64_sync): anchored, "el1_" also occurs inside
      // names such as ip6_mc_del1_src.
      "kernel_fault", "tag_check",         "mem_abort",     "^el1_",
      "^el1h_",       "^process_one_work", "^worker_thread"};
  const StackSpec stall{.parts = {kRip, kStackHere},
                        .parts2 = {kCallTrace, kStackHere},
                        .choice = FrameChoice::kStall};
  return {
      WithStack(
          {.title =
               R"(BUG: KASAN: ([a-z\-]+) in {{FUNC}}(?:.*\n)+?.*(Read|Write) (?:of size|at addr) (?:[0-9a-f]+))",
           .fmt = "KASAN: {1} {3} in {4}",
           .alt = {"bad-access in {4}"}},
          {.parts = {R"(BUG: KASAN: (?:[a-z\-]+) in {{FUNC}})", kCallTrace, kStackHere},
           .skip = kasan_skip}),
      WithStack(
          {.title =
               R"(BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}})",
           .fmt = "KASAN: invalid-free in {2}",
           .alt = {"invalid-free in {2}"}},
          {.parts =
               {R"(BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}})",
                kCallTrace, kStackHere},
           .skip = {"slab_", "kfree", "vunmap", "vfree"}}),
      {.title = R"(BUG: KASAN: ([a-z\-]+) on address(?:.*\n)+?.*(Read|Write) of size ([0-9]+))",
       .fmt = "KASAN: {1} {2}"},
      {.title = R"(BUG: KASAN: (.*))", .fmt = "KASAN: {1}", .corrupted = true},
      WithStack({.title = R"(BUG: KMSAN: kernel-usb-infoleak)",
                 .report = R"(BUG: KMSAN: kernel-usb-infoleak in {{FUNC}})",
                 .fmt = "KMSAN: kernel-usb-infoleak in {2}",
                 .alt = {"KMSAN origin in {3}"},
                 .no_stack_trace = true},
                {.parts = {R"(BUG: KMSAN: (?:[a-z\-]+) in {{FUNC}})", kStackHere, kKmsanOrigin,
                           kStackHere},
                 .skip = {"alloc_skb", "usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg",
                          "usb_interrupt_msg", "usb_control_msg"}}),
      WithStack({.title = R"(BUG: KMSAN: ([a-z\-]+) in {{FUNC}})",
                 .fmt = "KMSAN: {1} in {3}",
                 .alt = {"bad-access in {3}"},
                 .no_stack_trace = true},
                {.parts = {R"(BUG: KMSAN: (?:[a-z\-]+) in {{FUNC}})", kStackHere},
                 .skip = {"alloc_skb", "netlink_ack", "netlink_rcv_skb"}}),
      {.title = R"(BUG: KCSAN: data-race)",
       .report = R"(BUG: KCSAN: (.*))",
       .fmt = "KCSAN: {1}",
       .no_stack_trace = true},
      {.title = R"(BUG: KCSAN:)",
       .report = R"(BUG: KCSAN: (.*))",
       .fmt = "KCSAN: {1}",
       .no_stack_trace = true},
      WithStack({.title = R"(BUG: KFENCE: (use-after-free|out-of-bounds) ([a-z]+) in {{FUNC}})",
                 .fmt = "KFENCE: {1} {2} in {4}",
                 .alt = {"bad-access in {4}"},
                 .no_stack_trace = true},
                {.parts = {R"(BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}})", kStackHere}}),
      WithStack({.title = R"(BUG: KFENCE: invalid free in {{FUNC}})",
                 .fmt = "KFENCE: invalid free in {2}",
                 .alt = {"invalid-free in {2}"},
                 .no_stack_trace = true},
                {.parts = {R"(BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}})", kStackHere}}),
      WithStack({.title = R"(BUG: KFENCE: invalid (read|write) in {{FUNC}})",
                 .fmt = "KFENCE: invalid {1} in {3}",
                 .alt = {"bad-access in {3}"},
                 .no_stack_trace = true},
                {.parts = {R"(BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}})", kStackHere}}),
      WithStack({.title = R"(BUG: KFENCE: memory corruption in {{FUNC}})",
                 .fmt = "KFENCE: memory corruption in {2}",
                 .no_stack_trace = true},
                {.parts = {R"(BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}})", kStackHere}}),
      WithStack(
          {.title =
               R"(BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access(?: on (?:read|write)| at)))",
           .fmt = "BUG: unable to handle kernel paging request in {1}",
           .alt = {"bad-access in {1}"}},
          RipStack()),
      WithStack(
          {.title =
               R"(BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference, address))",
           .fmt = "BUG: unable to handle kernel NULL pointer dereference in {1}",
           .alt = {"bad-access in {1}"}},
          RipStack()),
      {.title = R"(BUG: (?:unable to handle kernel|unable to handle page fault))",
       .fmt = "BUG: unable to handle kernel",
       .corrupted = true},
      WithStack(
          {.title =
               R"(BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP))",
           .fmt = "BUG: {1} {2} in {3}"},
          TraceStack({"spin_", "_lock", "_unlock"})),
      WithStack({.title = R"(BUG: soft lockup)",
                 .fmt = "BUG: soft lockup in {1}",
                 .alt = {"stall in {1}"}},
                stall),
      {.title = R"(BUG: .*still has locks held!)",
       .report = R"(BUG: .*still has locks held!(?:.*\n)+?.*{{PC}} +{{FUNC}})",
       .fmt = "BUG: still has locks held in {1}"},
      {.title = R"(BUG: lock held when returning to user space)",
       .report =
           R"(BUG: lock held when returning to user space(?:.*\n)+?.*leaving the kernel with locks still held(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}})",
       .fmt = "BUG: lock held when returning to user space in {1}",
       .no_stack_trace = true},
      WithStack({.title = R"(BUG: bad unlock balance detected!)",
                 .fmt = "BUG: bad unlock balance in {1}"},
                UnlockBalanceStack()),
      {.title = R"(BUG: held lock freed!)",
       .report = R"(BUG: held lock freed!(?:.*\n)+?.*{{PC}} +{{FUNC}})",
       .fmt = "BUG: held lock freed in {1}"},
      {.title = R"(BUG: Bad rss-counter state)",
       .fmt = "BUG: Bad rss-counter state",
       .no_stack_trace = true},
      {.title = R"(BUG: non-zero nr_ptes on freeing mm)",
       .fmt = "BUG: non-zero nr_ptes on freeing mm",
       .no_stack_trace = true},
      {.title = R"(BUG: non-zero nr_pmds on freeing mm)",
       .fmt = "BUG: non-zero nr_pmds on freeing mm",
       .no_stack_trace = true},
      {.title = R"(BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\])",
       .fmt = "BUG: Dentry still in use in {1}",
       .alt = {"BUG: Dentry still in use [{1} of {2}]"}},
      // The page's allocation stack names the code that got the page (page_owner prints it);
      // without it the report has no usable frame.
      WithStack({.title = R"(BUG: Bad page state)", .fmt = "BUG: Bad page state in {1}"},
                {.parts = {R"(page last allocated)", kStackHere},
                 .skip = {"^post_alloc_hook", "^prep_new_page", "get_page_from_freelist",
                          "alloc_pages", "^alloc_page", "^folio_alloc", "^__folio_alloc",
                          "filemap_alloc_folio", "^__filemap_get_folio", "^pagecache_get_page",
                          "^page_cache_alloc", "^__page_cache_alloc", "^grab_cache_page"}}),
      {.title = R"(BUG: Bad page map)", .fmt = "BUG: Bad page map"},
      {.title = R"(BUG: workqueue lockup)", .fmt = "BUG: workqueue lockup", .no_stack_trace = true},
      WithStack({.title = R"(BUG: sleeping function called from invalid context at (.*))",
                 .fmt = "BUG: sleeping function called from invalid context in {2}"},
                TraceStack({"__might_sleep", "might_sleep", "__might_fault", "might_fault",
                            "__might_resched"})),
      WithStack({.title = R"(BUG: using __this_cpu_([a-z_]+)\(\) in preemptible)",
                 .fmt = "BUG: using __this_cpu_{1}() in preemptible code in {2}"},
                TraceStack(
                    {"dump_stack", "preemption", "preempt", "debug_", "processor_id", "this_cpu"})),
      WithStack({.title = R"(BUG: using smp_processor_id\(\) in preemptible)",
                 .fmt = "BUG: using smp_processor_id() in preemptible code in {1}"},
                TraceStack(
                    {"dump_stack", "preemption", "preempt", "debug_", "processor_id", "this_cpu"})),
      {.title = R"(BUG: workqueue leaked lock or atomic)",
       .report =
           R"(BUG: workqueue leaked lock or atomic(?:.*\n)+?.*last function: ([a-zA-Z0-9_]+)\n)",
       .fmt = "BUG: workqueue leaked lock or atomic in {1}",
       .no_stack_trace = true},
      WithStack({.title = R"(BUG: scheduling while atomic)",
                 .fmt = "BUG: scheduling while atomic in {1}"},
                TraceStack({"schedule"})),
      WithStack({.title = R"(BUG: memory leak)", .fmt = "memory leak in {1}"},
                {.parts = {R"(backtrace(?: \(crc [0-9a-f]+\))?:)", kStackHere},
                 .skip = {"kmemleak", "mmap", "kmalloc", "kmem_cache", "kzalloc", "alloc",
                          "create_object", "idr_get", "list_lru_init", "kasprintf", "kvasprintf",
                          "pcpu_create_chunk", "strdup", "strndup", "memdup"}}),
      WithStack({.title = R"(BUG: .*stack guard page was hit at)",
                 .fmt = "BUG: stack guard page was hit in {1}",
                 .alt = {"stack-overflow in {1}"}},
                {.parts = {kRip, kStackHere},
                 .parts2 = {kCallTrace, kStackHere},
                 .choice = FrameChoice::kStall}),
      WithStack(
          {.title = R"(BUG: Invalid wait context)", .fmt = "BUG: Invalid wait context in {1}"},
          TraceStack()),
      WithStack({.title = R"(BUG: Bad page cache in process)", .fmt = "BUG: Bad page cache in {1}"},
                TraceStack()),
      {.title = R"(BUG: (MAX_[A-Z_]+|MAX_LOCK_DEPTH) too low!)",
       .fmt = "BUG: {1} too low!",
       .no_stack_trace = true},
      WithStack({.title = R"(BUG: (?:sleeping|scheduling) .*)", .fmt = "BUG: {1}"}, TraceStack()),
      WithStack({.title = R"(BUG: ([A-Za-z _-]+) in {{FUNC}})", .fmt = "BUG: {1} in {2}"},
                TraceStack()),
      {.title = R"(BUG:)", .fmt = "BUG: corrupted", .corrupted = true},
  };
}

std::vector<OopsFormat> LockdepFormats(std::string_view prefix) {
  // The same lockdep reports start with WARNING: (new kernels) or INFO: (old ones).
  // Patterns built here outlive the table; a deque never moves its strings.
  static auto* storage = new std::deque<std::string>;
  auto keep = [](std::string s) -> std::string_view { return storage->emplace_back(std::move(s)); };
  std::string p(prefix);
  const StackSpec deadlock{
      .parts = {kLockAt, kLockAt, kStackHere},
      .skip = {"process_one_work", "flush_workqueue", "drain_workqueue", "destroy_workqueue"}};
  return {
      WithStack(
          {.title = keep(p + R"(possible circular locking dependency detected)"),
           .report = keep(
               p +
               R"(possible circular locking dependency detected(?:.*\n)+?.*is trying to acquire lock)"),
           .fmt = "possible deadlock in {1}"},
          deadlock),
      {.title = keep(p + R"(possible irq lock inversion dependency detected)"),
       .report = keep(
           p +
           R"(possible irq lock inversion dependency detected(?:.*\n)+?.*just changed the state of lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}})"),
       .fmt = "possible deadlock in {1}"},
      // The lock that became irq-safe: its acquisition stack names the bug.
      WithStack({.title = keep(p + R"(.*-safe -> .*-unsafe lock order detected)"),
                 .fmt = "possible deadlock in {1}"},
                {.parts = {R"(which became .*-irq-safe at:)", kStackHere}}),
      WithStack(
          {.title = keep(p + R"(possible recursive locking detected)"),
           .report = keep(
               p + R"(possible recursive locking detected(?:.*\n)+?.*is trying to acquire lock)"),
           .fmt = "possible deadlock in {1}"},
          deadlock),
      WithStack(
          {.title = keep(p + R"(inconsistent lock state)"),
           .report = keep(
               p +
               R"(inconsistent lock state(?:.*\n)+?.*takes(?:.*\n)+?.*at: (?:{{PC}} +)?(?:{{FUNC}}))"),
           .fmt = "inconsistent lock state in {2}"},
          {.parts = {kCallTrace, kStackHere}}),
  };
}

std::vector<OopsFormat> WarningFormats() {
  std::vector<OopsFormat> f = {
      WithStack({.title = R"(WARNING: .*lib/debugobjects\.c)", .fmt = "WARNING: ODEBUG bug in {1}"},
                RipStack({"debug_", "kfree", "kzfree", "kvfree", "vfree", "kfree_sensitive",
                          "call_rcu", "put_", "_put", "free_", "release", "destroy", "timer_",
                          "hrtimer_", "__init_work", "init_timer", "flush_", "kthread"})),
      WithStack({.title = R"(WARNING: .*mm/usercopy\.c)", .fmt = "WARNING: bad usercopy in {1}"},
                RipStack({"usercopy", "__check"})),
      WithStack({.title = R"(WARNING: .*lib/kobject\.c)", .fmt = "WARNING: kobject bug in {1}"},
                RipStack({"kobject_", "sysfs_", "device_"})),
      WithStack({.title = R"(WARNING: .*fs/proc/generic\.c.* proc_register)",
                 .fmt = "WARNING: proc registration bug in {1}"},
                RipStack({"proc_"})),
      WithStack({.title = R"(WARNING: .*lib/refcount\.c)", .fmt = "WARNING: refcount bug in {1}"},
                RipStack({"refcount", "kref"})),
      WithStack({.title = R"(WARNING: .*kernel/locking/lockdep\.c.*lock_)",
                 .fmt = "WARNING: locking bug in {1}"},
                TraceStack({"lockdep", "lock_acquire", "lock_release", "_lock", "lock_"})),
      WithStack({.title = R"(WARNING: .*mm/slab_common\.c.* kmalloc_slab)",
                 .fmt = "WARNING: kmalloc bug in {1}"},
                TraceStack({"kmalloc", "krealloc", "slab", "kmem"})),
      WithStack({.title = R"(WARNING: .*mm/vmalloc\.c.*__vmalloc_node)",
                 .fmt = "WARNING: zero-size vmalloc in {1}"},
                RipStack({"vmalloc"})),
      WithStack({.title = R"(WARNING: .*mm/util\.c.*kvmalloc_node)",
                 .fmt = "WARNING: kmalloc bug in {1}"},
                TraceStack({"kmalloc", "kvmalloc", "krealloc", "slab", "kmem"})),
      WithStack({.title = R"(WARNING: .*usb_submit_urb)", .fmt = "WARNING in {1}/usb_submit_urb"},
                RipStack({"usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg",
                          "usb_interrupt_msg", "usb_control_msg"})),
      WithStack({.title = R"(WARNING: .* at {{SRC}} {{FUNC}})", .fmt = "WARNING in {3}"},
                RipStack()),
      // Since 6.16: "WARNING: net/mac80211/tx.c:5024 at __ieee80211_beacon_get+0x12/0x16, CPU#1".
      WithStack(
          {.title = R"(WARNING: {{SRC}} at (?:{{FUNC}}|0x[0-9a-f]+))", .fmt = "WARNING in {3}"},
          RipStack()),
  };
  for (OopsFormat& l : LockdepFormats("WARNING: ")) f.push_back(std::move(l));
  std::vector<OopsFormat> more = {
      WithStack({.title = R"(WARNING: suspicious RCU usage)",
                 .report = R"(WARNING: suspicious RCU usage\n.*\n-+\n(?:.*\n)*?.*?{{SRC}})",
                 .fmt = "WARNING: suspicious RCU usage in {2}"},
                {.parts = {R"(WARNING: suspicious RCU usage)", kCallTrace, kStackHere},
                 .skip = {"rcu", "kmem", "slab"}}),
      {.title = R"(WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value)",
       .fmt = "WARNING: kernel stack regs has bad '{1}' value",
       .no_stack_trace = true},
      {.title = R"(WARNING: kernel stack regs at .* has bad)",
       .fmt = "WARNING: kernel stack regs has bad value",
       .no_stack_trace = true},
      {.title = R"(WARNING: kernel stack frame pointer at .* has bad value)",
       .fmt = "WARNING: kernel stack frame pointer has bad value",
       .no_stack_trace = true},
      WithStack({.title = R"(WARNING: bad unlock balance detected!)",
                 .fmt = "WARNING: bad unlock balance in {1}"},
                UnlockBalanceStack()),
      {.title = R"(WARNING: held lock freed!)",
       .report = R"(WARNING: held lock freed!(?:.*\n)+?.*at:(?: {{PC}})? +{{FUNC}})",
       .fmt = "WARNING: held lock freed in {1}"},
      {.title = R"(WARNING: lock held when returning to user space)",
       .report =
           R"(WARNING: lock held when returning to user space(?:.*\n)+?.*leaving the kernel with locks still held(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}})",
       .fmt = "WARNING: lock held when returning to user space in {1}",
       .no_stack_trace = true},
      {.title = R"(WARNING: .*still has locks held!)",
       .report = R"(WARNING: .*still has locks held!(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}})",
       .fmt = "WARNING: still has locks held in {1}"},
      WithStack({.title = R"(WARNING: Nested lock was not taken)",
                 .fmt = "WARNING: nested lock was not taken in {1}"},
                TraceStack()),
      {.title = R"(WARNING: possible circular locking dependency detected)",
       .fmt = "WARNING: possible circular locking dependency detected",
       .corrupted = true},
      {.title = R"(WARNING: suspicious RCU usage)",
       .fmt = "WARNING: suspicious RCU usage",
       .corrupted = true},
      {.title = R"(WARNING:)", .fmt = "WARNING: corrupted", .corrupted = true},
  };
  for (OopsFormat& m : more) f.push_back(std::move(m));
  return f;
}

std::vector<OopsFormat> InfoFormats() {
  std::vector<OopsFormat> f = LockdepFormats("INFO: ");
  const std::vector<std::string_view> rcu_skip = {
      "apic_timer_interrupt", "rcu", "hrtimer_interrupt", "sched_clock_cpu", "nmi_", "tick_",
      "timer_interrupt"};
  std::vector<OopsFormat> more = {
      WithStack(
          {.title = R"(INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected(?: expedited)? stall)",
           .fmt = "INFO: rcu detected stall in {1}",
           .alt = {"stall in {1}"}},
          {.parts = {kStallIrq, kRip, kStackHere},
           .parts2 = {kStallIrq, kStackHere},
           .skip = rcu_skip,
           .choice = FrameChoice::kStall}),
      {.title = R"(INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected(?: expedited)? stall)",
       .fmt = "INFO: rcu detected stall",
       .no_stack_trace = true,
       .corrupted = true},
      // The task name is the task's comm, which may hold a line break (the console then
      // continues the message on a new line).
      WithStack(
          {.title =
               R"(INFO: task [^\n]*(?:\n[^\n]*)? blocked (?:in I/O wait )?for more than [0-9]+ seconds)",
           .fmt = "INFO: task hung in {1}",
           .alt = {"hang in {1}"}},
          {.parts = {kCallTrace, kStackHere}, .choice = FrameChoice::kHang}),
      WithStack({.title = R"(INFO: task [^\n]*(?:\n[^\n]*)? can't die for more than .* seconds)",
                 .fmt = "INFO: task can't die in {1}",
                 .alt = {"hang in {1}"}},
                TraceStack({"schedule"})),
      {.title = R"(INFO: (Freed|Allocated) in (.*))", .fmt = "INFO: {1} in {2}", .corrupted = true},
      WithStack({.title = R"(INFO: suspicious RCU usage)",
                 .report = R"(INFO: suspicious RCU usage(?:.*\n)+?.*?{{SRC}})",
                 .fmt = "INFO: suspicious RCU usage in {2}"},
                {.parts = {R"(INFO: suspicious RCU usage)", kCallTrace, kStackHere},
                 .skip = {"rcu", "kmem", "slab"}}),
      WithStack({.title = R"(INFO: trying to register non-static key)",
                 .fmt = "INFO: trying to register non-static key in {1}"},
                TraceStack({"stack", "lock", "IRQ"})),
  };
  for (OopsFormat& m : more) f.push_back(std::move(m));
  return f;
}

std::vector<OopsSpec> MakeSpecs() {
  std::vector<OopsSpec> specs;
  specs.push_back({"BUG:",
                   BugFormats(),
                   {R"(ODEBUG:)", R"(Boot_DEBUG:)", R"(xlog_status:)", R"(DEBUG:)",
                    R"(BUG: no syscalls can create resource)", R"([A-Za-z0-9_:]BUG:)"}});
  specs.push_back(
      {"WARNING:",
       WarningFormats(),
       {R"(WARNING: /etc/ssh/moduli does not exist, using fixed modulus)",
        R"(WARNING: workqueue cpumask: online intersect > possible intersect)",
        R"(WARNING: [Tt]he mand mount option)",
        R"(WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1)",
        R"(WARNING: Unprivileged eBPF is enabled with eIBRS)",
        R"(WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size)",
        R"(WARNING: See https.* for mitigation options)",
        R"(WARNING: kernel not compiled with CPU_SRSO)", R"(EXT4-[Ff][Ss](?: \(.*\))?:)",
        R"((?i)warning: .* uses (?:deprecated v2 capabilities|wireless extensions))",
        R"(XFS \(\w+\): WARNING)", R"(Sanitizer:)", R"([A-Za-z0-9_:]WARNING:)"}});
  specs.push_back(
      {"INFO:",
       InfoFormats(),
       {R"(INFO: lockdep is turned off)", R"(INFO: Stall ended before state dump start)",
        R"(INFO: NMI handler .* took too long to run)", R"(_INFO::)",
        R"(INFO: sys_.* is not present in /proc/kallsyms)",
        R"(INFO: no syscalls can create resource)", R"(INFO: NMI handler \()",
        R"([A-Za-z0-9_:]INFO:)"}});
  specs.push_back(
      {"Unable to handle kernel",
       {WithStack(
           {.title =
                R"(Unable to handle kernel (paging request|NULL pointer dereference|access to user memory))",
            .fmt = "BUG: unable to handle kernel {1} in {2}",
            .alt = {"bad-access in {2}"}},
           RipStack())},
       {}});
  specs.push_back({"general protection fault",
                   {WithStack({.title = R"(general protection fault.*:)",
                               .fmt = "general protection fault in {1}",
                               .alt = {"bad-access in {1}"}},
                              RipStack())},
                   {R"(general protection fault .* error:\d+ in )"}});
  specs.push_back({"stack segment: ",
                   {WithStack({.title = R"(stack segment: )", .fmt = "stack segment fault in {1}"},
                              RipStack())},
                   {}});
  specs.push_back(
      {"Kernel panic",
       {{.title = R"(Kernel panic - not syncing: stack-protector:)",
         .report =
             R"(Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: {{FUNC}})",
         .fmt = "kernel panic: stack is corrupted in {1}",
         .no_stack_trace = true},
        WithStack(
            {.title = R"(Kernel panic - not syncing: stack-protector:)",
             .report =
                 R"(Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: [a-f0-9]+)",
             .fmt = "kernel panic: stack is corrupted in {1}"},
            TraceStack({"stack_chk"})),
        WithStack(
            {.title = R"(Kernel panic - not syncing: corrupted stack end)",
             .report =
                 R"(Kernel panic - not syncing: corrupted stack end detected inside scheduler)",
             .fmt = "kernel panic: corrupted stack end in {1}",
             .alt = {"stack-overflow in {1}"}},
            {.parts = {kCallTrace, kStackHere},
             .skip = {"schedule", "retint_kernel", "cond_resched"},
             .choice = FrameChoice::kStall}),
        WithStack({.title = R"(Kernel panic - not syncing: kernel stack overflow)",
                   .fmt = "kernel stack overflow in {1}",
                   .alt = {"stack-overflow in {1}"}},
                  TraceStack({"bad_stack"})),
        {.title = R"(Kernel panic - not syncing: Attempted to kill init!)",
         .fmt = "kernel panic: Attempted to kill init!",
         .no_stack_trace = true},
        {.title =
             R"(Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+)",
         .fmt = "kernel panic: Couldn't open N_TTY ldisc",
         .no_stack_trace = true},
        {.title = R"(Kernel panic - not syncing: Fatal exception)",
         .fmt = "kernel panic: Fatal exception",
         .no_stack_trace = true,
         .corrupted = true},
        {.title = R"(Kernel panic - not syncing: panic_on_warn set)",
         .fmt = "kernel panic: panic_on_warn set",
         .no_stack_trace = true,
         .corrupted = true},
        {.title = R"(Kernel panic - not syncing: hung_task: blocked tasks)",
         .fmt = "kernel panic: hung_task: blocked tasks",
         .no_stack_trace = true,
         .corrupted = true},
        {.title = R"(Kernel panic - not syncing: (.*))",
         .fmt = "kernel panic: {1}",
         .no_stack_trace = true}},
       {}});
  specs.push_back(
      {"PANIC: double fault",
       {WithStack({.title = R"(PANIC: double fault)", .fmt = "PANIC: double fault in {1}"},
                  {.parts = {kRip}})},
       {}});
  specs.push_back(
      {"rust_kernel: panicked",
       {WithStack(
            {.title =
                 R"(rust_kernel: panicked at [^\n]*?\n(?:.*\n)*?.*(attempt to [a-z ]+)(?:.*\n)+?.*(?:Call Trace|Backtrace))",
             .fmt = "{1} in {2}",
             .no_stack_trace = true},
            TraceStack({"rust_begin_unwind", "^core::panicking", "^<core::"})),
        {.title = R"(rust_kernel: panicked)",
         .fmt = "rust_kernel: panicked",
         .no_stack_trace = true}},
       {}});
  specs.push_back(
      {"kernel BUG",
       {WithStack({.title = R"(kernel BUG at mm/usercopy\.c)", .fmt = "BUG: bad usercopy in {1}"},
                  TraceStack({"usercopy", "__check"})),
        WithStack({.title = R"(kernel BUG at lib/list_debug\.c)",
                   .fmt = "BUG: corrupted list in {1}",
                   .alt = {"bad-access in {1}"}},
                  TraceStack()),
        WithStack({.title = R"(kernel BUG at (.*))", .fmt = "kernel BUG in {2}"},
                  RipStack({"^bug_", "^notifier_"}))},
       {}});
  specs.push_back({"Kernel BUG", {{.title = R"(Kernel BUG (.*))", .fmt = "kernel BUG {1}"}}, {}});
  specs.push_back(
      {"BUG kmalloc-",
       {{.title = R"(BUG kmalloc-.*: Object already free)", .fmt = "BUG: Object already free"}},
       {}});
  for (std::string_view header : {"divide error:", "divide_error:"}) {
    specs.push_back({header,
                     {WithStack({.title = R"(divide(?: |_)error: )", .fmt = "divide error in {1}"},
                                {.parts = {kRip}})},
                     {}});
  }
  specs.push_back({"invalid opcode:",
                   {WithStack({.title = R"(invalid opcode: )", .fmt = "invalid opcode in {1}"},
                              {.parts = {kRip}})},
                   {}});
  specs.push_back(
      {"int3:", {WithStack({.title = R"(int3: )", .fmt = "int3 in {1}"}, RipStack())}, {}});
  specs.push_back({"UBSAN:",
                   {WithStack({.title = R"(UBSAN: Undefined behaviour in)",
                               .fmt = "UBSAN: undefined-behaviour in {1}"},
                              TraceStack({"ubsan", "overflow"})),
                    WithStack({.title = R"(UBSAN: array-index-out-of-bounds in)",
                               .fmt = "UBSAN: array-index-out-of-bounds in {1}",
                               .alt = {"bad-access in {1}"}},
                              TraceStack({"ubsan", "overflow"})),
                    WithStack({.title = R"(UBSAN: (.*?) in)", .fmt = "UBSAN: {1} in {2}"},
                              TraceStack({"ubsan", "overflow"})),
                    {.title = R"(UBSAN: (.*))", .fmt = "UBSAN: {1}", .corrupted = true}},
                   {}});
  specs.push_back({"Booting the kernel.",
                   {{.title = R"(Booting the kernel\.)",
                     .fmt = "unexpected kernel reboot",
                     .no_stack_trace = true}},
                   {},
                   /*line_start=*/true});
  specs.push_back({"unregister_netdevice: waiting for",
                   {{.title = R"(unregister_netdevice: waiting for (?:.*) to become free)",
                     .fmt = "unregister_netdevice: waiting for DEV to become free",
                     .no_stack_trace = true}},
                   {}});
  specs.push_back({"VFS: Close: file count is 0",
                   {{.title = R"(VFS: Close: file count is 0)",
                     .fmt = "VFS: Close: file count is zero (use-after-free)",
                     .no_stack_trace = true}},
                   {}});
  specs.push_back({"VFS: Busy inodes after unmount",
                   {{.title = R"(VFS: Busy inodes after unmount)",
                     .fmt = "VFS: Busy inodes after unmount (use-after-free)",
                     .no_stack_trace = true}},
                   {}});
  const StackSpec arm_stack{.parts = {R"((?:pc : |PC is at:? ){{FUNC}})", kCallTrace, kStackHere},
                            .parts2 = {kCallTrace, kStackHere}};
  specs.push_back({"Internal error:",
                   {WithStack({.title = R"(Internal error:)",
                               .fmt = "Internal error in {1}",
                               .alt = {"bad-access in {1}"}},
                              arm_stack)},
                   {}});
  specs.push_back({"Unhandled fault:",
                   {WithStack({.title = R"(Unhandled fault:)",
                               .fmt = "Unhandled fault in {1}",
                               .alt = {"bad-access in {1}"}},
                              arm_stack)},
                   {}});
  specs.push_back(
      {"Alignment trap:",
       {WithStack({.title = R"(Alignment trap:)", .fmt = "Alignment trap in {1}"}, arm_stack)},
       {}});
  specs.push_back({"trusty: panic",
                   {{.title = R"(trusty: panic \(caller .*?\): ASSERT FAILED at \(.*?\): (.+))",
                     .fmt = "trusty: ASSERT FAILED: {1}",
                     .no_stack_trace = true},
                    // An assert without its message: the output was cut.
                    {.title = R"(trusty: panic \(caller .*?\): ASSERT FAILED at \(.*?\):)",
                     .fmt = "trusty: ASSERT FAILED:",
                     .no_stack_trace = true,
                     .corrupted = true},
                    {.title = R"(trusty: panic (?:.*?):(?: DEBUG)? ([a-zA-Z0-9_ ()-]+))",
                     .fmt = "trusty: panic: {1}",
                     .no_stack_trace = true}},
                   {}});
  specs.push_back({"trusty: ASSERT FAILED",
                   {{.title = R"(trusty: ASSERT FAILED \(.*\): (.*)$)",
                     .fmt = "trusty: ASSERT FAILED: {1}",
                     .no_stack_trace = true},
                    {.title = R"(trusty: ASSERT FAILED)",
                     .fmt = "trusty: ASSERT FAILED:",
                     .no_stack_trace = true}},
                   {}});
  specs.push_back(
      {"fatal error:",
       {{.title = R"(fatal error:)", .fmt = "go runtime error", .no_stack_trace = true}},
       {},
       /*line_start=*/true,
       // The Go runtime always dumps its stacks; other "fatal error:"s are drivers.
       R"(\n(?:runtime stack:|goroutine [0-9]+ \[))"});
  specs.push_back({"SYZFAIL:",
                   {{.title = R"(SYZFAIL:(.*))", .fmt = "SYZFAIL:{1}", .no_stack_trace = true}},
                   {}});
  specs.push_back({"SYZFATAL:",
                   {{.title = R"(SYZFATAL:(.*))", .fmt = "SYZFATAL:{1}", .no_stack_trace = true}},
                   {}});
  specs.push_back({"panic: ",
                   {{.title = R"(panic: (.*))", .fmt = "panic: {1}", .no_stack_trace = true}},
                   {R"(_panic:)", R"(: panic:)", R"(trusty: panic)", R"(xlog_status:)"}});
  return specs;
}

}  // namespace

PartLiterals LiteralsOfPart(std::string_view part) {
  if (part == kRip) return {{"IP", "pc ", "PC is at", "--- interrupt: "}};  // "NIP" holds "IP"
  if (part == kCallTrace) return {{"Call Trace:", "Call trace:", "Backtrace:"}, true};
  if (part == kStallIrq) {
    return {{"apic_timer_interrupt", "Exception stack", "el1_irq", "el1h_64_irq",
             "sysvec_apic_timer_interrupt"},
            true};
  }
  if (part == kKmsanOrigin) return {{"Local variable ", "Uninit was created at:"}};
  return {};
}

const std::vector<OopsSpec>& LinuxOopsSpecs() {
  static const std::vector<OopsSpec>* specs = new std::vector<OopsSpec>(MakeSpecs());
  return *specs;
}

}  // namespace culprit::crash
