// Name lists of the frame rules. Data only; grouped as the specification groups them.
#include "crash/frame_lists.h"

namespace culprit::crash {

const std::vector<std::string_view>& GlobalFrameSkips() {
  static const auto* skips = new std::vector<std::string_view>{
      // Sanitizers and reporting.
      "*__sanitizer*", "*__asan*", "*kasan*", "*hwasan*", "*__msan*", "*kmsan*",
      "*kcsan_setup_watchpoint*", "*check_memory_region*", "*check_heap_object*", "*check_object*",
      "*read_word_at_a_time*", "re:(?:read|write)_once_.*nocheck", "*print_address_description*",
      "*panic*", "*invalid_op*", "*report_bug*", "*fixup_bug*", "*print_report*",
      "*print_usage_bug*", "*do_error*", "*_trap", "*do_trap*", "*show_stack*", "*dump_stack*",
      "*walk_stack*", "*dump_backtrace*", "*warn_slowpath*", "*warn_alloc*", "*warn_bogus*",
      "*__warn*",
      // Allocation and page cache.
      "*alloc_page*", "*malloc*", "*zalloc*", "*calloc*", "*krealloc*", "*kmem_cache*",
      "*allocate_slab*", "*__alloc_frozen_pages_noprof*", "*folio_alloc*", "*folio_unlock*",
      "*filemap_alloc_folio*", "*__filemap_get_folio*", "*find_or_create_page*",
      "*do_read_cache_folio*", "*read_cache_page*", "*pagecache_get_page*",
      "*grab_cache_page_write_begin*", "*slab_*", "*debug_object*", "*timer_is_static_object*",
      "*work_is_static_object*", "*__might_fault*",
      // Locking and lockdep.
      "*print_unlock*", "*imbalance_bug*", "*lockdep*", "*bh_enable*", "*bh_disable*",
      "*perf_trace*", "*lock_acquire*", "*lock_release*", "*lock_class*", "*mark_lock*",
      "*reacquire_held_locks*", "*mark_held_locks*", "*raw_spin_rq*", "*spin_lock*",
      "*spin_trylock*", "*spin_unlock*", "*read_lock*", "*read_trylock*", "*write_lock*",
      "*write_trylock*", "*read_unlock*", "*write_unlock*", "=down", "*down_read*", "*down_write*",
      "*down_read_trylock*", "*down_write_trylock*", "*down_trylock*", "*up_read*", "*up_write*",
      "mutex_*", "__mutex_*", "rt_mutex_*", "*owner_on_cpu*", "*osq_lock*", "*osq_unlock*",
      // Atomics, bit operations, wake-ups, reference counts.
      "re:atomic(?:64)?_(?:dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)",
      "*set_bit*", "*clear_bit*", "*change_bit*", "*test_bit*", "*__wake_up*", "refcount_*",
      "kref_*", "*ref_tracker*", "*seqprop_assert*",
      // Memory and string helpers, user copies.
      "*memcpy*", "*memcmp*", "*memset*", "*memchr*", "*memmove*", "*memdup*", "*strcmp*",
      "*strncmp*", "*strcpy*", "*strlcpy*", "*strncpy*", "*strscpy*", "*strlen*", "*strstr*",
      "*strnstr*", "*strnlen*", "*strchr*", "*strdup*", "*strndup*", "*copy_to_user*",
      "*copy_from_user*", "*copy_to_iter*", "*copy_from_iter*", "*copy_page_to_iter*",
      "*copy_page_from_iter*", "*copy_folio_to_iter*", "=copyin", "=copyout", "*put_user*",
      "*get_user*", "*might_fault*", "*might_sleep*",
      // Lists and trees.
      "*list_add*", "*list_del*", "*list_replace*", "*list_move*", "*list_splice*", "rb_*",
      "__rb_*",
      // Retpolines, formatting, printing.
      "*_indirect_thunk_*", "*string*", "*pointer*", "*snprintf*", "*scnprintf*", "*kasprintf*",
      "*kvasprintf*", "*printk*", "*va_format*", "*dev_info*", "*dev_notice*", "*dev_warn*",
      "*dev_err*", "*dev_alert*", "*dev_crit*", "*dev_emerg*", "*program_check_exception*",
      "*program_check_common*",
      // Timers, work queues, kthreads.
      "*del_timer*", "*flush_work*", "*__cancel_work_timer*", "*cancel_work_sync*",
      "*try_to_grab_pending*", "*flush_workqueue*", "*drain_workqueue*", "*destroy_workqueue*",
      "*queue_work*", "*finish_wait*", "*kthread_stop*",
      // Device model and teardown.
      "*kobject_*", "*add_uevent_var*", "*get_device_parent*", "*device_add*", "*device_del*",
      "*device_unregister*", "*device_destroy*", "*device_release*", "*devres_release_all*",
      "*hwrng_unregister*", "*i2c_del_adapter*", "*__unregister_client*", "*device_for_each_child*",
      "*rollback_registered*", "*unregister_netdev*", "*sysfs_remove*", "*device_remove_file*",
      "*tty_unregister_device*",
      // USB.
      "*dummy_urb_enqueue*", "*usb_kill_urb*", "*usb_kill_anchored_urbs*", "*usb_control_msg*",
      "*usb_hcd_submit_urb*", "*usb_submit_urb*",
      // Completion, freeing, MMIO accessors.
      "=complete", "*wait_for_completion*", "=kfree", "=kvfree", "*kfree_skb*",
      "re:(?:readb|readw|readl|readq|writeb|writew|writel|writeq)$", "*logic_in*", "*logic_out*",
      // CRC and other helpers.
      "re:^crc[0-9]", "*crc_itu_t*", "*__might_resched*", "*assertfail*", "=iput", "=iput_final",
      "=ihold", "*hex_dump_to_buffer*", "*print_hex_dump*", "klist_*", "*trace_hardirq*",
      "*trace_softirq*", "*lockdep_hardirq*", "*lockdep_softirq*", "lock_page*", "unlock_page*",
      // Stack walking and delayed work.
      "*stack_trace_consume_entry*", "*arch_stack_walk*", "*stack_trace_save*", "*insert_work*",
      "*__queue_delayed_work*", "*queue_delayed_work_on*", "*ida_free*",
      // The arm64 fault path.
      "*do_kernel_fault*", "*do_translation_fault*", "*do_mem_abort*", "*el1_abort*",
      "*el1h_64_sync*",
      // Later additions.
      "*print_tainted*", "*xas_start*", "*xas_load*", "*xas_find*", "*find_lock_entries*",
      "*truncate_inode_pages_range*", "*__phys_addr*", "*__fortify_report*",
      "*cleanup_srcu_struct*", "*rhashtable_lookup*", "*extract_user_to_sg*",
      "*extract_iter_to_sg*", "*drop_nlink*", "=get_taint", "=put_device", "*lock_timer_base*",
      "*__timer_delete_sync*", "*sk_stop_timer_sync*", "*__mod_timer*", "*fast_dput*", "*dput*",
      "*mark_buffer_dirty*"};
  return *skips;
}

const std::vector<std::string_view>& StallAnchors() {
  static const auto* anchors = new std::vector<std::string_view>{
      // Work dispatch and syscall entry.
      "*process_one_work*", "*do_syscall_*", "*do_fast_syscall_*", "*sysenter_dispatch*",
      "*tracesys_phase2*", "*el0_svc_handler*", "*invoke_syscall*", "*ret_fast_syscall*",
      "*netif_receive_skb*", "*do_softirq*", "*call_timer_fn*", "*_run_timers*",
      "*run_timer_softirq*", "*hrtimer_run*", "*run_ksoftirqd*", "*smpboot_thread_fn*", "=kthread",
      "*start_secondary*", "*cpu_startup_entry*", "*ret_from_fork*",
      // File operations that say which object is involved.
      "*vfs_write*", "*vfs_read*", "*vfs_iter_read*", "*vfs_iter_write*", "*do_iter_read*",
      "*do_iter_write*", "*call_read_iter*", "*call_write_iter*", "*new_sync_read*",
      "*new_sync_write*", "*vfs_ioctl*", "*ksys_ioctl*", "*compat_ioctl*", "*compat_sys_ioctl*",
      "*blkdev_driver_ioctl*", "*blkdev_ioctl*", "call_read_iter*", "call_write_iter*",
      "*do_iter_readv_writev*", "call_mmap*", "*mmap_region*", "*do_mmap*", "*do_dentry_open*",
      "*vfs_open*",
      // Sockets and netlink.
      "sock_sendmsg*", "sock_recvmsg*", "sock_release*", "__sock_release*", "=setsockopt",
      "*kernel_setsockopt*", "*sock_common_setsockopt*", "=listen", "*kernel_listen*",
      "*sk_common_release*", "sock_mmap*", "=accept", "*kernel_accept*", "sock_do_ioctl*",
      "sock_ioctl*", "compat_sock_ioctl*", "nfnetlink_rcv_msg*", "rtnetlink_rcv_msg*",
      "netlink_dump*", "socketpair*", "connect*", "ioctl*", "sys_socketpair*", "sys_connect*",
      "sys_ioctl*",
      // Page-fault entry.
      "*__do_fault*", "*do_page_fault*", "=page_fault",
      // Return-to-user work.
      "*__fput*", "*task_work_run*", "*exit_to_usermode*", "*smp_call_function*",
      "*tasklet_action*", "*tasklet_hi_action*"};
  return *anchors;
}

const std::vector<std::string_view>& HangBuckets() {
  static const auto* buckets = new std::vector<std::string_view>{
      "rtnl_lock", "synchronize_rcu", "synchronize_srcu", "synchronize_net", "synchronize_sched"};
  return *buckets;
}

const std::vector<std::string_view>& HangWaitingFrames() {
  static const auto* frames = new std::vector<std::string_view>{
      "sched",      "_lock", "_slowlock",   "down",           "rwsem",       "completion",
      "kthread",    "wait",  "synchronize", "context_switch", "__switch_to", "cancel_delayed_work",
      "rcu_barrier"};
  return *frames;
}

const std::vector<std::string_view>& SyscallPrefixes() {
  static const auto* prefixes = new std::vector<std::string_view>{
      "SYSC_",     "SyS_",      "sys_",         "__x64_",      "__ia32_",
      "__arm64_",  "____sys_",  "___sys_",      "__sys_",      "__se_",
      "__se_sys_", "__do_sys_", "compat_SYSC_", "compat_SyS_", "ksys_"};
  return *prefixes;
}

}  // namespace culprit::crash
