#!/bin/bash
# Wall time of real bisections, end to end through culprit's job loop (worktrees, builds, runs,
# the store), against syzbot's strategy on the same machine: the real-pipeline twin of
# `culprit simulate --vms V --builders M`. A linear history of N commits whose planted commit
# makes a test fail one run in EVERY (--verdict exit); the build sleeps B seconds, the test T
# seconds, so the clock measures the plan, not the CPU. Each trial plants the bug elsewhere;
# every strategy and slot setting sees the same trials.
#
#   scripts/measure-wall-time.sh [--culprit PATH] [--n N] [--trials K] [--every E]
#                                [--build-seconds B] [--run-seconds T] [--vms V]
#
# Prints one line per (setting, trial) and, per setting, mean wall seconds, builds and runs,
# right answers, and the ratio to syzbot's mean wall time. The verification is off (syzbot has
# none). Benchmark, not test: the figures move with the machine's load.
set -euo pipefail

culprit=build/src/cli/culprit
n=128
trials=4
every=1
build_s=2
run_s=2.3
vms=10
while [ $# -gt 0 ]; do
  case "$1" in
    --culprit) culprit=$2; shift 2 ;;
    --n) n=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --every) every=$2; shift 2 ;;
    --build-seconds) build_s=$2; shift 2 ;;
    --run-seconds) run_s=$2; shift 2 ;;
    --vms) vms=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
culprit=$(realpath "$culprit")
command -v jq >/dev/null || { echo "measure-wall-time: needs jq" >&2; exit 2; }

dir=$(mktemp -d /tmp/culprit-wall.XXXXXX)
trap 'rm -rf "$dir"' EXIT

# make_repo DIR PLANTED: init, then commits 1..n, the bug planted by commit PLANTED.
make_repo() {
  local repo=$1 planted=$2 i
  git init -q "$repo"
  (
    cd "$repo"
    git config user.name 'Dev One'
    git config user.email dev1@example.org
    echo 0 > bug
    echo 'version 0' > code.txt
    git add . && git commit -qm init
    for i in $(seq 1 "$n"); do
      if [ "$i" = "$planted" ]; then
        echo 1 > bug
        git commit -qam "lookup: cache values (the planted bug)"
      else
        echo "version $i" > code.txt
        git commit -qam "code: version $i"
      fi
    done
  )
}

# One draw per (commit, run): true one time in $every.
draw="[ \$(( \$(printf '%s-%s' \"\$CULPRIT_COMMIT\" \"\$CULPRIT_RUN\" | cksum | cut -d' ' -f1) % $every )) = 0 ]"
test_cmd="sleep $run_s; if grep -q '^1' \"\$CULPRIT_OUT/bug\" && $draw; then echo 'FAIL: test_lookup'; exit 1; fi; echo ok"
build_cmd="sleep $build_s; cp bug code.txt \"\$CULPRIT_OUT/\""

settings=("syzbot 1" "bayes 1" "bayes 4")
declare -A wall builds runs right
for t in $(seq 1 "$trials"); do
  planted=$(( (t * 7919) % (n - 2) + 2 ))  # spread over the history, the same every time
  repo=$dir/repo-$t
  make_repo "$repo" "$planted"
  planted_id=$(git -C "$repo" rev-list --reverse HEAD | sed -n "$((planted + 1))p")
  good=$(git -C "$repo" rev-list --max-parents=0 HEAD)
  for s in "${settings[@]}"; do
    read -r strategy builders <<<"$s"
    key="$strategy/M=$builders"
    state=$dir/state-$t-$strategy-$builders
    start=$(date +%s.%N)
    "$culprit" bisect --repo "$repo" --bad HEAD --good "$good" --state "$state" \
      --json "$state.json" --jobs "$vms" --builders "$builders" --strategy "$strategy" \
      --verdict exit --no-verify --build "$build_cmd" --test "$test_cmd" \
      >"$state.out" 2>&1 || true
    end=$(date +%s.%N)
    w=$(echo "$end - $start" | bc)
    b=$(jq -r '.builds' "$state.json")
    r=$(jq -r '.runs' "$state.json")
    ok=0
    [ "$(jq -r '.commit // ""' "$state.json")" = "$planted_id" ] && ok=1
    printf '%-14s trial %d (planted %3d): %6.1f s, %2d builds, %3d runs, %s\n' "$key" "$t" \
      "$planted" "$w" "$b" "$r" "$([ $ok = 1 ] && echo right || echo WRONG)"
    wall[$key]=$(echo "${wall[$key]:-0} + $w" | bc)
    builds[$key]=$(( ${builds[$key]:-0} + b ))
    runs[$key]=$(( ${runs[$key]:-0} + r ))
    right[$key]=$(( ${right[$key]:-0} + ok ))
  done
done
echo "N = $n, one run in $every fails after the planted commit, B = $build_s s, T = $run_s s," \
  "V = $vms, $trials trials:"
syz=$(echo "${wall[syzbot/M=1]} / $trials" | bc -l)
for s in "${settings[@]}"; do
  read -r strategy builders <<<"$s"
  key="$strategy/M=$builders"
  mean=$(echo "${wall[$key]} / $trials" | bc -l)
  printf '%-14s wall %6.1f s (%.2f × syzbot), %5.1f builds, %6.1f runs, right %d/%d\n' "$key" \
    "$mean" "$(echo "$mean / $syz" | bc -l)" "$(echo "${builds[$key]} / $trials" | bc -l)" \
    "$(echo "${runs[$key]} / $trials" | bc -l)" "${right[$key]}" "$trials"
done
