#include "job/config_minimizer.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "base/strings.h"
#include "build/kconfig.h"
#include "job/dispatcher.h"
#include "job/run_classifier.h"

namespace culprit::job {
namespace {

namespace fs = std::filesystem;
using MinimizedConfig = report::BisectionResult::MinimizedConfig;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<void> WriteFile(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) return Fail(ErrorKind::kIo, "cannot write " + path.string());
  return {};
}

nlohmann::json ToJson(const MinimizedConfig& m) {
  return {{"builds", m.builds}, {"kept", m.kept},           {"dropped", m.dropped},
          {"path", m.path},     {"fell_back", m.fell_back}, {"note", m.note}};
}

std::optional<MinimizedConfig> FromJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  MinimizedConfig m;
  auto str = [&](const char* k) {
    return j.value(k, nlohmann::json()).is_string() ? j[k].get<std::string>() : "";
  };
  auto strs = [&](const char* k) {
    std::vector<std::string> out;
    if (j.contains(k) && j[k].is_array())
      for (const auto& e : j[k])
        if (e.is_string()) out.push_back(e.get<std::string>());
    return out;
  };
  m.builds = j.value("builds", nlohmann::json(0)).is_number_integer() ? j["builds"].get<int>() : 0;
  m.kept = strs("kept");
  m.dropped = strs("dropped");
  m.path = str("path");
  m.fell_back =
      j.value("fell_back", nlohmann::json(false)).is_boolean() && j["fell_back"].get<bool>();
  m.note = str("note");
  return m;
}

/// One test: the bad commit built with a config, and whether the target crash shows.
enum class Answer { kReproduces, kNotReproduced, kOverBudget };

class Minimizer {
 public:
  Minimizer(const JobConfig& config, int64_t job_id, fs::path state_dir, MinimizeParts parts)
      : config_(config),
        job_id_(job_id),
        state_dir_(std::move(state_dir)),
        dir_(state_dir_ / "minimize" / ("job-" + std::to_string(job_id))),
        parts_(std::move(parts)),
        budget_(config.kernel->minimize_builds) {}

  Result<MinimizedConfig> Run();

 private:
  /// Builds the bad commit with `kconfig` and runs it; `built` receives the config olddefconfig
  /// made of it when it built.
  Result<Answer> Test(const build::Kconfig& kconfig, const std::string& label,
                      build::Kconfig* built);
  Result<store::BuildRow> Build(Dispatcher& d);
  Result<std::vector<store::RunRow>> Runs(Dispatcher& d, const store::BuildRow& build);
  /// The config of a set: the baseline with `kept` (and the sanitizers the crash needs) taken
  /// from the current config.
  build::Kconfig WithKept(const std::vector<std::string>& kept) const {
    std::vector<std::string> options = kept;
    options.insert(options.end(), always_.begin(), always_.end());
    return build::WithOptions(baseline_, current_, options);
  }
  MinimizedConfig Unminimized(const std::string& why) {
    parts_.log.Note("config minimization: " + why + "; bisecting with the job's config");
    return {.builds = builds_, .fell_back = true, .note = why};
  }

  const JobConfig& config_;
  int64_t job_id_;
  fs::path state_dir_;
  fs::path dir_;
  MinimizeParts parts_;
  int budget_;
  int builds_ = 0;
  std::string bad_id_;
  TargetCrash target_;
  build::Kconfig baseline_;
  build::Kconfig current_;           // the config the search starts from (actual, as built)
  std::vector<std::string> always_;  // sanitizer options the crash needs
  std::optional<std::pair<size_t, build::Kconfig>> best_;  // smallest reproducing: (size, built)
};

Result<store::BuildRow> Minimizer::Build(Dispatcher& d) {
  auto cached = d.CachedBuild(bad_id_);
  if (!cached) return tl::unexpected(cached.error());
  if (*cached) return **cached;
  ++builds_;
  parts_.log.Status("config minimization: building " + ShortHash(bad_id_) + " (build " +
                    std::to_string(builds_) + " of at most " + std::to_string(budget_) + ")");
  if (auto ok = d.StartBuild(0, bad_id_); !ok) return tl::unexpected(ok.error());
  while (true) {
    auto done = d.Wait(std::chrono::milliseconds(200));
    if (!done) return tl::unexpected(done.error());
    if (*done && !(*done)->cancelled) return (*done)->build;
  }
}

Result<std::vector<store::RunRow>> Minimizer::Runs(Dispatcher& d, const store::BuildRow& build) {
  auto stored = parts_.store.FindRuns(build.key, d.test_key());
  if (!stored) return tl::unexpected(stored.error());
  std::vector<store::RunRow> runs = *stored;
  const int want = std::max(1, config_.runs);
  if (static_cast<int>(runs.size()) >= want) return runs;
  if (auto ok = d.StartRuns(0, bad_id_, build, want - static_cast<int>(runs.size())); !ok)
    return tl::unexpected(ok.error());
  while (d.pending() > 0) {
    auto done = d.Wait(std::chrono::milliseconds(200));
    if (!done) return tl::unexpected(done.error());
    if (*done && !(*done)->cancelled) runs.push_back((*done)->run);
  }
  return runs;
}

Result<Answer> Minimizer::Test(const build::Kconfig& kconfig, const std::string& label,
                               build::Kconfig* built) {
  const std::string text = build::WriteKconfig(kconfig);
  const fs::path path =
      dir_ / ("candidate-" + build::BuildKey("kconfig", text).substr(0, 16) + ".config");
  if (auto ok = WriteFile(path, text); !ok) return tl::unexpected(ok.error());
  JobConfig with = config_;
  with.kernel->config = path;
  with.kernel->minimize = false;
  std::unique_ptr<Target> target =
      parts_.make_target ? parts_.make_target(with) : MakeTarget(with, state_dir_);
  auto builder = parts_.make_builder(*target);
  if (!builder) return tl::unexpected(builder.error());
  Parts parts{parts_.repo,  parts_.worktrees, **builder, parts_.runner,
              parts_.store, parts_.log,       *target,   {}};
  Dispatcher d(with, job_id_, parts);
  // Over budget, only what is built already may still answer.
  auto cached = d.CachedBuild(bad_id_);
  if (!cached) return tl::unexpected(cached.error());
  if (!*cached && builds_ >= budget_) return Answer::kOverBudget;
  auto build = Build(d);
  if (!build) return tl::unexpected(build.error());
  auto say = [&](const std::string& what) {
    parts_.log.Note("config minimization: " + label + ": " + what);
  };
  if (!build->ok) {
    say("does not build (" + build->log_path + ")");
    return Answer::kNotReproduced;
  }
  auto runs = Runs(d, *build);
  if (!runs) return tl::unexpected(runs.error());
  if (target_.title.empty()) target_ = PickTarget(*runs);
  int crashes = 0;
  for (const store::RunRow& r : *runs) crashes += ToOutcome(r, target_) == Outcome::kTargetCrash;
  *built = build::ParseKconfig(Slurp(fs::path(build->out_dir) / "kernel.config"));
  say(std::to_string(crashes) + " of " + std::to_string(runs->size()) + " runs crashed" +
      (crashes > 0 ? ": reproduces" : ": does not reproduce"));
  if (crashes == 0) return Answer::kNotReproduced;
  const size_t size = build::DifferingOptions(*built, baseline_).size();
  if (!best_ || size <= best_->first) best_ = {size, *built};
  return Answer::kReproduces;
}

Result<MinimizedConfig> Minimizer::Run() {
  if (auto stored = FromJson(Slurp(dir_ / "result.json"))) {
    parts_.log.Note("config minimization: done before (" + stored->note + ")");
    return *stored;
  }
  auto bad = parts_.repo.Resolve(config_.bad);
  if (!bad) return tl::unexpected(bad.error());
  bad_id_ = *bad;
  target_.title = config_.target_title;
  const fs::path baseline_path = *config_.kernel->baseline_config;
  std::error_code ec;
  if (!fs::is_regular_file(baseline_path, ec))
    return Fail(ErrorKind::kBadInput, "[kernel] baseline_config " + baseline_path.string() +
                                          " cannot be read (a small config that boots)");
  baseline_ = build::ParseKconfig(Slurp(baseline_path));
  const build::Kconfig job_config = build::ParseKconfig(Slurp(config_.kernel->config));
  parts_.log.Note("config minimization: reducing " + config_.kernel->config.string() + " toward " +
                  baseline_path.string() + " at " + ShortHash(bad_id_) + ", at most " +
                  std::to_string(budget_) + " builds");

  auto first = Test(job_config, "the job's config", &current_);
  if (!first) return tl::unexpected(first.error());
  if (*first != Answer::kReproduces) {
    MinimizedConfig m =
        Unminimized("the job's config does not reproduce a crash at " + ShortHash(bad_id_));
    return m;  // not stored: a later attempt may see the crash
  }
  const std::vector<std::string> differing = build::DifferingOptions(current_, baseline_);
  const std::vector<std::string> needed = build::SanitizersFor(target_.title);
  auto is_needed = [&](const std::string& option) {
    return std::any_of(needed.begin(), needed.end(), [&](const std::string& n) {
      return option == n || option.rfind(n + "_", 0) == 0;
    });
  };
  std::vector<std::string> sanitizers;
  for (const std::string& o : differing) {
    if (is_needed(o)) {
      always_.push_back(o);
    } else if (build::IsSanitizer(o)) {
      sanitizers.push_back(o);
    }
  }
  // The sanitizers the crash does not need, all at once: they are slow, and rarely needed.
  if (!sanitizers.empty()) {
    build::Kconfig without = build::WithOptions(current_, baseline_, sanitizers);
    build::Kconfig built;
    auto answer = Test(
        without, "without " + std::to_string(sanitizers.size()) + " sanitizer options", &built);
    if (!answer) return tl::unexpected(answer.error());
    if (*answer == Answer::kReproduces) current_ = built;
  }
  // The rest, as sets: the baseline plus the options kept.
  std::vector<std::string> candidates;
  for (const std::string& o : build::DifferingOptions(current_, baseline_))
    if (!is_needed(o)) candidates.push_back(o);
  Error failure{ErrorKind::kInternal, ""};
  bool failed = false;
  NeededOptions(candidates, [&](const std::vector<std::string>& kept) {
    if (failed) return false;
    build::Kconfig built;
    auto answer = Test(WithKept(kept),
                       "the baseline and " + std::to_string(kept.size()) + " of " +
                           std::to_string(candidates.size()) + " options",
                       &built);
    if (!answer) {
      failed = true;
      failure = answer.error();
      return false;
    }
    return *answer == Answer::kReproduces;
  });
  if (failed) return tl::unexpected(failure);

  const build::Kconfig& result = best_->second;
  MinimizedConfig m{.builds = builds_};
  const std::vector<std::string> left = build::DifferingOptions(result, baseline_);
  for (const std::string& o : differing) {
    const bool kept = std::find(left.begin(), left.end(), o) != left.end();
    (kept ? m.kept : m.dropped).push_back(o);
  }
  m.path = (dir_ / "minimized.config").string();
  if (auto ok = WriteFile(m.path, build::WriteKconfig(result)); !ok)
    return tl::unexpected(ok.error());
  m.note = "config minimized: " + std::to_string(m.kept.size()) + " of " +
           std::to_string(differing.size()) + " options that differ from the baseline kept, " +
           std::to_string(m.dropped.size()) + " dropped, in " + std::to_string(builds_) +
           " builds (" + m.path + ")";
  parts_.log.Note(m.note);
  if (auto ok = WriteFile(dir_ / "result.json", ToJson(m).dump(2)); !ok)
    return tl::unexpected(ok.error());
  return m;
}

}  // namespace

std::vector<std::string> NeededOptions(
    const std::vector<std::string>& candidates,
    const std::function<bool(const std::vector<std::string>& kept)>& reproduces) {
  // Each set is asked once (in any order of its options).
  std::map<std::vector<std::string>, bool> answers;
  auto asked = [&](const std::vector<std::string>& kept) {
    std::vector<std::string> key = kept;
    std::sort(key.begin(), key.end());
    if (auto it = answers.find(key); it != answers.end()) return it->second;
    return answers[key] = reproduces(kept);
  };
  // needed(C, O): the options of C needed when O is kept too; O ∪ C reproduces.
  std::function<std::vector<std::string>(const std::vector<std::string>&,
                                         const std::vector<std::string>&)>
      needed = [&](const std::vector<std::string>& c, const std::vector<std::string>& o) {
        if (c.empty() || asked(o)) return std::vector<std::string>();
        if (c.size() == 1) return c;
        const auto mid = c.begin() + static_cast<std::ptrdiff_t>(c.size() / 2);
        const std::vector<std::string> a(c.begin(), mid), b(mid, c.end());
        auto with = [&](const std::vector<std::string>& x) {
          std::vector<std::string> out = o;
          out.insert(out.end(), x.begin(), x.end());
          return out;
        };
        if (asked(with(a))) return needed(a, o);
        if (asked(with(b))) return needed(b, o);
        std::vector<std::string> na = needed(a, with(b));
        std::vector<std::string> nb = needed(b, with(na));
        na.insert(na.end(), nb.begin(), nb.end());
        return na;
      };
  std::vector<std::string> out = needed(candidates, {});
  // Back in the candidates' order.
  std::vector<std::string> ordered;
  for (const std::string& c : candidates)
    if (std::find(out.begin(), out.end(), c) != out.end()) ordered.push_back(c);
  return ordered;
}

Result<report::BisectionResult> BisectWithMinimizedConfig(
    const JobConfig& config, std::optional<MinimizedConfig> minimized,
    const std::function<Result<report::BisectionResult>(const JobConfig&)>& bisect,
    report::ProgressLog& log) {
  auto with_note = [&](Result<report::BisectionResult> result) {
    if (result && minimized) result->minimized_config = *minimized;
    return result;
  };
  if (!minimized || minimized->fell_back) return with_note(bisect(config));
  JobConfig with = config;
  with.kernel->config = minimized->path;
  auto result = bisect(with);
  // The engine's error when the bad commit shows no target crash (decide/engine.cc).
  const bool stopped = result && result->outcome == decide::ConclusionKind::kError &&
                       result->error.find("not reproduced") != std::string::npos;
  if (!stopped) return with_note(std::move(result));
  log.Note(
      "config minimization: the minimized config no longer reproduces the crash at the bad "
      "commit; bisecting again with the job's own config");
  minimized->fell_back = true;
  minimized->note += "; it stopped reproducing, so the job's own config was used";
  return with_note(bisect(config));
}

Result<MinimizedConfig> MinimizeKernelConfig(const JobConfig& config, int64_t job_id,
                                             const fs::path& state_dir, MinimizeParts parts) {
  Minimizer m(config, job_id, state_dir, std::move(parts));
  return m.Run();
}

}  // namespace culprit::job
