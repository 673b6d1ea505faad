// A small bootable disk image for kernel runs over ssh (VmRunSpec::disk_image): an ext4 file
// system, written without root by mke2fs -d, holding a static busybox, dropbear (Debian's
// dropbear-bin, with the libraries it links) and an /init that mounts, prints the stage
// markers of run/initramfs.h, brings up the network QEMU's user networking expects and starts
// sshd. A fresh ed25519 key pair logs in as root. For tests and demos: a real distribution
// image works the same way when its sshd accepts the key.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"

namespace culprit::run {

struct DiskImageSpec {
  std::filesystem::path output;  ///< the raw ext4 image to write
  /// The private key written beside it (the public key is authorized for root); empty:
  /// `output` with ".key" appended.
  std::filesystem::path key;
  std::filesystem::path busybox = "/bin/busybox";         ///< statically linked
  std::filesystem::path dropbear = "/usr/sbin/dropbear";  ///< the sshd
  int size_mb = 64;
};

/// The image's /init: mounts, markers, network (10.0.2.15/24 via 10.0.2.2), dropbear.
std::string DiskInitScript();

/// The shared libraries a dynamically linked program needs, from `ldd`'s output: every
/// absolute path it names, the dynamic loader included, in order.
std::vector<std::string> LibrariesFromLdd(const std::string& ldd_output);

/// Writes the image and its key. kNotFound names a missing busybox, dropbear, mke2fs or
/// ssh-keygen (and the package to install); kIo a file that could not be written.
Result<void> MakeDiskImage(const DiskImageSpec& spec);

}  // namespace culprit::run
