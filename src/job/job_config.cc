#include "job/job_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "decide/names.h"

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

int EffectiveJobs(const JobConfig& c) {
  if (c.jobs > 0) return c.jobs;
  if (!c.kernel) return 1;
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
  } else if (c.build_command.find_first_not_of(" \t\n") == std::string::npos)
    return Fail(ErrorKind::kBadInput,
                "empty build command (pass --build CMD; it runs in the checkout and puts "
                "artifacts in $CULPRIT_OUT)");
  if (!c.kernel && c.test_command.find_first_not_of(" \t\n") == std::string::npos)
    return Fail(ErrorKind::kBadInput,
                "empty test command (pass --test CMD; it runs the reproducer against "
                "$CULPRIT_OUT)");
  if (c.runs < 1) return Fail(ErrorKind::kBadInput, "--runs must be at least 1");
  if (c.jobs < 0) return Fail(ErrorKind::kBadInput, "--jobs must be at least 1 (or 0: automatic)");
  if (!(c.timeout_s > 0)) return Fail(ErrorKind::kBadInput, "--timeout must be positive");
  if (!(c.confidence > 0.5 && c.confidence < 1))
    return Fail(ErrorKind::kBadInput, "--confidence must be between 0.5 and 1");
  return {};
}

namespace {

nlohmann::json KernelToJson(const KernelSettings& k) {
  nlohmann::json compilers = nlohmann::json::array(), fixups = nlohmann::json::array();
  for (const auto& r : k.compilers) compilers.push_back({{"since", r.since}, {"cc", r.cc}});
  for (const auto& f : k.fixups) fixups.push_back({{"before", f.before}, {"disable", f.disable}});
  return {{"config", k.config.string()},
          {"reproducer", k.reproducer.string()},
          {"busybox", k.busybox.string()},
          {"compilers", compilers},
          {"fixups", fixups},
          {"memory_mb", k.memory_mb},
          {"cpus", k.cpus},
          {"cmdline", k.cmdline},
          {"boot_timeout", k.boot_timeout_s},
          {"run_timeout", k.run_timeout_s}};
}

KernelSettings KernelFromJson(const nlohmann::json& j) {
  KernelSettings k;
  k.config = j.at("config").get<std::string>();
  k.reproducer = j.at("reproducer").get<std::string>();
  k.busybox = j.at("busybox").get<std::string>();
  for (const auto& r : j.at("compilers")) k.compilers.push_back({r.at("since"), r.at("cc")});
  for (const auto& f : j.at("fixups"))
    k.fixups.push_back({f.at("before"), f.at("disable").get<std::vector<std::string>>()});
  k.memory_mb = j.at("memory_mb").get<int>();
  k.cpus = j.at("cpus").get<int>();
  k.cmdline = j.at("cmdline").get<std::string>();
  k.boot_timeout_s = j.at("boot_timeout").get<double>();
  k.run_timeout_s = j.at("run_timeout").get<double>();
  return k;
}

}  // namespace

std::string ToJson(const JobConfig& c) {
  nlohmann::json j = {
      {"repo", c.repo.string()},
      {"bad", c.bad},
      {"good", c.good},
      {"mode", decide::ModeName(c.mode)},
      {"build", c.build_command},
      {"test", c.test_command},
      {"runs", c.runs},
      {"jobs", c.jobs},
      {"timeout", c.timeout_s},
      {"build_timeout", c.build_timeout_s},
      {"max_output_bytes", c.max_output_bytes},
      {"max_memory_bytes", c.max_memory_bytes},
      {"state", c.state_dir.string()},
      {"json", c.json_out ? c.json_out->string() : ""},
      {"strategy", decide::StrategyName(c.strategy)},
      {"confidence", c.confidence},
      {"max_builds", c.max_builds},
      {"max_runs", c.max_runs},
      {"build_cost", c.build_cost},
      {"title", c.target_title},
      {"max_commits", c.max_commits},
      {"seed", c.seed},
  };
  if (c.kernel) j["kernel"] = KernelToJson(*c.kernel);
  return j.dump();
}

Result<JobConfig> FromJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Fail(ErrorKind::kCorrupt, "stored job settings are not valid JSON");
  try {
    JobConfig c;
    c.repo = j.at("repo").get<std::string>();
    c.bad = j.at("bad").get<std::string>();
    c.good = j.at("good").get<std::vector<std::string>>();
    auto mode = ParseMode(j.at("mode").get<std::string>());
    if (!mode) return tl::unexpected(mode.error());
    c.mode = *mode;
    c.build_command = j.at("build").get<std::string>();
    c.test_command = j.at("test").get<std::string>();
    c.runs = j.at("runs").get<int>();
    c.jobs = j.at("jobs").get<int>();
    c.timeout_s = j.at("timeout").get<double>();
    c.build_timeout_s = j.at("build_timeout").get<double>();
    c.max_output_bytes = j.at("max_output_bytes").get<uint64_t>();
    c.max_memory_bytes = j.at("max_memory_bytes").get<uint64_t>();
    c.state_dir = j.at("state").get<std::string>();
    std::string json_out = j.at("json").get<std::string>();
    if (!json_out.empty()) c.json_out = json_out;
    auto strategy = ParseStrategy(j.at("strategy").get<std::string>());
    if (!strategy) return tl::unexpected(strategy.error());
    c.strategy = *strategy;
    c.confidence = j.at("confidence").get<double>();
    c.max_builds = j.at("max_builds").get<int>();
    c.max_runs = j.at("max_runs").get<int>();
    c.build_cost = j.at("build_cost").get<double>();
    c.target_title = j.at("title").get<std::string>();
    c.max_commits = j.at("max_commits").get<size_t>();
    c.seed = j.at("seed").get<uint64_t>();
    if (j.contains("kernel")) c.kernel = KernelFromJson(j.at("kernel"));
    return c;
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorKind::kCorrupt,
                std::string("stored job settings are incomplete: ") + e.what());
  }
}

std::string Fingerprint(const JobConfig& c) {
  nlohmann::json j = {
      {"repo", std::filesystem::weakly_canonical(c.repo).string()},
      {"bad", c.bad},
      {"good", c.good},
      {"mode", decide::ModeName(c.mode)},
      {"build", c.build_command},
      {"test", c.test_command},
      {"strategy", decide::StrategyName(c.strategy)},
      {"title", c.target_title},
  };
  if (c.kernel) j["kernel"] = KernelToJson(*c.kernel);
  return j.dump();
}

namespace {

template <class T>
void Take(const toml::table& t, const char* key, T& out) {
  if (auto v = t[key].value<T>()) out = *v;
}

}  // namespace

Result<JobConfig> LoadJobFile(const std::filesystem::path& path) {
  toml::table t;
  try {
    t = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Fail(ErrorKind::kBadInput, path.string() + ":" + std::to_string(where.line) + ":" +
                                          std::to_string(where.column) + ": " +
                                          std::string(e.description()));
  }
  JobConfig c;
  std::string repo, state, json, mode, strategy;
  Take(t, "repo", repo);
  if (!repo.empty()) {
    std::filesystem::path p = repo;
    c.repo = p.is_relative() ? path.parent_path() / p : p;
  }
  Take(t, "bad", c.bad);
  if (auto s = t["good"].value<std::string>()) c.good.push_back(*s);
  if (auto* arr = t["good"].as_array()) {
    for (const auto& e : *arr)
      if (auto s = e.value<std::string>()) c.good.push_back(*s);
  }
  Take(t, "mode", mode);
  if (!mode.empty()) {
    auto m = ParseMode(mode);
    if (!m) return Wrap(m.error(), path.string());
    c.mode = *m;
  }
  Take(t, "build", c.build_command);
  Take(t, "test", c.test_command);
  if (auto v = t["runs"].value<int64_t>()) c.runs = static_cast<int>(*v);
  if (auto v = t["jobs"].value<int64_t>()) c.jobs = static_cast<int>(*v);
  if (auto v = t["timeout"].value<double>()) c.timeout_s = *v;
  if (auto v = t["build_timeout"].value<double>()) c.build_timeout_s = *v;
  if (auto v = t["memory_mb"].value<int64_t>())
    c.max_memory_bytes = static_cast<uint64_t>(*v) << 20;
  if (auto v = t["max_builds"].value<int64_t>()) c.max_builds = static_cast<int>(*v);
  if (auto v = t["max_runs"].value<int64_t>()) c.max_runs = static_cast<int>(*v);
  Take(t, "confidence", c.confidence);
  Take(t, "title", c.target_title);
  Take(t, "state", state);
  if (!state.empty()) c.state_dir = state;
  Take(t, "json", json);
  if (!json.empty()) c.json_out = json;
  if (const toml::table* k = t["kernel"].as_table()) {
    KernelSettings ks;
    auto resolve = [&](const std::string& p) {
      std::filesystem::path path_value = p;
      return path_value.is_relative() ? path.parent_path() / path_value : path_value;
    };
    std::string config, reproducer, busybox;
    Take(*k, "config", config);
    Take(*k, "reproducer", reproducer);
    Take(*k, "busybox", busybox);
    if (!config.empty()) ks.config = resolve(config);
    if (!reproducer.empty()) ks.reproducer = resolve(reproducer);
    if (!busybox.empty()) ks.busybox = busybox;
    if (auto v = (*k)["memory_mb"].value<int64_t>()) ks.memory_mb = static_cast<int>(*v);
    if (auto v = (*k)["cpus"].value<int64_t>()) ks.cpus = static_cast<int>(*v);
    if (auto v = (*k)["vms"].value<int64_t>()) c.jobs = static_cast<int>(*v);
    Take(*k, "cmdline", ks.cmdline);
    Take(*k, "boot_timeout", ks.boot_timeout_s);
    Take(*k, "run_timeout", ks.run_timeout_s);
    if (const toml::array* a = (*k)["compilers"].as_array()) {
      for (const auto& e : *a) {
        const toml::table* r = e.as_table();
        if (!r) continue;
        CompilerRule rule;
        Take(*r, "since", rule.since);
        Take(*r, "cc", rule.cc);
        ks.compilers.push_back(rule);
      }
    }
    if (const toml::array* a = (*k)["fixups"].as_array()) {
      for (const auto& e : *a) {
        const toml::table* r = e.as_table();
        if (!r) continue;
        ConfigFixup fix;
        Take(*r, "before", fix.before);
        if (const toml::array* d = (*r)["disable"].as_array())
          for (const auto& o : *d)
            if (auto s = o.value<std::string>()) fix.disable.push_back(*s);
        ks.fixups.push_back(fix);
      }
    }
    c.kernel = ks;
  }
  Take(t, "strategy", strategy);
  if (!strategy.empty()) {
    auto s = ParseStrategy(strategy);
    if (!s) return Wrap(s.error(), path.string());
    c.strategy = *s;
  }
  return c;
}

}  // namespace culprit::job
