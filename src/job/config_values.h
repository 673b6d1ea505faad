// One value of a job setting, per member type of the field table (config_fields.h): read from a
// TOML node, the stored JSON or a flag's text, written to JSON, described for error messages.
// A reader returns false when the value has the wrong type or is out of range; the caller then
// says "'KEY' must be DESCRIPTION, got SHOWN". Nested tables are the table walker's business
// (job_config.cc). Private to job/; nothing here throws.
#pragma once

#include <toml++/toml.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "decide/names.h"
#include "job/config_fields.h"
#include "run/runner.h"

namespace culprit::job::value {

/// What a field says about its numbers.
struct Spec {
  Range range;
  int64_t unit = 1;  ///< the member holds the written value times this
};

template <class S>
Spec SpecOf(const Field<S>& f) {
  return {.range = f.range, .unit = f.unit};
}

/// An integer as written, wide enough for any TOML, JSON or flag integer.
using Wide = __int128;

std::optional<Wide> IntegerOf(const toml::node& node);
std::optional<Wide> IntegerOf(const nlohmann::json& json);
std::optional<Wide> IntegerOf(const std::string& text);
std::optional<double> NumberOf(const toml::node& node);
std::optional<double> NumberOf(const nlohmann::json& json);
std::optional<double> NumberOf(const std::string& text);
std::optional<bool> BoolOf(const toml::node& node);
std::optional<bool> BoolOf(const nlohmann::json& json);
std::optional<bool> BoolOf(const std::string& text);
std::optional<std::string> StringOf(const toml::node& node);
std::optional<std::string> StringOf(const nlohmann::json& json);
inline std::optional<std::string> StringOf(const std::string& text) { return text; }
/// A string, or an array of strings.
std::optional<std::vector<std::string>> StringsOf(const toml::node& node);
std::optional<std::vector<std::string>> StringsOf(const nlohmann::json& json);

bool InRange(double written, const Range& range);
/// " ≥ 1", " between 0.5 and 1", " > 0": empty for an unbounded range.
std::string RangeText(const Range& range);

/// At most 60 bytes of a user's string, quoted, for a message.
std::string Quote(const std::string& s);
/// A value as the user wrote it, for error messages: strings quoted, arrays and tables named.
std::string Show(const toml::node& node);
std::string Show(const nlohmann::json& json);
std::string Show(const std::vector<std::string>& texts);
/// A JSON value for --help: strings bare; "" for an empty string, list or null.
std::string ShowDefault(const nlohmann::json& json);
/// JSON text that never throws: bytes that are not UTF-8 become U+FFFD.
std::string Dump(const nlohmann::json& json);

template <class T>
inline constexpr bool kIsInteger = std::is_same_v<T, int> || std::is_same_v<T, uint64_t>;
template <class T>
inline constexpr bool kIsPath = std::is_same_v<T, std::filesystem::path> ||
                                std::is_same_v<T, std::optional<std::filesystem::path>>;

template <class T>
bool SetInteger(std::optional<Wide> written, const Spec& spec, T& out) {
  if (!written || !InRange(static_cast<double>(*written), spec.range)) return false;
  Wide v = *written * spec.unit;
  if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) return false;
  out = static_cast<T>(v);
  return true;
}

/// Sets `out` from what a TOML node, a JSON value or a flag's texts hold (one `Source`).
template <class T, class Source>
bool Read(const Source& in, const Spec& spec, T& out) {
  if constexpr (kIsInteger<T>) {
    return SetInteger(IntegerOf(in), spec, out);
  } else if constexpr (std::is_same_v<T, bool>) {
    std::optional<bool> v = BoolOf(in);
    if (v) out = *v;
    return v.has_value();
  } else if constexpr (std::is_same_v<T, double>) {
    std::optional<double> v = NumberOf(in);
    if (!v || !InRange(*v, spec.range)) return false;
    out = *v;
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    std::optional<std::vector<std::string>> v = StringsOf(in);
    if (v) out = std::move(*v);
    return v.has_value();
  } else {
    std::optional<std::string> s = StringOf(in);
    if (!s) return false;
    if constexpr (std::is_same_v<T, std::string>) {
      out = std::move(*s);
      return true;
    } else if constexpr (kIsPath<T>) {
      if (s->empty()) return false;
      out = std::filesystem::path(*s);
      return true;
    } else if constexpr (std::is_same_v<T, decide::Mode>) {
      std::optional<decide::Mode> m = decide::ParseModeName(*s);
      if (m) out = *m;
      return m.has_value();
    } else if constexpr (std::is_same_v<T, run::Network>) {
      std::optional<run::Network> n = run::ParseNetworkName(*s);
      if (n) out = *n;
      return n.has_value();
    } else if constexpr (std::is_same_v<T, Predicate>) {
      std::optional<Predicate> p = ParsePredicateName(*s);
      if (p) out = *p;
      return p.has_value();
    } else {
      static_assert(std::is_same_v<T, decide::StrategyKind>);
      std::optional<decide::StrategyKind> k = decide::ParseStrategyName(*s);
      if (k) out = *k;
      return k.has_value();
    }
  }
}

/// Flags come as texts: one for a single value, one per occurrence for a list.
template <class T>
bool ReadText(const std::vector<std::string>& texts, const Spec& spec, T& out) {
  if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    out = texts;
    return true;
  } else {
    return texts.size() == 1 && Read(texts[0], spec, out);
  }
}

/// The JSON form of a value; null for an unset optional (its key is then left out).
template <class T>
nlohmann::json ToJson(const T& v, const Spec& spec) {
  if constexpr (kIsInteger<T>) {
    return static_cast<T>(v / static_cast<T>(spec.unit));
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    return v.string();
  } else if constexpr (std::is_same_v<T, std::optional<std::filesystem::path>>) {
    return v ? nlohmann::json(v->string()) : nlohmann::json();
  } else if constexpr (std::is_same_v<T, decide::Mode>) {
    return std::string(decide::ModeName(v));
  } else if constexpr (std::is_same_v<T, decide::StrategyKind>) {
    return std::string(decide::StrategyName(v));
  } else if constexpr (std::is_same_v<T, run::Network>) {
    return std::string(run::NetworkName(v));
  } else if constexpr (std::is_same_v<T, Predicate>) {
    return std::string(PredicateName(v));
  } else {
    return v;
  }
}

/// True when a value set by code (not read) is in its field's range.
template <class T>
bool InRange(const T& v, const Spec& spec) {
  if constexpr (kIsInteger<T>) {
    return InRange(static_cast<double>(v / static_cast<T>(spec.unit)), spec.range);
  } else if constexpr (std::is_same_v<T, double>) {
    return InRange(v, spec.range);
  } else {
    return true;
  }
}

/// What a value of type T must be: "an integer ≥ 1", "one of cause, fix".
template <class T>
std::string Describe(const Spec& spec) {
  if constexpr (kIsInteger<T>) return "an integer" + RangeText(spec.range);
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  if constexpr (std::is_same_v<T, double>) return "a number" + RangeText(spec.range);
  if constexpr (std::is_same_v<T, std::string>) return "a string";
  if constexpr (kIsPath<T>) return "a path (a non-empty string)";
  if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    return "a string or an array of strings";
  }
  if constexpr (std::is_same_v<T, decide::Mode>) return "one of cause, fix";
  if constexpr (std::is_same_v<T, decide::StrategyKind>) return "one of bayes, syzbot, git";
  if constexpr (std::is_same_v<T, run::Network>) return "one of none, loopback, host";
  if constexpr (std::is_same_v<T, Predicate>) return "one of crash, exit";
}

/// The option's type for --help.
template <class T>
const char* TypeName() {
  if constexpr (kIsInteger<T>) return "INT";
  if constexpr (std::is_same_v<T, double>) return "NUMBER";
  if constexpr (std::is_same_v<T, bool>) return "true|false";
  if constexpr (kIsPath<T>) return "PATH";
  if constexpr (std::is_same_v<T, decide::Mode>) return "cause|fix";
  if constexpr (std::is_same_v<T, decide::StrategyKind>) return "bayes|syzbot|git";
  if constexpr (std::is_same_v<T, run::Network>) return "none|loopback|host";
  if constexpr (std::is_same_v<T, Predicate>) return "crash|exit";
  return "TEXT";
}

}  // namespace culprit::job::value
