// Starting the child: everything between "options" and "a running process in its own session".
// Private to process/; subprocess.cc supervises what this starts.
#pragma once

#include <sys/types.h>

#include "base/result.h"
#include "process/subprocess.h"

namespace culprit::process {

struct Spawned {
  pid_t pid = -1;  ///< also the process group id (the child called setsid)
  bool network_isolated = false;
};

/// Forks and execs the child of `options` with `output_fd` as its stdout and stderr. Returns
/// once the child has exec'd (so its session exists), or an Error if it could not get there.
Result<Spawned> Spawn(const SubprocessOptions& options, int output_fd);

}  // namespace culprit::process
