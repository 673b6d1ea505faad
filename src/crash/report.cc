#include "crash/report.h"

#include <algorithm>

#include "crash/find_crash.h"
#include "crash/lines.h"
#include "crash/linux_report.h"
#include "crash/needle_set.h"
#include "crash/sanitizers.h"

namespace culprit::crash {

FirstCrash FindFirstCrash(std::string_view log, size_t from) {
  // One pass over the log for every header, kernel and user space (see needle_set.h).
  static const auto* needles = [] {
    std::vector<std::string_view> all = LinuxOopsHeaders();
    for (std::string_view m : UserSpaceMarkers()) all.push_back(m);
    return new NeedleSet(std::move(all));
  }();
  while (from < log.size()) {
    NeedleSet::Hit hit = needles->Find(log, from);
    if (hit.pos == std::string_view::npos) break;
    Line line = LineAt(log, hit.pos);
    // A user-space report on a line with a kernel header ("WARNING: ThreadSanitizer: ...") is
    // the user-space one.
    if (IsUserSpaceHeaderLine(log, line.pos)) return {line.pos, /*user_space=*/true};
    if (IsLinuxOopsLine(log, line.pos)) return {line.pos, /*user_space=*/false};
    from = PastLine(log, line.end());
  }
  return {};
}

Report Parse(std::string_view log) {
  FirstCrash first = FindFirstCrash(log, 0);
  Report r;
  if (first.pos != std::string_view::npos)
    r = first.user_space ? ParseUserSpace(log, first.pos) : ParseLinuxOops(log, first.pos);
  r.panicked = LinuxPanicked(log);
  return r;
}

bool ContainsCrash(std::string_view log) {
  return FindFirstCrash(log, 0).pos != std::string_view::npos;
}

bool SameCrash(const Report& a, const Report& b) {
  if (!a.crashed || !b.crashed) return false;
  if (a.title == b.title) return true;
  auto contains = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  if (contains(b.alt_titles, a.title) || contains(a.alt_titles, b.title)) return true;
  return std::any_of(a.alt_titles.begin(), a.alt_titles.end(),
                     [&](const std::string& t) { return contains(b.alt_titles, t); });
}

}  // namespace culprit::crash
