#include "crash/linux_report.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>

#include "base/strings.h"
#include "crash/demangle.h"
#include "crash/report.h"

namespace culprit::crash {
namespace {

TEST(LinuxFormats, AllRegexesCompile) {
  for (const std::string& e : LinuxFormatErrors()) ADD_FAILURE() << e;
}

// One row per oops family: a small console log and what syzbot would call it.
struct Row {
  const char* name;
  const char* log;
  const char* title;  // "" = no crash
  const char* type = "";
  const char* alt = "";  // alt titles joined by " | "
  bool corrupted = false;
};

const Row kRows[] = {
    {.name = "kasan_use_after_free",
     .log = "[  53.7] ==================================================================\n"
            "[  53.7] BUG: KASAN: use-after-free in io_req_task_submit+0x9f/0xb0\n"
            "[  53.7] Read of size 8 at addr ffff888012345678 by task syz-executor.0/1234\n"
            "[  53.7] \n"
            "[  53.7] CPU: 0 PID: 1234 Comm: syz-executor.0 Not tainted 5.10.0 #1\n"
            "[  53.7] Call Trace:\n"
            "[  53.7]  dump_stack+0x107/0x163\n"
            "[  53.7]  kasan_report.cold+0x1f/0x37\n"
            "[  53.7]  io_req_task_submit+0x9f/0xb0\n"
            "[  53.7]  task_work_run+0xdd/0x1a0\n",
     .title = "KASAN: use-after-free Read in io_req_task_submit",
     .type = "KASAN-USE-AFTER-FREE-READ",
     .alt = "bad-access in io_req_task_submit"},
    {.name = "kasan_truncated_is_corrupted",
     .log = "BUG: KASAN: use-after-free in foo_bar+0x1/0x2\n",
     .title = "KASAN: use-after-free in foo_bar",
     .type = "KASAN-USE-AFTER-FREE-READ",
     .corrupted = true},
    {.name = "kmsan_uninit",
     .log = "BUG: KMSAN: uninit-value in alg_setkey+0x1/0x2\n"
            " alg_setkey+0x1/0x2\n"
            " __sys_setsockopt+0x1/0x2\n"
            "\n"
            "Uninit was created at:\n"
            " kmalloc+0x1/0x2\n",
     .title = "KMSAN: uninit-value in alg_setkey",
     .type = "KMSAN-UNINIT-VALUE",
     .alt = "bad-access in alg_setkey"},
    {.name = "kcsan_data_race",
     .log = "BUG: KCSAN: data-race in find_next_bit / rcu_report_exp_cpu_mult\n",
     .title = "KCSAN: data-race in find_next_bit / rcu_report_exp_cpu_mult",
     .type = "KCSAN-DATARACE"},
    {.name = "kfence_use_after_free",
     .log = "BUG: KFENCE: use-after-free read in test_use_after_free+0xa/0x10\n"
            "\n"
            "Use-after-free read at 0xffff8c3f2e291fb0 (in kfence-#79):\n"
            " test_use_after_free+0xa/0x10\n"
            " kunit_try_run_case+0x51/0x90\n",
     .title = "KFENCE: use-after-free read in test_use_after_free",
     .type = "KFENCE-USE-AFTER-FREE-READ",
     .alt = "bad-access in test_use_after_free"},
    {.name = "warning_new_kernel",
     .log = "------------[ cut here ]------------\n"
            "WARNING: CPU: 1 PID: 8377 at arch/x86/kvm/x86.c:7209 "
            "kvm_arch_vcpu_ioctl_run+0x1f7/0x5a0\n"
            "Modules linked in:\n"
            "RIP: 0010:kvm_arch_vcpu_ioctl_run+0x1f7/0x5a0\n"
            "Call Trace:\n"
            " kvm_vcpu_ioctl+0x72b/0x1150\n",
     .title = "WARNING in kvm_arch_vcpu_ioctl_run",
     .type = "WARNING"},
    {.name = "warning_refcount_bucket",
     .log = "refcount_t: underflow; use-after-free.\n"
            "WARNING: CPU: 0 PID: 1 at lib/refcount.c:28 refcount_warn_saturate+0x1/0x2\n"
            "RIP: 0010:refcount_warn_saturate+0x1/0x2\n"
            "Call Trace:\n"
            " sctp_wfree+0x183/0x620\n",
     .title = "WARNING: refcount bug in sctp_wfree",
     .type = "REFCOUNT_WARNING"},
    {.name = "general_protection_fault",
     .log = "general protection fault, probably for non-canonical address 0xdffffc0000000002: "
            "0000 [#1] PREEMPT SMP KASAN\n"
            "KASAN: null-ptr-deref in range [0x10-0x17]\n"
            "RIP: 0010:__io_queue_sqe+0x3f/0x9c0\n"
            "Call Trace:\n"
            " io_submit_sqes+0x1d/0x20\n",
     .title = "general protection fault in __io_queue_sqe",
     .type = "DoS",
     .alt = "bad-access in __io_queue_sqe"},
    {.name = "null_pointer_dereference",
     .log = "BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
            "#PF: supervisor read access in kernel mode\n"
            "RIP: 0010:nci_send_cmd+0x1a/0x30\n"
            "Call Trace:\n"
            " nci_dev_up+0x1/0x2\n",
     .title = "BUG: unable to handle kernel NULL pointer dereference in nci_send_cmd",
     .type = "NULL-POINTER-DEREFERENCE",
     .alt = "bad-access in nci_send_cmd"},
    {.name = "arm64_paging_request",
     .log = "Unable to handle kernel paging request at virtual address dead000000000108\n"
            "Internal error: Oops: 96000044 [#1] PREEMPT SMP\n"
            "pc : __list_del_entry_valid+0x10/0x20\n"
            "lr : foo_release+0x30/0x40\n"
            "Call trace:\n"
            " __list_del_entry_valid+0x10/0x20\n"
            " foo_release+0x30/0x40\n",
     .title = "BUG: unable to handle kernel paging request in foo_release",
     .type = "MEMORY_SAFETY_BUG",
     .alt = "bad-access in foo_release"},
    {.name = "kernel_bug",
     .log = "kernel BUG at mm/page_alloc.c:3112!\n"
            "invalid opcode: 0000 [#1] PREEMPT SMP KASAN\n"
            "RIP: 0010:__isolate_free_page+0x4a8/0x680\n"
            "Call Trace:\n"
            " compaction_alloc+0x1/0x2\n",
     .title = "kernel BUG in __isolate_free_page",
     .type = "BUG"},
    {.name = "task_hung",
     .log = "INFO: task syz-executor.0:6102 blocked for more than 140 seconds.\n"
            "      Not tainted 5.4.0 #1\n"
            "Call Trace:\n"
            " __schedule+0x1/0x2\n"
            " schedule+0x1/0x2\n"
            " rwsem_down_read_slowpath+0x1/0x2\n"
            " mon_bin_read+0x1/0x2\n"
            " vfs_read+0x1/0x2\n",
     .title = "INFO: task hung in mon_bin_read",
     .type = "HANG",
     .alt = "hang in mon_bin_read"},
    {.name = "rcu_stall_syscall_anchor",
     .log = "rcu: INFO: rcu_preempt self-detected stall on CPU\n"
            "NMI backtrace for cpu 1\n"
            "Call Trace:\n"
            " <IRQ>\n"
            " dump_stack+0x1/0x2\n"
            " apic_timer_interrupt+0xf/0x20\n"
            " </IRQ>\n"
            "RIP: 0010:hash_futex+0x1/0x2\n"
            " futex_wait+0x1/0x2\n"
            " do_futex+0x1/0x2\n"
            " __x64_sys_futex+0x1/0x2\n"
            " do_syscall_64+0x1/0x2\n",
     .title = "INFO: rcu detected stall in sys_futex",
     .type = "HANG",
     .alt = "INFO: rcu detected stall in __x64_sys_futex | stall in __x64_sys_futex | "
            "stall in sys_futex"},
    {.name = "soft_lockup_dispatcher_anchor",
     .log = "watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [syz-executor:123]\n"
            "RIP: 0010:_raw_spin_unlock_irqrestore+0x1/0x2\n"
            "Call Trace:\n"
            " snd_timer_interrupt+0x1/0x2\n"
            " snd_hrtimer_callback+0x1/0x2\n"
            " __run_hrtimer+0x1/0x2\n",
     .title = "BUG: soft lockup in snd_hrtimer_callback",
     .type = "HANG",
     .alt = "stall in snd_hrtimer_callback"},
    {.name = "lockdep_circular",
     .log = "======================================================\n"
            "WARNING: possible circular locking dependency detected\n"
            "syz-executor/1 is trying to acquire lock:\n"
            "ffff8880 (&pipe->mutex/1){+.+.}, at: pipe_lock+0x1/0x2\n"
            "\n"
            "but task is already holding lock:\n"
            "ffff8881 (sb_writers#3){.+.+}, at: splice_file_range+0x1/0x2\n"
            "stack backtrace:\n"
            "Call Trace:\n"
            " dump_stack+0x1/0x2\n",
     .title = "possible deadlock in pipe_lock",
     .type = "LOCKDEP"},
    {.name = "kernel_panic",
     .log = "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009\n",
     .title = "kernel panic: Attempted to kill init!",
     .type = "DoS"},
    {.name = "memory_leak",
     .log = "BUG: memory leak\n"
            "unreferenced object 0xffff888112a63c00 (size 32):\n"
            "  backtrace:\n"
            "    [<000000003c>] kmalloc_trace+0x1/0x2\n"
            "    [<00000000ab>] lookup_or_create_module_kobject+0x1/0x2\n",
     .title = "memory leak in lookup_or_create_module_kobject",
     .type = "LEAK"},
    {.name = "ubsan_array_index",
     .log = "UBSAN: array-index-out-of-bounds in net/foo/bar.c:12:3\n"
            "index 5 is out of range for type 'int [4]'\n"
            "Call Trace:\n"
            " dump_stack+0x1/0x2\n"
            " __ubsan_handle_out_of_bounds+0x1/0x2\n"
            " foo_bar+0x1/0x2\n",
     .title = "UBSAN: array-index-out-of-bounds in foo_bar",
     .type = "MEMORY_SAFETY_UBSAN",
     .alt = "bad-access in foo_bar"},
    {.name = "divide_error",
     .log = "divide error: 0000 [#1] SMP\n"
            "RIP: 0010:tcp_select_window+0x56/0x100\n"
            "Call Trace:\n"
            " tcp_transmit_skb+0x1/0x2\n",
     .title = "divide error in tcp_select_window",
     .type = "DoS"},
    {.name = "double_fault",
     .log = "PANIC: double fault, error_code: 0x0\n"
            "RIP: 0010:__udp6_lib_lookup+0x1/0x2\n",
     .title = "PANIC: double fault in __udp6_lib_lookup",
     .type = "DoS",
     .corrupted = true},  // no call trace
    {.name = "bare_bug_is_corrupted",
     .log = "BUG: \n",
     .title = "BUG: corrupted",
     .type = "UNKNOWN",
     .corrupted = true},
    {.name = "missing_stack_is_corrupted",
     .log = "WARNING: CPU: 0 PID: 1 at net/core/dev.c:1 dev_foo+0x1/0x2\n",
     .title = "WARNING in corrupted",
     .type = "WARNING",
     .corrupted = true},
    {.name = "timestamped_context_lines",
     .log = "[   96.255274][ T1234] BUG: KASAN: slab-out-of-bounds in ip6_fragment+0x1/0x2\n"
            "[   96.255274][ T1234] Write of size 4 at addr ffff88801 by task syz/1234\n"
            "[   96.255274][ T9999] some other task's line\n"
            "[   96.255274][ T1234] Call Trace:\n"
            "[   96.255274][ T1234]  ip6_fragment+0x1/0x2\n",
     .title = "KASAN: slab-out-of-bounds Write in ip6_fragment",
     .type = "KASAN-WRITE",
     .alt = "bad-access in ip6_fragment"},
    {.name = "false_positive_sshd_warning",
     .log = "WARNING: /etc/ssh/moduli does not exist, using fixed modulus\n",
     .title = ""},
    {.name = "false_positive_lockdep_off",
     .log = "INFO: lockdep is turned off.\nODEBUG: object is on stack\n",
     .title = ""},
    {.name = "false_positive_user_gpf",
     .log = "traps: syz[1] general protection fault ip:4 sp:7 error:0 in syz[4+1]\n",
     .title = ""},
    {.name = "second_report_ends_title_text",
     .log = "PANIC: double fault, error_code: 0x0\n"
            "BUG: unable to handle page fault for address: ffff888012345678\n"
            "RIP: 0010:foo_lookup+0x1/0x2\n"
            "Call Trace:\n"
            " foo_rcv+0x1/0x2\n",
     .title = "PANIC: double fault in corrupted",
     .type = "DoS",
     .corrupted = true},
    {.name = "second_report_in_task_context_is_kept",
     .log = "[  10.1][ T7] PANIC: double fault, error_code: 0x0\n"
            "[  10.1][ T8] BUG: unable to handle page fault for address: ffff888012345678\n"
            "[  10.1][ T7] RIP: 0010:foo_lookup+0x1/0x2\n"
            "[  10.1][ T7] Call Trace:\n"
            "[  10.1][ T7]  foo_rcv+0x1/0x2\n",
     .title = "PANIC: double fault in foo_lookup",
     .type = "DoS"},
    {.name = "panic_line_does_not_end_title_text",
     .log = "WARNING: CPU: 0 PID: 1 at fs/foo.c:1 foo_write+0x1/0x2\n"
            "Kernel panic - not syncing: panic_on_warn set ...\n"
            "RIP: 0010:foo_write+0x1/0x2\n"
            "Call Trace:\n"
            " vfs_write+0x1/0x2\n",
     .title = "WARNING in foo_write",
     .type = "WARNING"},
    {.name = "info_message_with_stack_ends_title_text",
     .log = "WARNING: CPU: 0 PID: 1 at fs/foo.c:1 foo_write+0x1/0x2\n"
            "Call Trace:\n"
            " dump_stack+0x1/0x2\n"
            "FAULT_INJECTION: forcing a failure.\n"
            " __warn+0x1/0x2\n"
            "RIP: 0010:foo_write+0x1/0x2\n"
            " vfs_write+0x1/0x2\n",
     .title = "WARNING in corrupted",
     .type = "WARNING",
     .corrupted = true},
    {.name = "bad_unlock_balance_released_at",
     .log = "WARNING: bad unlock balance detected!\n"
            "syz/1 is trying to release lock (&foo->lock) at:\n"
            "[<ffff800010726344>] foo_release+0x1/0x2\n"
            "but there are no more locks to release!\n"
            "Call trace:\n"
            " dump_stack+0x1/0x2\n"
            " foo_release+0x1/0x2\n",
     .title = "WARNING: bad unlock balance in foo_release",
     .type = "LOCKDEP"},
    {.name = "bad_unlock_balance_generic_release_uses_stack",
     .log = "WARNING: bad unlock balance detected!\n"
            "syz/1 is trying to release lock (&mm->mmap_lock) at:\n"
            "[<ffff800010726344>] __might_fault+0x1/0x2\n"
            "but there are no more locks to release!\n"
            "Call trace:\n"
            " dump_stack+0x1/0x2\n"
            " lock_release+0x1/0x2\n"
            " __might_fault+0x1/0x2\n"
            " foo_sigreturn+0x1/0x2\n",
     .title = "WARNING: bad unlock balance in foo_sigreturn",
     .type = "LOCKDEP"},
    {.name = "bad_page_state_allocation_stack",
     .log = "BUG: Bad page state in process syz  pfn:7deea\n"
            "page dumped because: PAGE_FLAGS_CHECK_AT_FREE flag(s) set\n"
            "page last allocated via order 0, migratetype Unmovable, pid 1, tgid 1\n"
            " post_alloc_hook+0x1/0x2\n"
            " __alloc_pages_noprof+0x1/0x2\n"
            " filemap_alloc_folio_noprof+0x1/0x2\n"
            " __filemap_get_folio+0x1/0x2\n"
            " foo_get_block+0x1/0x2\n"
            "Call Trace:\n"
            " dump_stack+0x1/0x2\n"
            " bad_page+0x1/0x2\n"
            " bar_write+0x1/0x2\n",
     .title = "BUG: Bad page state in foo_get_block",
     .type = "UNKNOWN"},
    {.name = "bad_page_state_without_allocation_stack",
     .log = "BUG: Bad page state in process syz  pfn:7deea\n"
            "Call Trace:\n"
            " dump_stack+0x1/0x2\n"
            " bad_page+0x1/0x2\n"
            " bar_write+0x1/0x2\n",
     .title = "BUG: Bad page state in corrupted",
     .type = "UNKNOWN",
     .corrupted = true},
    {.name = "stall_without_anchor_is_corrupted",
     .log = "BUG: stack guard page was hit at 00000000397c6d92 (stack is 0..1)\n"
            "RIP: 0010:foo_lookup+0x1/0x2\n"
            "Call Trace:\n"
            " foo_rcv+0x1/0x2\n",
     .title = "BUG: stack guard page was hit in corrupted",
     .type = "UNKNOWN",
     .alt = "stack-overflow in corrupted",
     .corrupted = true},
    {.name = "stall_idle_loop_anchor",
     .log = "INFO: rcu_sched detected stalls on CPUs/tasks:\n"
            "Call Trace:\n"
            " <IRQ>  [<ffffffff816ecb37>] sched_show_task+0x1/0x2\n"
            " [<ffffffff81012dff>] smp_apic_timer_interrupt+0x1/0x2\n"
            " [<ffffffff813dc8da>] foo_pending+0x1/0x2\n"
            " [<ffffffff8144bdbe>] cpu_startup_entry+0x1/0x2\n"
            " [<ffffffff812946d5>] start_secondary+0x1/0x2\n",
     .title = "INFO: rcu detected stall in foo_pending",
     .type = "HANG",
     .alt = "stall in foo_pending"},
    {.name = "fault_injection_line_keeps_later_frames",
     .log = "general protection fault: 0000 [#1] SMP KASAN\n"
            " should_fail+0x1/0x2\n"
            "RIP: 0010:foo_do_table+0x1/0x2\n"
            " should_failslab+0x1/0x2\n"
            " kmem_cache_alloc_node+0x1/0x2\n"
            " foo_alloc_skb+0x1/0x2\n"
            "Call Trace:\n"
            " foo_dump+0x1/0x2\n",
     .title = "general protection fault in foo_alloc_skb",
     .type = "DoS",
     .alt = "bad-access in foo_alloc_skb",
     .corrupted = true},
    {.name = "kmalloc_bug_frame_from_call_trace",
     .log = "WARNING: CPU: 0 PID: 1 at mm/slab_common.c:1012 kmalloc_slab+0x5d/0x70\n"
            "Call Trace:\n"
            " dump_stack+0x1/0x2\n"
            " __warn+0x1/0x2\n"
            "RIP: 0010:kmalloc_slab+0x5d/0x70\n"
            " __kmalloc+0x1/0x2\n"
            " foo_fill_super+0x1/0x2\n",
     .title = "WARNING: kmalloc bug in foo_fill_super",
     .type = "WARNING"},
    {.name = "stall_anchor_only_on_unsure_lines_in_cpu_context",
     .log = "[  5.1][    C0] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n"
            "[  5.1][    C0] Call Trace:\n"
            "[  5.1][    C0]  <IRQ>\n"
            "[  5.1][    C0]  ? sysvec_apic_timer_interrupt+0x1/0x2\n"
            "[  5.1][    C0]  </IRQ>\n"
            "[  5.1][    C0]  foo_signal+0x1/0x2\n"
            "[  5.1][    C0]  do_syscall_64+0x1/0x2\n",
     .title = "INFO: rcu detected stall in corrupted",
     .type = "HANG",
     .alt = "stall in corrupted",
     .corrupted = true},
    {.name = "task_hung_name_with_line_break",
     .log = "[  10.1][ T41] INFO: task \xf0\xf1\n"
            "[  10.1][ T41] \xf2:18 blocked for more than 143 seconds.\n"
            "[  10.1][ T41] Call Trace:\n"
            "[  10.1][ T41]  schedule+0x1/0x2\n"
            "[  10.1][ T41]  __flush_work+0x1/0x2\n"
            "[  10.1][ T41]  foo_close+0x1/0x2\n",
     .title = "INFO: task hung in foo_close",
     .type = "HANG",
     .alt = "hang in foo_close"},
    {.name = "powerpc_interrupt_marks_faulting_function",
     .log = "WARNING: CPU: 1 PID: 1 at arch/powerpc/mm/foo.c:79 foo_check+0x2c/0x70\n"
            "Call Trace:\n"
            "[c00000003ae5b9a0] [c00000000135a500] report_bug+0x1/0x2\n"
            "[c00000003ae5ba40] [c0000000000392d4] program_check_exception+0x1/0x2\n"
            "--- interrupt: 700 at foo_check+0x2c/0x70\n"
            "    LR = foo_insert+0x19c/0x2d0\n"
            "[c00000003ae5bdf0] [c00000000009651c] foo_fault+0x1/0x2\n",
     .title = "WARNING in foo_check",
     .type = "WARNING"},
    {.name = "kasan_arm64_exception_entry_skip_is_anchored",
     .log = "BUG: KASAN: invalid-access in __list_add_valid+0x10/0x90\n"
            "Read at addr f6ff00001d527690 by task syz/1\n"
            "Call trace:\n"
            " kasan_report+0x1/0x2\n"
            " do_mem_abort+0x1/0x2\n"
            " el1_abort+0x1/0x2\n"
            " el1h_64_sync+0x1/0x2\n"
            " __list_add_valid+0x10/0x90\n"
            " foo_del1_src+0x1/0x2\n"
            " foo_ioctl+0x1/0x2\n",
     .title = "KASAN: invalid-access Read in foo_del1_src",
     .type = "KASAN-READ",
     .alt = "bad-access in foo_del1_src"},
    {.name = "trap_skip_is_for_trap_handlers_only",
     .log = "BUG: KASAN: out-of-bounds in stack_trace_consume_entry+0x141/0x160\n"
            "Write of size 8 at addr ffffc90002f7f910 by task kworker/0:1/15335\n"
            "Call Trace:\n"
            " kasan_report+0x1/0x2\n"
            " stack_trace_consume_entry+0x141/0x160\n"
            " do_error_trap+0x1/0x2\n"
            " __queue_work+0x1/0x2\n"
            " foo_trap_report_work+0x1/0x2\n"
            " process_one_work+0x1/0x2\n",
     .title = "KASAN: out-of-bounds Write in foo_trap_report_work",
     .type = "KASAN-WRITE",
     .alt = "bad-access in foo_trap_report_work"},
    {.name = "inconsistent_lock_state_frame_from_call_trace",
     .log = "WARNING: inconsistent lock state\n"
            "inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.\n"
            "syz/1 [HC0[0]:SC0[0]:HE0:SE1] takes:\n"
            "ffff888114ca0920 (&p->pi_lock){?.-.}-{2:2}, at: foo_block+0x1/0x2\n"
            "stack backtrace:\n"
            "Call Trace:\n"
            " dump_stack+0x1/0x2\n"
            " mark_lock+0x1/0x2\n"
            " mark_held_locks+0x1/0x2\n"
            " trace_hardirqs_on+0x1/0x2\n"
            " foo_balance+0x1/0x2\n",
     .title = "inconsistent lock state in foo_balance",
     .type = "LOCKDEP"},
    {.name = "unexpected_reboot",
     .log = "Decompressing Linux... Parsing ELF... done.\nBooting the kernel.\n",
     .title = "unexpected kernel reboot",
     .type = "REBOOT"},
};

class LinuxRow : public testing::TestWithParam<Row> {};

TEST_P(LinuxRow, GivesSyzbotTitle) {
  const Row& row = GetParam();
  bool want_crash = std::string_view(row.title).size() > 0;
  EXPECT_EQ(ContainsCrash(row.log), want_crash);
  Report r = Parse(row.log);
  ASSERT_EQ(r.crashed, want_crash);
  if (!want_crash) return;
  EXPECT_EQ(r.title, row.title);
  EXPECT_EQ(r.type, row.type);
  EXPECT_EQ(Join(r.alt_titles, " | "), row.alt);
  EXPECT_EQ(r.corrupted, row.corrupted);
  EXPECT_LT(r.start, r.end);
  EXPECT_FALSE(r.report.empty());
}

INSTANTIATE_TEST_SUITE_P(All, LinuxRow, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Linux, PanickedCoversWholeLog) {
  Report r = Parse(
      "WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\nRIP: 0010:f+0x1/0x2\n"
      "Call Trace:\n g+0x1/0x2\nKernel panic - not syncing: panic_on_warn set\n");
  EXPECT_TRUE(r.panicked);
  EXPECT_EQ(r.title, "WARNING in f");
}

TEST(Linux, ParsingFromEndFindsNoSameCrash) {
  std::string log = std::string(kRows[0].log) + "[  60.0] done\n";
  Report r = Parse(log);
  Report again = Parse(std::string_view(log).substr(r.end));
  EXPECT_FALSE(again.crashed && again.title == r.title);
  Report from_start = Parse(std::string_view(log).substr(r.start));
  EXPECT_EQ(from_start.title, r.title);
}

TEST(RustDemangleTest, InherentImplWithBackref) {
  EXPECT_EQ(DemangleRust("_RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref"),
            "<rust_binder::process::Process>::update_ref");
}

TEST(RustDemangleTest, TraitImpl) {
  EXPECT_EQ(DemangleRust("_RNvXs1_CscPPBqWtAqum_11ashmem_rustNtB5_6AshmemNtNtCs43vyB533jt3_"
                         "6kernel10miscdevice10MiscDevice4mmap"),
            "<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap");
}

TEST(RustDemangleTest, IdentifierWithLeadingUnderscore) {
  EXPECT_EQ(DemangleRust("_RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind"),
            "__rustc::rust_begin_unwind");
}

TEST(RustDemangleTest, NotRustOrMalformedIsUnchanged) {
  EXPECT_EQ(DemangleRust("do_sys_open"), "do_sys_open");
  EXPECT_EQ(DemangleRust("_RNvB0_3foo"), "_RNvB0_3foo");
  EXPECT_EQ(DemangleRust("_RNv"), "_RNv");
  EXPECT_EQ(DemangleRust("_RC99999foo"), "_RC99999foo");
}

}  // namespace
}  // namespace culprit::crash
