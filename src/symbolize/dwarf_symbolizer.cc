// The real Symbolizer: libdwfl for the ELF symbol table and line table, libdw scopes for inlined
// frames (the walk of eu-addr2line -i: the innermost inlined_subroutine, then up through the
// concrete tree by dwarf_getscopes_die to its caller, until the subprogram).
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

#include "symbolize/symbolizer.h"

namespace culprit::symbolize {
namespace {

namespace fs = std::filesystem;

/// The DWARF is in vmlinux itself: never look elsewhere (debuginfod included).
int NoSeparateDebuginfo(Dwfl_Module*, void**, const char*, Dwarf_Addr, const char*, const char*,
                        GElf_Word, char**) {
  return -1;
}

const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = NoSeparateDebuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = nullptr,
};

bool IsFunctionScope(Dwarf_Die* die) {
  int tag = dwarf_tag(die);
  return tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram;
}

/// DW_AT_name, following DW_AT_abstract_origin / DW_AT_specification (inlined instances).
std::string DieName(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  const char* name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
  return name != nullptr ? name : "??";
}

std::optional<Dwarf_Word> UnsignedAttr(Dwarf_Die* die, unsigned int code) {
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  if (dwarf_formudata(dwarf_attr(die, code, &attr), &value) != 0) return std::nullopt;
  return value;
}

class DwarfSymbolizer : public Symbolizer {
 public:
  DwarfSymbolizer(Dwfl* dwfl, Dwfl_Module* module, std::vector<std::string> strip_prefixes)
      : dwfl_(dwfl, dwfl_end), module_(module), strip_prefixes_(std::move(strip_prefixes)) {
    for (std::string& prefix : strip_prefixes_) {
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    }
    LoadSymbols();
  }

  bool HasSymbols() const { return !symbols_.empty(); }

  std::vector<Symbol> FindSymbols(std::string_view name) override {
    auto it = symbols_.find(std::string(name));
    return it == symbols_.end() ? std::vector<Symbol>{} : it->second;
  }

  std::vector<Frame> Symbolize(uint64_t address) override;

 private:
  void LoadSymbols() {
    int count = dwfl_module_getsymtab(module_);
    for (int i = 1; i < count; ++i) {
      GElf_Sym sym;
      GElf_Addr addr = 0;
      const char* name =
          dwfl_module_getsym_info(module_, i, &sym, &addr, nullptr, nullptr, nullptr);
      int type = GELF_ST_TYPE(sym.st_info);
      bool code = type == STT_FUNC || type == STT_NOTYPE;  // asm entry points are often NOTYPE
      if (name == nullptr || *name == '\0' || !code || sym.st_shndx == SHN_UNDEF) continue;
      symbols_[name].push_back({.address = addr, .size = sym.st_size});
    }
  }

  /// `path` made relative to the source dir, normalized ("fs/../fs/x.c" -> "fs/x.c").
  std::string Relative(const char* path) const {
    std::string p = fs::path(path).lexically_normal().string();
    for (const std::string& prefix : strip_prefixes_) {
      if (!prefix.empty() && p.compare(0, prefix.size(), prefix) == 0) {
        return p.substr(prefix.size());
      }
    }
    return p;
  }

  /// The call site of an inlined_subroutine: where, in its caller, it was inlined.
  std::optional<std::pair<std::string, int>> CallSite(Dwarf_Die* cu, Dwarf_Die* inlined) const {
    std::optional<Dwarf_Word> file = UnsignedAttr(inlined, DW_AT_call_file);
    std::optional<Dwarf_Word> line = UnsignedAttr(inlined, DW_AT_call_line);
    Dwarf_Files* files = nullptr;
    size_t nfiles = 0;
    if (!file || !line || dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || *file >= nfiles) {
      return std::nullopt;
    }
    const char* name = dwarf_filesrc(files, *file, nullptr, nullptr);
    if (name == nullptr) return std::nullopt;
    return std::pair{Relative(name), static_cast<int>(*line)};
  }

  std::unique_ptr<Dwfl, void (*)(Dwfl*)> dwfl_;
  Dwfl_Module* module_;
  std::vector<std::string> strip_prefixes_;
  std::map<std::string, std::vector<Symbol>> symbols_;
};

std::vector<Frame> DwarfSymbolizer::Symbolize(uint64_t address) {
  Dwfl_Line* line_info = dwfl_module_getsrc(module_, address);
  int line = 0;
  const char* file =
      line_info ? dwfl_lineinfo(line_info, nullptr, &line, nullptr, nullptr, nullptr) : nullptr;
  if (file == nullptr) return {};
  Frame current{.file = Relative(file), .line = line};
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(module_, address, &bias);
  Dwarf_Die* scopes = nullptr;
  int n = cu != nullptr ? dwarf_getscopes(cu, address - bias, &scopes) : 0;
  std::vector<Frame> frames;
  int i = 0;
  while (i < n && !IsFunctionScope(&scopes[i])) ++i;
  // Each step names the function at this level, then moves to its call site in the caller.
  while (i < n) {
    Dwarf_Die die = scopes[i];
    current.function = DieName(&die);
    current.inlined = dwarf_tag(&die) == DW_TAG_inlined_subroutine;
    frames.push_back(current);
    if (!current.inlined) break;
    std::optional<std::pair<std::string, int>> site = CallSite(cu, &die);
    free(scopes);
    scopes = nullptr;
    n = dwarf_getscopes_die(&die, &scopes);  // [0] is the DIE itself, then its parents
    if (!site) break;
    current = {.file = site->first, .line = site->second};
    i = 1;
    while (i < n && !IsFunctionScope(&scopes[i])) ++i;
  }
  free(scopes);
  if (frames.empty()) frames.push_back(current);  // line info but no DWARF scopes (asm)
  frames.back().inlined = false;
  return frames;
}

}  // namespace

Result<std::unique_ptr<Symbolizer>> OpenSymbolizer(const fs::path& vmlinux,
                                                   std::string strip_prefix) {
  return OpenSymbolizer(vmlinux, std::vector<std::string>{std::move(strip_prefix)});
}

Result<std::unique_ptr<Symbolizer>> OpenSymbolizer(const fs::path& vmlinux,
                                                   std::vector<std::string> strip_prefixes) {
  std::error_code ec;
  if (!fs::exists(vmlinux, ec)) {
    return Fail(ErrorKind::kNotFound, "no vmlinux at " + vmlinux.string());
  }
  Dwfl* dwfl = dwfl_begin(&kCallbacks);
  if (dwfl == nullptr) return Fail(ErrorKind::kInternal, std::string("libdw: ") + dwfl_errmsg(-1));
  dwfl_report_begin(dwfl);
  Dwfl_Module* module = dwfl_report_offline(dwfl, "vmlinux", vmlinux.c_str(), -1);
  if (module == nullptr || dwfl_report_end(dwfl, nullptr, nullptr) != 0) {
    std::string why = dwfl_errmsg(-1);
    dwfl_end(dwfl);
    return Fail(ErrorKind::kBadInput, vmlinux.string() + " is not a usable ELF file: " + why);
  }
  auto symbolizer = std::make_unique<DwarfSymbolizer>(dwfl, module, std::move(strip_prefixes));
  if (!symbolizer->HasSymbols()) {
    return Fail(
        ErrorKind::kBadInput,
        vmlinux.string() + " has no symbol table (was it stripped? use vmlinux, not bzImage)");
  }
  return std::unique_ptr<Symbolizer>(std::move(symbolizer));
}

}  // namespace culprit::symbolize
