// Symbolization of kernel reports: maps `func+0xOFF/0xSIZE` frames through vmlinux's symbol
// table and DWARF (libdw) to file:line, with inlined callers, and rewrites the RIP line and Call
// Trace as syzbot shows them. Finding the crash title or guilty file is left to crash/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace culprit::symbolize {

/// One source location of an address; an address inside inlined code has several.
struct Frame {
  std::string function;  // "__io_req_set_refcount"
  std::string file;      // relative to the kernel source dir when under it: "fs/io_uring.c"
  int line = 0;
  bool inlined = false;  // true for all frames but the containing (outermost) function
};

/// A symbol of the binary's symbol table.
struct Symbol {
  uint64_t address = 0;
  uint64_t size = 0;
};

/// Looks up addresses of one binary. Real: OpenSymbolizer (libdw); tests may fake it.
class Symbolizer {
 public:
  virtual ~Symbolizer() = default;
  /// Frames for `address`, innermost first: the inlined functions, then the function containing
  /// them (inlined == false). Empty if the address has no line information.
  virtual std::vector<Frame> Symbolize(uint64_t address) = 0;
  /// Function symbols named `name` (static functions may share a name), in symbol table order.
  virtual std::vector<Symbol> FindSymbols(std::string_view name) = 0;
};

/// Opens `vmlinux` (an ELF file with DWARF). File names under `strip_prefix` (the kernel source
/// dir, "" for none) are made relative to it. Fails with kNotFound if the file is missing,
/// kBadInput if it is not ELF or has no symbol table.
Result<std::unique_ptr<Symbolizer>> OpenSymbolizer(const std::filesystem::path& vmlinux,
                                                   std::string strip_prefix);
/// The same with several prefixes, tried in order (DWARF may name sources by an absolute or a
/// relative path depending on where the build ran).
Result<std::unique_ptr<Symbolizer>> OpenSymbolizer(const std::filesystem::path& vmlinux,
                                                   std::vector<std::string> strip_prefixes);

/// Rewrites every unsymbolized `func+0xOFF/0xSIZE` frame of `report` as syzbot does: the line gets
/// " file:line", preceded by one line per inlined function ("<prefix>name file:line [inline]",
/// prefix being what stood before the function name, e.g. "RIP: 0010:" or " "). The RIP/pc line is
/// looked up at its address, Call Trace frames (return addresses) at address - 1. Frames with an
/// unknown function, a module suffix ("[ext4]") or no line info, and all other lines, are kept.
std::string SymbolizeReport(Symbolizer& symbolizer, std::string_view report);

}  // namespace culprit::symbolize
