#!/usr/bin/env bash
# Installs every Debian package that culprit's build, tests and demo need.
# Idempotent and non-interactive; runs apt-get as root or through sudo.
#   scripts/install-deps.sh            build, tests and the demo
#   scripts/install-deps.sh --kernel   also what kernel jobs need (QEMU, busybox, kernel sources,
#                                      the arm64 cross compiler and QEMU, dropbear and e2fsprogs
#                                      for disk images, and an arm64 static busybox in
#                                      /usr/lib/culprit/arm64/busybox)
#   scripts/install-deps.sh --slurm    also a Slurm to test the Slurm executor on (scripts/
#                                      slurm-e2e.sh): munge, slurmctld, slurmd, the clients
# Both may be given.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git ccache clang-format
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libgit2-dev libsqlite3-dev sqlite3 libcli11-dev nlohmann-json3-dev libfmt-dev libre2-dev
  libexpected-dev libssl-dev libtomlplusplus-dev libxxhash-dev
  libcapstone-dev libdw-dev libelf-dev libcpp-httplib-dev libiberty-dev
  clang libclang-rt-14-dev
  chromium chromium-driver      # the browser e2e tests of the HTML report and `culprit serve`
)
for option in "$@"; do
  case "$option" in
    --kernel)
      packages+=(qemu-system-x86 busybox-static linux-source-6.1 bc bison flex cpio gzip
                 xz-utils make gcc perl
                 gcc-aarch64-linux-gnu qemu-system-arm dropbear-bin e2fsprogs openssh-client)
      kernel=1 ;;
    --slurm)
      # iproute2 and util-linux: the test cluster's nodes live in network namespaces.
      packages+=(slurmctld slurmd slurm-client munge iproute2 util-linux) ;;
    *) echo "install-deps: unknown option $option (use --kernel, --slurm)" >&2; exit 1 ;;
  esac
done
kernel=${kernel:-0}
# arm64 kernels boot an initramfs with an arm64 busybox: Debian's busybox-static for arm64,
# unpacked beside the machine's own (installing it would replace the amd64 one).
arm64_busybox() {
  local dest=/usr/lib/culprit/arm64/busybox tmp
  [ "$kernel" = 1 ] && [ ! -x "$dest" ] || return 0
  echo "install-deps: unpacking busybox-static:arm64 into $dest"
  $sudo dpkg --add-architecture arm64
  $sudo apt-get update -qq
  tmp=$(mktemp -d)
  (cd "$tmp" && chmod 777 . && apt-get download -qq busybox-static:arm64 >/dev/null &&
    dpkg-deb -x busybox-static_*_arm64.deb root)
  $sudo mkdir -p "$(dirname "$dest")"
  $sudo cp "$tmp/root/bin/busybox" "$dest"
  rm -rf "$tmp"
}
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  arm64_busybox
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
arm64_busybox
echo "install-deps: done"
