#!/usr/bin/env bash
# The real kernel bisection, end to end: `culprit demo --kernel` makes a scratch history on
# Debian's linux-source-6.1 with a planted NULL dereference, builds tiny kernels per commit,
# boots them under QEMU and must name the planted commit, with a symbolized report, the
# disassembly of the Code: line and recipients from the MAINTAINERS entry the history adds.
# Then the same with KASAN kernels. Needs scripts/install-deps.sh --kernel.
# Usage: scripts/kernel-e2e.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d /tmp/culprit-kernel-e2e.XXXXXX)}
mkdir -p "$work"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target culprit
fail=0

bisect() {  # bisect NAME TITLE_REGEX [DEMO FLAGS...]
  local name=$1 title=$2 log="$work/$1.log" start
  shift 2
  start=$(date +%s)
  ccache -z >/dev/null 2>&1 || true
  if ! build/src/cli/culprit demo --kernel "$@" --dir "$work/$name" >"$log" 2>&1; then
    tail -60 "$log"
    echo "kernel-e2e: FAILED: $name: culprit did not find the planted commit (log: $log)"
    fail=1
    return
  fi
  cat "$log"
  check() {  # check DESCRIPTION PATTERN
    if grep -qE -- "$2" "$log"; then echo "kernel-e2e: $name: ok: $1"; else
      echo "kernel-e2e: $name: FAILED: $1 (no match for '$2')"; fail=1; fi
  }
  check "the planted commit is named" "demo: culprit found the planted commit"
  check "the crash title" "^crash: $title"
  check "a symbolized RIP" "^RIP: 0010:comm_write\+0x[0-9a-f]+/0x[0-9a-f]+ fs/proc/base.c:[0-9]+"
  check "inlined frames" "\[inline\]"
  check "the disassembly" "<-- trapping instruction"
  check "recipients from MAINTAINERS" "^recipients \(to\): .*linux-fsdevel@vger.kernel.org"
  check "compiler line" "^compiler: gcc"
  check "kernel signature" "^kernel signature: [0-9a-f]{64}"
  check "a prior from the symbolized stack" "^prior: [0-9]+ of [0-9]+ commits touch the crash's stack files \(.*fs/proc/base.c"
  check "an HTML and an e-mail report" "^report: .*/reports/job-[0-9]+\.html, e-mail: .*\.eml"
  echo "kernel-e2e: $name: wall time $(( $(date +%s) - start )) s"
  grep -E "^(revisions tested|builds:)" "$log" | sed "s/^/kernel-e2e: $name: /"
  ccache -s 2>/dev/null | grep -iE "^ *(hits|misses):" | sed "s/^ */kernel-e2e: $name: ccache: /" || true
}

bisect tiny "BUG: unable to handle kernel NULL pointer dereference in comm_write"
bisect kasan "general protection fault in comm_write" --kasan
exit $fail
