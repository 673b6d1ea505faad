#include "run/disk_image.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "process/subprocess.h"
#include "run/initramfs.h"

namespace culprit::run {
namespace {

namespace fs = std::filesystem;

Result<void> WriteText(const fs::path& path, const std::string& text, fs::perms mode) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) return Fail(ErrorKind::kIo, "cannot write '" + path.string() + "'");
  out.close();
  std::error_code ec;
  fs::permissions(path, mode, ec);
  if (ec) return Fail(ErrorKind::kIo, "cannot set the mode of '" + path.string() + "'");
  return {};
}

// Copies `from` to root/`to` (`to` absolute), creating directories; follows symbolic links.
Result<void> Install(const fs::path& root, const fs::path& from, const fs::path& to) {
  std::error_code ec;
  const fs::path dest = root / to.relative_path();
  fs::create_directories(dest.parent_path(), ec);
  fs::copy_file(from, dest, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Fail(ErrorKind::kIo,
                "cannot copy '" + from.string() + "' into the image: " + ec.message());
  fs::permissions(dest,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec,
                  ec);
  return {};
}

// Runs a program; its output goes to `log`. kNotFound (with the package) when it cannot run.
Result<std::string> Tool(std::vector<std::string> argv, const fs::path& log, const char* package) {
  const std::string name = argv[0];
  auto r = process::RunSubprocess(
      {.argv = std::move(argv), .log_path = log, .timeout = std::chrono::seconds(120)});
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  if (!r || r->exit_code != 0)
    return Fail(ErrorKind::kNotFound, "'" + name + "' failed while making a disk image (apt-get " +
                                          "install " + package + "): " + text.str().substr(0, 300));
  return text.str();
}

}  // namespace

std::string DiskInitScript() {
  std::string s = R"SH(#!/bin/sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /tmp
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /tmp 2>/dev/null
echo "@INIT@"
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
if ls / >/dev/null && cat /proc/version && ip addr show eth0 >/dev/null; then
  echo "@PASSED@"
  /sbin/dropbear -R -E -p 22
else
  echo "@FAILED@"
fi
# init must not exit (that would panic): the runner ends the VM.
while :; do sleep 60; done
)SH";
  return WithMarkers(std::move(s));
}

std::vector<std::string> LibrariesFromLdd(const std::string& ldd_output) {
  std::vector<std::string> out;
  std::istringstream in(ldd_output);
  for (std::string line; std::getline(in, line);) {
    size_t at = line.find("=> ");
    size_t from = at == std::string::npos ? line.find_first_not_of(" \t") : at + 3;
    if (from == std::string::npos || line[from] != '/') continue;
    size_t end = line.find_first_of(" \t(", from);
    out.push_back(line.substr(from, end == std::string::npos ? end : end - from));
  }
  return out;
}

Result<void> MakeDiskImage(const DiskImageSpec& spec) {
  for (const auto& [path, package] :
       {std::pair{spec.busybox, "busybox-static"}, std::pair{spec.dropbear, "dropbear-bin"}}) {
    if (!fs::is_regular_file(path))
      return Fail(ErrorKind::kNotFound, "missing '" + path.string() + "' for the disk image " +
                                            "(apt-get install " + package + ")");
  }
  const fs::path key = spec.key.empty() ? fs::path(spec.output.string() + ".key") : spec.key;
  const fs::path root = spec.output.string() + ".root";
  const fs::path log = spec.output.string() + ".log";
  std::error_code ec;
  fs::remove_all(root, ec);
  for (const char* dir : {"bin", "sbin", "etc/dropbear", "dev", "proc", "sys", "tmp", "root/.ssh",
                          "usr/bin", "usr/sbin", "var/log", "lib", "lib64"}) {
    fs::create_directories(root / dir, ec);
    if (ec) return Fail(ErrorKind::kIo, "cannot create '" + (root / dir).string() + "'");
  }
  if (auto ok = Install(root, spec.busybox, "/bin/busybox"); !ok) return ok;
  fs::create_symlink("busybox", root / "bin/sh", ec);
  if (auto ok = Install(root, spec.dropbear, "/sbin/dropbear"); !ok) return ok;
  auto ldd = Tool({"ldd", spec.dropbear.string()}, log, "libc-bin");
  if (!ldd) return tl::unexpected(ldd.error());
  for (const std::string& lib : LibrariesFromLdd(*ldd)) {
    if (auto ok = Install(root, lib, lib); !ok) return ok;
  }
  const auto r = fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;
  const auto rx = r | fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
  if (auto ok = WriteText(root / "init", DiskInitScript(), rx | fs::perms::owner_write); !ok)
    return ok;
  if (auto ok = WriteText(root / "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", r); !ok)
    return ok;
  if (auto ok =
          WriteText(root / "etc/shadow", "root:*:19000:0:99999:7:::\n", fs::perms::owner_read);
      !ok)
    return ok;
  if (auto ok = WriteText(root / "etc/group", "root:x:0:\n", r); !ok) return ok;
  if (auto ok = WriteText(root / "etc/shells", "/bin/sh\n", r); !ok) return ok;
  fs::remove(key, ec);
  fs::remove(key.string() + ".pub", ec);
  if (auto k =
          Tool({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "culprit", "-f", key.string()},
               log, "openssh-client");
      !k)
    return tl::unexpected(k.error());
  std::ifstream pub(key.string() + ".pub");
  std::stringstream pub_text;
  pub_text << pub.rdbuf();
  if (auto ok = WriteText(root / "root/.ssh/authorized_keys", pub_text.str(),
                          fs::perms::owner_read | fs::perms::owner_write);
      !ok)
    return ok;
  fs::permissions(root / "root/.ssh", fs::perms::owner_all, ec);
  fs::permissions(root / "root", fs::perms::owner_all, ec);
  const fs::path tmp = spec.output.string() + ".tmp";
  fs::remove(tmp, ec);
  if (auto m =
          Tool({"mke2fs", "-q", "-t", "ext4", "-F", "-L", "culprit-root", "-E", "root_owner=0:0",
                "-d", root.string(), tmp.string(), std::to_string(spec.size_mb) + "M"},
               log, "e2fsprogs");
      !m)
    return tl::unexpected(m.error());
  fs::rename(tmp, spec.output, ec);
  if (ec)
    return Fail(ErrorKind::kIo, "cannot write '" + spec.output.string() + "': " + ec.message());
  fs::remove_all(root, ec);
  fs::remove(log, ec);
  return {};
}

}  // namespace culprit::run
