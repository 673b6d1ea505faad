// syzbot's per-commit verdict rule (syzkaller pkg/bisect bisectionDecision), as a pure function
// of run counts so it can be tested by table.
#pragma once

namespace culprit::decide {

struct RunCounts {
  int total = 0;    ///< all runs
  int crashes = 0;  ///< any crash, target or other (syzbot does not tell them apart)
  int ok = 0;
  int infra = 0;
};

enum class SyzbotVerdict { kGood, kBad, kSkip, kAbort };

/// good: no crash and ok >= total/2 (3/4 once the bug is known flaky); bad: crashes >=
/// max(2, (total - infra)/6) and crashes + ok >= total/2; abort: infra errors outnumber the other
/// failed runs; skip otherwise.
SyzbotVerdict DecideSyzbotVerdict(const RunCounts& runs, bool flaky);

}  // namespace culprit::decide
