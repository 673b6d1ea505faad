// The ssh side of a VM booted from a disk image (run/qemu_runner.h, VmRunSpec::disk_image):
// waits for the guest's sshd, copies the reproducer in and runs it with the stage markers
// written to the console, as syzbot runs its reproducers. Private to run/.
#pragma once

#include <chrono>
#include <stop_token>
#include <string>

#include "run/qemu_runner.h"

namespace culprit::run {

/// A loopback TCP port that was free a moment ago (0 if none could be found).
int FreeLoopbackPort();

/// Waits until ssh to the VM of `spec` answers (at most until `deadline`), installs
/// spec.reproducer as /repro and runs it, its output and the markers going to the console.
/// Returns false, with `error` set, when sshd never answered or the copy failed; true once
/// the reproducer ran (whatever it did). A stop request ends it at once.
bool RunReproducerOverSsh(const VmRunSpec& spec, std::chrono::steady_clock::time_point deadline,
                          std::stop_token stop, std::string* error);

}  // namespace culprit::run
