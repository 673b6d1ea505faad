// Job settings in and out (the job file is read in job_file.cc): every function here walks the
// field table (config_fields.cc) and leaves single values to config_values.h, so no field is
// named below but in Validate's cross-field checks and EffectiveJobs.
#include "job/job_config.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "decide/names.h"
#include "job/config_fields.h"
#include "job/config_values.h"
#include "job/run_predicate.h"

namespace culprit::job {

Result<decide::StrategyKind> ParseStrategy(const std::string& name) {
  if (auto s = decide::ParseStrategyName(name)) return *s;
  return Fail(ErrorKind::kBadInput,
              "unknown strategy '" + name + "' (use one of: bayes, syzbot, git)");
}

Result<decide::Mode> ParseMode(const std::string& name) {
  if (auto m = decide::ParseModeName(name)) return *m;
  return Fail(ErrorKind::kBadInput, "unknown mode '" + name + "' (use --mode cause or --mode fix)");
}

std::string_view PredicateName(Predicate predicate) {
  return predicate == Predicate::kExit ? "exit" : "crash";
}

std::optional<Predicate> ParsePredicateName(std::string_view name) {
  if (name == "crash") return Predicate::kCrash;
  if (name == "exit") return Predicate::kExit;
  return std::nullopt;
}

int InfraExit(const JobConfig& c) {
  if (c.infra_exit > 0) return c.infra_exit;
  return c.verdict == Predicate::kCrash ? 126 : -1;
}

Result<MarkText> ParseMark(const std::string& text) {
  const size_t eq = text.rfind('=');
  MarkText m;
  if (eq != std::string::npos) m = {text.substr(0, eq), text.substr(eq + 1)};
  if (m.rev.empty() || !decide::ParseVerdictWord(m.word) || m.word == "undecided")
    return Fail(ErrorKind::kBadInput, "--mark " + value::Quote(text) +
                                          " must be REV=good, REV=bad or REV=skip (fix mode "
                                          "also takes new and old)");
  return m;
}

Result<std::pair<std::string, std::string>> ParseSkipRange(const std::string& text) {
  const size_t dots = text.find("..");
  if (dots == std::string::npos || dots == 0 || dots + 2 >= text.size() ||
      text.find("..", dots + 2) != std::string::npos)
    return Fail(ErrorKind::kBadInput,
                "--skip " + value::Quote(text) +
                    " must be a range A..B (B and its ancestors that are not A's, as in git)");
  return std::make_pair(text.substr(0, dots), text.substr(dots + 2));
}

int EffectiveJobs(const JobConfig& c) {
  if (c.jobs > 0) return c.jobs;
  if (!c.kernel) return 1;
  if (c.kernel->vms > 0) return c.kernel->vms;
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // MemAvailable from /proc/meminfo, in kB; unknown: assume memory is not the limit.
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  int64_t kb = 0, available_mb = -1;
  while (meminfo >> key >> kb >> unit) {
    if (key == "MemAvailable:") {
      available_mb = kb / 1024;
      break;
    }
  }
  int by_memory =
      available_mb < 0 ? cores : static_cast<int>(available_mb / (c.kernel->memory_mb + 256));
  return std::max(1, std::min(cores, by_memory));
}

namespace {

// ---- JSON ----

enum class Form { kStored, kQuestion };

template <class S>
nlohmann::json WriteTable(const S& s, Form form) {
  nlohmann::json j = nlohmann::json::object();
  ForEachField<S>([&](const Field<S>& f, auto member) {
    using T = typename MemberOf<decltype(member)>::Type;
    if (form == Form::kQuestion && !f.question) return;
    const T& v = s.*member;
    if constexpr (kIsOptionalTable<T>) {
      if (v) j[f.key] = WriteTable(*v, form);
    } else if constexpr (kIsTableArray<T>) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& e : v) list.push_back(WriteTable(e, form));
      j[f.key] = std::move(list);
    } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
      // The same repository by another path is the same question.
      std::error_code ec;
      std::filesystem::path canonical;
      if (form == Form::kQuestion) canonical = std::filesystem::weakly_canonical(v, ec);
      j[f.key] = (canonical.empty() || ec ? v : canonical).string();
    } else {
      nlohmann::json out = value::ToJson(v, value::SpecOf(f));
      if (!out.is_null()) j[f.key] = std::move(out);
    }
  });
  return j;
}

tl::unexpected<Error> Corrupt(const std::string& what) {
  return tl::unexpected(Error{ErrorKind::kCorrupt, "stored job settings: " + what});
}

template <class S>
Result<void> ReadTable(const nlohmann::json& j, S& s, const std::string& prefix);

template <class S, class T>
Result<void> ReadField(const Field<S>& f, T S::*member, const nlohmann::json& j, S& s,
                       const std::string& name) {
  if constexpr (kIsOptionalTable<T>) {
    typename T::value_type sub{};
    if (auto ok = ReadTable(j, sub, name + "."); !ok) return ok;
    s.*member = std::move(sub);
  } else if constexpr (kIsTableArray<T>) {
    if (!j.is_array()) return Corrupt("'" + name + "' must be an array, got " + value::Show(j));
    T list;
    for (size_t i = 0; i < j.size(); i++) {
      typename T::value_type sub{};
      auto ok = ReadTable(j[i], sub, name + "[" + std::to_string(i) + "].");
      if (!ok) return ok;
      list.push_back(std::move(sub));
    }
    s.*member = std::move(list);
  } else {
    T v{};
    if (!value::Read(j, value::SpecOf(f), v))
      return Corrupt("'" + name + "' must be " + value::Describe<T>(value::SpecOf(f)) + ", got " +
                     value::Show(j));
    s.*member = std::move(v);
  }
  return {};
}

// A key left out keeps its default (a field added later reads older stored jobs); an unknown
// one is an error (settings of another culprit version must not be half-read).
template <class S>
Result<void> ReadTable(const nlohmann::json& j, S& s, const std::string& prefix) {
  if (!j.is_object()) {
    std::string name =
        prefix.empty() ? "the settings" : "'" + prefix.substr(0, prefix.size() - 1) + "'";
    return Corrupt(name + " must be an object, got " + value::Show(j));
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const Field<S>* f = FindKey<S>(it.key());
    if (!f || f->retired) return Corrupt("unknown field '" + prefix + it.key() + "'");
    auto ok = std::visit(
        [&](auto member) -> Result<void> {
          if constexpr (std::is_same_v<decltype(member), std::monostate>)
            return {};
          else
            return ReadField(*f, member, it.value(), s, prefix + f->key);
        },
        f->member);
    if (!ok) return ok;
  }
  return {};
}

// ---- Validate ----

template <class S>
Result<void> CheckRanges(const S& s, const std::string& prefix) {
  Result<void> result;
  ForEachField<S>([&](const Field<S>& f, auto member) {
    using T = typename MemberOf<decltype(member)>::Type;
    const T& v = s.*member;
    if (!result) return;
    if constexpr (kIsOptionalTable<T>) {
      if (v) result = CheckRanges(*v, prefix + f.key + ".");
    } else if constexpr (kIsTableArray<T>) {
      for (size_t i = 0; i < v.size() && result; i++)
        result = CheckRanges(v[i], prefix + f.key + "[" + std::to_string(i) + "].");
    } else if (!value::InRange(v, value::SpecOf(f))) {
      std::string name = prefix.empty() && f.flag ? f.flag : "'" + prefix + f.key + "'";
      result = Fail(ErrorKind::kBadInput, name + " must be " +
                                              value::Describe<T>(value::SpecOf(f)) + ", got " +
                                              value::Show(value::ToJson(v, value::SpecOf(f))));
    }
  });
  return result;
}

// Every field of the question, and the others where they differ from their default, as text.
template <class S>
void AppendSettings(const S& s, const std::string& prefix,
                    std::vector<std::pair<std::string, std::string>>& out) {
  const S defaults{};
  ForEachField<S>([&](const Field<S>& f, auto member) {
    using T = typename MemberOf<decltype(member)>::Type;
    const T& v = s.*member;
    if constexpr (kIsOptionalTable<T>) {
      if (v) AppendSettings(*v, prefix + f.key + ".", out);
    } else if constexpr (kIsTableArray<T>) {
      for (size_t i = 0; i < v.size(); i++)
        AppendSettings(v[i], prefix + f.key + "[" + std::to_string(i) + "].", out);
    } else {
      const nlohmann::json shown = value::ToJson(v, value::SpecOf(f));
      if (!f.question && shown == value::ToJson(defaults.*member, value::SpecOf(f))) return;
      if (shown.is_null()) return;
      out.push_back(
          {prefix + f.key, shown.is_string() ? shown.get<std::string>() : value::Dump(shown)});
    }
  });
}

}  // namespace

std::vector<std::pair<std::string, std::string>> Settings(const JobConfig& c) {
  std::vector<std::pair<std::string, std::string>> out;
  AppendSettings(c, "", out);
  return out;
}

Result<void> Validate(const JobConfig& c) {
  if (c.bad.empty())
    return Fail(ErrorKind::kBadInput,
                "no bad commit given (pass --bad REV: a commit that crashes)");
  if (c.kernel) {
    if (c.kernel->config.empty())
      return Fail(ErrorKind::kBadInput, "[kernel] needs config = \"PATH\" (the kernel .config)");
    if (c.kernel->reproducer.empty())
      return Fail(ErrorKind::kBadInput,
                  "[kernel] needs reproducer = \"PATH\" (a static binary or a script)");
    if (c.kernel->arch != "x86_64" && c.kernel->arch != "arm64")
      return Fail(ErrorKind::kBadInput, "[kernel] arch = '" + c.kernel->arch +
                                            "' is not supported (use \"x86_64\" or \"arm64\")");
    if (c.kernel->minimize && !c.kernel->baseline_config)
      return Fail(ErrorKind::kBadInput,
                  "[kernel] minimize = true needs baseline_config = \"PATH\" (a small config "
                  "that boots, e.g. tinyconfig with a serial console)");
    if (c.verdict == Predicate::kExit)
      return Fail(ErrorKind::kBadInput,
                  "--verdict exit needs a test command's exit status; a [kernel] job judges runs "
                  "by the VM's console (use --verdict crash, and --expect to pick failures)");
  }
  if (!c.kernel && c.test_command.find_first_not_of(" \t\n") == std::string::npos)
    return Fail(ErrorKind::kBadInput,
                "empty test command (pass --test CMD; it runs the reproducer, against "
                "$CULPRIT_OUT with --build, else in a checkout of the commit)");
  if (c.executor != "local" && c.executor != "slurm")
    return Fail(ErrorKind::kBadInput,
                "unknown executor '" + c.executor + "' (use --executor local or --executor slurm)");
  if (c.infra_exit == 125)
    return Fail(ErrorKind::kBadInput,
                "--infra-exit 125: exit status 125 already means \"this commit cannot be tested\"");
  if (!c.target_title.empty() && (c.verdict == Predicate::kExit || !c.expect.empty()))
    return Fail(ErrorKind::kBadInput,
                "--title picks a crash by its title, --verdict exit and --expect pick failures by "
                "exit status and output: give one or the other");
  if (auto ok = RunPredicate::Make(c); !ok) return tl::unexpected(ok.error());
  for (const std::string& m : c.marks) {
    if (auto ok = ParseMark(m); !ok) return tl::unexpected(ok.error());
  }
  for (const std::string& r : c.skip) {
    if (auto ok = ParseSkipRange(r); !ok) return tl::unexpected(ok.error());
  }
  return CheckRanges(c, "");
}

std::string ToJson(const JobConfig& c) { return value::Dump(WriteTable(c, Form::kStored)); }

Result<JobConfig> FromJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Corrupt("not valid JSON");
  JobConfig c;
  if (auto ok = ReadTable(j, c, ""); !ok) return tl::unexpected(ok.error());
  return c;
}

std::string Fingerprint(const JobConfig& c) { return value::Dump(WriteTable(c, Form::kQuestion)); }

// ---- flags and help ----

namespace {

// " (default: 10)", or nothing when the default is empty.
template <class S, class T>
std::string DefaultSuffix(const Field<S>& f, const T& default_value) {
  std::string shown = f.shown_default
                          ? f.shown_default
                          : value::ShowDefault(value::ToJson(default_value, value::SpecOf(f)));
  return shown.empty() ? "" : " (default: " + shown + ")";
}

}  // namespace

std::vector<FlagSpec> JobFlags() {
  std::vector<FlagSpec> flags;
  const JobConfig defaults;
  ForEachField<JobConfig>([&](const Field<JobConfig>& f, auto member) {
    using T = typename MemberOf<decltype(member)>::Type;
    if constexpr (!kIsOptionalTable<T> && !kIsTableArray<T>) {
      if (!f.flag) return;
      constexpr bool is_switch = std::is_same_v<T, bool>;
      flags.push_back({.name = f.flag,
                       .help = f.help + (is_switch ? "" : DefaultSuffix(f, defaults.*member)),
                       .type_name = value::TypeName<T>(),
                       .repeatable = std::is_same_v<T, std::vector<std::string>>,
                       .is_switch = is_switch});
    }
  });
  return flags;
}

Result<void> ApplyFlag(JobConfig& config, const std::string& flag,
                       const std::vector<std::string>& texts) {
  Result<void> result = Fail(ErrorKind::kBadInput, "unknown option " + flag);
  ForEachField<JobConfig>([&](const Field<JobConfig>& f, auto member) {
    using T = typename MemberOf<decltype(member)>::Type;
    if constexpr (!kIsOptionalTable<T> && !kIsTableArray<T>) {
      if (!f.flag || flag != f.flag) return;
      if constexpr (std::is_same_v<T, bool>) {
        config.*member = !(JobConfig{}.*member);  // a switch: the opposite of the default
        result = {};
        return;
      }
      T v{};
      if (!value::ReadText(texts, value::SpecOf(f), v)) {
        result =
            Fail(ErrorKind::kBadInput, flag + " must be " + value::Describe<T>(value::SpecOf(f)) +
                                           ", got " + value::Show(texts));
        return;
      }
      if constexpr (std::is_same_v<T, std::filesystem::path>) {
        // As in a job file: an odd path is an error now, not an exception later.
        std::error_code ec;
        (void)std::filesystem::weakly_canonical(v, ec);
        if (ec) {
          result = Fail(ErrorKind::kBadInput, flag + " " + value::Quote(v.string()) +
                                                  " cannot be resolved: " + ec.message());
          return;
        }
      }
      config.*member = std::move(v);
      result = {};
    }
  });
  return result;
}

namespace {

// One line per key: the keys without a flag at the top level, every key of the tables below.
template <class S>
void ListKeys(std::string& out, int depth) {
  const S defaults{};
  ForEachField<S>([&](const Field<S>& f, auto member) {
    using T = typename MemberOf<decltype(member)>::Type;
    if (depth == 0 && f.flag) return;
    std::string key = std::string(2 * (depth + 1), ' ') +
                      (kIsOptionalTable<T> ? "[" + std::string(f.key) + "]" : f.key);
    out += key + std::string(key.size() < 24 ? 24 - key.size() : 1, ' ') + f.help;
    if constexpr (kIsOptionalTable<T> || kIsTableArray<T>) {
      out += "\n";
      ListKeys<typename T::value_type>(out, depth + 1);
    } else {
      out += DefaultSuffix(f, defaults.*member) + "\n";
    }
  });
}

}  // namespace

std::string JobFileHelp() {
  std::string renamed;
  const JobConfig defaults;
  ForEachField<JobConfig>([&](const Field<JobConfig>& f, auto member) {
    if (!f.flag) return;
    std::string key = std::string(f.flag).substr(2);
    std::replace(key.begin(), key.end(), '-', '_');
    if (key == f.key) return;
    renamed += std::string(renamed.empty() ? "" : ", ") + f.flag + ": " + f.key;
    using T = typename MemberOf<decltype(member)>::Type;
    if constexpr (std::is_same_v<T, bool>) renamed += defaults.*member ? " = false" : " = true";
  });
  std::string out = "Job file (TOML): a flag's key is its name (--max-builds: max_builds";
  out += renamed.empty() ? "" : "; " + renamed;
  out += "); flags given override the file. Keys without a flag:\n";
  ListKeys<JobConfig>(out, 0);
  return out;
}

}  // namespace culprit::job
