#!/usr/bin/env bash
# Kernel bisections over real ranges, end to end on the synthetic kernel history
# (make-kernel-history.sh): fix-ups applied where they are missing (the history's build break),
# cross-tree fix bisection (a stable tree's bad commit, mainline's fix), config minimization
# before bisecting, a disk image booted over ssh, and arm64. Each section bisects a short range
# with tiny configs and few runs; one history serves them all, and builds share ccache. The
# x86 sections share one state directory, hence one object directory: minimize and disk also
# share a config, so that only three builds are cold (the tiny config, the disk config, arm64)
# and the rest recompile what their commit or config change touches.
# Needs scripts/install-deps.sh --kernel.
# Usage: scripts/kernel-features-e2e.sh WORK_DIR [SECTION...]
#   SECTION: backports cross-tree minimize disk arm64 (default: all)
#   KERNEL_HISTORY=DIR reuses a history made by make-kernel-history.sh (DIR/linux, DIR/*.config,
#   and its output in DIR/history.txt or, as `culprit demo --kernel` leaves it, DIR/history.log)
#   instead of making one in WORK_DIR.
set -euo pipefail
{ # One compound command: bash reads it whole before running it, so editing the file meanwhile
  # cannot change a run in progress.
cd "$(dirname "$0")/.."
script_start=$(date +%s)
root=$(pwd)
work=${1:?usage: kernel-features-e2e.sh WORK_DIR [SECTION...]}
shift
sections=${*:-backports cross-tree minimize disk arm64}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target culprit >/dev/null
culprit=$root/build/src/cli/culprit
fail=0
say() { echo "kernel-features-e2e: $*"; }

hist=${KERNEL_HISTORY:-$work/history}
# make-kernel-history.sh's output: history.txt here, history.log from `culprit demo --kernel`.
hist_file=$hist/history.txt
[ -f "$hist_file" ] || [ ! -f "$hist/history.log" ] || hist_file=$hist/history.log
if [ ! -f "$hist_file" ]; then
  mkdir -p "$hist"
  scripts/make-kernel-history.sh "$hist/linux" >"$hist_file"
fi
field() { sed -n "s/^$1: //p" "$hist_file"; }
planted=$(field planted)
broken=$(field broken)
fixed=$(field fixed)
[ -n "$fixed" ] || fixed=$(git -C "$hist/linux" log --format=%H --grep '^proc: version: fix build after rename$' -1)
linux=$hist/linux

cat >"$work/repro.sh" <<'REPRO'
#!/bin/sh
# A task name written without a trailing newline.
printf culprit > /proc/self/comm
cat /proc/self/comm
REPRO
chmod +x "$work/repro.sh"

# config OUT BASE [ARCH] < FRAGMENT: BASE with the fragment merged, brought forward.
config() {
  local out=$1 base=$2 arch=${3:-x86_64} tmp make_args=()
  tmp=$(mktemp -d)
  [ "$arch" = arm64 ] && make_args=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
  cat >"$tmp/fragment"
  if [ "$base" = tinyconfig ]; then
    make -s -C "$linux" O="$tmp" "${make_args[@]}" tinyconfig >/dev/null
  else
    cp "$base" "$tmp/.config"
  fi
  (cd "$linux" && scripts/kconfig/merge_config.sh -m -O "$tmp" \
    "$tmp/.config" "$tmp/fragment" >/dev/null)
  make -s -C "$linux" O="$tmp" "${make_args[@]}" olddefconfig >/dev/null
  cp "$tmp/.config" "$out"
  rm -rf "$tmp"
}

# bisect NAME: runs culprit bisect on $work/NAME/job.toml, prints the log, checks the outcome.
bisect() {
  local name=$1 start
  log=$work/$name/log
  start=$(date +%s)
  ccache -z >/dev/null 2>&1 || true
  if "$culprit" bisect "$work/$name/job.toml" --json "$work/$name/result.json" >"$log" 2>&1; then
    status=0
  else
    status=$?
  fi
  cat "$log"
  say "$name: exit status $status, wall time $(($(date +%s) - start)) s"
  grep -E "^(revisions tested|builds:)" "$log" | sed "s/^/kernel-features-e2e: $name: /" || true
  ccache -s 2>/dev/null | grep -iE "^ *(hits|misses):" |
    sed "s/^ */kernel-features-e2e: $name: ccache: /" || true
}
check() {  # check NAME DESCRIPTION PATTERN
  if grep -qE -- "$3" "$work/$1/log"; then say "$1: ok: $2"; else
    say "$1: FAILED: $2 (no match for '$3' in $work/$1/log)"; fail=1; fi
}
found_planted() {  # found_planted NAME
  check "$1" "the planted commit is the culprit" "^$planted is the first bad commit"
}
# One state directory for the x86_64 jobs: a commit built (or run) by one is reused by the next.
state=$work/x86-state
boot_timeout=90
run_timeout=30
job() {  # job NAME BAD GOOD CONFIG [TOP-LEVEL TOML LINES...] < [KERNEL TOML LINES]
  local name=$1 bad=$2 good=$3 cfg=$4
  mkdir -p "$work/$name"
  {
    echo "repo = \"$linux\""
    echo "bad = \"$bad\""
    [ -z "$good" ] || echo "good = \"$good\""
    echo "runs = 2"
    echo "jobs = 2"
    echo "state = \"$state\""
    shift 4
    for line in "$@"; do echo "$line"; done
    echo "[kernel]"
    echo "config = \"$cfg\""
    echo "reproducer = \"$work/repro.sh\""
    echo "boot_timeout = $boot_timeout"
    echo "run_timeout = $run_timeout"
    cat
  } >"$work/$name/job.toml"
}

# commit TREE PARENT MESSAGE: a commit made without touching any checkout.
commit() {
  GIT_AUTHOR_NAME="Stable Maintainer" GIT_AUTHOR_EMAIL=stable@culprit.example \
    GIT_COMMITTER_NAME="Stable Maintainer" GIT_COMMITTER_EMAIL=stable@culprit.example \
    GIT_AUTHOR_DATE="@1700000000 +0000" GIT_COMMITTER_DATE="@1700000000 +0000" \
    git -C "$linux" commit-tree "$1" -p "$2" -m "$3"
}
keep() { git -C "$linux" update-ref "refs/heads/e2e-$1" "$2"; }  # keep NAME COMMIT: not garbage

# The disk section's config, which the minimize section also starts from: the history's tiny
# config with what a root file system on a virtio disk and ssh need (PCI, virtio, ext4, TCP),
# made once. Its block and network options change headers most files include, so nothing of
# the tiny config's builds is reused: sharing it, one cold build serves both sections. Without
# debug info (neither section reads file:line; kernel-e2e.sh and the arm64 section check
# symbolization) and without what the disk boot does not use (input, VT, decompressors other
# than gzip, PCI serial and perf drivers), which makes that cold build shorter. DEBUG_FS is
# there for the minimize section's kmemleak, which selects it: in the baseline too, it is not
# one of the options that section toggles (it is tested in headers many files include).
disk_config() {
  [ -f "$work/disk.config" ] || config "$work/disk.config" "$hist/kernel.config" <<'EOF'
CONFIG_PCI=y
CONFIG_VIRTIO_MENU=y
CONFIG_VIRTIO=y
CONFIG_VIRTIO_PCI=y
CONFIG_BLOCK=y
CONFIG_VIRTIO_BLK=y
CONFIG_EXT4_FS=y
CONFIG_NET=y
CONFIG_INET=y
CONFIG_UNIX=y
CONFIG_NETDEVICES=y
CONFIG_NET_CORE=y
CONFIG_VIRTIO_NET=y
CONFIG_TTY=y
CONFIG_UNIX98_PTYS=y
CONFIG_FUTEX=y
CONFIG_EPOLL=y
CONFIG_SHMEM=y
CONFIG_TMPFS=y
CONFIG_FILE_LOCKING=y
CONFIG_POSIX_TIMERS=y
CONFIG_DEBUG_FS=y
CONFIG_DEBUG_INFO_NONE=y
# CONFIG_DEBUG_INFO_DWARF4 is not set
# CONFIG_IPV6 is not set
# CONFIG_INET_DIAG is not set
# CONFIG_ETHTOOL_NETLINK is not set
# CONFIG_WIRELESS is not set
# CONFIG_WLAN is not set
# CONFIG_ETHERNET is not set
# CONFIG_NETWORK_FILESYSTEMS is not set
# CONFIG_MQ_IOSCHED_DEADLINE is not set
# CONFIG_MQ_IOSCHED_KYBER is not set
# CONFIG_PCIEASPM is not set
# CONFIG_SERIAL_8250_PCI is not set
# CONFIG_SERIAL_8250_LPSS is not set
# CONFIG_SERIAL_8250_MID is not set
# CONFIG_SERIAL_8250_PERICOM is not set
# CONFIG_PERF_EVENTS_INTEL_UNCORE is not set
# CONFIG_PERF_EVENTS_INTEL_RAPL is not set
# CONFIG_PERF_EVENTS_INTEL_CSTATE is not set
# CONFIG_VT is not set
# CONFIG_INPUT is not set
# CONFIG_SERIO is not set
# CONFIG_RD_BZIP2 is not set
# CONFIG_RD_LZMA is not set
# CONFIG_RD_XZ is not set
# CONFIG_RD_LZO is not set
# CONFIG_RD_LZ4 is not set
# CONFIG_RD_ZSTD is not set
# CONFIG_SWAP is not set
EOF
}

for section in $sections; do
  case $section in
    backports)
      # git's walk from the merge before the break tests a commit inside it (vsprintf), which
      # builds only with the break's fix cherry-picked.
      job backports "$planted" "$planted~8" "$hist/kernel.config" 'strategy = "git"' <<EOF
[[kernel.backports]]
guilty = "$broken"
fix = "$fixed"
EOF
      bisect backports
      found_planted backports
      check backports "the fix-up applied inside the break" \
        "^applied fix-up ${fixed:0:12} \(fixes ${broken:0:12}\)"
      check backports "a commit inside the break built and judged" \
        "^# git bisect good ($(git -C "$linux" rev-list "$broken~1..$fixed~1" | paste -sd'|'))"
      ;;
    cross-tree)
      # A stable tree with the bug (bad: a release commit on top of the planted one) and
      # mainline where a revert fixes it: the fix is searched from where the trees meet.
      # Made with commit-tree, so the history's checkout is untouched; their trees are trees
      # the other sections built, so most builds come from the cache.
      stable=$(commit "$planted^{tree}" "$planted" "stable: Linux 6.1.1")
      doc=$(commit "$planted^{tree}" "$planted" "Documentation: proc: comm writes")
      fix=$(commit "$planted~1^{tree}" "$doc" "Revert \"proc: strip the trailing newline from /proc/pid/comm writes\"")
      mainline=$(commit "$planted~1^{tree}" "$fix" "Documentation: proc: after the revert")
      keep stable "$stable"
      keep mainline "$mainline"
      job cross-tree "$stable" "$mainline" "$hist/kernel.config" 'mode = "fix"' \
        'strategy = "git"' </dev/null
      bisect cross-tree
      check cross-tree "the fix is found" "^$fix is the first fixed commit"
      check cross-tree "the search starts where the trees meet" "^cross-tree: .*$planted"
      if grep -q '"cross_tree": true' "$work/cross-tree/result.json"; then
        say "cross-tree: ok: the JSON says cross_tree"
      else
        say "cross-tree: FAILED: the JSON lacks cross_tree"
        fail=1
      fi
      # A stable tree that forked before the bug and got it backported: where the trees meet
      # there is no bug, which is a clear error.
      index=$(mktemp)
      GIT_INDEX_FILE=$index git -C "$linux" read-tree "$planted~3"
      GIT_INDEX_FILE=$index git -C "$linux" update-index --cacheinfo \
        "100644,$(git -C "$linux" rev-parse "$planted:fs/proc/base.c"),fs/proc/base.c"
      early_tree=$(GIT_INDEX_FILE=$index git -C "$linux" write-tree)
      rm -f "$index"
      early=$(commit "$early_tree" "$planted~3" "proc: strip the trailing newline (backport)")
      keep stable-early "$early"
      early_base=$(git -C "$linux" rev-parse "$planted~3")
      job cross-tree-early "$early" "$mainline" "$hist/kernel.config" 'mode = "fix"' </dev/null
      bisect cross-tree-early
      check cross-tree-early "a clear error where the merge base does not crash" \
        "bug is not present where the trees meet: merge base ${early_base:0:12}"
      ;;
    minimize)
      # The job's config: the disk section's config plus options the bug does not need, two
      # sanitizers among them (SLUB debugging on by default, kmemleak). The baseline: the disk
      # config without BINFMT_SCRIPT, so that /init (a script) does not run: the minimizer must
      # find that option among the others. Every candidate builds the bad commit in the same
      # object directory (the build slot's) after olddefconfig, so kbuild's per-option
      # dependencies (fixdep) recompile only the objects whose sources test a changed option,
      # and ccache answers those whose preprocessed text it has seen. So the options here are
      # ones whose code is local (a syscall, a /proc file, a file system, one check in
      # mm/slub.c or kernel/notifier.c, kmemleak's few files): test design, so that a candidate
      # costs a relink, not a kernel. An option tested in a header most files include (KFENCE
      # and PAGE_POISONING in slab.h and mm.h; SYSVIPC, AIO, EPOLL, MEMBARRIER in task_struct
      # or mm_struct; UBSAN, KASAN) rebuilds nearly the whole kernel with every candidate that
      # toggles it: 8 candidates took 17 minutes on 2 cores with such options. The first build
      # (cold: the disk config) also serves the disk section.
      disk_config
      config "$work/minimize-full.config" "$work/disk.config" <<'EOF'
CONFIG_SLUB_DEBUG_ON=y
CONFIG_DEBUG_KMEMLEAK=y
# CONFIG_DEBUG_KMEMLEAK_AUTO_SCAN is not set
CONFIG_FHANDLE=y
CONFIG_CROSS_MEMORY_ATTACH=y
CONFIG_SIGNALFD=y
CONFIG_MAGIC_SYSRQ=y
CONFIG_BINFMT_MISC=y
CONFIG_USELIB=y
CONFIG_SYSFS_SYSCALL=y
CONFIG_IKCONFIG=y
CONFIG_PROC_CHILDREN=y
CONFIG_SCHED_STACK_END_CHECK=y
CONFIG_DEBUG_NOTIFIERS=y
CONFIG_CONFIGFS_FS=y
CONFIG_KCMP=y
CONFIG_BLK_DEV_LOOP=y
CONFIG_PACKET=y
EOF
      config "$work/minimize-baseline.config" "$work/disk.config" <<'EOF'
# CONFIG_BINFMT_SCRIPT is not set
EOF
      # init=/init: a candidate without BINFMT_SCRIPT then panics at once (the kernel panics
      # when a requested init cannot run) instead of falling back to busybox's shell on the
      # console until the boot timeout (90 s a run, twice per such candidate).
      job minimize "$planted" "$planted~2" "$work/minimize-full.config" <<EOF
minimize = true
cmdline = "init=/init"
baseline_config = "$work/minimize-baseline.config"
minimize_builds = 14
EOF
      bisect minimize
      found_planted minimize
      check minimize "minimization's cost" "^config minimized: .* in [0-9]+ builds"
      check minimize "the option the bug needs kept" "^config options kept .*CONFIG_BINFMT_SCRIPT"
      check minimize "sanitizers dropped" "^config: .*dropped"
      if python3 - "$work/minimize/result.json" <<'PY'; then
import json, sys
m = json.load(open(sys.argv[1]))["minimized_config"]
sys.exit(0 if {"CONFIG_SLUB_DEBUG_ON", "CONFIG_DEBUG_KMEMLEAK"} <= set(m["dropped"])
         and len(m["dropped"]) >= 10 and "CONFIG_BINFMT_SCRIPT" in m["kept"]
         and not m["fell_back"] else 1)
PY
        say "minimize: ok: ten or more options dropped, the sanitizers among them"
      else
        say "minimize: FAILED: the sanitizers or ten options not dropped"
        fail=1
      fi
      ;;
    disk)
      # After the minimize section, whose builds used this config but for local options, in
      # the same object directory, these builds are incremental.
      disk_config
      [ -f "$work/disk.img" ] || "$culprit" kernel image "$work/disk.img"
      job disk "$planted" "$planted~2" "$work/disk.config" <<EOF
image = "$work/disk.img"
EOF
      bisect disk
      found_planted disk
      check disk "the crash title" "^crash: BUG: unable to handle kernel NULL pointer dereference in comm_write"
      ;;
    arm64)
      busybox=${CULPRIT_BUSYBOX_ARM64:-/usr/lib/culprit/arm64/busybox}
      # tinyconfig with a PL011 console, an initramfs and line tables. Its one cold cross build
      # is most of the section's time, so: reduced debug info (no variable locations or type
      # info beyond each file's own structs: file:line and inlining stay, which is what the
      # report's symbolization reads), and no VT, input or decompressors but gzip's, which
      # nothing on a serial console with a gzip initramfs uses.
      config "$work/arm64.config" tinyconfig arm64 <<'EOF'
CONFIG_PRINTK=y
CONFIG_BUG=y
CONFIG_KALLSYMS=y
CONFIG_KALLSYMS_ALL=y
CONFIG_TTY=y
CONFIG_SERIAL_AMBA_PL011=y
CONFIG_SERIAL_AMBA_PL011_CONSOLE=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_DEVTMPFS=y
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
CONFIG_MULTIUSER=y
CONFIG_DEBUG_KERNEL=y
# CONFIG_DEBUG_INFO_NONE is not set
CONFIG_DEBUG_INFO_DWARF4=y
CONFIG_DEBUG_INFO_REDUCED=y
# CONFIG_SLOB is not set
CONFIG_SLUB=y
# CONFIG_LOCALVERSION_AUTO is not set
# CONFIG_VT is not set
# CONFIG_INPUT is not set
# CONFIG_RD_BZIP2 is not set
# CONFIG_RD_LZMA is not set
# CONFIG_RD_XZ is not set
# CONFIG_RD_LZO is not set
# CONFIG_RD_LZ4 is not set
# CONFIG_RD_ZSTD is not set
EOF
      saved_state=$state
      state=$work/arm64-state
      boot_timeout=180
      run_timeout=60
      job arm64 "$planted" "$planted~2" "$work/arm64.config" <<EOF
arch = "arm64"
busybox = "$busybox"
EOF
      state=$saved_state
      bisect arm64
      found_planted arm64
      check arm64 "the crash title" "^crash: .*comm_write"
      check arm64 "a symbolized pc" "^pc : comm_write\+0x[0-9a-f]+/0x[0-9a-f]+ fs/proc/base.c:[0-9]+"
      check arm64 "the disassembly" "<-- trapping instruction"
      check arm64 "arm64 compiler line" "^compiler: aarch64-linux-gnu-gcc"
      ;;
    *) say "unknown section $section"; fail=1 ;;
  esac
done
say "done in $(($(date +%s) - script_start)) s"
exit $fail
}
