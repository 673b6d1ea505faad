// Frame rules on their own (§1.7, §4, §11 of shared/reference/syzbot-title-rules.md): steps and
// stack sections, the skip list, the choosers, syscall prefixes and demangling.
#include "crash/frame_extract.h"

#include <gtest/gtest.h>

#include <string>

#include "crash/demangle.h"

namespace culprit::crash {
namespace {

struct Row {
  const char* name;
  FrameRule rule;
  const char* text;
  const char* canonical;      // the first frame
  const char* raw = nullptr;  // if it differs
  bool failed = false;
};

const Row kRows[] = {
    {.name = "first_unskipped_frame",
     .rule = {.steps = {kCallTraceLine, kStackSection}},
     .text = "x\nCall Trace:\n dump_stack+0x1/0x2\n kmalloc_trace+0x1/0x2\n tcf_add+0x1/0x2\n",
     .canonical = "tcf_add"},
    {.name = "fault_line_function_comes_first",
     .rule = {.steps = {kFaultLine, kCallTraceLine, kStackSection}},
     .text = "RIP: 0010:nft_do_chain+0x1/0x2\nCall Trace:\n nf_hook_slow+0x1/0x2\n",
     .canonical = "nft_do_chain"},
    {.name = "user_space_fault_line_names_nothing",
     .rule = {.steps = {kFaultLine, kCallTraceLine, kStackSection}},
     .text = "RIP: 0033:0x7f1234\nCall Trace:\n ksys_read+0x1/0x2\n",
     .canonical = "read",
     .raw = "ksys_read"},
    {.name = "no_fault_line_consumes_everything",
     .rule = {.steps = {kFaultLine, kCallTraceLine, kStackSection}},
     .text = "Call Trace:\n a+0x1/0x2\n",
     .canonical = "corrupted",
     .failed = true},
    {.name = "fallback_steps_after_failure",
     .rule = {.steps = {kFaultLine, kStackSection}, .fallback = {kCallTraceLine, kStackSection}},
     .text = "RIP: 0010:memcpy_orig+0x1/0x2\nCall Trace:\n memcpy_orig+0x1/0x2\n bt_recv+0x1/0x2\n",
     .canonical = "bt_recv"},
    {.name = "stack_start_ends_a_section",
     .rule = {.steps = {kStackSection}},
     .text = "header\n kfree+0x1/0x2\nFreed by task 1:\n later_frame+0x1/0x2\n",
     .canonical = "corrupted",
     .failed = true},
    {.name = "questionable_frames_do_not_match",
     .rule = {.steps = {kStackSection}},
     .text = "h\n ? unsure+0x1/0x2\n [<ffffffff81000000>] sure+0x1/0x2\n",
     .canonical = "sure"},
    {.name = "fault_injection_frame_fails_but_keeps_frames",
     .rule = {.steps = {kStackSection}},
     .text = "h\n good+0x1/0x2\n should_failslab+0x1/0x2\n other+0x1/0x2\n",
     .canonical = "good",
     .failed = true},
    {.name = "extra_skips_are_anchored_as_written",
     .rule = {.steps = {kStackSection}, .skip = {"skb_*"}},
     .text = "h\n skb_put+0x1/0x2\n my_skb_helper+0x1/0x2\n",
     .canonical = "my_skb_helper"},
    {.name = "stall_frame_above_the_anchor",
     .rule = {.steps = {kStackSection}, .chooser = FrameChooser::kStall},
     .text = "h\n loop+0x1/0x2\n nbd_ioctl+0x1/0x2\n blkdev_ioctl+0x1/0x2\n",
     .canonical = "nbd_ioctl"},
    {.name = "stall_anchor_first_names_itself",
     .rule = {.steps = {kStackSection}, .chooser = FrameChooser::kStall},
     .text = "h\n __do_sys_sendfile64+0x1/0x2\n do_syscall_64+0x1/0x2\n",
     .canonical = "sendfile64",
     .raw = "__do_sys_sendfile64"},
    {.name = "stall_without_anchor",
     .rule = {.steps = {kStackSection}, .chooser = FrameChooser::kStall},
     .text = "h\n a+0x1/0x2\n b+0x1/0x2\n",
     .canonical = "corrupted",
     .failed = true},
    {.name = "hang_first_frame_not_waiting",
     .rule = {.steps = {kStackSection}, .chooser = FrameChooser::kHang},
     .text = "h\n __schedule+0x1/0x2\n rwsem_down_read_slowpath+0x1/0x2\n filemap_fault+0x1/0x2\n",
     .canonical = "filemap_fault"},
    {.name = "hang_rtnl_bucket_keeps_its_name",
     .rule = {.steps = {kStackSection}, .chooser = FrameChooser::kHang},
     .text = "h\n __schedule+0x1/0x2\n rtnl_lock_killable+0x1/0x2\n dev_ioctl+0x1/0x2\n",
     .canonical = "rtnl_lock_killable"},
    {.name = "arm32_frames_both_names",
     .rule = {.steps = {kStackSection}},
     .text = "h\n[<c0123456>] (memcpy) from [<c0123457>] (xdr_encode+0x1/0x2)\n",
     .canonical = "xdr_encode"},
};

class FrameRow : public testing::TestWithParam<Row> {};

TEST_P(FrameRow, ChoosesTheFrame) {
  const Row& row = GetParam();
  CompiledFrameRule rule(row.rule);
  ASSERT_TRUE(rule.Errors().empty());
  FrameResult r = rule.Extract(row.text);
  ASSERT_FALSE(r.frames.empty());
  EXPECT_EQ(r.frames[0].canonical, row.canonical);
  EXPECT_EQ(r.frames[0].raw, row.raw != nullptr ? row.raw : row.canonical);
  EXPECT_EQ(r.failed, row.failed);
}

INSTANTIATE_TEST_SUITE_P(All, FrameRow, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CanonicalFrame, ShortestSingleStrip) {
  EXPECT_EQ(CanonicalFrame("__do_sys_foo"), "foo");
  EXPECT_EQ(CanonicalFrame("__se_sys_foo"), "foo");
  EXPECT_EQ(CanonicalFrame("SyS_foo"), "foo");
  EXPECT_EQ(CanonicalFrame("ksys_ioctl"), "ioctl");
  EXPECT_EQ(CanonicalFrame("____sys_sendmsg"), "sendmsg");
  EXPECT_EQ(CanonicalFrame("__x64_sys_foo"), "sys_foo");
  EXPECT_EQ(CanonicalFrame("__arm64_sys_foo"), "sys_foo");
  EXPECT_EQ(CanonicalFrame("tcp_sendmsg"), "tcp_sendmsg");
}

TEST(Demangle, CxxWithoutParametersOrReturnType) {
  EXPECT_EQ(DemangleSymbol("_ZN3foo3barEv"), "foo::bar");
  EXPECT_EQ(DemangleSymbol("_Z3fooIiEvT_"), "foo<int>");
  EXPECT_EQ(DemangleSymbol("_ZNK3Foo3getEv"), "Foo::get");
  EXPECT_EQ(DemangleSymbol("_ZN3FoonwEm"), "Foo::operator new");
  EXPECT_EQ(DemangleSymbol("_ZZ4mainENKUlvE_clEv"), "main::{lambda()#1}::operator()");
  EXPECT_EQ(DemangleSymbol("_ZNSt6vectorIiSaIiEE9push_backERKi"),
            "std::vector<int, std::allocator<int> >::push_back");
}

TEST(Demangle, RustLegacyAndV0) {
  EXPECT_EQ(DemangleSymbol("_ZN4core9panicking5panic17h0123456789abcdefE"),
            "core::panicking::panic");
  EXPECT_EQ(
      DemangleSymbol("_RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref"),
      "<rust_binder::process::Process>::update_ref");
  EXPECT_EQ(DemangleSymbol("_RNvXs1_CscPPBqWtAqum_11ashmem_rustNtB5_6AshmemNtNtCs43vyB533jt3_"
                           "6kernel10miscdevice10MiscDevice4mmap"),
            "<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap");
  EXPECT_EQ(DemangleSymbol("_RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind"),
            "__rustc::rust_begin_unwind");
}

TEST(Demangle, AnythingElseUnchanged) {
  for (const char* s : {"do_sys_open", "_RNvB0_3foo", "_RNv", "_Z", "_ZZZZ", "__x64_sys_read"})
    EXPECT_EQ(DemangleSymbol(s), s);
}

}  // namespace
}  // namespace culprit::crash
