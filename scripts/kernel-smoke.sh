#!/usr/bin/env bash
# kernel-smoke.sh [BUILD_DIR]: the real kernel path end to end, run by hand (minutes, needs the
# --kernel packages of install-deps.sh; not part of ctest). Makes the demo history
# (make-kernel-history.sh) in a temp dir, then with `culprit kernel test` builds and boots the
# commit before the planted bug and the planted commit itself, printing each stage and the
# timings. BUILD_DIR is culprit's CMake build directory (default build/).
# Set KEEP=1 to keep the temp dir; CCACHE_DIR is honoured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
cmake --build "$build" --target culprit >/dev/null
culprit=$build/src/cli/culprit
tmp=$(mktemp -d /tmp/culprit-kernel-smoke-XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
since() { printf '%.1f' "$(echo "$(now) - $1" | bc)"; }

t=$(now)
"$here/make-kernel-history.sh" "$tmp/linux" | tee "$tmp/history.txt"
echo "smoke: history in $(since "$t") s"
planted=$(sed -n 's/^planted: //p' "$tmp/history.txt")

cat >"$tmp/repro.sh" <<'REPRO'
#!/bin/sh
# A task name written without a trailing newline.
printf culprit > /proc/self/comm
cat /proc/self/comm
REPRO
chmod +x "$tmp/repro.sh"
cat >"$tmp/job.toml" <<JOB
repo = "$tmp/linux"
bad = "HEAD"
runs = 2
state = "$tmp/state"
[kernel]
config = "$tmp/kernel.config"
reproducer = "$tmp/repro.sh"
JOB

# One state directory for both commits: the second build is incremental, as in a bisection.
step() {  # step LABEL COMMIT
  local t
  t=$(now)
  echo "smoke: testing commit $2 ($1)"
  "$culprit" kernel test "$tmp/job.toml" --commit "$2" | sed 's/^/  /'
  echo "smoke: $1 done in $(since "$t") s"
}
step before-bug "$planted~1"
step planted "$planted"
[ "${KEEP:-0}" = 1 ] && echo "smoke: kept $tmp"
