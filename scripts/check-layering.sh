#!/usr/bin/env bash
# Checks that every #include "module/..." in src/ follows the table in docs/ARCHITECTURE.md.
# Header-only edges slip past the linker, so this grep is the second line of defence.
set -euo pipefail
root=${1:-$(dirname "$0")/..}
declare -A allowed=(
  [base]="base"
  [decide]="base decide"
  [crash]="base crash"
  [history]="base history"
  [process]="base process"
  [build]="base process build"
  [run]="base process run"
  [store]="base decide store"
  [report]="base decide crash history report"
  [sim]="base decide sim"
  [audit]="base decide crash audit"
  [symbolize]="base symbolize"
  [slurm]="base process build run slurm"
  [demo]="base process demo"
  [job]="base decide crash history process build run store report symbolize slurm job"
  [serve]="base decide crash history store report serve"
  [cli]="base decide crash history process build run store report symbolize slurm job sim demo audit serve cli"
)
status=0
for dir in "$root"/src/*/; do
  module=$(basename "$dir")
  ok=${allowed[$module]:-}
  if [ -z "$ok" ]; then echo "layering: src/$module is not in the table"; status=1; continue; fi
  while IFS= read -r line; do
    file=${line%%:*}
    dep=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$line")
    case "$file" in *_test.cc|*/fake_*.h|*/fake_*.cc|*_fuzz.cc) continue ;; esac
    if [[ " $ok " != *" $dep "* ]]; then
      echo "layering: $file includes $dep/ (src/$module may use: $ok)"
      status=1
    fi
  done < <(grep -rHE '#include "[a-z_]+/' "$dir" || true)
done
[ $status -eq 0 ] && echo "layering: ok"
exit $status
