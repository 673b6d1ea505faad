#!/usr/bin/env bash
# make-kernel-history.sh DIR: a small, deterministic Linux history for kernel bisection demos
# and tests. DIR gets a git repository whose base commit is Debian's pristine linux-source-6.1
# tree (tagged v6.1, like a release) with a few dozen realistic commits on top: code the tiny
# config compiles, drivers it does not, documentation, a merged topic branch, a build break and
# its fix, a planted NULL dereference reachable by writing /proc/self/comm without a newline,
# and a MAINTAINERS entry for the planted file. Also writes the kernel config beside DIR:
# DIR/../kernel.config (tiny x86_64, serial console, initramfs, DWARF, frame pointers) and
# DIR/../kernel-kasan.config (the same with KASAN).
#
# Prints "planted: <sha>" (the culprit), "base: <sha>", "broken: <sha>" and "fixed: <sha>" (the
# build break and its fix) at the end.
# Needs: /usr/src/linux-source-6.1.tar.xz (apt-get install linux-source-6.1), git, make, gcc,
# bison, flex, bc, perl.
set -euo pipefail

die() { echo "make-kernel-history: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: make-kernel-history.sh DIR"
tarball=${CULPRIT_LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
[ -f "$tarball" ] || die "missing $tarball (apt-get install linux-source-6.1)"
dir=$1
[ ! -e "$dir" ] || [ -z "$(ls -A "$dir")" ] || die "$dir exists and is not empty"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
config_dir=$(dirname "$dir")

echo "make-kernel-history: unpacking $tarball into $dir"
tar -xJf "$tarball" -C "$dir" --strip-components=1
cd "$dir"

# Debian's .gitignore ends with a block ignoring everything at the top level ("/*", "!/debian/");
# with it `git add -A` adds nothing. Cut it off at its header comment.
perl -0pi -e 's/\n#\n# Debian packaging: ignore everything.*\z/\n/s' .gitignore
grep -q '^/\*$' .gitignore && die ".gitignore still ignores the top level"

export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
GIT_COMMITTER_NAME="Linus Torvalds"
GIT_COMMITTER_EMAIL="torvalds@linux-foundation.org"
base_date=1670799600  # 2022-12-11 23:00 UTC, the v6.1 release evening
step=0
set_date() {
  step=$((step + 1))
  GIT_AUTHOR_DATE="@$((base_date + step * 5400)) +0000"
  GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
}
git() { command git -c init.defaultBranch=master -c core.autocrlf=false -c gc.auto=0 "$@"; }

# commit "Author Name <mail>" "subject" "body": commits everything with a sign-off.
commit() {
  local who=$1 subject=$2 body=$3
  GIT_AUTHOR_NAME=${who% <*}
  GIT_AUTHOR_EMAIL=${who#*<}
  GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL%>}
  set_date
  git add -A
  git commit -q -m "$subject" -m "$body" -m "Signed-off-by: $who"
}

# edit FILE PERL: applies a perl -0 substitution and fails if it changed nothing.
edit() {
  local file=$1 expr=$2 before
  [ -f "$file" ] || die "missing $file"
  before=$(sha1sum <"$file")
  perl -0pi -e "$expr" "$file"
  [ "$(sha1sum <"$file")" != "$before" ] || die "edit of $file changed nothing: $expr"
}

# note FILE TEXT: appends a comment (C files) or a paragraph (anything else).
note() {
  local file=$1 text=$2
  [ -f "$file" ] || die "missing $file"
  case "$file" in
    *.c | *.h) printf '\n/* %s */\n' "$text" >>"$file" ;;
    *) printf '\n%s\n' "$text" >>"$file" ;;
  esac
}

alice="Alice Hacker <alice@culprit.example>"
bob="Bob Reviewer <bob@culprit.example>"
carol="Carol Driver <carol@culprit.example>"
dave="Dave Docs <dave@culprit.example>"

echo "make-kernel-history: committing the base tree"
git init -q
GIT_AUTHOR_NAME=$GIT_COMMITTER_NAME GIT_AUTHOR_EMAIL=$GIT_COMMITTER_EMAIL
set_date
git add -A
git commit -q -m "Linux 6.1"
git tag -a v6.1 -m "Linux 6.1"
base=$(git rev-parse HEAD)

note drivers/net/ethernet/intel/e1000/e1000_main.c "e1000: TX timeouts are reported once per reset"
commit "$carol" "e1000: document TX timeout reporting" "Explain why TX timeouts are only logged once per reset cycle."

note Documentation/filesystems/proc.rst "Writes to /proc/<pid>/comm are truncated to TASK_COMM_LEN - 1 bytes."
commit "$dave" "Documentation: proc: note comm truncation" "The truncation of long names was undocumented."

edit fs/proc/version.c 's/\tseq_printf\(m, linux_proc_banner,\n\t\tutsname\(\)->sysname,\n\t\tutsname\(\)->release,\n\t\tutsname\(\)->version\);/\tstruct new_utsname *uts = utsname();\n\n\tseq_printf(m, linux_proc_banner, uts->sysname, uts->release, uts->version);/'
commit "$alice" "proc: version: look up utsname once" "Call utsname() once instead of three times."

note drivers/gpu/drm/amd/amdgpu/amdgpu_device.c "amdgpu: device reset ordering is described in amdgpu_device_gpu_recover()"
commit "$carol" "drm/amdgpu: add a pointer to the reset ordering notes" "No functional change."

note kernel/printk/printk.c "printk: console_lock() nests inside console_owner, see console_trylock_spinning()"
commit "$bob" "printk: comment on console lock nesting" "No functional change."

note drivers/usb/core/hub.c "usb: hub: port power is switched per port on hubs that support it"
commit "$carol" "usb: hub: clarify per-port power switching" "No functional change."

topic_base=$(git rev-parse HEAD)
note Documentation/admin-guide/kernel-parameters.txt "	panic_on_warn	[KNL] Also see oops=panic for the oops case."
commit "$dave" "Documentation: kernel-parameters: cross-reference oops=panic" "Point readers of panic_on_warn at oops=panic."

note mm/page_alloc.c "page_alloc: the per-cpu lists are drained under pcp->lock"
commit "$bob" "mm/page_alloc: document pcp draining" "No functional change."

note net/ipv4/tcp.c "tcp: tcp_sendmsg_locked() expects the socket lock held"
commit "$carol" "tcp: document locking of tcp_sendmsg_locked" "No functional change."

# A topic branch, merged with --no-ff like a maintainer's pull.
git branch topic/hda-cleanups "$topic_base"
git checkout -q topic/hda-cleanups
note sound/pci/hda/hda_intel.c "hda: position fix quirks are listed in hda_intel.c"
commit "$carol" "ALSA: hda: point at the position fix quirk table" "No functional change."
note sound/pci/hda/hda_codec.c "hda: codec power is saved after the autosuspend delay"
commit "$carol" "ALSA: hda: document codec power saving" "No functional change."
note Documentation/sound/hd-audio/notes.rst "Position fix quirks can be forced with the position_fix option."
commit "$dave" "ALSA: hda: docs: mention position_fix" "Documentation only."
git checkout -q master
set_date
GIT_AUTHOR_NAME="Takashi Iwai" GIT_AUTHOR_EMAIL="tiwai@culprit.example" \
  git merge -q --no-ff topic/hda-cleanups -m "Merge branch 'topic/hda-cleanups' into master"
git branch -D -q topic/hda-cleanups

note kernel/panic.c "panic: panic_on_warn turns every WARN() into a panic"
commit "$bob" "panic: comment on panic_on_warn" "No functional change."

note fs/ext4/super.c "ext4: the journal is loaded before orphan cleanup"
commit "$carol" "ext4: document journal load ordering" "No functional change."

# A short stretch that does not build, and its fix.
edit fs/proc/version.c 's/\tstruct proc_dir_entry \*pde;\n\n\tpde = proc_create_single/\tstruct proc_dir_entry *entry;\n\n\tpde = proc_create_single/'
commit "$alice" "proc: version: rename pde to entry" "Match the naming used elsewhere in fs/proc."
broken=$(git rev-parse HEAD)

note lib/vsprintf.c "vsprintf: %pe prints error pointers symbolically"
commit "$bob" "vsprintf: document %pe" "No functional change."

edit fs/proc/version.c 's/\tpde = proc_create_single\("version", 0, NULL, version_proc_show\);\n\tpde_make_permanent\(pde\);/\tentry = proc_create_single("version", 0, NULL, version_proc_show);\n\tpde_make_permanent(entry);/'
commit "$alice" "proc: version: fix build after rename" "Fixes: the previous rename of pde, which left two uses behind."
fixed=$(git rev-parse HEAD)

note Documentation/filesystems/proc.rst "/proc/version is created once at boot and never removed."
commit "$dave" "Documentation: proc: /proc/version is permanent" "Documentation only."

note drivers/net/ethernet/intel/e1000/e1000_main.c "e1000: the watchdog runs every two seconds"
commit "$carol" "e1000: document the watchdog period" "No functional change."

# The planted bug: comm_write() strips a trailing newline but assumes there is one, so
# `printf x > /proc/self/comm` writes through a NULL pointer.
edit fs/proc/base.c 's/(\tchar buffer\[TASK_COMM_LEN\];\n\tconst size_t maxlen = sizeof\(buffer\) - 1;\n)(\n\tmemset\(buffer, 0, sizeof\(buffer\)\);\n\tif \(copy_from_user\(buffer, buf, count > maxlen \? maxlen : count\)\)\n\t\treturn -EFAULT;\n)/$1\tchar *nl;\n$2\n\t\/* "echo name > comm" ends the name with a newline: drop it. *\/\n\tnl = strchr(buffer, \x27\\n\x27);\n\t*nl = \x27\\0\x27;\n/'
commit "$alice" "proc: strip the trailing newline from /proc/pid/comm writes" \
  "Names written with echo carried a newline into task->comm, which then showed up in ps output."
planted=$(git rev-parse HEAD)

edit MAINTAINERS 's/(\nF:\ttools\/testing\/selftests\/proc\/\n)\n/$1\nPROC PID COMM INTERFACE\nM:\tAlice Hacker <alice\@culprit.example>\nR:\tBob Reviewer <bob\@culprit.example>\nL:\tlinux-fsdevel\@vger.kernel.org\nS:\tMaintained\nF:\tfs\/proc\/base.c\n\n/'
commit "$alice" "MAINTAINERS: add an entry for the /proc/pid/comm interface" "Alice looks after comm handling in fs/proc/base.c."

note lib/string.c "string: strchr() returns NULL when the character is absent"
commit "$bob" "lib/string: document strchr's miss case" "No functional change."

note kernel/fork.c "fork: copy_process() leaves the new task stopped until wake_up_new_task()"
commit "$bob" "fork: document the new task's state" "No functional change."

note drivers/gpu/drm/amd/amdgpu/amdgpu_device.c "amdgpu: suspend order is display, then compute"
commit "$carol" "drm/amdgpu: document suspend ordering" "No functional change."

note Documentation/filesystems/proc.rst "A trailing newline written to /proc/<pid>/comm is not part of the name."
commit "$dave" "Documentation: proc: comm and trailing newlines" "Documentation only."

note fs/namei.c "namei: path walks in RCU mode fall back to ref-walk on -ECHILD"
commit "$bob" "namei: comment on the RCU walk fallback" "No functional change."

note sound/pci/hda/hda_intel.c "hda: the single_cmd option is a debugging aid"
commit "$carol" "ALSA: hda: document single_cmd" "No functional change."

note mm/page_alloc.c "page_alloc: watermarks are recalculated when min_free_kbytes changes"
commit "$bob" "mm/page_alloc: document watermark updates" "No functional change."

note net/ipv4/tcp.c "tcp: tcp_close() may send a RST when unread data remains"
commit "$carol" "tcp: document RST on close with unread data" "No functional change."

note Documentation/admin-guide/kernel-parameters.txt "	oops=panic	[KNL] Panic on an oops, for test machines."
commit "$dave" "Documentation: kernel-parameters: oops=panic use" "Documentation only."
git describe --tags >/dev/null

# The config: tinyconfig (32-bit unless 64BIT, UNWINDER_GUESS, SLOB, XZ) switched to what a
# bootable, symbolizable test kernel needs. A choice is switched by disabling the old member.
write_config() {
  local out=$1 extra=$2 tmp
  tmp=$(mktemp -d)
  make -s -C "$dir" O="$tmp" tinyconfig >/dev/null
  cat >"$tmp/fragment" <<EOF
CONFIG_64BIT=y
CONFIG_PRINTK=y
CONFIG_PRINTK_TIME=y
CONFIG_BUG=y
CONFIG_KALLSYMS=y
CONFIG_KALLSYMS_ALL=y
CONFIG_TTY=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
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
CONFIG_FRAME_POINTER=y
# CONFIG_UNWINDER_GUESS is not set
# CONFIG_UNWINDER_ORC is not set
CONFIG_UNWINDER_FRAME_POINTER=y
# CONFIG_SLOB is not set
CONFIG_SLUB=y
# CONFIG_KERNEL_XZ is not set
CONFIG_KERNEL_GZIP=y
# CONFIG_LOCALVERSION_AUTO is not set
$extra
EOF
  (cd "$dir" && scripts/kconfig/merge_config.sh -m -O "$tmp" "$tmp/.config" "$tmp/fragment" >/dev/null)
  make -s -C "$dir" O="$tmp" olddefconfig >/dev/null
  for opt in 64BIT SERIAL_8250_CONSOLE BLK_DEV_INITRD RD_GZIP PROC_FS DEVTMPFS BINFMT_SCRIPT \
    DEBUG_INFO_DWARF4 UNWINDER_FRAME_POINTER KALLSYMS SLUB KERNEL_GZIP; do
    grep -q "^CONFIG_$opt=y" "$tmp/.config" || die "CONFIG_$opt did not stick in $out"
  done
  cp "$tmp/.config" "$out"
  rm -rf "$tmp"
}
echo "make-kernel-history: writing $config_dir/kernel.config"
write_config "$config_dir/kernel.config" ""
write_config "$config_dir/kernel-kasan.config" "CONFIG_KASAN=y
CONFIG_KASAN_INLINE=y"
[ -z "$(git status --porcelain)" ] || die "config generation left the tree dirty"

echo "base: $base"
echo "broken: $broken"
echo "fixed: $fixed"
echo "planted: $planted"
echo "head: $(git rev-parse HEAD)"
