#include "crash/stack_frames.h"

#include <re2/re2.h>

#include <array>
#include <optional>

namespace culprit::crash {

const std::vector<std::string_view>& GenericFrameSkips() {
  // After syzkaller's linuxStackParams.skipPatterns, grouped by what they are.
  static const std::vector<std::string_view> skips = {
      // Sanitizers and coverage.
      "__sanitizer",
      "__asan",
      "kasan",
      "hwasan",
      "__msan",
      "kmsan",
      "kcsan_setup_watchpoint",
      "check_memory_region",
      "check_heap_object",
      "check_object",
      "read_word_at_a_time",
      "(read|write)_once_.*nocheck",
      "print_address_description",
      "^__kcsan",
      "^kcsan_",
      "__check_object_size",
      // Reporting, panic and warn.
      "panic",
      "invalid_op",
      "report_bug",
      "^dump_backtrace",
      "^arch_stack_walk",
      "^stack_trace_",
      "^unwind_",
      "^save_stack",
      "^__save_stack",
      "fixup_bug",
      "show_stack",
      "dump_stack",
      "walk_stack",
      "do_error",
      "_trap$",  // trap handlers (do_error_trap), not functions about traps
      "^handle_bug",
      "exc_invalid_op",
      "asm_exc_invalid_op",
      "ex_handler_refcount",
      "__warn",
      "warn_slowpath",
      "warn_alloc",
      "^print_",
      "__print_",
      "^do_trap",
      "^die$",
      "^__die",
      "oops_",
      "^bust_spinlocks",
      // Allocators.
      "^kmalloc",
      "^__kmalloc",
      "^kmem_cache",
      "^kzalloc",
      "^kcalloc",
      "^kvmalloc",
      "^kvzalloc",
      "^kvcalloc",
      "^kfree",
      "^kvfree",
      "^kzfree",
      "^__kfree",
      "^krealloc",
      "^__krealloc",
      "^slab_",
      "^__slab_",
      "^___slab_",
      "^cache_",
      "^vmalloc",
      "^__vmalloc",
      "^vzalloc",
      "^vfree",
      "^__vfree",
      "^__vunmap",
      "^kmemdup",
      "^kstrdup",
      "^kstrndup",
      "^alloc_pages",
      "^__alloc_frozen_pages",
      "^alloc_frozen_pages",
      "^folio_alloc",
      "^__folio_alloc",
      "^__get_free_pages",
      "^__kvmalloc",
      "^kvmalloc",
      "^__alloc_pages",
      "^should_fail",
      "^should_failslab",
      "^__should_failslab",
      // Locking and atomics.
      "^_raw_",
      "^__raw_",
      "^do_raw_",
      "^raw_spin",
      "^spin_",
      "^_spin_",
      "^__mutex_lock",
      "^mutex_lock",
      "^mutex_unlock",
      "^__mutex_unlock",
      "^__rwsem",
      "^rwsem_",
      "^down_",
      "^__down",
      "^up_",
      "^__up_",
      "^lock_acquire",
      "^lock_release",
      "^__lock_acquire",
      "^lock_is_held",
      "^__lock_is_held",
      "^lock_sock",
      "^release_sock",
      "^atomic_",
      "^arch_atomic",
      "^refcount_",
      "^__refcount_",
      "^kref_",
      "^queued_spin",
      "^native_queued",
      "^__pv_queued",
      "^pv_queued",
      "^_mutex",
      "^__local_bh_enable",
      "^local_bh_enable",
      "^__wake_up",
      "^wake_up$",
      "^wake_up_(?:process|bit|var|all|interruptible|state|q)",
      "completion",
      "^__queue_work",
      "^insert_work",
      "^_atomic_dec_and_lock",
      "^atomic_dec_and_",
      "^test_and_set_bit",
      "^test_and_clear_bit",
      "^__test_and_",
      "^set_bit",
      "^clear_bit",
      "_static_object$",
      "^debug_object",
      "^__debug_object",
      "^debug_check_no_obj_freed",
      "^lock_timer_base",
      "^mutex_remove_waiter",
      "^hex_dump",
      "stop_timer",
      "^debug_lockdep",
      "^lockdep_",
      "^register_lock_class",
      "^mark_lock",
      "^mark_held_locks",
      "^mark_usage",
      "^trace_hardirqs",
      "^mutex_",
      "^klist_",
      "^down$",
      "^up$",
      "^perf_trace_",
      "^usb_control_msg",
      "^usb_bulk_msg",
      "^usb_interrupt_msg",
      "^usb_start_wait_urb",
      "^__mod_timer",
      "^mod_timer",
      "^add_timer",
      "timer_delete",
      "^__queue_delayed_work",
      "^queue_delayed_work",
      "^mod_delayed_work",
      "kmalloc",
      "kmem_cache_alloc",
      "^__phys_addr",
      "^assertfail",
      "^__seqprop",
      "^alloc_page",
      "dput$",
      "^iput",
      "^fput",
      "^__fput_sync",
      "^drop_nlink",
      "^inc_nlink",
      "^clear_nlink",
      "^set_nlink",
      "^mark_buffer_dirty",
      "^ref_tracker",
      "^get_taint",
      "^cleanup_srcu_struct",
      "^crc[0-9_]",
      "^crc_",
      "^print_hex_dump",
      "^rhashtable_lookup",
      "^__rhashtable_lookup",
      "^xas_",
      "^rcu_read_lock",
      "^rcu_read_unlock",
      "^__rcu_read",
      "^preempt_count",
      "^percpu_down",
      "^percpu_up",
      "^__percpu_down",
      // String and copy helpers.
      "memcpy",
      "memcmp",
      "memset",
      "memchr",
      "memmove",
      "memdup",
      "strcmp",
      "strncmp",
      "strcpy",
      "strlcpy",
      "strncpy",
      "strscpy",
      "strlen",
      "strstr",
      "strnstr",
      "strnlen",
      "strchr",
      "strdup",
      "strndup",
      "^skb_(?:put|push|pull)$",
      "copy_to_user",
      "copy_from_user",
      "copy_to_iter",
      "copy_from_iter",
      "copy_page_to_iter",
      "copy_page_from_iter",
      "copy_folio_to_iter",
      "^copyin$",
      "^copyout$",
      "put_user",
      "get_user",
      "might_fault",
      "might_sleep",
      "list_add",
      "list_del",
      "list_replace",
      "list_move",
      "list_splice",
      "^rb_",
      "^__rb_",
      "_indirect_thunk_",
      "string",
      "pointer",
      "snprintf",
      "scnprintf",
      "kvasprintf",
      "^vsprintf",
      "^sprintf",
      // printk and device messages.
      "printk",
      "va_format",
      "dev_info",
      "dev_notice",
      "dev_warn",
      "dev_err",
      "dev_alert",
      "dev_crit",
      "dev_emerg",
      "program_check_exception",
      "program_check_common",
      // Timers, workqueues, devices, kobjects.
      "del_timer",
      "flush_work",
      "__cancel_work_timer",
      "cancel_work_sync",
      "try_to_grab_pending",
      "flush_workqueue",
      "drain_workqueue",
      "destroy_workqueue",
      "queue_work",
      "finish_wait",
      "kthread_stop",
      "kobject_",
      "add_uevent_var",
      "get_device_parent",
      "device_add",
      "device_del",
      "device_unregister",
      "device_destroy",
      "device_release",
      "devres_release_all",
      "hwrng_unregister",
      "i2c_del_adapter",
      "__unregister_client",
      "device_for_each_child",
      "rollback_registered",
      "unregister_netdev",
      "sysfs_remove",
      "__sysfs_remove",
      "put_device",
      "put_pid",
      "^timer_delete",
      // Fault handling entry.
      "^page_fault",
      "^asm_exc_page_fault",
      "^exc_page_fault",
      "^do_page_fault",
      "^__do_page_fault",
      "^do_user_addr_fault",
      "^do_kern_addr_fault",
      "^no_context",
      "^page_fault_oops",
      "^kernelmode_fixup_or_oops",
      "^spurious_kernel_fault",
      "^handle_mm_fault$",
      "^__handle_mm_fault",
      "^exc_general_protection",
      "^asm_exc_general_protection",
      "^general_protection",
      "^do_general_protection",
      "^fixup_exception",
      "^ex_handler",
      "^error_entry",
      "^do_divide_error",
      "^exc_divide_error",
      "^do_invalid_op",
      "^math_error",
      // arm64 exception plumbing.
      "^el1_",
      "^__do_kernel_fault",
      "^do_mem_abort",
      "^do_translation_fault",
      "^do_bad_area",
      "^die_kernel_fault",
      "^__do_user_fault",
      "^do_el0",
      "^el1h_",
      "^el0t_",
      "^arm64_",
      "^do_alignment_fault",
      "^bug_handler",
      "^brk_handler",
      "^call_break_hook",
      "^do_debug_exception",
      "^die$",
      "^arm_notify_die",
      "^do_DataAbort",
      "^do_PrefetchAbort",

  };
  return skips;
}

namespace {

// Ordered by length so the longest applicable prefix is stripped for the title.
constexpr std::array<std::string_view, 16> kSyscallPrefixes = {
    "compat_SYSC_",     "compat_SyS_", "compat_sys_", "__do_compat_sys_",
    "__se_compat_sys_", "__se_sys_",   "__do_sys_",   "____sys_",
    "___sys_",          "__sys_",      "__x64_",      "__ia32_",
    "__arm64_",         "__se_",       "SYSC_",       "SyS_",
};

}  // namespace

std::vector<std::string> FrameSpellings(std::string_view frame) {
  std::vector<std::string> out{std::string(frame)};
  std::string_view best = frame;
  std::vector<std::string> partial;
  for (std::string_view prefix : kSyscallPrefixes) {
    if (!frame.starts_with(prefix) || frame.size() == prefix.size()) continue;
    std::string_view stripped = frame.substr(prefix.size());
    if (stripped.size() < best.size()) {
      if (best != frame) partial.emplace_back(best);
      best = stripped;
    } else {
      partial.emplace_back(stripped);
    }
  }
  if (best == frame) return out;
  std::vector<std::string> result{std::string(best), std::string(frame)};
  for (std::string& p : partial) result.push_back(std::move(p));
  return result;
}

ChosenFrame StallFrame(const std::vector<std::string>& frames) {
  // syzkaller's linuxStallAnchorFrames: dispatchers and syscall entries. The frame just above
  // one (closer to the top of the stack) is specific to the looping code.
  static const RE2 anchors(
      // Dispatchers of deferred work: the callback above them loops.
      "^(?:process_one_work|call_timer_fn|__run_hrtimer|tasklet_action|tasklet_action_common|"
      "tasklet_hi_action|__netif_receive_skb_list_core|__hrtimer_run_queues|irq_exit|"
      "irq_exit_rcu|__irq_exit_rcu|__netif_receive_skb_core|__netif_receive_skb|nfnetlink_rcv_msg|"
      "rtnetlink_"
      "rcv_msg|"
      "rcu_do_batch|blk_done_softirq|"
      // The idle loop: what it called (e.g. from a softirq on return) is the stall.
      "do_idle|cpu_startup_entry|"
      // Syscall entries: the syscall above them names the stall.
      "do_syscall_.*|entry_SYSCALL.*|entry_SYSENTER.*|do_fast_syscall.*|do_int80.*|"
      "sysenter_dispatch|system_call_fastpath|el0_svc.*|invoke_syscall|__invoke_syscall|"
      "do_el0_svc|"
      // Multiplexing syscalls: the function above them points at the exact object.
      "__vfs_write|__vfs_read|vfs_write|vfs_read|vfs_writev|vfs_readv|vfs_iter_write|"
      "vfs_iter_read|do_iter_readv_writev|vfs_ioctl|do_vfs_ioctl|[a-z0-9_]+_compat_ioctl|"
      "__fput|do_dentry_open|__do_fault|mmap_region|sock_sendmsg|sock_recvmsg|"
      "sock_write_iter|sock_read_iter|__sys_connect|__sys_bind|__sys_accept4|__sys_listen|"
      "__sys_setsockopt|__sys_getsockopt|sock_common_setsockopt|sock_common_getsockopt|__sys_"
      "socketpair|sock_do_ioctl)$");
  for (size_t i = 0; i < frames.size(); ++i) {
    // Waiting for other CPUs: the stall is in the cross-call itself.
    if (frames[i].starts_with("smp_call_function"))
      return {frames[i], frames[i] == "smp_call_function" ? "" : "smp_call_function"};
    if (!RE2::FullMatch(frames[i], anchors)) continue;
    // A syscall entry at the very top names the stall itself.
    return {frames[i == 0 ? 0 : i - 1], ""};
  }
  return {};
}

ChosenFrame HangFrame(const std::vector<std::string>& frames) {
  // syzkaller's linuxHangTaskFrameExtractor: hangs show up at random victims, so two common
  // buckets (rtnl_lock, synchronize_rcu) are kept together.
  for (const std::string& frame : frames) {
    if (frame.find("rtnl_lock") != std::string::npos) return {frame, ""};
    for (std::string_view sync : {"synchronize_rcu", "synchronize_net", "synchronize_sched"}) {
      if (frame.find(sync) != std::string::npos)
        return {frame, frame == "synchronize_rcu" ? "" : "synchronize_rcu"};
    }
  }
  static constexpr std::string_view kSkip[] = {
      "sched",      "_lock", "_slowlock",   "down",           "rwsem",       "completion",
      "kthread",    "wait",  "synchronize", "context_switch", "__switch_to", "cancel_delayed_work",
      "rcu_barrier"};
  for (const std::string& frame : frames) {
    bool skipped = false;
    for (std::string_view s : kSkip) skipped = skipped || frame.find(s) != std::string::npos;
    if (!skipped) return {frame, ""};
  }
  return {};
}

// Rust v0 demangling: a recursive-descent reader of paths, impls and backrefs; types are
// limited to paths, which is what kernel frame names use.
namespace {

class Demangler {
 public:
  explicit Demangler(std::string_view s) : s_(s) {}

  std::optional<std::string> Path(int depth = 0) {
    if (depth > 64 || pos_ >= s_.size()) return std::nullopt;
    char tag = s_[pos_++];
    switch (tag) {
      case 'C': {  // crate root
        if (!Disambiguator()) return std::nullopt;
        return Ident();
      }
      case 'N': {  // nested: namespace, parent, name
        if (pos_ >= s_.size()) return std::nullopt;
        ++pos_;
        auto parent = Path(depth + 1);
        if (!parent || !Disambiguator()) return std::nullopt;
        auto name = Ident();
        if (!name) return std::nullopt;
        return name->empty() ? *parent : *parent + "::" + *name;
      }
      case 'M': {  // inherent impl: <Type>
        if (!Disambiguator() || !Path(depth + 1)) return std::nullopt;
        auto type = Path(depth + 1);
        if (!type) return std::nullopt;
        return "<" + *type + ">";
      }
      case 'X': {  // trait impl: <Type as Trait>
        if (!Disambiguator() || !Path(depth + 1)) return std::nullopt;
        auto type = Path(depth + 1);
        if (!type) return std::nullopt;
        auto trait = Path(depth + 1);
        if (!trait) return std::nullopt;
        return "<" + *type + " as " + *trait + ">";
      }
      case 'Y': {  // trait definition: <Type as Trait>
        auto type = Path(depth + 1);
        if (!type) return std::nullopt;
        auto trait = Path(depth + 1);
        if (!trait) return std::nullopt;
        return "<" + *type + " as " + *trait + ">";
      }
      case 'B': {  // backref to an earlier path
        auto target = Base62();
        if (!target || *target >= start_of_backrefs_limit()) return std::nullopt;
        size_t saved = pos_;
        pos_ = *target;
        auto p = Path(depth + 1);
        pos_ = saved;
        return p;
      }
      default:
        return std::nullopt;
    }
  }

 private:
  size_t start_of_backrefs_limit() const { return pos_; }

  // `_` is 0; otherwise base-62 digits then `_`, value + 1.
  std::optional<size_t> Base62() {
    if (pos_ < s_.size() && s_[pos_] == '_') {
      ++pos_;
      return 0;
    }
    size_t v = 0;
    while (pos_ < s_.size() && s_[pos_] != '_') {
      char c = s_[pos_++];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'z' ? c - 'a' + 10
              : c >= 'A' && c <= 'Z' ? c - 'A' + 36
                                     : -1;
      if (d < 0) return std::nullopt;
      v = v > (size_t{1} << 40) ? v : v * 62 + d;  // crate hashes overflow; only their end matters
    }
    if (pos_ >= s_.size()) return std::nullopt;
    ++pos_;
    return v + 1;
  }

  bool Disambiguator() {
    if (pos_ < s_.size() && s_[pos_] == 's') {
      ++pos_;
      return Base62().has_value();
    }
    return true;
  }

  std::optional<std::string> Ident() {
    if (pos_ < s_.size() && s_[pos_] == 'u') return std::nullopt;  // punycode
    size_t n = 0, digits = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9' && digits < 6) {
      n = n * 10 + (s_[pos_++] - '0');
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    if (pos_ < s_.size() && s_[pos_] == '_') ++pos_;
    if (pos_ + n > s_.size()) return std::nullopt;
    std::string name(s_.substr(pos_, n));
    pos_ += n;
    return name;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::string DemangleRust(std::string_view symbol) {
  if (!symbol.starts_with("_R")) return std::string(symbol);
  std::string_view body = symbol.substr(2);
  Demangler d(body);
  auto path = d.Path();
  return path ? *path : std::string(symbol);
}

}  // namespace culprit::crash
