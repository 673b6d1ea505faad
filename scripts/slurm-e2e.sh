#!/usr/bin/env bash
# culprit through Slurm, end to end, on a private cluster started here (scripts/slurm-cluster.sh:
# munge, slurmctld, two slurmd nodes in network namespaces, all on ports and in a directory of
# their own) and stopped at the end, whatever happens:
#   1. the demo bisection through Slurm finds the planted commit with the same answer and the
#      same number of builds as the local executor on the same seed (the demo's reproducer made
#      deterministic per run, so that both see the same evidence);
#   2. a run's node dies mid-run (its slurmd and everything it runs killed): the run is an
#      infrastructure error, retried on the other node, not counted, and the answer is right;
#   3. culprit is killed (SIGKILL) with jobs queued and running: none is left in squeue, and
#      `culprit resume` finishes the job;
#   4. a partition that does not exist is a one-line error.
# Needs root and scripts/install-deps.sh --slurm. Usage: scripts/slurm-e2e.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$(date +%s)
work=${1:-$(mktemp -d /tmp/culprit-slurm-e2e.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target culprit >/dev/null
culprit=$root/build/src/cli/culprit
cluster=$work/cluster

cleanup() {
  [ -n "${bg:-}" ] && kill -9 "$bg" 2>/dev/null || true
  "$root/scripts/slurm-cluster.sh" stop "$cluster" || true
}
trap cleanup EXIT
say() { echo "slurm-e2e: $*"; }
fail() {
  say "FAILED: $*"
  exit 1
}
json_field() { grep -o "\"$2\": *[^,}]*" "$1" | head -1 | cut -d: -f2 | tr -d '" '; }

eval "$("$root/scripts/slurm-cluster.sh" start "$cluster")"

# The demo's repository (`culprit demo` makes it, and bisects it once on this machine).
"$culprit" demo --dir "$work/demo" >"$work/demo.log" 2>&1 || {
  tail -20 "$work/demo.log"
  fail "culprit demo"
}
planted=$(sed -n 's/^demo: .*the bug was planted by \([0-9a-f]*\) .*/\1/p' "$work/demo.log" | head -1)
build_cmd=$(sed -n "s/^demo: culprit bisect .* --build '\(.*\)' --test .*/\1/p" "$work/demo.log")
[ -n "$planted" ] && [ -n "$build_cmd" ] || fail "cannot read the demo's planted commit and build"
say "demo repository: $work/demo/repo, planted commit $planted"

# The demo's reproducer picks its workload at random. Here run N shows the crash when N % 3 is
# 0 and the commit has the bug (it is tried until it does, or until it does not), so both
# executors see the same evidence in the same runs. SLEEP makes the first 8 runs of a commit
# last, so that the faults below find runs in flight.
test_cmd() {
  cat <<EOF
if [ "\$CULPRIT_RUN" -lt 8 ]; then sleep ${1:-0}; fi
want=\$((CULPRIT_RUN % 3))
for i in \$(seq 1 25); do
  out=\$("\$CULPRIT_OUT/kv" --selftest 2>&1) && rc=0 || rc=\$?
  if [ \$want = 0 ] && [ \$rc != 0 ]; then break; fi
  if [ \$want != 0 ] && [ \$rc = 0 ]; then break; fi
done
printf '%s\n' "\$out"
exit \$rc
EOF
}

job_file() {  # job_file NAME EXECUTOR SLEEP [MORE TOML...]
  local name=$1 executor=$2 sleep=$3
  shift 3
  cat >"$work/$name.toml" <<EOF
repo = "$work/demo/repo"
bad = "HEAD"
build = '$build_cmd'
test = '''
$(test_cmd "$sleep")'''
runs = 10
jobs = 2
timeout = 60
build_cost = 5
seed = 7
state = "$work/$name-state"
json = "$work/$name.json"
executor = "$executor"
EOF
  for line in "$@"; do echo "$line" >>"$work/$name.toml"; done
}

# ---- 1. the demo through Slurm, against the local executor ----
job_file local local 0
job_file slurm slurm 0 "[slurm]" "builds = 1"
"$culprit" bisect "$work/local.toml" >"$work/local.log" 2>&1 || fail "local bisection (log: $work/local.log)"
t0=$(date +%s)
"$culprit" bisect "$work/slurm.toml" >"$work/slurm.log" 2>&1 || {
  tail -20 "$work/slurm.log"
  fail "bisection through Slurm (log: $work/slurm.log)"
}
local_commit=$(json_field "$work/local.json" commit)
local_builds=$(json_field "$work/local.json" builds)
slurm_commit=$(json_field "$work/slurm.json" commit)
slurm_builds=$(json_field "$work/slurm.json" builds)
ledger=$work/slurm-state/slurm/jobs.tsv
jobs=$(wc -l <"$ledger")
say "local executor: $local_commit with $local_builds builds"
say "slurm executor: $slurm_commit with $slurm_builds builds in $(($(date +%s) - t0)) s"
say "Slurm job ids: $(cut -f1 "$ledger" | tr '\n' ' ')"
case "$slurm_commit" in "$planted"*) ;; *) fail "through Slurm: $slurm_commit is not the planted $planted" ;; esac
[ "$slurm_commit" = "$local_commit" ] || fail "the executors disagree: $local_commit vs $slurm_commit"
[ "$slurm_builds" = "$local_builds" ] || fail "builds: $local_builds locally, $slurm_builds through Slurm"
grep -q "^slurm: partition debug: 2 nodes up" "$work/slurm.log" || say "(one node: no network namespaces here)"
say "found $slurm_commit with $jobs Slurm jobs"

# The faults below bisect a short stretch before the planted commit, with slow runs.
good=$(git -C "$work/demo/repo" rev-parse "$planted~12")
bad=$(git -C "$work/demo/repo" rev-parse "$planted")
slurm_jobs() {  # slurm_jobs STATE_DIR STATES: "ID NAME STATE NODE" of that state dir's jobs
  local tag
  tag=culprit-$(cat "$1/slurm/id" 2>/dev/null || echo none)
  squeue --noheader --states="$2" --format="%i %j %T %N" | awk -v t="$tag-" 'index($2, t) == 1'
}

# ---- 2. a run's node dies mid-run ----
if [ -f "$cluster/netns" ]; then
  job_file node-death slurm 4 "[slurm]" "builds = 1"
  sed -i "s/^bad = .*/bad = \"$bad\"\ngood = \"$good\"/" "$work/node-death.toml"
  "$culprit" bisect "$work/node-death.toml" >"$work/node-death.log" 2>&1 &
  bg=$!
  victim=""
  for _ in $(seq 1 300); do
    victim=$(slurm_jobs "$work/node-death-state" running | awk '$2 ~ /-run[0-9]+$/ {print; exit}')
    [ -n "$victim" ] && break
    kill -0 "$bg" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$victim" ] || fail "no run was seen running"
  read -r victim_id _ _ victim_node <<<"$victim"
  sleep 1
  say "killing $victim_node (slurmd and all it runs) while it runs Slurm job $victim_id"
  "$root/scripts/slurm-cluster.sh" kill-node "$cluster" "$victim_node"
  for _ in $(seq 1 120); do
    state=$(squeue --noheader --states=all --jobs="$victim_id" --format=%T 2>/dev/null || true)
    [ "$state" = NODE_FAIL ] && break
    sleep 0.5
  done
  say "Slurm job $victim_id: $state"
  "$root/scripts/slurm-cluster.sh" start-node "$cluster" "$victim_node"
  wait "$bg" || fail "the bisection with a node death failed (log: $work/node-death.log)"
  bg=""
  grep -q "infrastructure error: Slurm job $victim_id ended NODE_FAIL" "$work/node-death.log" ||
    fail "the lost run is not an infrastructure error in $work/node-death.log"
  commit=$(json_field "$work/node-death.json" commit)
  [ "$commit" = "$bad" ] || fail "after the node death: $commit, not $bad"
  say "ok: the run lost with $victim_node was an infrastructure error, retried; found $commit"
  for _ in $(seq 1 60); do
    sinfo --noheader --Node --format="%N %T" | grep -q "^$victim_node idle" && break
    sleep 0.5
  done
else
  say "skipped the node death: one node only (no network namespaces)"
fi

# ---- 3. culprit killed with jobs queued and running; resume ----
job_file kill slurm 5 "[slurm]" "builds = 1" "runs = 8"
sed -i "s/^bad = .*/bad = \"$bad\"\ngood = \"$good\"/" "$work/kill.toml"
"$culprit" bisect "$work/kill.toml" >"$work/kill.log" 2>&1 &
bg=$!
seen=""
for _ in $(seq 1 300); do
  listed=$(slurm_jobs "$work/kill-state" pending,running)
  if grep -q " RUNNING " <<<"$listed" && grep -q " PENDING " <<<"$listed"; then
    seen=$listed
    break
  fi
  kill -0 "$bg" 2>/dev/null || break
  sleep 0.2
done
[ -n "$seen" ] || fail "never saw jobs both queued and running (log: $work/kill.log)"
say "killing culprit (SIGKILL) with $(grep -c RUNNING <<<"$seen") jobs running and $(grep -c PENDING <<<"$seen") queued"
kill -9 "$bg"
wait "$bg" 2>/dev/null || true
bg=""
left=""
for _ in $(seq 1 30); do
  left=$(slurm_jobs "$work/kill-state" pending,running,configuring,completing,suspended)
  [ -z "$left" ] && break
  sleep 0.5
done
[ -z "$left" ] || fail "jobs left in squeue after culprit died: $left"
say "ok: squeue shows none of them"
"$culprit" resume --state "$work/kill-state" >"$work/resume.log" 2>&1 ||
  fail "culprit resume (log: $work/resume.log)"
commit=$(json_field "$work/kill.json" commit)
[ "$commit" = "$bad" ] || fail "resume found $commit, not $bad"
say "ok: culprit resume finished the job: $commit"

# ---- 4. a partition that does not exist ----
job_file nope slurm 0 "[slurm]" 'partition = "nope"'
if "$culprit" bisect "$work/nope.toml" >"$work/nope.out" 2>"$work/nope.err"; then
  fail "a partition that does not exist was accepted"
fi
[ "$(wc -l <"$work/nope.err")" = 1 ] && grep -q "partition 'nope' does not exist" "$work/nope.err" ||
  fail "not a one-line error: $(cat "$work/nope.err")"
say "ok: $(cat "$work/nope.err")"

say "found $slurm_commit with $jobs Slurm jobs"
say "all passed in $(($(date +%s) - start)) s"
