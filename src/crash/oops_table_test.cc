// One row per rule family of the oops table (§2 of shared/reference/syzbot-title-rules.md), each
// with a short log written for it: what the title, alt titles, type and corrupted flag must be.
#include "crash/oops_table.h"

#include <gtest/gtest.h>

#include <string>

#include "base/strings.h"
#include "crash/linux_report.h"
#include "crash/needle_set.h"
#include "crash/pattern.h"
#include "crash/prefilter.h"
#include "crash/report.h"

namespace culprit::crash {
namespace {

struct Row {
  const char* name;
  const char* log;    // a raw string; its first line break is dropped
  const char* title;  // "" = no crash
  const char* type = "UNKNOWN";
  const char* alt = "";  // sorted, joined by " | "
  bool corrupted = false;
};

// A call trace long enough for the stack-presence check (three lines after "Call Trace").
#define TRACE(f1, f2, f3) "Call Trace:\n " f1 "+0x1/0x2\n " f2 "+0x3/0x4\n " f3 "+0x5/0x6\n"

const Row kRows[] = {
    // --- BUG: ---
    {.name = "kasan_header_function_skipped",
     .log = R"(
BUG: KASAN: slab-use-after-free in memcpy+0x20/0x60
Read of size 8 at addr ffff888012345678 by task syz-executor.1/4321
)" TRACE("kasan_report", "my_driver_ioctl", "vfs_ioctl"),
     .title = "KASAN: slab-use-after-free Read in my_driver_ioctl",
     .type = "KASAN-USE-AFTER-FREE-READ",
     .alt = "bad-access in my_driver_ioctl"},
    {.name = "kasan_header_function_named",
     .log = R"(
BUG: KASAN: global-out-of-bounds in parse_opts+0x9/0x90
Write of size 1 at addr ffffffff8a000000 by task a/1
)" TRACE("dump_stack", "kasan_report", "parse_opts"),
     .title = "KASAN: global-out-of-bounds Write in parse_opts",
     .type = "KASAN-WRITE",
     .alt = "bad-access in parse_opts"},
    {.name = "kasan_invalid_free",
     .log = R"(
BUG: KASAN: double-free or invalid-free in kfree+0x10/0x20
)" TRACE("kasan_report_invalid_free", "slab_free", "nbd_put"),
     .title = "KASAN: invalid-free in nbd_put",
     .type = "KASAN-INVALID-FREE",
     .alt = "invalid-free in nbd_put"},
    {.name = "kasan_old_style",
     .log = R"(
BUG: KASAN: use-after-free on address ffff8800595a3f90
Read of size 8 by task syz-executor/3047
)" TRACE("dump_stack", "kasan_report", "sock_poll"),
     .title = "KASAN: use-after-free Read",
     .type = "KASAN-USE-AFTER-FREE-READ"},
    {.name = "kasan_unparsable_is_corrupted",
     .log = R"(
BUG: KASAN: slab-out-of-bounds in
)",
     .title = "KASAN: slab-out-of-bounds in",
     .type = "KASAN-READ",
     .corrupted = true},
    {.name = "kmsan_usb_infoleak_origin_alt",
     .log = R"(
BUG: KMSAN: kernel-usb-infoleak in usb_submit_urb+0x1/0x2
 usb_submit_urb+0x1/0x2
 usb_start_wait_urb+0x1/0x2
 hub_probe+0x1/0x2
Uninit was created at:
 kmalloc_reserve+0x1/0x2
 hub_alloc_buffer+0x1/0x2
)",
     .title = "KMSAN: kernel-usb-infoleak in hub_probe",
     .type = "KMSAN-INFO-LEAK",
     .alt = "KMSAN origin in hub_alloc_buffer"},
    {.name = "kmsan_crypto_helpers_skipped",
     .log = R"(
BUG: KMSAN: uninit-value in aes_encrypt+0x1/0x2
 aes_encrypt+0x1/0x2
 crypto_cipher_encrypt_one+0x1/0x2
 blk_setkey+0x1/0x2
Local variable key created at:
 blk_setkey+0x1/0x2
)",
     .title = "KMSAN: uninit-value in blk_setkey",
     .type = "KMSAN-UNINIT-VALUE",
     .alt = "bad-access in blk_setkey"},
    {.name = "kmsan_without_origin_is_corrupted",
     .log = R"(
BUG: KMSAN: uninit-value in xt_check+0x1/0x2
 xt_check+0x1/0x2
 do_ip_setsockopt+0x1/0x2
)",
     .title = "KMSAN: uninit-value in xt_check",
     .type = "KMSAN-UNINIT-VALUE",
     .alt = "bad-access in xt_check",
     .corrupted = true},
    {.name = "kcsan_data_race",
     .log = R"(
BUG: KCSAN: data-race in tick_sched_do_timer / tick_nohz_next_event
)",
     .title = "KCSAN: data-race in tick_sched_do_timer / tick_nohz_next_event",
     .type = "KCSAN-DATARACE"},
    {.name = "kcsan_assert",
     .log = R"(
BUG: KCSAN: assert: race in dequeue_entity
)",
     .title = "KCSAN: assert: race in dequeue_entity",
     .type = "KCSAN-ASSERT"},
    {.name = "kfence_out_of_bounds",
     .log = R"(
BUG: KFENCE: out-of-bounds write in ring_fill+0x1/0x2

Out-of-bounds write at 0xffff8c3f2e291fb0 (in kfence-#7):
 ring_fill+0x1/0x2
 ring_init+0x1/0x2
 ring_open+0x1/0x2
)",
     .title = "KFENCE: out-of-bounds write in ring_fill",
     .type = "KFENCE-WRITE",
     .alt = "bad-access in ring_fill",
     // KFENCE prints no "Call Trace", so a report that needs one is corrupted.
     .corrupted = true},
    {.name = "kfence_invalid_free_needs_no_stack",
     .log = R"(
BUG: KFENCE: invalid free in bio_put+0x1/0x2
)",
     .title = "KFENCE: invalid free in bio_put",
     .type = "KFENCE-INVALID-FREE",
     .alt = "invalid-free in bio_put"},
    {.name = "paging_request_x86",
     .log = R"(
BUG: unable to handle page fault for address: ffffc90000a5e000
#PF: supervisor read access in kernel mode
RIP: 0010:ntfs_read_block+0x12/0x34
)" TRACE("ntfs_read_folio", "filemap_read_folio", "do_read_cache_folio"),
     .title = "BUG: unable to handle kernel paging request in ntfs_read_block",
     .type = "MEMORY_SAFETY_BUG",
     .alt = "bad-access in ntfs_read_block"},
    {.name = "null_dereference_fault_function_first",
     .log = R"(
BUG: kernel NULL pointer dereference, address: 0000000000000010
RIP: 0010:nfc_llcp_send+0x1a/0x30
)" TRACE("nfc_llcp_send", "llcp_sock_sendmsg", "sock_sendmsg"),
     .title = "BUG: unable to handle kernel NULL pointer dereference in nfc_llcp_send",
     .type = "NULL-POINTER-DEREFERENCE",
     .alt = "bad-access in nfc_llcp_send"},
    {.name = "unable_to_handle_truncated",
     .log = R"(
BUG: unable to handle kernel
)",
     .title = "BUG: unable to handle kernel",
     .type = "UNKNOWN",
     .corrupted = true},
    {.name = "spinlock_helpers_skipped",
     .log = R"(
BUG: spinlock bad magic on CPU#0, syz-executor/12
)" TRACE("do_raw_spin_lock", "_raw_spin_lock_irqsave", "hci_uart_tty_close"),
     .title = "BUG: spinlock bad magic in hci_uart_tty_close",
     .type = "LOCKDEP"},
    {.name = "soft_lockup_frame_above_syscall",
     .log = R"(
watchdog: BUG: soft lockup - CPU#1 stuck for 134s! [syz-executor:8077]
RIP: 0010:__sanitizer_cov_trace_pc+0x1/0x2
)" TRACE("find_entry", "ext4_readdir", "iterate_dir") " __x64_sys_getdents64+0x1/0x2\n"
                                                      " do_syscall_64+0x1/0x2\n",
     .title = "BUG: soft lockup in sys_getdents64",
     .type = "HANG",
     .alt = "BUG: soft lockup in __x64_sys_getdents64 | stall in __x64_sys_getdents64 | stall in "
            "sys_getdents64"},
    {.name = "soft_lockup_without_anchor_is_corrupted",
     .log = R"(
watchdog: BUG: soft lockup - CPU#1 stuck for 134s! [a:1]
RIP: 0010:loop_forever+0x1/0x2
)" TRACE("loop_a", "loop_b", "loop_c"),
     .title = "BUG: soft lockup in corrupted",
     .type = "HANG",
     .alt = "stall in corrupted",
     .corrupted = true},
    {.name = "task_exited_with_locks",
     .log = R"(
BUG: syz-executor/99 still has locks held!
1 lock held by syz-executor/99:
 #0:  (&mm->mmap_sem){++++}, at: [<ffffffff81234567>] vm_mmap_pgoff+0x1/0x2
)" TRACE("dump_stack", "debug_check_no_locks_held", "do_exit"),
     .title = "BUG: still has locks held in vm_mmap_pgoff",
     .type = "LOCKDEP"},
    {.name = "scheduling_while_atomic",
     .log = R"(
BUG: scheduling while atomic: a/1/0x00000002
)" TRACE("__schedule", "schedule", "tun_chr_read_iter"),
     .title = "BUG: scheduling while atomic in tun_chr_read_iter",
     .type = "ATOMIC_SLEEP"},
    {.name = "lock_held_returning_to_user",
     .log = R"(
BUG: lock held when returning to user space!
a/1 is leaving the kernel with locks still held!
1 lock held by a/1:
 #0: ffff88807c3a8d18 (&q->lock){+.+.}-{3:3}, at: blk_trace_ioctl+0x1/0x2
)",
     .title = "BUG: lock held when returning to user space in blk_trace_ioctl",
     .type = "UNKNOWN"},
    {.name = "bad_unlock_balance",
     .log = R"(
BUG: bad unlock balance detected!
a/1 is trying to release lock (rtnl_mutex) at:
[<ffffffff81234567>] rtnetlink_rcv_msg+0x1/0x2
but there are no more locks to release!
)" TRACE("dump_stack", "lock_release", "mutex_unlock"),
     .title = "BUG: bad unlock balance in rtnetlink_rcv_msg",
     .type = "LOCKDEP"},
    {.name = "held_lock_freed",
     .log = R"(
BUG: held lock freed!
a/1 is freeing memory ffff8801c6, with a lock still held there!
 (sk_lock-AF_INET){+.+.}, at: [<ffffffff81234567>] sctp_close+0x1/0x2
)" TRACE("dump_stack", "debug_check_no_locks_freed", "kfree"),
     .title = "BUG: held lock freed in sctp_close",
     .type = "LOCKDEP"},
    {.name = "bad_rss_counter",
     .log = R"(
BUG: Bad rss-counter state mm:ffff88806a2f2000 type:MM_FILEPAGES val:1
)",
     .title = "BUG: Bad rss-counter state",
     .type = "UNKNOWN"},
    {.name = "dentry_still_in_use",
     .log = R"(
BUG: Dentry ffff8880a2f2 {i=4,n=/}  still in use (1) [unmount of tmpfs tmpfs]
)" TRACE("dump_stack", "umount_check", "shrink_dcache_for_umount"),
     .title = "BUG: Dentry still in use in unmount",
     .type = "UNKNOWN",
     .alt = "BUG: Dentry still in use [unmount of tmpfs tmpfs]"},
    {.name = "bad_page_allocation_stack",
     .log = R"(
BUG: Bad page state in process a  pfn:2a000
page last allocated via order 0, migratetype Movable
 post_alloc_hook+0x1/0x2
 get_page_from_freelist+0x1/0x2
 __folio_alloc+0x1/0x2
 shmem_alloc_folio+0x1/0x2
 shmem_get_folio_gfp+0x1/0x2
page last free pid 1 tgid 1 stack trace:
 free_unref_page+0x1/0x2
)" TRACE("dump_stack", "bad_page", "free_pages_prepare"),
     .title = "BUG: Bad page state in shmem_get_folio_gfp",
     .type = "UNKNOWN"},
    {.name = "workqueue_lockup",
     .log = R"(
BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 38s!
)",
     .title = "BUG: workqueue lockup",
     .type = "UNKNOWN"},
    {.name = "sleeping_in_atomic",
     .log = R"(
BUG: sleeping function called from invalid context at mm/slab.h:742
)" TRACE("__might_resched", "kmem_cache_alloc", "tipc_aead_init"),
     .title = "BUG: sleeping function called from invalid context in tipc_aead_init",
     .type = "ATOMIC_SLEEP"},
    {.name = "preemptible_use",
     .log = R"(
BUG: using smp_processor_id() in preemptible [00000000] code: a/1
)" TRACE("check_preemption_disabled", "debug_smp_processor_id", "kvm_arch_vcpu_load"),
     .title = "BUG: using smp_processor_id() in preemptible code in kvm_arch_vcpu_load",
     .type = "LOCKDEP"},
    {.name = "workqueue_leaked_lock",
     .log = R"(
BUG: workqueue leaked lock or atomic: kworker/0:1/0x00000000/12
     last function: nfc_llcp_rx_work
)",
     .title = "BUG: workqueue leaked lock or atomic in nfc_llcp_rx_work",
     .type = "UNKNOWN"},
    {.name = "kmemleak_skips_allocators",
     .log = R"(
BUG: memory leak
unreferenced object 0xffff888109f6e800 (size 64):
  comm "a", pid 1, jiffies 4294945523
  backtrace (crc 8b0f8c3):
    [<ffffffff81234567>] kmemleak_alloc+0x1/0x2
    [<ffffffff81234568>] __kmalloc+0x1/0x2
    [<ffffffff81234569>] hci_conn_add+0x1/0x2
    [<ffffffff8123456a>] hci_connect_sco+0x1/0x2
)",
     .title = "memory leak in hci_conn_add",
     .type = "LEAK"},
    {.name = "stack_guard_page",
     .log = R"(
BUG: TASK stack guard page was hit at ffffc90000a3ff78 (stack is ffffc90000a40000..)
RIP: 0010:mark_lock+0x1/0x2
)" TRACE("__lock_acquire", "lock_acquire", "recurse_forever") " __do_sys_ioctl+0x1/0x2\n",
     .title = "BUG: stack guard page was hit in recurse_forever",
     .type = "UNKNOWN",
     .alt = "stack-overflow in recurse_forever"},
    {.name = "invalid_wait_context_is_a_locking_bug",
     .log = R"(
BUG: Invalid wait context
)" TRACE("__lock_acquire", "lock_sock_nested", "tls_sw_sendmsg"),
     .title = "WARNING: locking bug in tls_sw_sendmsg",
     .type = "LOCKDEP"},
    {.name = "bare_bug_is_corrupted",
     .log = "BUG: \n",
     .title = "BUG: corrupted",
     .type = "UNKNOWN",
     .corrupted = true},
    {.name = "bug_unknown_gives_header_line",
     .log = R"(
BUG: something new happened to 0xffff8880123456
)",
     .title = "BUG: something new happened to ADDR",
     .type = "UNKNOWN"},
    {.name = "debug_line_is_not_a_bug", .log = "ODEBUG: BUG: nothing here\n", .title = ""},

    // --- WARNING: ---
    {.name = "warning_odebug_bucket",
     .log = R"(
WARNING: CPU: 0 PID: 1 at lib/debugobjects.c:505 debug_print_object+0x1/0x2
RIP: 0010:debug_print_object+0x1/0x2
)" TRACE("debug_check_no_obj_freed", "kfree", "tipc_exit_net"),
     .title = "WARNING: ODEBUG bug in tipc_exit_net",
     .type = "WARNING"},
    {.name = "warning_refcount_bucket",
     .log = R"(
WARNING: CPU: 1 PID: 2 at lib/refcount.c:28 refcount_warn_saturate+0x1/0x2
RIP: 0010:refcount_warn_saturate+0x1/0x2
)" TRACE("__refcount_sub_and_test", "sctp_wfree", "skb_release_head_state"),
     .title = "WARNING: refcount bug in sctp_wfree",
     .type = "REFCOUNT_WARNING"},
    {.name = "warning_kobject_bucket",
     .log = R"(
WARNING: CPU: 0 PID: 1 at lib/kobject.c:736 kobject_put+0x1/0x2
RIP: 0010:kobject_put+0x1/0x2
)" TRACE("kobject_put", "put_device", "usb_release_dev"),
     .title = "WARNING: kobject bug in usb_release_dev",
     .type = "WARNING"},
    {.name = "warning_proc_registration_bucket",
     .log = R"(
WARNING: CPU: 0 PID: 1 at fs/proc/generic.c:381 proc_register+0x1/0x2
RIP: 0010:proc_register+0x1/0x2
)" TRACE("proc_register", "proc_create_seq_private", "ip_vs_init"),
     .title = "WARNING: proc registration bug in ip_vs_init",
     .type = "WARNING"},
    {.name = "warning_usercopy_bucket",
     .log = R"(
WARNING: CPU: 0 PID: 1 at mm/usercopy.c:80 usercopy_warn+0x1/0x2
RIP: 0010:usercopy_warn+0x1/0x2
)" TRACE("__check_object_size", "bpf_get_stack", "bpf_prog_run"),
     .title = "WARNING: bad usercopy in bpf_get_stack",
     .type = "WARNING"},
    {.name = "warning_lockdep_bucket",
     .log = R"(
WARNING: CPU: 0 PID: 1 at kernel/locking/lockdep.c:894 register_lock_class+0x1/0x2
RIP: 0010:register_lock_class+0x1/0x2
)" TRACE("__lock_acquire", "lock_sock_nested", "l2cap_sock_connect"),
     .title = "WARNING: locking bug in l2cap_sock_connect",
     .type = "LOCKDEP"},
    {.name = "warning_kmalloc_bucket",
     .log = R"(
WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:4454 __alloc_pages+0x1/0x2 kmalloc
RIP: 0010:__alloc_pages+0x1/0x2
)" TRACE("__kmalloc_large_node", "__kmalloc", "hash_netport_create"),
     .title = "WARNING: kmalloc bug in hash_netport_create",
     .type = "WARNING"},
    {.name = "warning_zero_size_vmalloc",
     .log = R"(
WARNING: CPU: 0 PID: 1 at mm/vmalloc.c:3265 __vmalloc_node_range+0x1/0x2
RIP: 0010:__vmalloc_node_range+0x1/0x2
)" TRACE("__vmalloc_node", "vmalloc", "bpf_map_area_alloc"),
     .title = "WARNING: zero-size vmalloc in bpf_map_area_alloc",
     .type = "WARNING"},
    {.name = "warning_usb_submit_urb_bucket",
     .log = R"(
WARNING: CPU: 0 PID: 1 at drivers/usb/core/urb.c:504 usb_submit_urb+0x1/0x2
RIP: 0010:usb_submit_urb+0x1/0x2
)" TRACE("usb_submit_urb", "usb_start_wait_urb", "ath9k_hif_usb_firmware_cb"),
     .title = "WARNING in ath9k_hif_usb_firmware_cb/usb_submit_urb",
     .type = "WARNING"},
    {.name = "warning_generic_fault_function",
     .log = R"(
WARNING: CPU: 1 PID: 77 at net/sched/sch_taprio.c:42 taprio_dequeue+0x9/0x20
Modules linked in:
RIP: 0010:taprio_dequeue+0x9/0x20
)" TRACE("__qdisc_run", "net_tx_action", "handle_softirqs"),
     .title = "WARNING in taprio_dequeue",
     .type = "WARNING"},
    {.name = "warning_new_style_header",
     .log = R"(
WARNING: net/core/filter.c:8123 at 0x0, CPU#1: a/1
RIP: 0010:bpf_skb_load_helper+0x1/0x2
)" TRACE("bpf_skb_load_helper", "bpf_prog_run", "sk_filter_trim_cap"),
     .title = "WARNING in bpf_skb_load_helper",
     .type = "WARNING"},
    {.name = "warning_powerpc_interrupt_marker",
     .log = R"(
WARNING: CPU: 0 PID: 1 at fs/iomap/buffered-io.c:40 iomap_write+0x1/0x2
NIP [c000000000123456] iomap_write+0x2c/0x70
LR [c000000000123400] iomap_apply+0x1/0x2
Call Trace:
[c000000012345678] [c000000000123400] iomap_apply+0x1/0x2 (unreliable)
[c000000012345679] [c000000000123500] xfs_file_write+0x1/0x2
[c00000001234567a] [c000000000123600] vfs_write+0x1/0x2
)",
     .title = "WARNING in iomap_write",
     .type = "WARNING"},
    {.name = "warning_function_skipped_falls_back_to_trace",
     .log = R"(
WARNING: CPU: 0 PID: 1 at include/linux/skbuff.h:2100 __skb_put+0x1/0x2
RIP: 0010:memcpy_orig+0x1/0x2
)" TRACE("memcpy_orig", "nci_hci_send", "nci_core_conn_create"),
     .title = "WARNING in nci_hci_send",
     .type = "WARNING"},
    {.name = "warning_header_only_is_its_line",
     .log = R"(
WARNING: CPU: 0 PID: 3456 at kernel/foo.c:10
)",
     .title = "WARNING: CPU: NUM PID: NUM at kernel/foo.c:LINE",
     .type = "WARNING"},
    {.name = "warning_still_has_locks",
     .log = R"(
WARNING: a/1 still has locks held!
1 lock held by a/1:
 #0: ffff8880 (&pipe->mutex){+.+.}-{3:3}, at: pipe_lock+0x1/0x2
)" TRACE("dump_stack", "debug_check_no_locks_held", "do_exit"),
     .title = "WARNING: still has locks held in pipe_lock",
     .type = "LOCKDEP"},
    {.name = "warning_nested_lock",
     .log = R"(
WARNING: Nested lock was not taken
RIP: 0010:ext4_move_extents+0x1/0x2
)" TRACE("ext4_move_extents", "ext4_ioctl", "__x64_sys_ioctl"),
     .title = "WARNING: nested lock was not taken in ext4_move_extents",
     .type = "LOCKDEP"},
    {.name = "circular_locking_takes_lock_line",
     .log = R"(
WARNING: possible circular locking dependency detected
a/1 is trying to acquire lock:
ffff88801 (&sb->s_type->i_mutex_key#10){+.+.}-{3:3}, at: inode_lock include/linux/fs.h:758 [inline]
ffff88801 (&sb->s_type->i_mutex_key#10){+.+.}-{3:3}, at: ext4_xattr_set+0x1/0x2
but task is already holding lock:
ffff88802 (jbd2_handle){++++}-{0:0}, at: start_this_handle+0x1/0x2
)" TRACE("dump_stack", "check_noncircular", "__lock_acquire"),
     .title = "possible deadlock in ext4_xattr_set",
     .type = "LOCKDEP"},
    {.name = "recursive_locking",
     .log = R"(
WARNING: possible recursive locking detected
a/1 is trying to acquire lock:
ffff88801 (&rdev->wiphy.mtx){+.+.}-{3:3}, at: cfg80211_netdev_notifier_call+0x1/0x2
but task is already holding lock:
)" TRACE("dump_stack", "__lock_acquire", "lock_acquire"),
     .title = "possible deadlock in cfg80211_netdev_notifier_call",
     .type = "LOCKDEP"},
    {.name = "irq_lock_inversion",
     .log = R"(
WARNING: possible irq lock inversion dependency detected
a/1 just changed the state of lock:
ffff88801 (&timer->lock){..-.}-{2:2}, at: hrtimer_interrupt+0x1/0x2
but this lock took another, SOFTIRQ-unsafe lock in the past:
)" TRACE("dump_stack", "mark_lock", "__lock_acquire"),
     .title = "possible deadlock in hrtimer_interrupt",
     .type = "LOCKDEP"},
    {.name = "safe_to_unsafe_order",
     .log = R"(
WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected
the dependencies between SOFTIRQ-irq-safe lock and the holding lock:
-> (&sch->q.lock){+.-.} {
   IN-SOFTIRQ-W at:
                    _raw_spin_lock+0x1/0x2
... which became SOFTIRQ-irq-safe at:
  lock_acquire+0x1/0x2
  sch_tree_lock+0x1/0x2
  tbf_change+0x1/0x2
)" TRACE("dump_stack", "check_irq_usage", "__lock_acquire"),
     .title = "possible deadlock in sch_tree_lock",
     .type = "LOCKDEP"},
    {.name = "inconsistent_lock_state",
     .log = R"(
WARNING: inconsistent lock state
inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.
a/1 [HC0[0]:SC1[1]:HE1:SE0] takes:
ffff88801 (&x->lock){+.?.}-{2:2}, at: spin_lock include/linux/spinlock.h:351 [inline]
ffff88801 (&x->lock){+.?.}-{2:2}, at: nr_timer_expiry+0x1/0x2
)" TRACE("_raw_spin_lock", "nr_timer_expiry", "call_timer_fn"),
     .title = "inconsistent lock state in nr_timer_expiry",
     .type = "LOCKDEP"},
    {.name = "suspicious_rcu_usage",
     .log = R"(
WARNING: suspicious RCU usage
6.1.0 Not tainted
-----------------------------
net/ipv6/ip6_fib.c:1234 suspicious rcu_dereference_check() usage!
)" TRACE("lockdep_rcu_suspicious", "fib6_del", "fib6_clean_node"),
     .title = "WARNING: suspicious RCU usage in fib6_del",
     .type = "LOCKDEP"},
    {.name = "kernel_stack_regs_bad_value",
     .log = R"(
WARNING: kernel stack regs at ffffc90000a4fa38 in a:1 has bad 'bp' value 0000000000000001
)",
     .title = "WARNING: kernel stack regs has bad 'bp' value",
     .type = "UNKNOWN"},
    {.name = "kernel_stack_frame_pointer",
     .log = R"(
WARNING: kernel stack frame pointer at ffffc9000bb6f0d8 in a:1 has bad value 00000000e7d8a4bc
)",
     .title = "WARNING: kernel stack frame pointer has bad value",
     .type = "UNKNOWN"},
    {.name = "warning_bad_unlock_balance",
     .log = R"(
WARNING: bad unlock balance detected!
a/1 is trying to release lock (&ctx->lock) at:
[<ffffffff81234567>] io_ring_exit_work+0x1/0x2
)" TRACE("dump_stack", "print_unlock_imbalance_bug", "lock_release"),
     .title = "WARNING: bad unlock balance in io_ring_exit_work",
     .type = "LOCKDEP"},
    {.name = "bare_warning_is_corrupted",
     .log = "WARNING:\n",
     .title = "WARNING: corrupted",
     .type = "UNKNOWN",
     .corrupted = true},
    {.name = "ext4_warning_is_not_a_crash",
     .log = "EXT4-fs (loop0): WARNING: quota file mismatch\n",
     .title = ""},
    {.name = "sshd_warning_is_not_a_crash",
     .log = "WARNING: /etc/ssh/moduli does not exist, using fixed modulus\n",
     .title = ""},

    // --- INFO: ---
    {.name = "old_style_circular_lockdep",
     .log = R"(
[ INFO: possible circular locking dependency detected ]
a/1 is trying to acquire lock:
 (&pipe->mutex/1){+.+.}, at: [<ffffffff81234567>] pipe_lock+0x1/0x2
)" TRACE("dump_stack", "check_noncircular", "__lock_acquire"),
     .title = "possible deadlock in pipe_lock",
     .type = "LOCKDEP"},
    {.name = "rcu_stall_interrupted_frame",
     .log = R"(
rcu: INFO: rcu_preempt self-detected stall on CPU
Call Trace:
 <IRQ>
 rcu_sched_clock_irq+0x1/0x2
 update_process_times+0x1/0x2
 sysvec_apic_timer_interrupt+0x1/0x2
 </IRQ>
 asm_sysvec_apic_timer_interrupt+0x1/0x2
RIP: 0010:hash_walk+0x1/0x2
 hash_lookup+0x1/0x2
 tcf_exts_dump+0x1/0x2
 tc_dump_tfilter+0x1/0x2
 netlink_dump+0x1/0x2
)",
     .title = "INFO: rcu detected stall in tc_dump_tfilter",
     .type = "HANG",
     .alt = "stall in tc_dump_tfilter"},
    {.name = "rcu_stall_arm64_fallback",
     .log = R"(
rcu: INFO: rcu_sched detected stalls on CPUs/tasks:
Call trace:
 el1h_64_irq+0x1/0x2
 queue_work_on+0x1/0x2
 loop_poll+0x1/0x2
 loop_read+0x1/0x2
 vfs_read+0x1/0x2
)",
     .title = "INFO: rcu detected stall in loop_read",
     .type = "HANG",
     .alt = "stall in loop_read"},
    {.name = "rcu_stall_cross_call_bucket",
     .log = R"(
INFO: rcu_preempt detected stall on CPU
 apic_timer_interrupt+0x1/0x2
RIP: 0010:smp_call_function_many_cond+0x1/0x2
 on_each_cpu_cond_mask+0x1/0x2
 flush_tlb_mm_range+0x1/0x2
Call Trace:
 x+0x1/0x2
 y+0x1/0x2
 z+0x1/0x2
)",
     .title = "INFO: rcu detected stall in smp_call_function",
     .type = "HANG",
     .alt = "INFO: rcu detected stall in smp_call_function_many_cond | stall in "
            "smp_call_function | stall in smp_call_function_many_cond"},
    {.name = "rcu_tasks_stall_without_stack",
     .log = R"(
INFO: rcu_tasks detected stalls on tasks:
00000000a1b2c3d4: .. nvcsw: 2/2 holdout: 1 idle_cpu: -1/1
)",
     .title = "INFO: rcu detected stall in corrupted",
     .type = "HANG",
     .alt = "stall in corrupted",
     .corrupted = true},
    {.name = "non_static_key",
     .log = R"(
INFO: trying to register non-static key.
)" TRACE("register_lock_class", "__lock_acquire", "ath9k_hif_usb_rx_cb"),
     .title = "INFO: trying to register non-static key in ath9k_hif_usb_rx_cb",
     .type = "UNKNOWN"},
    {.name = "hung_task_generic",
     .log = R"(
INFO: task syz-executor.2:4567 blocked for more than 143 seconds.
      Not tainted 6.1.0
"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
)" TRACE("__schedule", "io_schedule",
         "folio_wait_bit_common") " __filemap_fdatawait_range+0x1/0x2\n"
                                  " ext4_sync_file+0x1/0x2\n",
     .title = "INFO: task hung in ext4_sync_file",
     .type = "HANG",
     .alt = "hang in ext4_sync_file"},
    {.name = "hung_task_rtnl_bucket",
     .log = R"(
INFO: task kworker/0:1:12 blocked for more than 143 seconds.
)" TRACE("__schedule", "__mutex_lock", "rtnl_lock") " addrconf_dad_work+0x1/0x2\n",
     .title = "INFO: task hung in rtnl_lock",
     .type = "HANG",
     .alt = "hang in rtnl_lock"},
    {.name = "hung_task_synchronize_bucket",
     .log = R"(
INFO: task a:1 blocked for more than 143 seconds.
)" TRACE("__schedule", "synchronize_rcu_expedited", "nf_tables_exit_net"),
     .title = "INFO: task hung in synchronize_rcu",
     .type = "HANG",
     .alt = "INFO: task hung in synchronize_rcu_expedited | hang in synchronize_rcu | hang in "
            "synchronize_rcu_expedited"},
    {.name = "task_cant_die",
     .log = R"(
INFO: task a:1 can't die for more than 143 seconds.
)" TRACE("__schedule", "schedule", "p9_client_rpc"),
     .title = "INFO: task can't die in p9_client_rpc",
     .type = "HANG",
     .alt = "hang in p9_client_rpc"},
    {.name = "info_freed_fragment_is_corrupted",
     .log = "INFO: Freed in ip_tunnel_dev_free age=1 cpu=0 pid=1\n",
     .title = "INFO: Freed in ip_tunnel_dev_free age=NUM cpu=NUM pid=NUM",
     .type = "UNKNOWN",
     .corrupted = true},
    {.name = "lockdep_off_is_not_a_crash", .log = "INFO: lockdep is turned off.\n", .title = ""},

    // --- other architectures and headers ---
    {.name = "arm64_unable_to_handle",
     .log = R"(
Unable to handle kernel paging request at virtual address dead000000000108
Internal error: Oops: 96000044 [#1] PREEMPT SMP
pc : __list_del_entry+0x10/0x20
lr : fuse_release+0x30/0x40
Call trace:
 __list_del_entry+0x10/0x20
 fuse_release+0x30/0x40
 __fput+0x1/0x2
)",
     .title = "BUG: unable to handle kernel paging request in fuse_release",
     .type = "MEMORY_SAFETY_BUG",
     .alt = "bad-access in fuse_release"},
    {.name = "general_protection_fault",
     .log = R"(
general protection fault, probably for non-canonical address 0xdffffc0000000002: 0000 [#1]
KASAN: null-ptr-deref in range [0x0000000000000010-0x0000000000000017]
RIP: 0010:qdisc_hash_add+0x3f/0x9c0
)" TRACE("qdisc_create", "tc_modify_qdisc", "rtnetlink_rcv_msg"),
     .title = "general protection fault in qdisc_hash_add",
     .type = "DoS",
     .alt = "bad-access in qdisc_hash_add"},
    {.name = "user_space_gpf_is_not_a_crash",
     .log = "traps: a[1] general protection fault ip:4 sp:7 error:0 in libc.so.6[7f+1]\n",
     .title = ""},
    {.name = "stack_segment",
     .log = R"(
stack segment: 0000 [#1] PREEMPT SMP KASAN
RIP: 0010:btrfs_lookup+0x1/0x2
)" TRACE("btrfs_lookup", "lookup_one", "do_filp_open"),
     .title = "stack segment fault in btrfs_lookup",
     .type = "DoS"},
    {.name = "stack_protector_named",
     .log = "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: "
            "ip_check+0x1/0x2\n",
     .title = "kernel panic: stack is corrupted in ip_check",
     .type = "DoS"},
    {.name = "stack_protector_address",
     .log = R"(
Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: ffffffff81234567
)" TRACE("dump_stack", "__stack_chk_fail", "sctp_getsockopt"),
     .title = "kernel panic: stack is corrupted in sctp_getsockopt",
     .type = "DoS"},
    {.name = "corrupted_stack_end",
     .log = R"(
Kernel panic - not syncing: corrupted stack end detected inside scheduler
)" TRACE("schedule", "helper", "deep_recursion") " do_syscall_64+0x1/0x2\n",
     .title = "kernel panic: corrupted stack end in deep_recursion",
     .type = "DoS",
     .alt = "stack-overflow in deep_recursion"},
    {.name = "kernel_stack_overflow",
     .log = R"(
Kernel panic - not syncing: kernel stack overflow
)" TRACE("handle_stack_overflow", "exc_double_fault", "ext4_find_entry") " vfs_read+0x1/0x2\n",
     .title = "kernel stack overflow in ext4_find_entry",
     .type = "DoS",
     .alt = "stack-overflow in ext4_find_entry"},
    {.name = "panic_fatal_exception_lost_header",
     .log = "Kernel panic - not syncing: Fatal exception in interrupt\n",
     .title = "kernel panic: Fatal exception",
     .type = "DoS",
     .corrupted = true},
    {.name = "panic_on_warn_lost_header",
     .log = "Kernel panic - not syncing: panic_on_warn set ...\n",
     .title = "kernel panic: panic_on_warn set",
     .type = "DoS",
     .corrupted = true},
    {.name = "panic_generic",
     .log = R"(
Kernel panic - not syncing: sysrq triggered crash
)" TRACE("dump_stack", "panic", "sysrq_handle_crash"),
     .title = "kernel panic: sysrq triggered crash",
     .type = "DoS"},
    {.name = "double_fault",
     .log = R"(
PANIC: double fault, error_code: 0x0
RIP: 0010:tcp_write_xmit+0x1/0x2
)" TRACE("x", "y", "z"),
     .title = "PANIC: double fault in tcp_write_xmit",
     .type = "DoS"},
    {.name = "rust_panic_message_line",
     .log = R"(
rust_kernel: panicked at drivers/android/binder/node.rs:877:13:
attempt to subtract with overflow
Call Trace:
 _RNvNtCs9jEwPDbx20M_4core9panicking9panic_fmt+0x1/0x2
 _RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref+0x1/0x2
 binder_ioctl+0x1/0x2
)",
     .title = "attempt to subtract with overflow in <rust_binder::process::Process>::update_ref",
     .type = "UNKNOWN"},
    {.name = "kernel_bug_list_debug",
     .log = R"(
kernel BUG at lib/list_debug.c:59!
)" TRACE("__list_del_entry_valid", "list_del", "gadget_unbind"),
     .title = "BUG: corrupted list in gadget_unbind",
     .type = "MEMORY_SAFETY_BUG",
     .alt = "bad-access in gadget_unbind"},
    {.name = "kernel_bug_usercopy",
     .log = R"(
kernel BUG at mm/usercopy.c:99!
)" TRACE("usercopy_abort", "__check_heap_object", "sg_ioctl"),
     .title = "BUG: bad usercopy in sg_ioctl",
     .type = "BUG"},
    {.name = "kernel_bug_skb_helper_skipped",
     .log = R"(
kernel BUG at net/core/skbuff.c:110!
invalid opcode: 0000 [#1] PREEMPT SMP KASAN
RIP: 0010:skb_panic+0x1/0x2
)" TRACE("skb_push", "ipgre_header", "neigh_connected_output"),
     .title = "kernel BUG in ipgre_header",
     .type = "BUG"},
    {.name = "capital_kernel_bug",
     .log = R"(
Kernel BUG at 00000000a1b2c3d4 [verbose debug info unavailable]
)" TRACE("a", "b", "c"),
     .title = "kernel BUG at ADDR [verbose debug info unavailable]",
     .type = "BUG"},
    {.name = "slub_object_already_free",
     .log = R"(
BUG kmalloc-512 (Not tainted): Object already free
)" TRACE("dump_stack", "free_debug_processing", "kfree"),
     .title = "BUG: Object already free",
     .type = "DoS"},
    {.name = "divide_error",
     .log = R"(
divide error: 0000 [#1] PREEMPT SMP KASAN
RIP: 0010:bfq_calc_weight+0x1/0x2
)" TRACE("a", "b", "c"),
     .title = "divide error in bfq_calc_weight",
     .type = "DoS"},
    {.name = "divide_error_misspelled",
     .log = R"(
divide_error: 0000 [#1] SMP
RIP: 0010:[<ffffffff81234567>]  [<ffffffff81234567>] tcp_select_window+0x1/0x2
)" TRACE("a", "b", "c"),
     .title = "divide error in tcp_select_window",
     .type = "DoS"},
    {.name = "invalid_opcode",
     .log = R"(
invalid opcode: 0000 [#1] PREEMPT SMP KASAN
RIP: 0010:gfs2_trans_add_meta+0x1/0x2
)" TRACE("a", "b", "c"),
     .title = "invalid opcode in gfs2_trans_add_meta",
     .type = "DoS"},
    {.name = "int3",
     .log = R"(
int3: 0000 [#1] PREEMPT SMP KASAN
RIP: 0010:bpf_trampoline+0x1/0x2
)" TRACE("bpf_trampoline", "b", "c"),
     .title = "int3 in bpf_trampoline",
     .type = "DoS"},
    {.name = "ubsan_old_undefined_behaviour",
     .log = R"(
UBSAN: Undefined behaviour in net/x.c:12:5
shift exponent 32 is too large
)" TRACE("dump_stack", "__ubsan_handle_shift_out_of_bounds", "xfrm_init"),
     .title = "UBSAN: undefined-behaviour in xfrm_init",
     .type = "UBSAN"},
    {.name = "ubsan_array_index",
     .log = R"(
UBSAN: array-index-out-of-bounds in net/x.c:12:5
)" TRACE("dump_stack", "__ubsan_handle_out_of_bounds", "xt_tbl_check"),
     .title = "UBSAN: array-index-out-of-bounds in xt_tbl_check",
     .type = "MEMORY_SAFETY_UBSAN",
     .alt = "bad-access in xt_tbl_check"},
    {.name = "ubsan_kind",
     .log = R"(
UBSAN: shift-out-of-bounds in fs/x.c:12:5
)" TRACE("dump_stack", "__ubsan_handle_shift_out_of_bounds.cold", "dbAllocAG"),
     .title = "UBSAN: shift-out-of-bounds in dbAllocAG",
     .type = "UBSAN"},
    {.name = "unexpected_reboot",
     .log = "Booting the kernel.\n",
     .title = "unexpected kernel reboot",
     .type = "REBOOT"},
    {.name = "reboot_echoed_by_fuzzer_is_not_a_crash",
     .log = "Unknown parameter 'Booting the kernel.'\n",
     .title = ""},
    {.name = "unregister_netdevice",
     .log = "unregister_netdevice: waiting for bond0 to become free. Usage count = 2\n",
     .title = "unregister_netdevice: waiting for DEV to become free",
     .type = "DoS"},
    {.name = "vfs_busy_inodes",
     .log = "VFS: Busy inodes after unmount of sda1. Self-destruct in 5 seconds.\n",
     .title = "VFS: Busy inodes after unmount (use-after-free)",
     .type = "DoS"},
    {.name = "vfs_close_file_count",
     .log = "VFS: Close: file count is 0\n",
     .title = "VFS: Close: file count is zero (use-after-free)",
     .type = "DoS"},
    {.name = "arm64_internal_error",
     .log = R"(
Internal error: Oops: 96000005 [#1] PREEMPT SMP
pc : nilfs_segctor_do_construct+0x1/0x2
Call trace:
 nilfs_segctor_do_construct+0x1/0x2
 nilfs_segctor_construct+0x1/0x2
 nilfs_segctor_thread+0x1/0x2
)",
     .title = "Internal error in nilfs_segctor_do_construct",
     .type = "DoS",
     .alt = "bad-access in nilfs_segctor_do_construct"},
    {.name = "arm_unhandled_fault",
     .log = R"(
Unhandled fault: page domain fault (0x01b) at 0x00000000
PC is at ext4_fill_super+0x1/0x2
Backtrace:
[<c0123456>] (ext4_fill_super) from [<c0123457>] (mount_bdev+0x1/0x2)
[<c0123458>] (mount_bdev) from [<c0123459>] (legacy_get_tree+0x1/0x2)
[<c012345a>] (legacy_get_tree) from [<c012345b>] (vfs_get_tree+0x1/0x2)
)",
     .title = "Unhandled fault in ext4_fill_super",
     .type = "DoS",
     .alt = "bad-access in ext4_fill_super"},
    {.name = "arm_alignment_trap_from_trace",
     .log = R"(
Alignment trap: not handling instruction e1b12f9f at [<c0123456>]
PC is at memcpy+0x1/0x2
Backtrace:
[<c0123456>] (memcpy) from [<c0123457>] (tipc_msg_build+0x1/0x2)
[<c0123458>] (tipc_msg_build.constprop.0) from [<c0123459>] (tipc_send+0x1/0x2)
)",
     .title = "Alignment trap in tipc_msg_build",
     .type = "DoS"},
    {.name = "trusty_assert",
     .log = "trusty: panic (caller 0xffffffffe000fbb8): ASSERT FAILED at (lib/ipc.c:472): "
            "!list_in_list(&chan->node)\n",
     .title = "trusty: ASSERT FAILED: !list_in_list(&chan->node)",
     .type = "DoS"},
    {.name = "trusty_assert_lost_text",
     .log = "trusty: panic (caller 0xffffffffe000fbb8): ASSERT FAILED at (lib/ipc.c:472): \n",
     .title = "trusty: ASSERT FAILED:",
     .type = "DoS",
     .corrupted = true},
    {.name = "trusty_panic",
     .log = "trusty: panic (caller 0xffffffffe0002314): failed(-5) to start app 6\n",
     .title = "trusty: panic: failed(-NUM) to start app NUM",
     .type = "DoS"},
    {.name = "go_runtime_error",
     .log = "fatal error: runtimer: bad p\n\nruntime stack:\n",
     .title = "go runtime error",
     .type = "DoS"},
    {.name = "alsa_fatal_error_is_not_a_crash",
     .log = "ALSA: fatal error: card gone\n",
     .title = ""},
    {.name = "syzfail",
     .log = "SYZFAIL: negative running\n",
     .title = "SYZFAIL: negative running",
     .type = "SYZ_FAILURE"},
    {.name = "syzfatal",
     .log = "SYZFATAL: executor lost\n",
     .title = "SYZFATAL: executor lost",
     .type = "SYZ_FAILURE",
     .alt = "SYZFATAL"},
    {.name = "go_panic_in_console",
     .log = "[  1.0] x\n[  1.1] panic: runtime error: index out of range [3] with length 2\n",
     .title = "panic: runtime error: index out of range [NUM] with length NUM",
     .type = "DoS"},
    {.name = "gvisor_sentry_stuck",
     .log = "panic: Sentry detected 2 stuck task(s):\n",
     .title = "panic: Sentry detected stuck tasks",
     .type = "DoS"},
    {.name = "kernel_function_panic_is_not_a_crash",
     .log = "skbuff: skb_over_panic: text:ffffffff8 len:4\n",
     .title = ""},

    // --- The global skip list's families (§3): the helper that reported is not the bug ---
    {.name = "skip_warn_bogus_irq_restore",
     .log = R"(
WARNING: CPU: 0 PID: 5 at kernel/locking/irqflag-debug.c:10 warn_bogus_irq_restore+0x1/0x2
RIP: 0010:warn_bogus_irq_restore+0x1/0x2
)" TRACE("ext4_fill_super", "mount_bdev", "legacy_get_tree"),
     .title = "WARNING in ext4_fill_super",
     .type = "WARNING"},
    {.name = "skip_fortify_report",
     .log = R"(
WARNING: CPU: 1 PID: 9 at lib/string_helpers.c:1027 __fortify_report+0x1/0x2
RIP: 0010:__fortify_report+0x1/0x2
)" TRACE("__fortify_panic", "hci_sock_setsockopt", "do_sock_setsockopt"),
     .title = "WARNING in hci_sock_setsockopt",
     .type = "WARNING"},
    {.name = "skip_usb_and_device_teardown",
     .log = R"(
general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1] SMP
RIP: 0010:usb_kill_urb+0x1/0x2
)" TRACE("usb_kill_anchored_urbs", "device_del", "mydev_disconnect"),
     .title = "general protection fault in mydev_disconnect",
     .type = "DoS",
     .alt = "bad-access in mydev_disconnect"},
    {.name = "skip_page_locking_in_hang",
     .log = R"(
INFO: task syz-executor.0:5123 blocked for more than 143 seconds.
Call Trace:
 __schedule+0x1/0x2
 io_schedule+0x1/0x2
 lock_page+0x1/0x2
 myfs_write_begin+0x1/0x2
 generic_perform_write+0x1/0x2
)",
     .title = "INFO: task hung in myfs_write_begin",
     .type = "HANG",
     .alt = "hang in myfs_write_begin"},
    {.name = "cxx_frame_demangled",
     .log = R"(
BUG: KASAN: use-after-free in memcpy+0x20/0x60
Read of size 8 at addr ffff888012345678 by task a/1
)" TRACE("kasan_report", "_ZN3foo3barEv", "vfs_ioctl"),
     .title = "KASAN: use-after-free Read in foo::bar",
     .type = "KASAN-USE-AFTER-FREE-READ",
     .alt = "bad-access in foo::bar"},

    // --- Formats without a row above ---
    {.name = "bad_page_map",
     .log = R"(
BUG: Bad page map in process syz-executor.0  pte:8000000012345067 pmd:12345067
)" TRACE("dump_stack", "print_bad_pte", "zap_pte_range"),
     .title = "BUG: Bad page map"},
    {.name = "non_zero_nr_ptes_needs_no_stack",
     .log = R"(
BUG: non-zero nr_ptes on freeing mm: 1
)",
     .title = "BUG: non-zero nr_ptes on freeing mm"},
    {.name = "panic_attempted_to_kill_init",
     .log = R"(
Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b
)" TRACE("dump_stack", "panic", "do_exit"),
     .title = "kernel panic: Attempted to kill init!",
     .type = "DoS"},
    {.name = "panic_hung_task_lost_header",
     .log = R"(
Kernel panic - not syncing: hung_task: blocked tasks
)",
     .title = "kernel panic: hung_task: blocked tasks",
     .type = "DoS",
     .corrupted = true},
    {.name = "stack_regs_bad_bp_fallback",
     .log = R"(
WARNING: kernel stack regs at ffffc90001 in syz executor has bad 'bp' value 0000000000000001
)",
     .title = "WARNING: kernel stack regs has bad value"},

    // --- Other architectures ---
    {.name = "arm64_null_dereference_skips_string_helper",
     .log = R"(
Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008
Mem abort info:
pc : __pi_memcmp+0x1/0x2
lr : my_arm_fn+0x1/0x2
Call trace:
 __pi_memcmp+0x1/0x2
 my_arm_fn+0x1/0x2
 el0_svc+0x1/0x2
)",
     .title = "BUG: unable to handle kernel NULL pointer dereference in my_arm_fn",
     .type = "NULL-POINTER-DEREFERENCE",
     .alt = "bad-access in my_arm_fn"},
    {.name = "arm64_unknown_fault_kind_is_its_line",
     .log = R"(
Unable to handle kernel execute from non-executable memory at virtual address ffff0000c0a4a000
)",
     .title = "Unable to handle kernel execute from non-executable memory at virtual address ADDR"},
    {.name = "riscv_register_tail_gives_the_stack",
     .log = R"(
Unable to handle kernel paging request at virtual address ffffffff8a000000
Oops [#1]
epc : my_riscv_fn+0x1/0x2
 ra : caller_fn+0x1/0x2
status: 0000000000000120 badaddr: ffffffff8a000000 cause: 000000000000000d
[<ffffffff80001234>] my_riscv_fn+0x1/0x2
[<ffffffff80001235>] caller_fn+0x1/0x2
)",
     .title = "BUG: unable to handle kernel paging request in my_riscv_fn",
     .type = "MEMORY_SAFETY_BUG",
     .alt = "bad-access in my_riscv_fn"},
    {.name = "powerpc_nip_and_unreliable_frames",
     .log = R"(
[   10.000000] kernel BUG at fs/ext4/inode.c:123!
[   10.000001] Oops: Exception in kernel mode, sig: 5 [#1]
[   10.000002] NIP [c000000000123456] ext4_do_thing+0x1c/0x40
[   10.000003] LR [c000000000123400] ext4_caller+0x10/0x20
[   10.000004] Call Trace:
[   10.000005] [c00000000abcdef0] [c000000000123400] ext4_caller+0x10/0x20 (unreliable)
[   10.000006] [c00000000abcdf00] [c000000000123500] vfs_write+0x10/0x20
[   10.000007] [c00000000abcdf10] [c000000000123600] ksys_write+0x10/0x20
[   10.000008] [c00000000abcdf20] [c000000000123700] system_call_exception+0x10/0x20
)",
     .title = "kernel BUG in ext4_do_thing",
     .type = "BUG"},
};

class OopsTableRow : public testing::TestWithParam<Row> {};

std::string LogOf(const Row& row) {
  std::string log = row.log;
  if (log.starts_with("\n")) log.erase(0, 1);
  return log;
}

TEST_P(OopsTableRow, GivesSyzbotTitle) {
  const Row& row = GetParam();
  std::string log = LogOf(row);
  bool want_crash = *row.title != '\0';
  EXPECT_EQ(ContainsCrash(log), want_crash);
  Report r = Parse(log);
  ASSERT_EQ(r.crashed, want_crash) << r.title;
  if (!want_crash) return;
  EXPECT_EQ(r.title, row.title);
  EXPECT_EQ(r.type, row.type);
  EXPECT_EQ(Join(r.alt_titles, " | "), row.alt);
  EXPECT_EQ(r.corrupted, row.corrupted) << r.corrupted_reason;
  EXPECT_LT(r.start, r.end);
  EXPECT_LE(r.end, log.size());
  EXPECT_FALSE(r.report.empty());
}

INSTANTIATE_TEST_SUITE_P(All, OopsTableRow, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(OopsTable, AllPatternsCompile) {
  for (const std::string& e : LinuxFormatErrors()) ADD_FAILURE() << e;
}

// Formats are found by trying their pattern where the family's header occurs: every pattern
// that can match must start with the header, or be anchored at the text's start.
TEST(OopsTable, EveryFamilyHasFormatsAndAShape) {
  for (const OopsFamily& f : OopsFamilies()) {
    EXPECT_FALSE(f.header.empty());
    EXPECT_FALSE(f.formats.empty()) << f.header;
    for (const OopsFormat& format : f.formats) {
      EXPECT_FALSE(format.shape.empty()) << format.title;
      bool uses_frame = std::string_view(format.shape).find("{F") != std::string_view::npos;
      for (std::string_view alt : format.alts)
        uses_frame = uses_frame || alt.find("{F") != std::string_view::npos;
      EXPECT_EQ(uses_frame, format.frames != nullptr) << format.title;
    }
  }
}

}  // namespace
}  // namespace culprit::crash

namespace culprit::crash {
namespace {

// Line steps run on every line until they match: each gives literals to look for first.
TEST(OopsTable, EveryLineStepHasLiteralHints) {
  for (const OopsFamily& f : OopsFamilies()) {
    for (const OopsFormat& format : f.formats) {
      if (format.frames == nullptr) continue;
      for (const auto* steps : {&format.frames->steps, &format.frames->fallback}) {
        for (const FrameStep& step : *steps) {
          if (step.line.empty()) continue;
          EXPECT_FALSE(RequiredLiterals(step.line).empty()) << step.line;
        }
      }
    }
  }
}

}  // namespace
}  // namespace culprit::crash

namespace culprit::crash {
namespace {

// The matcher keeps one bit per family; the prefilter's scans must keep their vectorized path
// (a header whose rarest byte is new can push a scan past it).
TEST(OopsTable, FitsTheMatcherAndThePrefilter) {
  EXPECT_LE(OopsFamilies().size(), 64u);
  EXPECT_TRUE(CrashNeedles().vectorized());
  EXPECT_TRUE(ReportNeedles().vectorized());
}

}  // namespace
}  // namespace culprit::crash
