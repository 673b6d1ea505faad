// Private to crash/: the name lists that decide which kernel frame a title names (data, §3, §4
// and §11.2 of shared/reference/syzbot-title-rules.md). Entries use the name-list notation of
// pattern.h.
#pragma once

#include <string_view>
#include <vector>

namespace culprit::crash {

/// Frames that are never the bug: sanitizer and reporting internals, allocators, locking,
/// atomics, string and copy helpers, lists, printing, timers and work queues, device teardown,
/// USB plumbing, ... (§3). A format adds its own on top.
const std::vector<std::string_view>& GlobalFrameSkips();

/// Dispatchers and syscall entries: a stall is named by the frame just above the first of these
/// (§4.1). Matched against canonical names (syscall prefixes stripped).
const std::vector<std::string_view>& StallAnchors();

/// Task hangs: frames holding one of these are grouped under one title (§4.2).
const std::vector<std::string_view>& HangBuckets();

/// Task hangs: substrings of frames that wait rather than cause the wait (§4.2).
const std::vector<std::string_view>& HangWaitingFrames();

/// Syscall entry prefixes, in the order alt titles are made from them (§11.2).
const std::vector<std::string_view>& SyscallPrefixes();

}  // namespace culprit::crash
