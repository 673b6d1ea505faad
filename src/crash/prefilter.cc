#include "crash/prefilter.h"

#include <vector>

#include "crash/log_facts.h"
#include "crash/needle_set.h"
#include "crash/oops_table.h"
#include "crash/sanitizers.h"

namespace culprit::crash {
namespace {

std::vector<std::string_view> KernelHeaders() {
  std::vector<std::string_view> headers;
  for (const OopsFamily& f : OopsFamilies()) headers.push_back(f.header);
  return headers;
}

}  // namespace

const NeedleSet& CrashNeedles() {
  static const NeedleSet* needles = [] {
    std::vector<std::string_view> all = KernelHeaders();
    for (std::string_view m : UserSpaceMarkers()) all.push_back(m);
    for (std::string_view m : LogFactNeedles()) all.push_back(m);
    return new NeedleSet(std::move(all));
  }();
  return *needles;
}

const NeedleSet& ReportNeedles() {
  static const NeedleSet* needles = [] {
    std::vector<std::string_view> all = KernelHeaders();
    for (std::string_view m : InfoMessagesWithStack()) all.push_back(m);
    for (std::string_view m : ReportClosers()) all.push_back(m);
    all.push_back(kLockDebuggingOff);
    all.push_back(kAllCpuBacktrace);
    for (std::string_view m : LogFactNeedles()) all.push_back(m);
    return new NeedleSet(std::move(all));
  }();
  return *needles;
}

size_t NextCrashCandidate(std::string_view log, size_t from) {
  return CrashNeedles().Find(log, from).pos;
}

size_t NextReportCandidate(std::string_view log, size_t from) {
  return ReportNeedles().Find(log, from).pos;
}

}  // namespace culprit::crash
