#!/usr/bin/env bash
# Fuzzes the crash parser with libFuzzer for a bounded time (default 60 s), seeded with the
# kernel log corpus when ../shared/eval is present. Needs clang (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCULPRIT_FUZZ=ON -DCULPRIT_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz --target report_fuzz
mkdir -p build-fuzz/corpus
seeds=()
if [ -d ../shared/eval/syzkaller-linux-report ]; then seeds+=(../shared/eval/syzkaller-linux-report); fi
build-fuzz/src/crash/report_fuzz -max_total_time="$seconds" -max_len=1048576 -timeout=10 \
  -print_final_stats=1 build-fuzz/corpus "${seeds[@]}" 2>&1 | tail -15
