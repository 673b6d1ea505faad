// Commit message trailers (Signed-off-by, Reviewed-by, Link, ...), found by libgit2's port of
// `git interpret-trailers`: the last paragraph counts when all its lines are `Key: value`, or
// at least a quarter are and one is a git-generated key such as Signed-off-by.
#include <string>

#include "history/git_internal.h"
#include "history/history.h"

namespace culprit::history {

std::vector<Trailer> ParseTrailers(std::string_view message) {
  EnsureLibgit2();
  std::vector<Trailer> trailers;
  std::string text(message);  // libgit2 wants a NUL-terminated string
  git_message_trailer_array array = {nullptr, 0, nullptr};
  if (git_message_trailers(&array, text.c_str()) < 0) return trailers;
  for (size_t i = 0; i < array.count; ++i)
    trailers.push_back({.key = array.trailers[i].key, .value = array.trailers[i].value});
  git_message_trailer_array_free(&array);
  return trailers;
}

}  // namespace culprit::history
