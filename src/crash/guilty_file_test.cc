// The guilty file (§6 of shared/reference/syzbot-title-rules.md), one row per rule.
#include "crash/guilty_file.h"

#include <gtest/gtest.h>

#include <string>

#include "crash/report.h"

namespace culprit::crash {
namespace {

struct Row {
  const char* name;
  const char* title;
  const char* report;
  const char* file;
};

const Row kRows[] = {
    {"first_file_not_generic", "",
     " dump_stack+0x1/0x2 lib/dump_stack.c:106\n kasan_report+0x1/0x2 mm/kasan/report.c:588\n"
     " comm_write+0x57/0xb1 fs/proc/base.c:1720\n vfs_write+0x1/0x2 fs/read_write.c:582\n",
     "fs/proc/base.c"},
    {"headers_never_guilty", "",
     " list_add include/linux/list.h:12 [inline]\n tipc_add+0x1/0x2 net/tipc/node.c:7\n",
     "net/tipc/node.c"},
    {"lockdep_lock_lines_ignored", "",
     " #0: ffff8880 (&sb->s_umount){+.+.}-{3:3}, at: deactivate_super fs/super.c:1\n"
     "  ntfs_put_super+0x1/0x2 fs/ntfs/super.c:2\n",
     "fs/ntfs/super.c"},
    {"deeper_file_of_the_same_subtree", "",
     " a+0x1/0x2 net/core/filter.c:1\n b+0x1/0x2 net/core/sub/deep.c:2\n c+0x1/0x2 "
     "net/ipv4/x.c:3\n",
     "net/core/sub/deep.c"},
    {"paths_are_cleaned", "", " irqfd+0x1/0x2 arch/x86/kvm/../../../virt/kvm/eventfd.c:12\n",
     "virt/kvm/eventfd.c"},
    {"only_generic_files_give_the_first", "",
     " a+0x1/0x2 lib/./string.c:1\n b+0x1/0x2 mm/slub.c:2\n", "lib/./string.c"},
    {"rcu_stall_starts_at_the_interrupt", "INFO: rcu detected stall in f",
     " rcu_sched_clock_irq+0x1/0x2 kernel/time/tick-sched.c:1\n"
     " apic_timer_interrupt+0x1/0x2 arch/x86/entry/entry_64.S:1\n"
     " spin+0x1/0x2 drivers/net/tun.c:5\n",
     "drivers/net/tun.c"},
    {"no_files", "", "no frames with files here\n", ""},
};

class GuiltyRow : public testing::TestWithParam<Row> {};

TEST_P(GuiltyRow, PicksTheFile) {
  EXPECT_EQ(GuiltyFileForTitle(GetParam().title, GetParam().report), GetParam().file);
}

INSTANTIATE_TEST_SUITE_P(All, GuiltyRow, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(GuiltyFile, WithoutTitleIsTheGenericRule) {
  EXPECT_EQ(GuiltyFile(" a+0x1/0x2 kernel/time/tick-sched.c:1\n b+0x1/0x2 drivers/x.c:2\n"),
            "kernel/time/tick-sched.c");
}

}  // namespace
}  // namespace culprit::crash
