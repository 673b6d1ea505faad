// The Linux oops table (§2 of shared/reference/syzbot-title-rules.md): one entry per header
// family, its false positives and its formats in precedence order. Data only; pattern.h says how
// patterns are spelled. Long on purpose: it is the table.
#include "crash/oops_table.h"

#include <deque>

namespace culprit::crash {

// §1.7.4: the faulting PC's line; its function is the first candidate frame. A user-space PC, a
// bare address or "(null)" satisfies the step without naming a function.
constexpr FrameStep kFaultLine{
    R"((?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FN}}|(?:[0-9]+:)?0x[0-9a-f]+|)"
    R"((?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\)))"};
constexpr FrameStep kCallTraceLine{R"(Call Trace:|Call trace:|Backtrace:)"};
constexpr FrameStep kStackSection{};

namespace {

// WARNINGs also accept powerpc's marker of the trapping instruction inside the trace.
constexpr FrameStep kWarnFaultLine{
    R"((?:(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FN}}|(?:[0-9]+:)?0x[0-9a-f]+|)"
    R"((?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\))|)"
    R"(--- interrupt: [0-9]+ at {{FN}}))"};
// The lock lines of lockdep reports: "..., at: lock_sock_nested+0x3a/0x100".
constexpr FrameStep kLockAtLine{R"(at: (?:{{PC}} +)?{{FN}})"};
constexpr FrameStep kAddressThenName{R"({{PC}} +{{FN}})"};

// Frame rules live as long as the table; formats point at them.
const FrameRule* Keep(FrameRule rule) {
  static auto* rules = new std::deque<FrameRule>;
  return &rules->emplace_back(std::move(rule));
}

// The standard rules of §1.7.6.
const FrameRule* FaultThenTrace(std::vector<std::string_view> skip = {},
                                FrameChooser chooser = FrameChooser::kFirst) {
  return Keep({.steps = {kFaultLine, kCallTraceLine, kStackSection},
               .skip = std::move(skip),
               .chooser = chooser});
}
const FrameRule* Trace(std::vector<std::string_view> skip = {},
                       FrameChooser chooser = FrameChooser::kFirst) {
  return Keep(
      {.steps = {kCallTraceLine, kStackSection}, .skip = std::move(skip), .chooser = chooser});
}
const FrameRule* FaultOnly() { return Keep({.steps = {kFaultLine}}); }
const FrameRule* Warn(std::vector<std::string_view> skip = {}) {
  return Keep({.steps = {kWarnFaultLine, kStackSection},
               .fallback = {kCallTraceLine, kStackSection},
               .skip = std::move(skip)});
}
const FrameRule* HeaderThenTrace(std::string_view header, std::vector<std::string_view> skip) {
  return Keep({.steps = {{header}, kCallTraceLine, kStackSection}, .skip = std::move(skip)});
}

std::vector<OopsFormat> BugFormats() {
  const FrameRule* kmsan_usb =
      Keep({.steps = {kStackSection,
                      {R"((Local variable .* created at:|Uninit was created at:))"},
                      kStackSection},
            .skip = {"*alloc_skb*", "*usb_submit_urb*", "*usb_start_wait_urb*", "*usb_bulk_msg*",
                     "*usb_interrupt_msg*", "*usb_control_msg*"}});
  const FrameRule* kmsan =
      Keep({.steps = {kStackSection,
                      {R"((Local variable .* created at:|Uninit was created at:))"},
                      kStackSection},
            .skip = {"*alloc_skb*", "*netlink_ack*", "*netlink_rcv_skb*", "*_encrypt", "crypto_*",
                     "cipher_*", "drbg_*", "rng_*"}});
  const FrameRule* kfence =
      Keep({.steps = {{R"(BUG: KFENCE: [a-z -]+ in {{FN}})"}, kStackSection}});
  const FrameRule* unlock_balance =
      Keep({.steps = {kAddressThenName, kCallTraceLine, kStackSection}});
  return {
      {.title = R"(BUG: KASAN:)",
       .body =
           R"(BUG: KASAN: ([a-z-]+) in {{FN}}{{NEXT}}.*(Read|Write) (?:of size|at addr) [0-9a-f]+)",
       .shape = "KASAN: {1} {3} in {F}",
       .alts = {"bad-access in {F}"},
       .frames =
           HeaderThenTrace(R"(BUG: KASAN: [a-z-]+ in {{FN}})",
                           {"*kernel_fault*", "*tag_check*", "*mem_abort*", "el1_*", "el1h_*"})},
      {.title = R"(BUG: KASAN:)",
       .body = R"(BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FN}})",
       .shape = "KASAN: invalid-free in {F}",
       .alts = {"invalid-free in {F}"},
       .frames = HeaderThenTrace(
           R"(BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FN}})",
           {"*slab_*", "*kfree*", "*vunmap*", "*vfree*"})},
      {.title = R"(BUG: KASAN: ([a-z-]+) on address{{NEXT}}.*(Read|Write) of size ([0-9]+))",
       .shape = "KASAN: {1} {2}"},
      {.title = R"(BUG: KASAN: (.*))", .shape = "KASAN: {1}", .corrupted = true},
      {.title = R"(BUG: KMSAN: kernel-usb-infoleak)",
       .body = R"(BUG: KMSAN: kernel-usb-infoleak in {{FN}})",
       .shape = "KMSAN: kernel-usb-infoleak in {F}",
       .alts = {"KMSAN origin in {F2}"},
       .frames = kmsan_usb,
       .stack_not_required = true},
      {.title = R"(BUG: KMSAN:)",
       .body = R"(BUG: KMSAN: ([a-z-]+) in {{FN}})",
       .shape = "KMSAN: {1} in {F}",
       .alts = {"bad-access in {F}"},
       .frames = kmsan,
       .stack_not_required = true},
      {.title = R"(BUG: KCSAN: data-race)",
       .body = R"(BUG: KCSAN: (.*))",
       .shape = "KCSAN: {1}",
       .stack_not_required = true},
      {.title = R"(BUG: KCSAN:)",
       .body = R"(BUG: KCSAN: (.*))",
       .shape = "KCSAN: {1}",
       .stack_not_required = true},
      {.title = R"(BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) in {{FN}})",
       .shape = "KFENCE: {1} {2} in {F}",
       .alts = {"bad-access in {F}"},
       .frames = kfence},
      {.title = R"(BUG: KFENCE: invalid free in {{FN}})",
       .shape = "KFENCE: invalid free in {F}",
       .alts = {"invalid-free in {F}"},
       .frames = kfence,
       .stack_not_required = true},
      {.title = R"(BUG: KFENCE: invalid (read|write) in {{FN}})",
       .shape = "KFENCE: invalid {1} in {F}",
       .alts = {"bad-access in {F}"},
       .frames = kfence},
      {.title = R"(BUG: KFENCE: memory corruption in {{FN}})",
       .shape = "KFENCE: memory corruption in {F}",
       .frames = kfence,
       .stack_not_required = true},
      {.title = R"(BUG: (?:unable to handle kernel paging request|unable to handle page fault for )"
                R"(address|Unable to handle kernel data access))",
       .shape = "BUG: unable to handle kernel paging request in {F}",
       .alts = {"bad-access in {F}"},
       .frames = FaultThenTrace()},
      {.title = R"(BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer )"
                R"(dereference|Kernel NULL pointer dereference))",
       .shape = "BUG: unable to handle kernel NULL pointer dereference in {F}",
       .alts = {"bad-access in {F}"},
       .frames = FaultThenTrace()},
      {.title = R"(BUG: (?:unable|Unable) to handle kernel)",
       .shape = "BUG: unable to handle kernel",
       .corrupted = true},
      {.title = R"(BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu )"
                R"(recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP))",
       .shape = "BUG: {1} {2} in {F}",
       .frames = Trace({"*spin_*", "*_lock*", "*_unlock*"})},
      {.title = R"(BUG: soft lockup)",
       .shape = "BUG: soft lockup in {F}",
       .alts = {"stall in {F}"},
       .frames = FaultThenTrace({}, FrameChooser::kStall)},
      {.title = R"(BUG: .*still has locks held!)",
       .body = R"(BUG: .*still has locks held!{{NEXT}}.*{{PC}} +{{FN}})",
       .shape = "BUG: still has locks held in {1}"},
      {.title = R"(BUG: scheduling while atomic)",
       .shape = "BUG: scheduling while atomic in {F}",
       .frames = Trace({"*schedule*"})},
      {.title = R"(BUG: lock held when returning to user space)",
       .body = R"(BUG: lock held when returning to user space{{NEXT}}.*leaving the kernel with )"
               R"(locks still held{{NEXT}}.*at: (?:{{PC}} +)?{{FN}})",
       .shape = "BUG: lock held when returning to user space in {1}",
       .stack_not_required = true},
      {.title = R"(BUG: bad unlock balance detected!)",
       .shape = "BUG: bad unlock balance in {F}",
       .frames = unlock_balance},
      {.title = R"(BUG: held lock freed!)",
       .body = R"(BUG: held lock freed!{{NEXT}}.*{{PC}} +{{FN}})",
       .shape = "BUG: held lock freed in {1}"},
      {.title = R"(BUG: Bad rss-counter state)",
       .shape = "BUG: Bad rss-counter state",
       .stack_not_required = true},
      {.title = R"(BUG: non-zero nr_ptes on freeing mm)",
       .shape = "BUG: non-zero nr_ptes on freeing mm",
       .stack_not_required = true},
      {.title = R"(BUG: non-zero nr_pmds on freeing mm)",
       .shape = "BUG: non-zero nr_pmds on freeing mm",
       .stack_not_required = true},
      {.title = R"(BUG: Dentry .* still in use)",
       .body = R"(BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\])",
       .shape = "BUG: Dentry still in use in {1}",
       .alts = {"BUG: Dentry still in use [{1} of {2}]"}},
      // The page's allocation stack (page_owner) names the code that got the page; it runs on
      // into the free stack.
      {.title = R"(BUG: Bad page (state|cache))",
       .shape = "BUG: Bad page {1} in {F}",
       .frames =
           Keep({.steps = {{R"(page last allocated)"}, kStackSection},
                 .skip = {"*free_page*", "*put_page*", "*get_page*", "*update_page*",
                          "*release_page*", "*free_unref*", "re:^_*folio", "*truncate_inode_pages*",
                          "*page_frag_free*", "*alloc*", "*vmap*", "*page_owner*"}})},
      {.title = R"(BUG: Bad page map)", .shape = "BUG: Bad page map"},
      {.title = R"(BUG: workqueue lockup)",
       .shape = "BUG: workqueue lockup",
       .stack_not_required = true},
      {.title = R"(BUG: sleeping function called from invalid context at (.*))",
       .shape = "BUG: sleeping function called from invalid context in {F}",
       .frames = Trace()},
      {.title = R"(BUG: using ([a-z_]+)\(\) in preemptible)",
       .shape = "BUG: using {1}() in preemptible code in {F}",
       .frames = Trace({"*dump_stack*", "*preemption*", "*preempt*", "*debug_*", "*processor_id*",
                        "*this_cpu*"})},
      {.title = R"(BUG: workqueue leaked lock or atomic)",
       .body = R"(BUG: workqueue leaked lock or atomic{{NEXT}}.*last function: ([A-Za-z0-9_]+)\n)",
       .shape = "BUG: workqueue leaked lock or atomic in {1}",
       .stack_not_required = true},
      {.title = R"(BUG: memory leak)",
       .shape = "memory leak in {F}",
       .frames =
           Keep({.steps = {{R"(backtrace(?: \(crc [0-9a-fA-F]*\))?:)"}, kStackSection},
                 .skip = {"*kmemleak*", "*mmap*", "*kmem*", "*slab*", "*alloc*", "*create_object*",
                          "*idr_get*", "*list_lru_init*", "*kasprintf*", "*kvasprintf*",
                          "*pcpu_create*", "*strdup*", "*strndup*", "*memdup*"}})},
      {.title = R"(BUG: .*stack guard page was hit at)",
       .shape = "BUG: stack guard page was hit in {F}",
       .alts = {"stack-overflow in {F}"},
       .frames = FaultThenTrace({}, FrameChooser::kStall)},
      // The same bug as x86's lockdep WARNING: one title for both.
      {.title = R"(BUG: Invalid wait context)",
       .shape = "WARNING: locking bug in {F}",
       .frames = Trace({"*lock_sock*", "*release_sock*"})},
      {.title = R"(BUG:\s*(?:\n|$))", .shape = "BUG: corrupted", .corrupted = true},
  };
}

std::vector<OopsFormat> WarningFormats() {
  // Buckets (§5): the generic helper that warned is not the bug; its file names the kind.
  return {
      {.title = R"(WARNING: .*lib/debugobjects\.c.* (?:debug_print|debug_check|at))",
       .shape = "WARNING: ODEBUG bug in {F}",
       .frames = Warn({"*debug_*", "*rcu*", "*hrtimer_*", "*timer_*", "*work_*", "*percpu_*",
                       "*vunmap*", "*vfree*", "*__free_*", "*debug_check*", "*kobject_*"})},
      {.title = R"(WARNING: .*mm/usercopy\.c.* (?:usercopy_warn|at))",
       .shape = "WARNING: bad usercopy in {F}",
       .frames = Warn({"*usercopy*", "*__check*"})},
      {.title = R"(WARNING: .*lib/kobject\.c.* (?:kobject_|at))",
       .shape = "WARNING: kobject bug in {F}",
       .frames = Warn({"*kobject_*"})},
      {.title = R"(WARNING: .*fs/proc/generic\.c.* (?:proc_register|at))",
       .shape = "WARNING: proc registration bug in {F}",
       .frames = Warn({"*proc_*"})},
      {.title = R"(WARNING: .*lib/refcount\.c.* (?:refcount_|at))",
       .shape = "WARNING: refcount bug in {F}",
       .frames = Warn({"*refcount*", "*kobject_*"})},
      {.title = R"(WARNING: .*kernel/locking/lockdep\.c.*lock_)",
       .shape = "WARNING: locking bug in {F}",
       .frames = Warn({"*lock_sock*", "*release_sock*"})},
      {.title = R"(WARNING: .*still has locks held!)",
       .body = R"(WARNING: .*still has locks held!{{NEXT}}.*at: {{FN}})",
       .shape = "WARNING: still has locks held in {1}"},
      {.title = R"(WARNING: Nested lock was not taken)",
       .shape = "WARNING: nested lock was not taken in {F}",
       .frames = Warn()},
      {.title = R"(WARNING: lock held when returning to user space)",
       .body = R"(WARNING: lock held when returning to user space{{NEXT}}.*leaving the kernel )"
               R"(with locks still held{{NEXT}}.*at: (?:{{PC}} +)?{{FN}})",
       .shape = "WARNING: lock held when returning to user space in {1}",
       .stack_not_required = true},
      {.title = R"(WARNING: .*mm/.*\.c.* k?.?malloc)",
       .shape = "WARNING: kmalloc bug in {F}",
       .frames = Warn({"*kmalloc*", "*krealloc*", "*slab*", "*kmem*"})},
      {.title = R"(WARNING: .*mm/vmalloc.c.*__vmalloc_node)",
       .shape = "WARNING: zero-size vmalloc in {F}",
       .frames = Warn()},
      {.title = R"(WARNING: .* usb_submit_urb)",
       .shape = "WARNING in {F}/usb_submit_urb",
       .frames = Warn({"*usb_submit_urb*", "*usb_start_wait_urb*", "*usb_bulk_msg*",
                       "*usb_interrupt_msg*", "*usb_control_msg*"})},
      // The generic shapes of the WARNING line; the frame comes from the fault line or stack.
      {.title = R"(WARNING: {{SRC}} at 0x[0-9]+, CPU#[0-9]+)",
       .shape = "WARNING in {F}",
       .frames = Warn()},
      {.title = R"(WARNING: .* at {{SRC}} {{FN}})", .shape = "WARNING in {F}", .frames = Warn()},
      {.title = R"(WARNING: {{SRC}} at {{FN}})", .shape = "WARNING in {F}", .frames = Warn()},
      {.title = R"(WARNING: \[.*\] {{SRC}} at {{FN}}.*)",
       .shape = "WARNING in {F}",
       .frames = Warn()},
      // Lockdep: every deadlock report is one bug named by the lock being taken.
      {.title = R"(WARNING: possible circular locking dependency detected)",
       .body = R"(WARNING: possible circular locking dependency detected{{NEXT}}.*is trying to )"
               R"(acquire lock)",
       .shape = "possible deadlock in {F}",
       .frames = Keep({.steps = {kLockAtLine, kLockAtLine, kStackSection},
                       .skip = {"*process_one_work*", "*flush_workqueue*", "*drain_workqueue*",
                                "*destroy_workqueue*"}})},
      {.title = R"(WARNING: possible irq lock inversion dependency detected)",
       .body = R"(WARNING: possible irq lock inversion dependency detected{{NEXT}}.*just changed )"
               R"(the state of lock{{NEXT}}.*at: (?:{{PC}} +)?{{FN}})",
       .shape = "possible deadlock in {1}"},
      {.title = R"(WARNING: .*-safe -> .*-unsafe lock order detected)",
       .shape = "possible deadlock in {F}",
       .frames = Keep({.steps = {{R"(which became .* at:)"}, kStackSection}})},
      {.title = R"(WARNING: possible recursive locking detected)",
       .body = R"(WARNING: possible recursive locking detected{{NEXT}}.*is trying to acquire )"
               R"(lock{{NEXT}}.*at: (?:{{PC}} +)?{{FN}})",
       .shape = "possible deadlock in {1}"},
      {.title = R"(WARNING: inconsistent lock state)",
       .body =
           R"(WARNING: inconsistent lock state{{NEXT}}.*takes{{NEXT}}.*at: (?:{{PC}} +)?{{FN}})",
       .shape = "inconsistent lock state in {F}",
       .frames = Trace()},
      {.title = R"(WARNING: suspicious RCU usage)",
       .body = R"(WARNING: suspicious RCU usage{{NEXT}}.*?{{SRC}})",
       .shape = "WARNING: suspicious RCU usage in {F}",
       .frames = Trace({"*rcu*", "*kmem*", "*slab*"})},
      {.title = R"(WARNING: kernel stack regs at [0-9a-f]+ in [^ ]+ has bad '([^']+)' value)",
       .shape = "WARNING: kernel stack regs has bad '{1}' value",
       .stack_not_required = true},
      {.title = R"(WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]+ has bad value)",
       .shape = "WARNING: kernel stack frame pointer has bad value",
       .stack_not_required = true},
      {.title = R"(WARNING: bad unlock balance detected!)",
       .shape = "WARNING: bad unlock balance in {F}",
       .frames = Keep({.steps = {kAddressThenName, kCallTraceLine, kStackSection}})},
      {.title = R"(WARNING: held lock freed!)",
       .body = R"(WARNING: held lock freed!{{NEXT}}.*at:(?: {{PC}})? +{{FN}})",
       .shape = "WARNING: held lock freed in {1}"},
      {.title = R"(WARNING: kernel stack regs .* has bad 'bp' value)",
       .shape = "WARNING: kernel stack regs has bad value",
       .stack_not_required = true},
      {.title = R"(WARNING: kernel stack frame pointer .* has bad value)",
       .shape = "WARNING: kernel stack regs has bad value",
       .stack_not_required = true},
      {.title = R"(WARNING:\s*(?:\n|$))", .shape = "WARNING: corrupted", .corrupted = true},
  };
}

std::vector<OopsFormat> InfoFormats() {
  return {
      // Old lockdep reports open with a bracketed "[ INFO: ... ]" header.
      {.title = R"(INFO: possible circular locking dependency detected)",
       .body = R"(INFO: possible circular locking dependency detected \]{{NEXT}}.*is trying to )"
               R"(acquire lock{{NEXT}}.*at: {{PC}} +{{FN}})",
       .shape = "possible deadlock in {1}"},
      {.title = R"(INFO: possible irq lock inversion dependency detected)",
       .body = R"(INFO: possible irq lock inversion dependency detected \]{{NEXT}}.*just changed )"
               R"(the state of lock{{NEXT}}.*at: {{PC}} +{{FN}})",
       .shape = "possible deadlock in {1}"},
      {.title = R"(INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected)",
       .body = R"(INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \]{{NEXT}}.*is trying )"
               R"(to acquire{{NEXT}}.*at: {{PC}} +{{FN}})",
       .shape = "possible deadlock in {1}"},
      {.title = R"(INFO: possible recursive locking detected)",
       .body = R"(INFO: possible recursive locking detected \]{{NEXT}}.*is trying to acquire )"
               R"(lock{{NEXT}}.*at: {{PC}} +{{FN}})",
       .shape = "possible deadlock in {1}"},
      {.title = R"(INFO: inconsistent lock state)",
       .body = R"(INFO: inconsistent lock state \]{{NEXT}}.*takes{{NEXT}}.*at: {{PC}} +{{FN}})",
       .shape = "inconsistent lock state in {1}"},
      // The stalled code is what the timer interrupt interrupted.
      {.title = R"(INFO: rcu_(?:preempt|sched|bh|tasks) (?:self-)?detected(?: expedited)? stall)",
       .shape = "INFO: rcu detected stall in {F}",
       .alts = {"stall in {F}"},
       .frames = Keep(
           {.steps = {{R"(apic_timer_interrupt)"}, kFaultLine, kStackSection},
            .fallback = {{R"(apic_timer_interrupt|Exception stack|el1h_64_irq)"}, kStackSection},
            .skip = {"*apic_timer_interrupt*", "*rcu*"},
            .chooser = FrameChooser::kStall})},
      {.title = R"(INFO: trying to register non-static key)",
       .shape = "INFO: trying to register non-static key in {F}",
       .frames = Trace({"*stack*", "*lock*", "*IRQ*"})},
      {.title = R"(INFO: suspicious RCU usage)",
       .body = R"(INFO: suspicious RCU usage{{NEXT}}.*?{{SRC}})",
       .shape = "INFO: suspicious RCU usage in {F}",
       .frames = Trace({"*rcu*", "*kmem*", "*slab*"})},
      {.title = R"(INFO: task {{TASK}} blocked (?:in I/O wait )?for more than [0-9]+ seconds)",
       .shape = "INFO: task hung in {F}",
       .alts = {"hang in {F}"},
       .frames = Trace({}, FrameChooser::kHang)},
      {.title = R"(INFO: task {{TASK}} can't die for more than .* seconds)",
       .shape = "INFO: task can't die in {F}",
       .alts = {"hang in {F}"},
       .frames = Trace({"*schedule*"})},
      // A fragment of an old KASAN report whose header was lost.
      {.title = R"(INFO: (Freed|Allocated) in (.*))",
       .shape = "INFO: {1} in {2}",
       .corrupted = true},
      {.title = R"(INFO:\s*(?:\n|$))", .shape = "INFO: corrupted", .corrupted = true},
  };
}

std::vector<OopsFormat> KernelPanicFormats() {
  return {
      {.title = R"(Kernel panic - not syncing: stack-protector:)",
       .body =
           R"(Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: {{FN}})",
       .shape = "kernel panic: stack is corrupted in {1}",
       .stack_not_required = true},
      {.title = R"(Kernel panic - not syncing: stack-protector:)",
       .body = R"(Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: )"
               R"([0-9a-f]+)",
       .shape = "kernel panic: stack is corrupted in {F}",
       .frames = Trace({"*stack_chk*"})},
      {.title = R"(Kernel panic - not syncing: corrupted stack end)",
       .body = R"(Kernel panic - not syncing: corrupted stack end detected inside scheduler)",
       .shape = "kernel panic: corrupted stack end in {F}",
       .alts = {"stack-overflow in {F}"},
       .frames = Trace({"*schedule*", "*retint_kernel*"}, FrameChooser::kStall)},
      {.title = R"(Kernel panic - not syncing: kernel stack overflow)",
       .shape = "kernel stack overflow in {F}",
       .alts = {"stack-overflow in {F}"},
       .frames = Trace({"*bad_stack*"}, FrameChooser::kStall)},
      {.title = R"(Kernel panic - not syncing: Attempted to kill init!)",
       .shape = "kernel panic: Attempted to kill init!"},
      {.title =
           R"(Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+)",
       .shape = "kernel panic: Couldn't open N_TTY ldisc"},
      // These three mean the real header (oops, WARNING, hung task) was lost.
      {.title = R"(Kernel panic - not syncing: Fatal exception)",
       .shape = "kernel panic: Fatal exception",
       .corrupted = true},
      {.title = R"(Kernel panic - not syncing: panic_on_warn set)",
       .shape = "kernel panic: panic_on_warn set",
       .corrupted = true},
      {.title = R"(Kernel panic - not syncing: hung_task: blocked tasks)",
       .shape = "kernel panic: hung_task: blocked tasks",
       .corrupted = true},
      {.title = R"(Kernel panic - not syncing: (.*))", .shape = "kernel panic: {1}"},
  };
}

std::vector<OopsFamily> MakeFamilies() {
  // Fault handlers of arm/arm64 name the fault; "Internal error" on arm64 is arm's paging
  // request, so both share the bad-access alt.
  return {
      {.header = "BUG:",
       .false_positives = {"ODEBUG:", "Boot_DEBUG:", "xlog_status:", "DEBUG:",
                           "BUG: no syscalls can create resource"},
       .formats = BugFormats()},
      {.header = "WARNING:",
       .false_positives =
           {R"(WARNING: /etc/ssh/moduli does not exist, using fixed modulus)",
            R"(WARNING: workqueue cpumask: online intersect > possible intersect)",
            R"(WARNING: [Tt]he mand mount option)",
            R"(WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1)",
            R"(WARNING: Unprivileged eBPF is enabled with eIBRS)",
            R"(WARNING: fbcon: Driver '.*' missed to adjust virtual screen size \([0-9]+x[0-9]+ )"
            R"(vs\. [0-9]+x[0-9]+\))",
            R"(WARNING: See https.* for mitigation options.)",
            R"(WARNING: kernel not compiled with CPU_SRSO)", R"(EXT4-[Ff][Ss](?: \(.*\))?:)",
            R"((?i)warning: .* uses (?:deprecated v2 capabilities|wireless extensions))",
            R"(XFS \(\w+\): WARNING)"},
       .formats = WarningFormats()},
      {.header = "INFO:",
       .false_positives = {R"(INFO: lockdep is turned off)",
                           R"(INFO: Stall ended before state dump start)", R"(INFO: NMI handler)",
                           R"(INFO: recovery required on readonly filesystem)",
                           R"((?:handler|interrupt).*took too long)",
                           R"(INFO: sys_.*is not present in /proc/kallsyms)",
                           R"(INFO: no syscalls can create resource)", R"(rmt_storage:INFO:)",
                           R"(_INFO:)"},
       .formats = InfoFormats()},
      {.header = "Unable to handle kernel",
       .formats = {{.title = R"(Unable to handle kernel (paging request|NULL pointer dereference|)"
                             R"(access to user memory))",
                    .shape = "BUG: unable to handle kernel {1} in {F}",
                    .alts = {"bad-access in {F}"},
                    .frames = FaultThenTrace()}}},
      {.header = "general protection fault",
       // The traps printer's user-space fault ("... error:0 in libc.so").
       .false_positives = {R"(general protection fault.*error:[0-9]+ in )"},
       .formats = {{.title = R"(general protection fault.*:)",
                    .shape = "general protection fault in {F}",
                    .alts = {"bad-access in {F}"},
                    .frames = FaultThenTrace()}}},
      {.header = "stack segment: ",
       .formats = {{.title = R"(stack segment: )",
                    .shape = "stack segment fault in {F}",
                    .frames = FaultThenTrace()}}},
      {.header = "Kernel panic", .formats = KernelPanicFormats()},
      {.header = "PANIC: double fault",
       .formats = {{.title = R"(PANIC: double fault)",
                    .shape = "PANIC: double fault in {F}",
                    .frames = FaultOnly()}}},
      {.header = "rust_kernel: panicked",
       .formats = {{.title = R"(rust_kernel: panicked)",
                    .body = R"(rust_kernel: panicked at.*\n(.+)\n)",
                    .shape = "{1} in {F}",
                    .frames = Trace({"*__rustc::rust_begin_unwind*"})}}},
      // Many skb helpers BUG_ON a bad argument: their caller is to blame.
      {.header = "kernel BUG",
       .formats = {{.title = R"(kernel BUG at mm/usercopy\.c)",
                    .shape = "BUG: bad usercopy in {F}",
                    .frames = Trace({"*usercopy*", "*__check*"})},
                   {.title = R"(kernel BUG at lib/list_debug\.c)",
                    .shape = "BUG: corrupted list in {F}",
                    .alts = {"bad-access in {F}"},
                    .frames = Trace()},
                   {.title = R"(kernel BUG at (.*))",
                    .shape = "kernel BUG in {F}",
                    .frames = FaultThenTrace({"skb_*"})}}},
      {.header = "Kernel BUG",
       .formats = {{.title = R"(Kernel BUG (.*))", .shape = "kernel BUG {1}"}}},
      {.header = "BUG kmalloc-",
       .formats = {{.title = R"(BUG kmalloc-.*: Object already free)",
                    .shape = "BUG: Object already free"}}},
      {.header = "divide error:",
       .formats = {{.title = R"(divide error: )",
                    .shape = "divide error in {F}",
                    .frames = FaultOnly()}}},
      {.header = "divide_error:",
       .formats = {{.title = R"(divide_error: )",
                    .shape = "divide error in {F}",
                    .frames = FaultOnly()}}},
      {.header = "invalid opcode:",
       .formats = {{.title = R"(invalid opcode: )",
                    .shape = "invalid opcode in {F}",
                    .frames = FaultOnly()}}},
      {.header = "int3:",
       .formats = {{.title = R"(int3: )", .shape = "int3 in {F}", .frames = FaultThenTrace()}}},
      {.header = "UBSAN:",
       .formats = {{.title = R"(UBSAN:)",
                    .body = R"(UBSAN: Undefined behaviour in)",
                    .shape = "UBSAN: undefined-behaviour in {F}",
                    .frames = Trace({"*ubsan*", "*overflow*"})},
                   {.title = R"(UBSAN: array-index-out-of-bounds in)",
                    .shape = "UBSAN: array-index-out-of-bounds in {F}",
                    .alts = {"bad-access in {F}"},
                    .frames = Trace({"*ubsan*", "*overflow*"})},
                   {.title = R"(UBSAN:)",
                    .body = R"(UBSAN: (.*?) in)",
                    .shape = "UBSAN: {1} in {F}",
                    .frames = Trace({"*ubsan*", "*overflow*"})}}},
      // The fuzzer can echo boot messages back through mount options: those are not reboots.
      {.header = "Booting the kernel.",
       .false_positives = {"Parsing ELF", "Decompressing Linux", "Unknown parameter '"},
       .formats = {{.title = R"(^Booting the kernel)",
                    .shape = "unexpected kernel reboot",
                    .stack_not_required = true}}},
      {.header = "unregister_netdevice: waiting for",
       .formats = {{.title = R"(unregister_netdevice: waiting for .* to become free)",
                    .shape = "unregister_netdevice: waiting for DEV to become free",
                    .stack_not_required = true}}},
      {.header = "VFS: Close: file count is 0",
       .formats = {{.title = R"(VFS: Close: file count is 0)",
                    .shape = "VFS: Close: file count is zero (use-after-free)",
                    .stack_not_required = true}}},
      {.header = "VFS: Busy inodes after unmount",
       .formats = {{.title = R"(VFS: Busy inodes after unmount)",
                    .shape = "VFS: Busy inodes after unmount (use-after-free)",
                    .stack_not_required = true}}},
      {.header = "Internal error:",
       .formats = {{.title = R"(Internal error:)",
                    .shape = "Internal error in {F}",
                    .alts = {"bad-access in {F}"},
                    .frames = FaultThenTrace()}}},
      {.header = "Unhandled fault:",
       .formats = {{.title = R"(Unhandled fault:)",
                    .shape = "Unhandled fault in {F}",
                    .alts = {"bad-access in {F}"},
                    .frames = FaultThenTrace()}}},
      {.header = "Alignment trap:",
       .formats = {{.title = R"(Alignment trap:)",
                    .shape = "Alignment trap in {F}",
                    .frames = FaultThenTrace()}}},
      {.header = "trusty: panic",
       .formats = {{.title = R"(trusty: panic.* ASSERT FAILED)",
                    .body = R"(trusty: panic \(.*?\):(?: DEBUG)? ASSERT FAILED at \(.*?\): (.+))",
                    .shape = "trusty: ASSERT FAILED: {1}",
                    .stack_not_required = true},
                   // The assertion's text was lost: the last colon's tail is all there is.
                   {.title = R"(trusty: panic.* ASSERT FAILED.*: *(.*))",
                    .shape = "trusty: ASSERT FAILED: {1}",
                    .corrupted = true},
                   {.title = R"(trusty: panic)",
                    .body = R"(trusty: panic \(.*?\): (.+))",
                    .shape = "trusty: panic: {1}",
                    .stack_not_required = true}}},
      {.header = "fatal error:",
       .false_positives = {"ALSA", "fatal error: cannot create timer"},
       .formats = {{.title = R"(fatal error:)",
                    .shape = "go runtime error",
                    .stack_not_required = true}}},
      {.header = "SYZFAIL:",
       .formats = {{.title = R"(SYZFAIL:(.*))",
                    .shape = "SYZFAIL:{1}",
                    .stack_not_required = true}}},
      {.header = "SYZFATAL:",
       .formats = {{.title = R"(SYZFATAL:(.*))",
                    .shape = "SYZFATAL:{1}",
                    .alts = {"SYZFATAL"},
                    .stack_not_required = true}}},
      {.header = "panic:",
       .false_positives = {"_panic:", "xlog_status:", "ddb.onpanic:", "evtlog_status:"},
       .formats = {{.title = R"(panic: Sentry detected .* stuck task)",
                    .shape = "panic: Sentry detected stuck tasks",
                    .stack_not_required = true},
                   {.title = R"(panic:(.*))", .shape = "panic:{1}", .stack_not_required = true}}},
  };
}

}  // namespace

const std::vector<OopsFamily>& OopsFamilies() {
  static const auto* families = new std::vector<OopsFamily>(MakeFamilies());
  return *families;
}

const std::vector<std::string_view>& ReportContinuations() {
  static const auto* lines = new std::vector<std::string_view>{
      "invalid opcode: 0000", "Kernel panic - not syncing", "unregister_netdevice: waiting for",
      "PANIC: double fault", "Internal error:"};
  return *lines;
}

const std::vector<std::string_view>& ReportClosers() {
  // The panic that panic_on_warn adds, and lockdep's report that follows another one.
  static const auto* lines = new std::vector<std::string_view>{
      "Kernel panic - not syncing", "WARNING: possible circular locking dependency detected"};
  return *lines;
}

const std::vector<std::string_view>& InfoMessagesWithStack() {
  static const auto* lines = new std::vector<std::string_view>{
      "vmalloc: allocation failure:", "FAULT_INJECTION: forcing a failure",
      "FAULT_FLAG_ALLOW_RETRY missing"};
  return *lines;
}

}  // namespace culprit::crash
