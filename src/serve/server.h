// `culprit serve`: the dashboard over HTTP (cpp-httplib), read-only: GET and HEAD only, the
// database opened read-only, files served only from the state directory.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>

#include "base/result.h"

namespace culprit::serve {

struct ServeOptions {
  std::filesystem::path state_dir;
  std::string listen = "127.0.0.1:8080";  ///< HOST:PORT; port 0 picks a free one
};

/// "HOST:PORT" or "[V6]:PORT" or "PORT" (loopback) -> host and port; kBadInput naming --listen.
Result<std::pair<std::string, int>> ParseListen(const std::string& listen);

/// Serves until SIGINT or SIGTERM. Prints "serving DIR at http://HOST:PORT/" to `out` once
/// listening (a warning first when HOST is not a loopback address). Errors: a state directory
/// without culprit.db (kNotFound), an address that cannot be bound (kIo).
Result<void> Serve(const ServeOptions& options, std::ostream& out);

}  // namespace culprit::serve
