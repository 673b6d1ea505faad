#include "build/kernel_signature.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "build/sha256.h"

namespace culprit::build {
namespace {

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) close(fd);
  }
};

using ElfHandle = std::unique_ptr<Elf, int (*)(Elf*)>;

/// Whether the section's bytes end up in the running kernel: allocated, and not a note (the
/// build-id note hashes the debug info too).
bool IsLoaded(const GElf_Shdr& shdr) {
  return (shdr.sh_flags & SHF_ALLOC) != 0 && shdr.sh_type != SHT_NOTE;
}

Result<void> HashSection(Elf* elf, Elf_Scn* scn, size_t shstrndx, Sha256& sha) {
  GElf_Shdr shdr;
  if (gelf_getshdr(scn, &shdr) == nullptr) {
    return Fail(ErrorKind::kCorrupt, std::string("bad section header: ") + elf_errmsg(-1));
  }
  if (!IsLoaded(shdr)) return {};
  const char* name = elf_strptr(elf, shstrndx, shdr.sh_name);
  if (name == nullptr) name = "";
  sha.Update(name, std::strlen(name) + 1);
  sha.UpdateU64(shdr.sh_type);
  sha.UpdateU64(shdr.sh_size);
  if (shdr.sh_type == SHT_NOBITS) return {};
  for (Elf_Data* data = elf_rawdata(scn, nullptr); data != nullptr; data = elf_rawdata(scn, data)) {
    if (data->d_buf != nullptr) sha.Update(data->d_buf, data->d_size);
  }
  return {};
}

}  // namespace

Result<std::string> KernelSignature(const std::filesystem::path& path) {
  elf_version(EV_CURRENT);
  FdCloser fd{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) {
    ErrorKind kind = errno == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo;
    return Fail(kind, "cannot open " + path.string() + ": " + std::strerror(errno));
  }
  ElfHandle elf(elf_begin(fd.fd, ELF_C_READ, nullptr), elf_end);
  if (elf == nullptr || elf_kind(elf.get()) != ELF_K_ELF) {
    return Fail(ErrorKind::kBadInput,
                path.string() + " is not an ELF file (the signature needs vmlinux, not bzImage)");
  }
  size_t shstrndx = 0;
  if (elf_getshdrstrndx(elf.get(), &shstrndx) != 0) {
    return Fail(ErrorKind::kCorrupt, path.string() + ": no section names: " + elf_errmsg(-1));
  }
  Sha256 sha;
  for (Elf_Scn* scn = elf_nextscn(elf.get(), nullptr); scn != nullptr;
       scn = elf_nextscn(elf.get(), scn)) {
    if (Result<void> r = HashSection(elf.get(), scn, shstrndx, sha); !r) {
      return Wrap(r.error(), path.string());
    }
  }
  return sha.HexDigest();
}

}  // namespace culprit::build
