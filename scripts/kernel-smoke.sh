#!/usr/bin/env bash
# kernel-smoke.sh [BUILD_DIR]: the real kernel path end to end, run by hand (minutes, needs the
# --kernel packages of install-deps.sh; not part of ctest). Makes the demo history
# (make-kernel-history.sh) in a temp dir, then with kernel_smoke builds and boots the commit
# before the planted bug and the planted commit itself, printing each stage and the timings.
# BUILD_DIR is culprit's CMake build directory (default /work/build-kbuild).
# Set KEEP=1 to keep the temp dir; CCACHE_DIR is honoured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-/work/build-kbuild}
smoke=$build/src/run/kernel_smoke
cmake --build "$build" --target kernel_smoke >/dev/null
tmp=$(mktemp -d /tmp/culprit-kernel-e2e-XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
since() { printf '%.1f' "$(echo "$(now) - $1" | bc)"; }

t=$(now)
"$here/make-kernel-history.sh" "$tmp/linux" | tee "$tmp/history.txt"
echo "e2e: history in $(since "$t") s"
planted=$(sed -n 's/^planted: //p' "$tmp/history.txt")

cat >"$tmp/repro.sh" <<'REPRO'
#!/bin/sh
# A task name written without a trailing newline.
printf culprit > /proc/self/comm
cat /proc/self/comm
REPRO
chmod +x "$tmp/repro.sh"

# One object directory for both commits: the second build is incremental, as in a bisection.
step() {  # step LABEL COMMIT
  local t
  git -C "$tmp/linux" checkout -q "$2"
  t=$(now)
  echo "e2e: testing commit $2 ($1)"
  "$smoke" --source "$tmp/linux" --config "$tmp/kernel.config" --build-dir "$tmp/obj" \
    --out "$tmp/out-$1" --reproducer "$tmp/repro.sh" | sed 's/^/  /'
  echo "e2e: $1 done in $(since "$t") s"
}
step before-bug "$planted~1"
step planted "$planted"
[ "${KEEP:-0}" = 1 ] && echo "e2e: kept $tmp"
