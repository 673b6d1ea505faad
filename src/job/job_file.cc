// The TOML job file, read strictly through the field table: an unknown key, a value of the
// wrong type or out of range stops the load with FILE:LINE and the key. LoadJobFile is declared
// in job_config.h.
#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "job/config_fields.h"
#include "job/config_values.h"
#include "job/job_config.h"

namespace culprit::job {

namespace {

// Levenshtein distance, for "did you mean".
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); j++) row[j] = j;
  for (size_t i = 1; i <= a.size(); i++) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); j++) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

template <class S>
std::string ClosestKey(std::string_view key) {
  std::string best;
  size_t best_distance = 3;  // farther than 2 edits is not a typo
  for (const Field<S>& f : FieldsOf<S>()) {
    size_t d = EditDistance(key, f.key);
    if (!f.retired && d < best_distance && d < key.size()) {
      best = f.key;
      best_distance = d;
    }
  }
  return best;
}

// ---- TOML ----

struct TomlContext {
  std::string file;           // as given, for messages
  std::filesystem::path dir;  // the job file's directory
  std::string prefix;         // of the keys: "", "kernel.", "kernel.compilers[0]."
};

Error BadInput(const TomlContext& cx, const toml::source_region& where, const std::string& what) {
  return {ErrorKind::kBadInput, cx.file + ":" + std::to_string(where.begin.line) + ": " + what};
}

tl::unexpected<Error> MustBe(const TomlContext& cx, const toml::node& node, const std::string& name,
                             const std::string& description) {
  return tl::unexpected(BadInput(
      cx, node.source(), "'" + name + "' must be " + description + ", got " + value::Show(node)));
}

template <class S>
Result<void> ReadTable(const toml::table& table, S& s, const TomlContext& cx);

// A path relative to the job file's directory, made canonical: an odd path (a symbolic link
// loop, a name too long) is an error here rather than an exception later.
Result<void> ResolvePath(std::filesystem::path& p, const TomlContext& cx, const toml::node& node,
                         const std::string& name) {
  std::filesystem::path joined = p.is_relative() ? cx.dir / p : p;
  std::error_code ec;
  std::filesystem::path resolved = std::filesystem::weakly_canonical(joined, ec);
  if (ec)
    return tl::unexpected(BadInput(cx, node.source(),
                                   "'" + name + "' = " + value::Quote(joined.string()) +
                                       " cannot be resolved: " + ec.message()));
  p = resolved;
  return {};
}

Result<void> ResolvePath(std::optional<std::filesystem::path>& p, const TomlContext& cx,
                         const toml::node& node, const std::string& name) {
  return p ? ResolvePath(*p, cx, node, name) : Result<void>();
}

template <class T>
Result<void> ResolvePath(T&, const TomlContext&, const toml::node&, const std::string&) {
  return {};  // not a path
}

template <class S, class T>
Result<void> ReadField(const Field<S>& f, T S::*member, const toml::node& node, S& s,
                       const TomlContext& cx) {
  const std::string name = cx.prefix + f.key;
  auto nested = [&](const std::string& prefix) { return TomlContext{cx.file, cx.dir, prefix}; };
  if constexpr (kIsOptionalTable<T>) {
    const toml::table* table = node.as_table();
    if (!table) return MustBe(cx, node, name, "a table");
    typename T::value_type sub{};
    if (auto ok = ReadTable(*table, sub, nested(name + ".")); !ok) return ok;
    s.*member = std::move(sub);
  } else if constexpr (kIsTableArray<T>) {
    const toml::array* array = node.as_array();
    if (!array) return MustBe(cx, node, name, "an array of tables");
    T list;
    for (size_t i = 0; i < array->size(); i++) {
      const std::string entry = name + "[" + std::to_string(i) + "]";
      const toml::table* table = (*array)[i].as_table();
      if (!table) return MustBe(cx, (*array)[i], entry, "a table");
      typename T::value_type sub{};
      if (auto ok = ReadTable(*table, sub, nested(entry + ".")); !ok) return ok;
      list.push_back(std::move(sub));
    }
    s.*member = std::move(list);
  } else {
    T v{};
    if (!value::Read(node, value::SpecOf(f), v))
      return MustBe(cx, node, name, value::Describe<T>(value::SpecOf(f)));
    if (f.from_job_file_dir) {
      if (auto ok = ResolvePath(v, cx, node, name); !ok) return ok;
    }
    s.*member = std::move(v);
  }
  return {};
}

template <class S>
Error UnknownKey(const TomlContext& cx, const toml::key& key) {
  std::string what = "unknown key '" + cx.prefix + std::string(key.str()) + "'";
  if (std::string close = ClosestKey<S>(key.str()); !close.empty())
    return BadInput(cx, key.source(), what + " (did you mean '" + cx.prefix + close + "'?)");
  // The usual slip: a top-level key written below [kernel] belongs to [kernel].
  if (!cx.prefix.empty() && FindKey<JobConfig>(key.str()))
    return BadInput(cx, key.source(),
                    what + " ('" + std::string(key.str()) +
                        "' is a top-level key: move it above [" +
                        cx.prefix.substr(0, cx.prefix.find('.')) + "])");
  return BadInput(cx, key.source(), what);
}

template <class S>
Result<void> ReadTable(const toml::table& table, S& s, const TomlContext& cx) {
  for (auto&& [key, node] : table) {
    const Field<S>* f = FindKey<S>(key.str());
    if (!f) return tl::unexpected(UnknownKey<S>(cx, key));
    if (f->retired) return tl::unexpected(BadInput(cx, key.source(), f->retired));
    auto ok = std::visit(
        [&](auto member) -> Result<void> {
          if constexpr (std::is_same_v<decltype(member), std::monostate>)
            return {};
          else
            return ReadField(*f, member, node, s, cx);
        },
        f->member);
    if (!ok) return ok;
  }
  for (const Field<S>& f : FieldsOf<S>()) {
    if (f.required && !table.contains(f.key))
      return tl::unexpected(
          BadInput(cx, table.source(), "'" + cx.prefix + f.key + "' is missing: " + f.help));
  }
  return {};
}

}  // namespace

Result<JobConfig> LoadJobFile(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return Fail(ErrorKind::kBadInput, file + " is a directory, not a job file");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) return Fail(ErrorKind::kBadInput, "cannot read the job file " + file);
  toml::table table;
  try {
    table = toml::parse(text.str(), file);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Fail(ErrorKind::kBadInput, file + ":" + std::to_string(where.line) + ":" +
                                          std::to_string(where.column) + ": " +
                                          std::string(e.description()));
  }
  JobConfig c;
  if (auto ok = ReadTable(table, c, TomlContext{file, path.parent_path(), ""}); !ok)
    return tl::unexpected(ok.error());
  return c;
}

}  // namespace culprit::job
