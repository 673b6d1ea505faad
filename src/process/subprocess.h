// Runs one child process bounded and contained: its own process group (session), led by a small
// guard that takes the group down if culprit dies, a timeout that takes the whole group down,
// combined output written to a log with a byte cap, resource limits and an optional private
// network namespace. Says what happened; interpreting it is left to
// build/ and run/. Safe to call from several threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "base/result.h"

namespace culprit::process {

struct SubprocessOptions {
  /// Run with `/bin/sh -c`. Exactly one of `command` and `argv` is set.
  std::string command;
  /// Executed directly; argv[0] without a '/' is looked up in PATH.
  std::vector<std::string> argv;
  std::filesystem::path cwd;  ///< empty: inherit culprit's
  /// Added to (or overriding) culprit's environment, which is read at the call: do not setenv
  /// in other threads meanwhile.
  std::map<std::string, std::string> env;
  std::filesystem::path log_path;  ///< stdout+stderr, truncated first; required
  uint64_t max_output_bytes = 0;   ///< 0: no cap
  /// Once this many times `max_output_bytes` has been produced, the group is killed (flood);
  /// 0: never.
  uint64_t flood_kill_factor = 4;
  std::chrono::duration<double> timeout{0};     ///< 0: none
  std::chrono::duration<double> kill_grace{2};  ///< SIGTERM to SIGKILL at the timeout
  uint64_t max_memory_bytes = 0;                ///< RLIMIT_AS; 0: inherit
  uint64_t max_file_bytes = 0;                  ///< RLIMIT_FSIZE; 0: inherit
  /// RLIMIT_NPROC; 0: inherit. Counts all processes of the real user (and root ignores it),
  /// so it is off by default.
  uint64_t max_processes = 0;
  /// A private network namespace (only loopback, down): plain unshare as root, else inside a
  /// new user namespace; when neither is permitted the child runs unisolated (see the record).
  bool isolate_network = false;
  /// A stop request kills the whole group at once (the record says `cancelled`): work the
  /// caller no longer wants, or culprit shutting down.
  std::stop_token stop;
};

struct SubprocessRecord {
  int exit_code = -1;             ///< -1 when killed by a signal
  int signal = 0;                 ///< the terminating signal of the child, 0 if it exited
  bool timed_out = false;         ///< the group was killed at the timeout
  bool output_truncated = false;  ///< output went past `max_output_bytes`; the log holds the cap
  bool output_flooded = false;    ///< the group was killed for producing too much output
  bool network_isolated = false;  ///< ran in a private network namespace
  bool cancelled = false;         ///< killed on a stop request
  uint64_t output_bytes = 0;      ///< produced, including what was not logged
  std::chrono::duration<double> duration{0};
};

/// Runs the child to its end and kills whatever remains of its process group (processes that
/// leave the group with setsid escape; only a PID namespace or cgroup would catch them).
/// The child gets stdin from /dev/null, no file descriptors but 0-2, default signal handling,
/// RLIMIT_CORE 0. Crashes, timeouts and floods are data in the record; an Error means culprit
/// could not run it: bad options, missing cwd, log not writable, pipe/fork/exec failed, or the
/// log could not be written (the group is killed first).
Result<SubprocessRecord> RunSubprocess(const SubprocessOptions& options);

}  // namespace culprit::process
