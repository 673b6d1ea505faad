// How a kernel report is gathered and checked, whatever its format (§1, §8, §9, §12 of
// shared/reference/syzbot-title-rules.md): console contexts, questionable frames, the replay
// rule, where the title text ends, what the stored report holds, corruption, suppression,
// positions and the executor. One row per rule, each with a short log of its own.
#include "crash/linux_report.h"

#include <gtest/gtest.h>

#include <string>

#include "base/strings.h"
#include "crash/report.h"

namespace culprit::crash {
namespace {

struct Row {
  const char* name;
  const char* log;  // a raw string; its first line break is dropped
  const char* title;
  bool corrupted = false;
  const char* report = nullptr;  // the stored report, when the row is about it
};

std::string LogOf(const char* raw) {
  std::string log = raw;
  if (log.starts_with("\n")) log.erase(0, 1);
  return log;
}

const Row kRows[] = {
    // A false positive is a line of its own kind; one that is case-blind ("(?i)warning: ...
    // uses wireless extensions") leaves the others as they are: "XFS (...): WARNING" is
    // upper-case only, so a warning that merely mentions "xfs (loop0): warning" is a report.
    {.name = "false_positive_is_a_header_line_no_more",
     .log = R"(
[   12.000001][ T1] XFS (loop0): WARNING: the mand mount option is deprecated
[   12.000002][ T1] WARNING: CPU: 0 PID: 1 at fs/xfs/xfs_buf.c:10 xfs_buf_x+0x1/0x2
[   12.000003][ T1] RIP: 0010:xfs_buf_x+0x1/0x2
[   12.000004][ T1] Call Trace:
[   12.000005][ T1]  xfs_buf_y+0x1/0x2
[   12.000006][ T1]  xfs_buf_z+0x1/0x2
[   12.000007][ T1]  vfs_write+0x1/0x2
)",
     .title = "WARNING in xfs_buf_x"},
    {.name = "case_blind_false_positive_stays_within_itself",
     .log = R"(
[   12.000002][ T1] WARNING: CPU: 0 PID: 1 at fs/xfs/xfs_buf.c:10 xfs_buf_x+0x1/0x2 xfs (loop0): warning
[   12.000003][ T1] RIP: 0010:xfs_buf_x+0x1/0x2
[   12.000004][ T1] Call Trace:
[   12.000005][ T1]  xfs_buf_y+0x1/0x2
[   12.000006][ T1]  xfs_buf_z+0x1/0x2
[   12.000007][ T1]  vfs_write+0x1/0x2
)",
     .title = "WARNING in xfs_buf_x"},
    {.name = "caller_context_keeps_its_own_lines",
     .log = R"(
[   12.000001][ T4321] BUG: KASAN: use-after-free in sk_psock_drop+0x1/0x2
[   12.000002][ T4321] Read of size 8 at addr ffff888012345678 by task a/4321
[   12.000003][ T1111] Call Trace:
[   12.000004][ T1111]  other_task_frame+0x1/0x2
[   12.000005][ T4321] Call Trace:
[   12.000006][ T4321]  dump_stack+0x1/0x2
[   12.000007][ T4321]  kasan_report+0x1/0x2
[   12.000008][ T4321]  sk_psock_drop+0x1/0x2
[   12.000009][ T4321]  tcp_bpf_close+0x1/0x2
)",
     .title = "KASAN: use-after-free Read in sk_psock_drop"},
    {.name = "questionable_frames_are_not_frames",
     .log = R"(
[   12.000001][ T1] general protection fault, probably for non-canonical address: 0000 [#1]
[   12.000002][ T1] RIP: 0010:memset_orig+0x1/0x2
[   12.000003][ T1] Call Trace:
[   12.000004][ T1]  ? die_addr+0x1/0x2
[   12.000005][ T1]  ? unsure_frame+0x1/0x2
[   12.000006][ T1]  ieee80211_rx+0x1/0x2
[   12.000007][ T1]  ieee80211_tasklet+0x1/0x2
)",
     .title = "general protection fault in ieee80211_rx"},
    {.name = "login_prompt_before_the_prefix",
     .log = R"(
syzkaller login: [   16.305150] BUG: sleeping function called from invalid context at a.c:1
[   16.305151] Call Trace:
[   16.305152]  __might_resched+0x1/0x2
[   16.305153]  tun_build_skb+0x1/0x2
[   16.305154]  tun_chr_write_iter+0x1/0x2
)",
     .title = "BUG: sleeping function called from invalid context in tun_build_skb"},
    {.name = "second_report_ends_the_title_text",
     .log = R"(
[   1.0] WARNING: CPU: 0 PID: 1 at net/a.c:1 xmit_one+0x1/0x2
[   1.1] RIP: 0010:xmit_one+0x1/0x2
[   1.2] BUG: KASAN: use-after-free in other_bug+0x1/0x2
[   1.3] Read of size 8 at addr ffff888012345678 by task a/1
[   1.4] Call Trace:
[   1.5]  a+0x1/0x2
[   1.6]  b+0x1/0x2
)",
     .title = "WARNING in xmit_one"},
    {.name = "second_report_stays_in_a_task_context",
     .log = R"(
[   1.0][ T9] WARNING: CPU: 0 PID: 1 at kernel/locking/lockdep.c:1 x+0x1/0x2
[   1.1][ T9] Modules linked in:
[   1.2][ T9] BUG: Invalid wait context
[   1.3][ T9] Call Trace:
[   1.4][ T9]  __lock_acquire+0x1/0x2
[   1.5][ T9]  hci_power_on+0x1/0x2
[   1.6][ T9]  process_one_work+0x1/0x2
)",
     .title = "WARNING in hci_power_on"},
    {.name = "panic_line_continues_the_report",
     .log = R"(
[   1.0] kernel BUG at fs/f2fs/inode.c:933!
[   1.1] invalid opcode: 0000 [#1] PREEMPT SMP KASAN
[   1.2] RIP: 0010:f2fs_evict_inode+0x1/0x2
[   1.3] Call Trace:
[   1.4]  evict+0x1/0x2
[   1.5]  iput+0x1/0x2
[   1.6] Kernel panic - not syncing: Fatal exception
)",
     .title = "kernel BUG in f2fs_evict_inode"},
    {.name = "message_with_its_own_stack_ends_the_title_text",
     .log = R"(
[   1.0] WARNING: CPU: 0 PID: 1 at mm/x.c:1
[   1.1] FAULT_INJECTION: forcing a failure.
[   1.2] RIP: 0010:should_fail_ex+0x1/0x2
[   1.3] Call Trace:
[   1.4]  a+0x1/0x2
[   1.5]  b+0x1/0x2
)",
     .title = "WARNING: CPU: NUM PID: NUM at mm/x.c:LINE"},
    {.name = "replayed_header_is_no_report",
     .log = R"(
[   1.0] BUG: soft lockup - CPU#0 stuck for 22s!
[   1.0] ** replaying previous printk message **
)",
     .title = ""},
    {.name = "fault_injection_frame_corrupts",
     .log = R"(
[   1.0] BUG: KASAN: slab-out-of-bounds in hfs_bnode_read+0x1/0x2
[   1.1] Read of size 4 at addr ffff888012345678 by task a/1
[   1.2] Call Trace:
[   1.3]  dump_stack+0x1/0x2
[   1.4]  should_failslab.cold+0x1/0x2
[   1.5]  hfs_bnode_read+0x1/0x2
[   1.6]  hfs_brec_find+0x1/0x2
)",
     .title = "KASAN: slab-out-of-bounds Read in hfs_bnode_read",
     .corrupted = true},
    {.name = "stack_keyword_without_frames_corrupts",
     .log = R"(
[   1.0] BUG: KASAN: use-after-free in f+0x1/0x2
[   1.1] Read of size 4 at addr ffff888012345678 by task a/1
[   1.2] Call Trace:
[   1.3] Modules linked in:
[   1.4] CR2: 0000000000000000
[   1.5] ---[ end trace ]---
)",
     .title = "KASAN: use-after-free Read in f",
     .corrupted = true},
    {.name = "timestamp_inside_the_title_corrupts",
     .log = R"(
Kernel panic - not syncing: Out of memory and no killable processes[   33.2] cut
Call Trace:
 dump_stack+0x1/0x2
 panic+0x1/0x2
 out_of_memory+0x1/0x2
)",
     .title = "kernel panic: Out of memory and no killable processes[ NUM.NUM] cut",
     .corrupted = true},
    {.name = "vm_disconnection_corrupts",
     .log = R"(
[   1.0] BUG: workqueue lockup - pool cpus=0 stuck for 38s!
[   2.0] serialport: VM disconnected.
)",
     .title = "BUG: workqueue lockup",
     .corrupted = true},
    {.name = "riscv_register_tail_is_a_stack",
     .log = R"(
Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008
 epc : rds_ib_add_one+0x1/0x2
 status: 0000000000000120 badaddr: 0000000000000008 cause: 000000000000000d
[<ffffffff8123>] rds_ib_add_one+0x1/0x2
[<ffffffff8124>] ib_register_client+0x1/0x2
[<ffffffff8125>] rds_ib_init+0x1/0x2
)",
     .title = "BUG: unable to handle kernel NULL pointer dereference in rds_ib_add_one"},
    {.name = "cpp_frame_demangled",
     .log = R"(
BUG: KASAN: use-after-free in _ZN7android6binder6Parcel7releaseEv+0x1/0x2
Read of size 8 at addr ffff888012345678 by task a/1
Call Trace:
 _ZN7android6binder6Parcel7releaseEv+0x1/0x2
 b+0x1/0x2
 c+0x1/0x2
)",
     .title = "KASAN: use-after-free Read in android::binder::Parcel::release"},
    {.name = "lock_debugging_line_is_dropped",
     .log = R"(
[   1.0] INFO: task a:1 blocked for more than 10 seconds.
[   1.1] Disabling lock debugging due to kernel taint
[   1.2] Call Trace:
[   1.3]  __schedule+0x1/0x2
[   1.4]  p9_fd_close+0x1/0x2
[   1.5]  p9_client_destroy+0x1/0x2
)",
     .title = "INFO: task hung in p9_fd_close",
     .report = "INFO: task a:1 blocked for more than 10 seconds.\nCall Trace:\n"
               " __schedule+0x1/0x2\n p9_fd_close+0x1/0x2\n p9_client_destroy+0x1/0x2\n"},
    {.name = "report_keeps_a_few_lines_before",
     .log = R"(
[   0.9][ T7] unrelated early line
[   1.0][ T8] other task's line
[   1.0][ T7] ==================================================================
[   1.1][ T7] BUG: KFENCE: invalid free in bio_put+0x1/0x2
[   1.2][ T8] other task's line
[   1.3][ T7] Invalid free of 0xffff8c3f2e291fb0 (in kfence-#7):
)",
     .title = "KFENCE: invalid free in bio_put",
     .report = "unrelated early line\n"
               "==================================================================\n"
               "BUG: KFENCE: invalid free in bio_put+0x1/0x2\n"
               "Invalid free of 0xffff8c3f2e291fb0 (in kfence-#7):\n"},
};

class LinuxReportRow : public testing::TestWithParam<Row> {};

TEST_P(LinuxReportRow, FollowsTheRule) {
  const Row& row = GetParam();
  std::string log = LogOf(row.log);
  Report r = Parse(log);
  bool want_crash = *row.title != '\0';
  ASSERT_EQ(r.crashed, want_crash) << r.title;
  if (!want_crash) return;
  EXPECT_EQ(r.title, row.title);
  EXPECT_EQ(r.corrupted, row.corrupted) << r.corrupted_reason;
  if (row.report != nullptr) {
    EXPECT_EQ(r.report, row.report);
  }
  EXPECT_LT(r.start, r.end);
  EXPECT_LE(r.end, log.size());
}

INSTANTIATE_TEST_SUITE_P(All, LinuxReportRow, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(LinuxReport, ReplayedHeaderStillCountsAsACrash) {
  // ContainsCrash does not apply the replay rule (syzbot's does not either).
  EXPECT_TRUE(ContainsCrash("BUG: soft lockup\n** replaying previous printk message **\n"));
}

TEST(LinuxReport, EndIsTheLastHeaderLineAndPanicCoversTheLog) {
  std::string log = LogOf(R"(
[  55.0] WARNING: CPU: 1 PID: 8377 at arch/x86/kvm/x86.c:7209 kvm_arch_vcpu_ioctl_run+0x1/0x2
[  55.1] RIP: 0010:kvm_arch_vcpu_ioctl_run+0x1/0x2
[  55.2] Call Trace:
[  55.3]  kvm_vcpu_ioctl+0x1/0x2
[  55.4]  __x64_sys_ioctl+0x1/0x2
[  55.5]  do_syscall_64+0x1/0x2
[  56.0] Kernel panic - not syncing: panic_on_warn set ...
[  56.1] Kernel Offset: disabled
)");
  Report r = Parse(log);
  EXPECT_EQ(r.title, "WARNING in kvm_arch_vcpu_ioctl_run");
  EXPECT_TRUE(r.panicked);
  EXPECT_EQ(r.start, log.find("[  55.0]"));
  std::string_view last = "[  56.0] Kernel panic - not syncing: panic_on_warn set ...";
  EXPECT_EQ(r.end, log.find(last) + last.size());
}

TEST(LinuxReport, ParsingAgainFromTheFirstLineEndFindsTheNextReport) {
  std::string log = LogOf(R"(
[  1.0] BUG: workqueue lockup - pool cpus=0 stuck for 38s!
[  2.0] unregister_netdevice: waiting for lo to become free. Usage count = 1
)");
  Report first = Parse(log);
  EXPECT_EQ(first.title, "BUG: workqueue lockup");
  Report again = ParseFrom(log, log.find('\n'));
  EXPECT_EQ(again.title, "unregister_netdevice: waiting for DEV to become free");
  EXPECT_EQ(again.start, log.find("[  2.0]"));
  EXPECT_FALSE(ParseFrom(log, again.end).crashed);
}

TEST(LinuxReport, SuppressedWhereverThePatternIs) {
  std::string log = LogOf(R"(
[  1.0] Out of memory: Kill process 1234 (syz-executor) score 0 or sacrifice child
[  2.0] BUG: workqueue lockup - pool cpus=0 stuck for 38s!
)");
  Report r = Parse(log);
  EXPECT_TRUE(r.crashed);
  EXPECT_TRUE(r.suppressed);
  EXPECT_FALSE(Parse("BUG: workqueue lockup - pool\n").suppressed);
}

TEST(LinuxReport, ExecutorFromTheTaskName) {
  std::string log = LogOf(R"(
[  1.0][ T5] BUG: workqueue lockup - pool cpus=0 stuck for 38s!
[  1.1][ T5] CPU: 0 PID: 5599 Comm: syz.2.4572 Not tainted 6.10.0 #20
)");
  Report r = Parse(log);
  ASSERT_TRUE(r.executor.has_value());
  EXPECT_EQ(r.executor->proc, 2);
  EXPECT_EQ(r.executor->id, 4572);
  EXPECT_FALSE(Parse("BUG: workqueue lockup - pool\n").executor.has_value());
}

TEST(LinuxReport, FrameIsWhatTheTitleNames) {
  Report r = Parse(LogOf(R"(
BUG: KFENCE: invalid free in _RNvMs3_NtCs1_11rust_binder7processNtB5_7Process10update_ref+0x1/0x2
)"));
  EXPECT_EQ(r.title, "KFENCE: invalid free in <rust_binder::process::Process>::update_ref");
  EXPECT_EQ(r.frame, "<rust_binder::process::Process>::update_ref");
}

TEST(LinuxReport, TailAfterAPanicFarDownIsDropped) {
  std::string log = "WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\nRIP: 0010:f+0x1/0x2\nCall Trace:\n";
  for (int i = 0; i < 30; ++i) log += " frame" + std::to_string(i) + "+0x1/0x2\n";
  log += "Kernel panic - not syncing: panic_on_warn set ...\nafter the panic\n";
  Report r = Parse(log);
  EXPECT_EQ(r.title, "WARNING in f");
  EXPECT_EQ(r.report.find("Kernel panic"), std::string::npos);
  EXPECT_EQ(r.report.find("after the panic"), std::string::npos);
  EXPECT_EQ(r.end, log.find("\nafter the panic"));
}

TEST(LinuxReport, CpuTracebackKeepsOtherCpusLines) {
  std::string log = LogOf(R"(
[  1.0][    C0] rcu: INFO: rcu_preempt self-detected stall on CPU
[  1.1][    C0] Sending NMI from CPU 0 to CPUs 1:
[  1.2][    C1] NMI backtrace for cpu 1
[  1.3][    C1] Call Trace:
[  1.4][    C1]  apic_timer_interrupt+0x1/0x2
[  1.5][    C1] RIP: 0010:spin_forever+0x1/0x2
[  1.6][    C1]  spin_forever+0x1/0x2
[  1.7][    C1]  bad_ioctl+0x1/0x2
[  1.8][    C1]  vfs_ioctl+0x1/0x2
)");
  Report r = Parse(log);
  EXPECT_EQ(r.title, "INFO: rcu detected stall in bad_ioctl");
  EXPECT_NE(r.report.find("NMI backtrace for cpu 1"), std::string::npos);
}

}  // namespace
}  // namespace culprit::crash
