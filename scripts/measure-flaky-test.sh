#!/bin/bash
# How often culprit finds the right commit for a flaky failing test, and what its revert
# verification costs: TRIALS bisections of a 30-commit history whose 19th commit makes a test
# fail (exit 1, no crash) about one run in three, judged with --verdict exit, in the checkout (no
# --build) or with one (--build), each trial with other random draws.
#
#   scripts/measure-flaky-test.sh [--culprit PATH] [--trials N] [--every K] [--noise M] [--build]
#                                 [--strategy S] [--jobs J]
#
# --every K: the test fails one run in K after the planted commit (default 3). --noise M: an
# unrelated test fails one run in M anywhere, kept apart with --expect. Prints one line per trial
# and a summary: right/wrong/not found, runs and builds of the bisection, and the verification's
# outcome, runs and builds.
set -euo pipefail

culprit=build/src/cli/culprit
trials=20
every=3
noise=0
build=0
strategy=bayes
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --culprit) culprit=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --every) every=$2; shift 2 ;;
    --noise) noise=$2; shift 2 ;;
    --build) build=1; shift ;;
    --strategy) strategy=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
culprit=$(realpath "$culprit")

dir=$(mktemp -d /tmp/culprit-measure.XXXXXX)
trap 'rm -rf "$dir"' EXIT
repo=$dir/repo
git init -q "$repo"
cd "$repo"
git config user.name 'Dev One'
git config user.email dev1@example.org
echo 0 > bug
echo 'version 0' > code.txt
git add . && git commit -qm init
good=$(git rev-parse HEAD)
for i in $(seq 1 30); do
  if [ "$i" = 19 ]; then
    echo 1 > bug
    git commit -qam "lookup: cache values (the planted bug)"
    planted=$(git rev-parse HEAD)
  else
    echo "version $i" > code.txt
    git commit -qam "code: version $i"
  fi
done
cd - > /dev/null

# One draw per (trial, commit, run): true one time in $1.
draw() {
  echo "[ \$(( \$(printf '%s-%s-%s' \"\$CULPRIT_COMMIT\" \"\$CULPRIT_RUN\" \"\$SALT-$2\" | cksum | cut -d' ' -f1) % $1 )) = 0 ]"
}

right=0 wrong=0 other=0
sum_runs=0 sum_builds=0 sum_vruns=0 sum_vbuilds=0 confirmed=0 refuted=0 na=0
for t in $(seq 1 "$trials"); do
  where=.
  [ "$build" = 1 ] && where='"$CULPRIT_OUT"'
  test_cmd="SALT=$t; "
  if [ "$noise" -gt 0 ]; then
    test_cmd+="if $(draw "$noise" noise); then echo 'FAIL: test_network'; exit 1; fi; "
  fi
  test_cmd+="if grep -q '^1' $where/bug && $(draw "$every" bug); then echo 'FAIL: test_lookup'; exit 1; fi; echo ok"
  args=(bisect --repo "$repo" --bad HEAD --good "$good" --state "$dir/state-$t"
        --json "$dir/r-$t.json" --jobs "$jobs" --strategy "$strategy" --verdict exit
        --test "$test_cmd")
  [ "$build" = 1 ] && args+=(--build 'cp bug code.txt "$CULPRIT_OUT/"')
  [ "$noise" -gt 0 ] && args+=(--expect 'FAIL: test_lookup')
  status=0
  "$culprit" "${args[@]}" > "$dir/out-$t.txt" 2>&1 || status=$?
  r=$dir/r-$t.json
  commit=$(jq -r '.commit // ""' "$r")
  outcome=$(jq -r '.outcome' "$r")
  runs=$(jq -r '.runs' "$r")
  builds=$(jq -r '.builds' "$r")
  vout=$(jq -r '.verification.outcome // "none"' "$r")
  vruns=$(jq -r '.verification.runs // 0' "$r")
  # The verification builds one tree when there is one to build (its runs need it).
  vbuilds=0
  if [ "$build" = 1 ] && [ "$vout" != none ] && [ "$(jq -r '.verification.commit // ""' "$r")" != "" ]; then
    vbuilds=1
  fi
  if [ "$outcome" = found ] && [ "$commit" = "$planted" ]; then
    right=$((right + 1)); verdict=right
  elif [ "$outcome" = found ]; then
    wrong=$((wrong + 1)); verdict=WRONG
  else
    other=$((other + 1)); verdict=$outcome
  fi
  case "$vout" in
    confirmed) confirmed=$((confirmed + 1)) ;;
    refuted) refuted=$((refuted + 1)) ;;
    not-applicable) na=$((na + 1)) ;;
  esac
  sum_runs=$((sum_runs + runs)); sum_builds=$((sum_builds + builds))
  sum_vruns=$((sum_vruns + vruns)); sum_vbuilds=$((sum_vbuilds + vbuilds))
  printf 'trial %2d: %-7s exit %d, confidence %s, %3d runs, %2d builds; verification %s (%d runs)\n' \
    "$t" "$verdict" "$status" "$(jq -r '.confidence' "$r")" "$runs" "$builds" "$vout" "$vruns"
done
echo "right $right / $trials, wrong $wrong, not found $other"
awk -v t="$trials" -v r="$sum_runs" -v b="$sum_builds" -v vr="$sum_vruns" -v vb="$sum_vbuilds" \
  'BEGIN { printf "bisection: %.1f runs, %.1f builds per trial; verification: %.1f runs, %.2f builds per trial (+%.0f%% runs)\n", r/t, b/t, vr/t, vb/t, 100*vr/r }'
echo "verification: confirmed $confirmed, refuted $refuted, not applicable $na"
