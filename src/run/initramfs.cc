#include "run/initramfs.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "process/subprocess.h"

namespace culprit::run {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kModeFile = 0100000;
constexpr uint32_t kModeDirectory = 0040000;
constexpr uint32_t kModeSymlink = 0120000;
constexpr uint32_t kModeCharDevice = 0020000;

uint32_t TypeBits(CpioEntry::Type type) {
  switch (type) {
    case CpioEntry::Type::kFile:
      return kModeFile;
    case CpioEntry::Type::kDirectory:
      return kModeDirectory;
    case CpioEntry::Type::kSymlink:
      return kModeSymlink;
    case CpioEntry::Type::kCharDevice:
      return kModeCharDevice;
  }
  return kModeFile;
}

void PadTo4(std::string* out) { out->append((4 - out->size() % 4) % 4, '\0'); }

// One newc record: "070701", thirteen 8-digit hex fields, the NUL-terminated name, padding to
// 4 bytes, the data, padding to 4 bytes (the format of the kernel's usr/gen_init_cpio.c).
void AppendRecord(std::string* out, uint32_t ino, uint32_t mode, uint32_t nlink,
                  std::string_view name, std::string_view data, uint32_t rdev_major,
                  uint32_t rdev_minor) {
  const uint32_t fields[13] = {ino,
                               mode,
                               0,  // uid
                               0,  // gid
                               nlink,
                               0,  // mtime
                               static_cast<uint32_t>(data.size()),
                               0,  // devmajor
                               0,  // devminor
                               rdev_major,
                               rdev_minor,
                               static_cast<uint32_t>(name.size() + 1),
                               0};  // check
  out->append("070701");
  char hex[9];
  for (uint32_t field : fields) {
    std::snprintf(hex, sizeof(hex), "%08X", field);
    out->append(hex, 8);
  }
  out->append(name);
  out->push_back('\0');
  PadTo4(out);
  out->append(data);
  PadTo4(out);
}

Result<std::string> ReadFile(const fs::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Fail(ErrorKind::kNotFound,
                std::string("cannot read ") + what + " '" + path.string() + "'");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string WriteCpioNewc(const std::vector<CpioEntry>& entries) {
  std::string out;
  uint32_t ino = 1;
  for (const CpioEntry& e : entries) {
    const bool is_dir = e.type == CpioEntry::Type::kDirectory;
    const bool has_data = e.type == CpioEntry::Type::kFile || e.type == CpioEntry::Type::kSymlink;
    AppendRecord(&out, ino++, TypeBits(e.type) | (e.permissions & 07777), is_dir ? 2 : 1, e.path,
                 has_data ? std::string_view(e.data) : std::string_view(), e.device_major,
                 e.device_minor);
  }
  AppendRecord(&out, 0, 0, 1, "TRAILER!!!", {}, 0, 0);
  return out;
}

std::string InitScript() {
  std::string s = R"SH(#!/bin/sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "@INIT@"
basic_tests() {
  ls / >/dev/null || return 1
  cat /proc/version || return 1
  echo culprit >/dev/null || return 1
  test "$(cat /proc/self/comm)" != "" || return 1
}
if basic_tests; then
  echo "@PASSED@"
  echo "@STARTED@"
  /repro
  echo "@FINISHED@: exit status $?"
else
  echo "@FAILED@"
fi
sync
reboot -f
# If reboot returned, init must not exit (that would panic): the runner kills the VM.
while :; do sleep 60; done
)SH";
  return WithMarkers(std::move(s));
}

std::string WithMarkers(std::string script) {
  constexpr std::pair<std::string_view, std::string_view> kMarkers[] = {
      {"@INIT@", kInitStartedMarker},
      {"@PASSED@", kBasicTestsPassedMarker},
      {"@FAILED@", kBasicTestsFailedMarker},
      {"@STARTED@", kReproducerStartedMarker},
      {"@FINISHED@", kReproducerFinishedMarker},
  };
  for (const auto& [key, marker] : kMarkers) {
    for (size_t at = script.find(key); at != std::string::npos;
         at = script.find(key, at + marker.size())) {
      script.replace(at, key.size(), marker);
    }
  }
  return script;
}

Result<void> BuildInitramfs(const InitramfsSpec& spec) {
  Result<std::string> busybox = ReadFile(spec.busybox, "busybox (apt-get install busybox-static)");
  if (!busybox) return tl::unexpected(busybox.error());
  Result<std::string> repro = ReadFile(spec.reproducer, "reproducer");
  if (!repro) return tl::unexpected(repro.error());

  using T = CpioEntry::Type;
  std::vector<CpioEntry> entries;
  for (const char* dir :
       {"bin", "sbin", "usr", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "root", "etc"})
    entries.push_back({.type = T::kDirectory, .path = dir, .permissions = 0755});
  entries.push_back({.type = T::kCharDevice,
                     .path = "dev/console",
                     .permissions = 0600,
                     .device_major = 5,
                     .device_minor = 1});
  entries.push_back(
      {.type = T::kFile, .path = "bin/busybox", .permissions = 0755, .data = std::move(*busybox)});
  entries.push_back(
      {.type = T::kSymlink, .path = "bin/sh", .permissions = 0777, .data = "busybox"});
  entries.push_back({.type = T::kFile, .path = "init", .permissions = 0755, .data = InitScript()});
  entries.push_back(
      {.type = T::kFile, .path = "repro", .permissions = 0755, .data = std::move(*repro)});

  const fs::path cpio = spec.output.string() + ".cpio";
  {
    std::ofstream out(cpio, std::ios::binary | std::ios::trunc);
    out << WriteCpioNewc(entries);
    if (!out.flush()) return Fail(ErrorKind::kIo, "cannot write initramfs '" + cpio.string() + "'");
  }
  const fs::path log = spec.output.string() + ".gzip.log";
  Result<process::SubprocessRecord> gzip =
      process::RunSubprocess({.argv = {"gzip", "-n", "-f", "-6", cpio.string()},
                              .log_path = log,
                              .timeout = std::chrono::seconds(120)});
  if (!gzip) return Wrap(gzip.error(), "compressing the initramfs");
  if (gzip->exit_code != 0)
    return Fail(ErrorKind::kInfra,
                "gzip failed on '" + cpio.string() + "' (see " + log.string() + ")");
  std::error_code ec;
  fs::rename(cpio.string() + ".gz", spec.output, ec);
  if (ec)
    return Fail(ErrorKind::kIo,
                "cannot write initramfs '" + spec.output.string() + "': " + ec.message());
  fs::remove(log, ec);
  return {};
}

}  // namespace culprit::run
