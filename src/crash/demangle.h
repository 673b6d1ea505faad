// Private to crash/: symbol demangling for frame names (§11.1 of syzbot-title-rules.md). C++
// (Itanium `_Z...`) through libstdc++'s abi::__cxa_demangle, Rust (legacy `_ZN...17h<hash>E`
// and v0 `_R...`) through libiberty's rust_demangle. Names come out without parameter lists,
// return types or hashes, as syzbot prints them; anything else comes back unchanged.
#pragma once

#include <string>
#include <string_view>

namespace culprit::crash {

/// `symbol` demangled, or `symbol` itself if it is not mangled or does not demangle.
std::string DemangleSymbol(std::string_view symbol);

/// The path a Rust symbol names ("<rust_binder::process::Process>::update_ref"), or `symbol`
/// unchanged. Kept for callers that know they hold a Rust symbol.
std::string DemangleRust(std::string_view symbol);

/// "void ns::f<int>(int) const" -> "ns::f<int>": the name of a demangled C++ function signature.
std::string CxxNameOnly(std::string_view signature);

}  // namespace culprit::crash
