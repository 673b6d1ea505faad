// Starting the child: everything between "options" and "a running process in its own session".
// Private to process/; subprocess.cc supervises what this starts.
#pragma once

#include <sys/types.h>

#include "base/result.h"
#include "process/subprocess.h"

namespace culprit::process {

struct Spawned {
  pid_t pid = -1;  ///< the guard's: the group id, and it exits the way the command did
  bool network_isolated = false;
  bool loopback_up = false;
};

/// Forks a guard that leads a new session and forks and execs the command of `options`, with
/// `output_fd` as its stdout and stderr. Returns once the command has exec'd, or an Error if it
/// could not get there.
Result<Spawned> Spawn(const SubprocessOptions& options, int output_fd);

}  // namespace culprit::process
