// Result<T>: the value or the reason it could not be had. Operational errors (missing repo,
// corrupt database, failed spawn) travel in Result; outcomes (crashed, build failed) are data.
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace culprit {

enum class ErrorKind {
  kBadInput,     ///< the question is wrong (a flag, a revision, a file): fix it and ask again
  kNotFound,     ///< something named does not exist
  kIo,           ///< the disk or a file failed (full, unwritable): fix it, then resume
  kCorrupt,      ///< stored data is unusable
  kInfra,        ///< the machine or the test infrastructure failed: resume later
  kInterrupted,  ///< stopped on request (Ctrl-C): resume continues
  kInternal,     ///< a bug in culprit
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  /// Lower-case, names the thing and the fix: "unknown revision 'v9.9' in /src (list tags ...)".
  std::string message;
};

template <class T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using tl::expected<T, Error>::expected;
};

inline tl::unexpected<Error> Fail(ErrorKind kind, std::string message) {
  return tl::unexpected(Error{kind, std::move(message)});
}

/// Prefixes an error's message with context ("reading state: ...").
inline tl::unexpected<Error> Wrap(const Error& error, const std::string& context) {
  return tl::unexpected(Error{error.kind, context + ": " + error.message});
}

}  // namespace culprit
