// The field table of a job: one row per setting, read by everything that handles settings
// (the TOML job file, the stored JSON, the fingerprint, `culprit bisect`'s flags and help,
// Validate). A new setting is a member of JobConfig (or of a nested table) plus one row in
// config_fields.cc; nothing else lists fields. Private to job/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "job/job_config.h"

namespace culprit::job {

/// The values a number may take. The bounds are those of the value as written (before `unit`).
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;  ///< true: min itself is excluded
  bool max_open = false;
};

/// Where a field lives in its struct. The member's type is the field's type: int, uint64_t (an
/// integer), double (a number), string, path, optional path, list of strings, the mode,
/// strategy and predicate (one of their names), a yes/no (its flag is a switch: see FlagSpec),
/// and the nested tables (a table, an array of tables).
template <class S>
using Member =
    std::variant<std::monostate, int S::*, uint64_t S::*, double S::*, std::string S::*,
                 std::filesystem::path S::*, std::optional<std::filesystem::path> S::*,
                 std::vector<std::string> S::*, decide::Mode S::*, decide::StrategyKind S::*,
                 run::Network S::*, Predicate S::*, std::optional<KernelSettings> S::*,
                 std::vector<CompilerRule> S::*, std::vector<ConfigFixup> S::*,
                 std::optional<SlurmSettings> S::*, bool S::*, std::vector<Backport> S::*>;
static_assert(std::is_same_v<size_t, uint64_t>, "max_commits is read as a uint64_t");

/// One setting. Its default is the member's value in a default-constructed S.
template <class S>
struct Field {
  const char* key;  ///< in the job file and in the stored JSON
  Member<S> member = {};
  const char* help = "";
  const char* flag = nullptr;  ///< `culprit bisect` option, e.g. "--runs"; nullptr: file only
  Range range = {};
  int64_t unit = 1;                ///< the member holds the written value times this (MiB -> bytes)
  bool question = false;           ///< part of the fingerprint: changing it makes another job
  bool from_job_file_dir = false;  ///< a relative path is relative to the job file
  bool required = false;           ///< a table without it is an error
  const char* shown_default = nullptr;  ///< for --help, when the raw default says little
  /// Set: the key is no longer read, and this says what to write instead (member unset).
  const char* retired = nullptr;
};

/// The tables of fields: JobConfig (the top level), KernelSettings ([kernel]), CompilerRule
/// ConfigFixup and Backport (the entries of [kernel]'s compilers, fixups and backports arrays),
/// SlurmSettings
/// ([slurm]).
template <class S>
std::span<const Field<S>> FieldsOf();
template <>
std::span<const Field<JobConfig>> FieldsOf<JobConfig>();
template <>
std::span<const Field<KernelSettings>> FieldsOf<KernelSettings>();
template <>
std::span<const Field<CompilerRule>> FieldsOf<CompilerRule>();
template <>
std::span<const Field<ConfigFixup>> FieldsOf<ConfigFixup>();
template <>
std::span<const Field<SlurmSettings>> FieldsOf<SlurmSettings>();
template <>
std::span<const Field<Backport>> FieldsOf<Backport>();

/// True for the structs that are tables of their own (FieldsOf<T> is defined).
template <class T>
inline constexpr bool kIsTable = false;
template <>
inline constexpr bool kIsTable<KernelSettings> = true;
template <>
inline constexpr bool kIsTable<CompilerRule> = true;
template <>
inline constexpr bool kIsTable<ConfigFixup> = true;
template <>
inline constexpr bool kIsTable<SlurmSettings> = true;
template <>
inline constexpr bool kIsTable<Backport> = true;

/// The type a member pointer points to, and the two kinds of nested tables (a table that
/// may be absent, an array of tables).
template <class M>
struct MemberOf;
template <class S, class T>
struct MemberOf<T S::*> {
  using Type = T;
};
template <class T>
inline constexpr bool kIsOptionalTable = false;
template <class T>
inline constexpr bool kIsOptionalTable<std::optional<T>> = kIsTable<T>;
template <class T>
inline constexpr bool kIsTableArray = false;
template <class T>
inline constexpr bool kIsTableArray<std::vector<T>> = kIsTable<T>;

/// Calls visit(const Field<S>&, T S::* member) for every row with a member (every row but
/// the retired keys), in the table's order.
template <class S, class Visit>
void ForEachField(Visit&& visit) {
  for (const Field<S>& f : FieldsOf<S>()) {
    std::visit(
        [&](auto member) {
          if constexpr (!std::is_same_v<decltype(member), std::monostate>) visit(f, member);
        },
        f.member);
  }
}

/// The row of `key`, or nullptr.
template <class S>
const Field<S>* FindKey(std::string_view key) {
  for (const Field<S>& f : FieldsOf<S>())
    if (key == f.key) return &f;
  return nullptr;
}

}  // namespace culprit::job
