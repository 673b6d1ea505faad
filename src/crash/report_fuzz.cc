// libFuzzer target: Parse, ContainsCrash and the streaming Scanner must agree and never crash,
// hang or blow up on any input. Build with -DCULPRIT_FUZZ=ON (clang).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crash/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view log(reinterpret_cast<const char*>(data), size);
  culprit::crash::Report r = culprit::crash::Parse(log);
  // A crash Parse finds, ContainsCrash finds. Not the converse: as syzbot's, ContainsCrash does
  // not apply the replay rule, so a log whose only header is a replayed one is "contains a
  // crash" and parses to none.
  if (r.crashed && !culprit::crash::ContainsCrash(log)) __builtin_trap();
  if (r.crashed && (r.start >= r.end || r.end > size || r.title.size() > 120)) __builtin_trap();
  culprit::crash::Scanner scanner;
  for (size_t at = 0; at < size; at += 4096) scanner.Feed(log.substr(at, 4096));
  // Streaming agrees with Parse, whatever part of the stream the Scanner no longer holds.
  culprit::crash::Report streamed = scanner.Finish();
  if (streamed.crashed != r.crashed) __builtin_trap();
  if (r.crashed && (streamed.title != r.title || streamed.start != r.start)) __builtin_trap();
  return 0;
}
