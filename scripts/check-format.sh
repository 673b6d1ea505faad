#!/usr/bin/env bash
# Fails if any C++ file differs from what clang-format (the repo's .clang-format) would write.
set -euo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root"
if ! command -v clang-format >/dev/null; then
  echo "check-format: clang-format is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
find src tests bench -name '*.cc' -o -name '*.h' | sort | xargs clang-format --dry-run -Werror
echo "check-format: ok"
