#include "job/config_values.h"

#include <charconv>
#include <cmath>
#include <sstream>

namespace culprit::job::value {

namespace {

std::string Number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

template <class T>
std::optional<T> Parse(const std::string& text) {
  T v{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

}  // namespace

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s.substr(0, 60)) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + (s.size() > 60 ? "...\"" : "\"");
}

std::optional<Wide> IntegerOf(const toml::node& node) {
  if (const auto* v = node.as_integer()) return v->get();
  return std::nullopt;
}

std::optional<Wide> IntegerOf(const nlohmann::json& json) {
  if (json.is_number_unsigned()) return json.get<uint64_t>();
  if (json.is_number_integer()) return json.get<int64_t>();
  return std::nullopt;
}

std::optional<Wide> IntegerOf(const std::string& text) {
  if (auto v = Parse<int64_t>(text)) return *v;
  if (auto v = Parse<uint64_t>(text)) return *v;
  return std::nullopt;
}

std::optional<double> NumberOf(const toml::node& node) {
  std::optional<double> v;
  if (const auto* f = node.as_floating_point()) v = f->get();
  if (const auto* i = node.as_integer()) v = static_cast<double>(i->get());
  if (v && !std::isfinite(*v)) return std::nullopt;
  return v;
}

std::optional<double> NumberOf(const nlohmann::json& json) {
  if (!json.is_number()) return std::nullopt;
  return json.get<double>();
}

std::optional<double> NumberOf(const std::string& text) {
  std::optional<double> v = Parse<double>(text);
  if (v && !std::isfinite(*v)) return std::nullopt;
  return v;
}

std::optional<bool> BoolOf(const toml::node& node) {
  if (const auto* b = node.as_boolean()) return b->get();
  return std::nullopt;
}

std::optional<bool> BoolOf(const nlohmann::json& json) {
  if (json.is_boolean()) return json.get<bool>();
  return std::nullopt;
}

std::optional<bool> BoolOf(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

std::optional<std::string> StringOf(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  return std::nullopt;
}

std::optional<std::string> StringOf(const nlohmann::json& json) {
  if (json.is_string()) return json.get<std::string>();
  return std::nullopt;
}

std::optional<std::vector<std::string>> StringsOf(const toml::node& node) {
  if (auto s = StringOf(node)) return std::vector<std::string>{*s};
  const toml::array* array = node.as_array();
  if (!array) return std::nullopt;
  std::vector<std::string> out;
  for (const toml::node& e : *array) {
    auto s = StringOf(e);
    if (!s) return std::nullopt;
    out.push_back(*s);
  }
  return out;
}

std::optional<std::vector<std::string>> StringsOf(const nlohmann::json& json) {
  if (auto s = StringOf(json)) return std::vector<std::string>{*s};
  if (!json.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const nlohmann::json& e : json) {
    auto s = StringOf(e);
    if (!s) return std::nullopt;
    out.push_back(*s);
  }
  return out;
}

bool InRange(double v, const Range& r) {
  bool above = r.min_open ? v > r.min : v >= r.min;
  bool below = r.max_open ? v < r.max : v <= r.max;
  return above && below;  // false for NaN
}

std::string RangeText(const Range& r) {
  bool has_min = std::isfinite(r.min), has_max = std::isfinite(r.max);
  std::string low = std::string(r.min_open ? " > " : " ≥ ") + Number(r.min);
  std::string high = std::string(r.max_open ? " < " : " ≤ ") + Number(r.max);
  if (has_min && has_max) {
    if (!r.min_open && !r.max_open) return " between " + Number(r.min) + " and " + Number(r.max);
    return low + " and" + high;
  }
  if (has_min) return low;
  if (has_max) return high;
  return "";
}

std::string Show(const toml::node& node) {
  if (const auto* s = node.as_string()) return Quote(s->get());
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return Number(f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const toml::array* array = node.as_array()) {
    std::string out;
    for (const toml::node& e : *array) out += (out.empty() ? "" : ", ") + Show(e);
    return out.size() > 60 ? "an array" : "[" + out + "]";
  }
  if (node.is_table()) return "a table";
  return "a date or time";
}

std::string Show(const nlohmann::json& json) {
  if (json.is_string()) return Quote(json.get<std::string>());
  if (json.is_array()) return "an array";
  if (json.is_object()) return "an object";
  return Dump(json);
}

std::string Show(const std::vector<std::string>& texts) {
  std::string out;
  for (const std::string& t : texts) out += (out.empty() ? "" : " ") + Quote(t);
  return out;
}

std::string ShowDefault(const nlohmann::json& json) {
  if (json.is_string()) return json.get<std::string>();
  if (json.is_null() || (json.is_array() && json.empty())) return "";
  if (json.is_number_float()) return Number(json.get<double>());
  return Dump(json);
}

std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace culprit::job::value
