// The kernel signature: a hash of what a built kernel will execute, so that two commits whose
// vmlinux differ only in debug info (a comment moved line numbers) or build-id count as the same
// binary. Building the kernel and deciding what "same binary" implies are left to others.
#pragma once

#include <filesystem>
#include <string>

#include "base/result.h"

namespace culprit::build {

/// SHA-256 (lower-case hex) over the loadable sections of the ELF file `elf`, in section order:
/// for each SHF_ALLOC section but notes (SHT_NOTE: .note.gnu.build-id and friends), its name,
/// type and size, and its bytes unless it is SHT_NOBITS (.bss: size only). Non-alloc sections
/// (.debug_*, .comment, .symtab) do not count. Data that embeds line numbers (the kernel's
/// __bug_table under CONFIG_DEBUG_BUGVERBOSE) still does, as in syzbot's signatures.
/// Fails with kNotFound if `elf` is missing, kBadInput if it is not an ELF file, kCorrupt if its
/// section table cannot be read.
Result<std::string> KernelSignature(const std::filesystem::path& elf);

}  // namespace culprit::build
