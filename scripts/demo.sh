#!/usr/bin/env bash
# Builds culprit and runs `culprit demo` (extra arguments are passed on).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target culprit
exec build/src/cli/culprit demo "$@"
