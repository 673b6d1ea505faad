// Private to crash/: which kernel stack frames name a bug. Generic frames (sanitizer internals,
// dump_stack, panic/warn, allocators, locking, string and copy helpers, printk, workqueue
// plumbing) are skipped; syscall entry prefixes are stripped; stalls and hangs look deeper.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace culprit::crash {

/// The generic skip list as one regex alternation (syzkaller's linuxStackParams.skipPatterns).
const std::vector<std::string_view>& GenericFrameSkips();

/// The spellings of a frame with syscall prefixes removed: [0] is the name used in titles (the
/// longest prefix stripped), the rest are the original and partly stripped spellings (alt titles).
std::vector<std::string> FrameSpellings(std::string_view frame);

/// A frame chosen for a title; `bucket` replaces it when several frames are one bug
/// (smp_call_function_many -> smp_call_function), and the original then names an alt title.
struct ChosenFrame {
  std::string frame;
  std::string bucket;
  const std::string& name() const { return bucket.empty() ? frame : bucket; }
};

/// RCU stalls and soft lockups: the frame just above the first dispatcher or syscall anchor.
/// Returns an empty frame if there is no anchor.
ChosenFrame StallFrame(const std::vector<std::string>& frames);

/// Task hangs: rtnl_lock / synchronize_rcu buckets, else the first frame not about scheduling,
/// locking or waiting. Returns an empty frame if every frame is of that kind.
ChosenFrame HangFrame(const std::vector<std::string>& frames);

/// The path a Rust v0 symbol (`_R...`) names, e.g.
/// `_RNvMs3_NtCs1_11rust_binder7processNtB5_7Process10update_ref` ->
/// `<rust_binder::process::Process>::update_ref` (crate hashes dropped). Returns `symbol`
/// unchanged if it is not a v0 symbol or uses a form not handled here (generics, punycode).
std::string DemangleRust(std::string_view symbol);

}  // namespace culprit::crash
