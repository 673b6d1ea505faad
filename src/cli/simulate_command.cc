// `culprit simulate`: runs many seeded bisections per strategy on generated histories and prints
// how often each finds the planted culprit and what it costs, beside the lower bound on runs.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "decide/engine.h"
#include "sim/history.h"
#include "sim/sweep.h"

namespace culprit::cli {
namespace {

struct SimulateFlags {
  std::string history = "kernel";
  std::vector<int> n = {1024};
  std::vector<double> p = {1, 0.5, 0.3, 0.1};
  int trials = 200;
  std::vector<std::string> strategies = {"bayes", "syzbot", "git"};
  uint64_t seed = 1;
  std::string mode = "cause";
  bool release_search = false;
  double prior_hit = -1;
  double untestable_fraction = 0;
  double other_crash_rate = 0;
  double infra_rate = 0;
  double same_binary_fraction = 0;
  double build_cost = 10;
  double confidence = 0.99;
  int runs_per_test = 10;
  // The wall-time model: 0 VMs = none (runs and builds are only counted).
  int vms = 0;
  int builders = 1;
  double build_minutes = 6.6;
  double run_minutes = 7.5;
  double no_input_fraction = 0;
  bool avoid_builds = true;
  int trace_trial = -1;
  bool json = false;
  // The predicate: "crash" (unrelated crashes are told apart by their titles) or "exit" (a
  // failing test; unrelated failures count as the target unless --expect tells them apart).
  std::string verdict = "crash";
  bool expect = false;
};

// An unrelated failure counts as the target when the predicate cannot tell it apart.
bool UnrelatedLookLikeTarget(const SimulateFlags& f) { return f.verdict == "exit" && !f.expect; }

Result<decide::StrategyKind> ParseStrategyName(const std::string& name) {
  if (name == "bayes" || name == "bayes-known-p") return decide::StrategyKind::kBayes;
  if (name == "syzbot") return decide::StrategyKind::kSyzbot;
  if (name == "git") return decide::StrategyKind::kGit;
  return Fail(ErrorKind::kBadInput,
              "unknown strategy '" + name + "' (use bayes, syzbot, git or bayes-known-p)");
}

double Percent(int part, int whole) { return whole > 0 ? 100.0 * part / whole : 0.0; }

// What a row's runs are compared with: the information bound for a strategy told p, and the
// higher floor for one that is not (sim::RunsFloorUnknownP). The floor's proof is for cause
// bisection between the root and the head; elsewhere it is 0 (not shown).
struct Bounds {
  double bound = 0;
  double floor = 0;
};

std::string Ratio(double runs, double bound) {
  if (bound <= 0) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", runs / bound);
  return text;
}

void PrintHeader(const SimulateFlags& f, int n, double p, const Bounds& b) {
  std::printf("\n%s history, N=%d, p=%g, %d trials, seed %llu: lower bound %.1f runs",
              f.history.c_str(), n, p, f.trials, static_cast<unsigned long long>(f.seed), b.bound);
  if (f.verdict != "crash" || f.other_crash_rate > 0) {
    std::printf(" [--verdict %s%s, unrelated failures %g per run%s]", f.verdict.c_str(),
                f.expect ? " --expect" : "", f.other_crash_rate,
                UnrelatedLookLikeTarget(f) ? ", counted as the target" : ", told apart");
  }
  if (b.floor > b.bound) std::printf(", %.1f if p is not known", b.floor);
  if (f.vms > 0) {
    std::printf("; V=%d VMs, M=%d builders (syzbot, git: 1), B=%g, T=%g min", f.vms, f.builders,
                f.build_minutes, f.run_minutes);
  }
  if (f.no_input_fraction > 0) {
    std::printf("; %g of commits change no build input (%s)", f.no_input_fraction,
                f.avoid_builds ? "avoided" : "built anyway");
  }
  std::printf("\n");
  // claimed%: mean confidence the strategy gave its found culprits; found-ok%: how many of
  // those were right. A strategy that says how sure it is keeps the two close.
  // sure-wrong%: the wrong answers that did not say they might be (a set of candidates or a
  // horizon short of the target says so).
  std::printf("%-8s %7s %8s %7s %11s %7s %8s %8s %10s %10s %8s %9s", "strategy", "right%",
              "honest%", "wrong%", "sure-wrong%", "error%", "builds", "runs", "runs/bound",
              "runs/floor", "claimed%", "found-ok%");
  if (f.no_input_fraction > 0) std::printf(" %8s", "avoided");
  if (f.vms > 0) std::printf(" %7s %9s", "rounds", "wall-min");
  std::printf("\n");
}

void PrintRow(const SimulateFlags& f, const std::string& strategy, const sim::SweepRow& r,
              const Bounds& b) {
  std::printf("%-8s %7.1f %8.1f %7.1f %11.1f %7.1f %8.1f %8.1f %10s %10s %8.2f %9.2f",
              strategy.c_str(), Percent(r.right, r.trials), Percent(r.honest, r.trials),
              Percent(r.wrong, r.trials), Percent(r.sure_wrong, r.trials),
              Percent(r.failed, r.trials), r.mean_builds, r.mean_runs,
              Ratio(r.mean_runs, b.bound).c_str(), Ratio(r.mean_runs, b.floor).c_str(),
              100 * r.mean_claimed, Percent(r.found_right, r.found));
  if (f.no_input_fraction > 0) std::printf(" %8.1f", r.mean_avoided);
  if (f.vms > 0) std::printf(" %7.1f %9.1f", r.mean_rounds, r.mean_minutes);
  std::printf("\n");
  std::fflush(stdout);
}

void PrintJson(const SimulateFlags& f, int n, double p, const std::string& strategy,
               const sim::SweepRow& r, const Bounds& b) {
  nlohmann::json row = {{"history", f.history},
                        {"n", n},
                        {"p", p},
                        {"strategy", strategy},
                        {"mode", f.mode},
                        {"trials", r.trials},
                        {"seed", f.seed},
                        {"right_pct", Percent(r.right, r.trials)},
                        {"honest_pct", Percent(r.honest, r.trials)},
                        {"wrong_pct", Percent(r.wrong, r.trials)},
                        {"sure_wrong_pct", Percent(r.sure_wrong, r.trials)},
                        {"error_pct", Percent(r.failed, r.trials)},
                        {"mean_builds", r.mean_builds},
                        {"mean_runs", r.mean_runs},
                        {"runs_bound", b.bound},
                        {"runs_floor", b.floor > 0 ? nlohmann::json(b.floor) : nullptr},
                        {"found", r.found},
                        {"found_right", r.found_right},
                        {"mean_claimed_confidence", r.mean_claimed},
                        {"untestable_fraction", f.untestable_fraction},
                        {"other_crash_rate", f.other_crash_rate},
                        {"infra_rate", f.infra_rate},
                        {"same_binary_fraction", f.same_binary_fraction},
                        {"release_search", f.release_search},
                        {"prior_hit", f.prior_hit},
                        {"no_input_fraction", f.no_input_fraction},
                        {"avoid_builds", f.avoid_builds},
                        {"mean_avoided", r.mean_avoided},
                        {"verdict", f.verdict},
                        {"expect", f.expect}};
  if (f.vms > 0) {
    row["vms"] = f.vms;
    row["builders"] = strategy.starts_with("bayes") ? f.builders : 1;
    row["build_minutes"] = f.build_minutes;
    row["run_minutes"] = f.run_minutes;
    row["mean_rounds"] = r.mean_rounds;
    row["mean_wall_minutes"] = r.mean_minutes;
  }
  std::cout << row.dump() << "\n" << std::flush;
}

// Every plan of one trial, one line each, as the job log shows them.
void TraceTrial(const decide::CommitDag& dag, const sim::SweepSpec& sweep, const SimulateFlags& f,
                const std::string& strategy) {
  int round = 0;
  sim::Trial t = sim::RunTrial(dag, sweep, f.trace_trial, [&](double now, const decide::Plan& p) {
    if (!p.runs.empty()) ++round;
    std::printf("%8.1f min  round %2d: %s\n", now, round, p.Describe(dag).c_str());
  });
  const decide::Conclusion& c = t.conclusion;
  std::printf(
      "%s, trial %d (culprit %s): %s %s after %.1f min, %d builds, %d runs, %d avoided%s%s\n",
      strategy.c_str(), f.trace_trial, dag.node(t.world.culprit).id.c_str(),
      c.kind == decide::ConclusionKind::kFound ? "found" : "concluded",
      c.culprit >= 0 ? dag.node(c.culprit).id.c_str() : "-", t.timed.minutes, t.builds, t.runs,
      t.avoided, c.error.empty() ? "" : ": ", c.error.c_str());
}

int RunSimulate(const SimulateFlags& f) {
  std::vector<decide::StrategyKind> kinds;
  for (const std::string& s : f.strategies) {
    auto kind = ParseStrategyName(s);
    if (!kind) return ReportError(kind.error().message);
    kinds.push_back(*kind);
  }
  if (f.mode != "cause" && f.mode != "fix") {
    return ReportError("unknown mode '" + f.mode + "' (use cause or fix)");
  }
  for (int n : f.n) {
    auto spec = sim::ParseHistorySpec(f.history + " " + std::to_string(n));
    if (!spec) return ReportError(spec.error().message);
    spec->seed = f.seed;
    decide::CommitDag dag = sim::MakeHistory(*spec);
    for (double p : f.p) {
      if (p <= 0 || p > 1) return ReportError("--p values must be in (0, 1]");
      Bounds b;
      b.bound = sim::RunsLowerBound(n, p, f.confidence);
      if (f.mode == "cause" && !f.release_search) {
        b.floor = sim::RunsFloorUnknownP(dag, p, f.confidence);
      }
      if (!f.json) PrintHeader(f, n, p, b);
      for (size_t i = 0; i < kinds.size(); ++i) {
        sim::SweepSpec sweep{.crash_p = p,
                             .trials = f.trials,
                             .seed = f.seed,
                             .untestable_fraction = f.untestable_fraction,
                             .other_crash_rate = f.other_crash_rate,
                             .infra_rate = f.infra_rate,
                             .same_binary_fraction = f.same_binary_fraction,
                             .no_input_fraction = f.no_input_fraction,
                             .avoid = f.avoid_builds,
                             .time = {.vms = f.vms,
                                      .builders = f.builders,
                                      .build_minutes = f.build_minutes,
                                      .run_minutes = f.run_minutes},
                             .release_search = f.release_search,
                             .prior_hit = f.prior_hit,
                             .mode = f.mode == "fix" ? decide::Mode::kFix : decide::Mode::kCause,
                             .unrelated_look_like_target = UnrelatedLookLikeTarget(f)};
        sweep.options.strategy = kinds[i];
        // An oracle row: bayes told the true crash rate, to show what estimating it costs.
        if (f.strategies[i] == "bayes-known-p") sweep.options.known_crash_p = p;
        sweep.options.build_cost = f.build_cost;
        sweep.options.confidence_target = f.confidence;
        sweep.options.accident_prior = UnrelatedLookLikeTarget(f)
                                           ? decide::EngineOptions::kAccidentsCounted
                                           : decide::EngineOptions::kAccidentsToldApart;
        sweep.options.runs_per_test = f.runs_per_test;
        // syzbot and git with their own resources: one build at a time, never overlapped.
        if (kinds[i] != decide::StrategyKind::kBayes) sweep.time.builders = 1;
        if (f.trace_trial >= 0) {
          TraceTrial(dag, sweep, f, f.strategies[i]);
          continue;
        }
        sim::SweepRow row = sim::RunSweep(dag, sweep);
        if (f.json) {
          PrintJson(f, n, p, f.strategies[i], row, b);
        } else {
          PrintRow(f, f.strategies[i], row, b);
        }
      }
    }
  }
  return 0;
}

}  // namespace

void AddSimulateCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SimulateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Measure strategies on simulated histories with a planted culprit");
  cmd->add_option("--history", flags->history, "linear or kernel (merge-heavy)")
      ->check(CLI::IsMember({"linear", "kernel"}));
  cmd->add_option("--n", flags->n, "number of commits (list: --n 1024,8192)")->delimiter(',');
  cmd->add_option("--p", flags->p, "per-run crash probability (list)")->delimiter(',');
  cmd->add_option("--trials", flags->trials, "bisections per strategy and scenario");
  cmd->add_option("--strategies", flags->strategies,
                  "bayes,syzbot,git (or bayes-known-p: bayes told the true p)")
      ->delimiter(',');
  cmd->add_option("--seed", flags->seed, "seed of histories and worlds");
  cmd->add_option("--mode", flags->mode, "cause or fix");
  cmd->add_option("--prior-hit", flags->prior_hit,
                  "give bayes a prior on 1% of commits (like the crash's stack files) that "
                  "holds the culprit with this chance; omit for no prior")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--release-search", flags->release_search,
                "give no good commit: search release tags first");
  cmd->add_option("--untestable-fraction", flags->untestable_fraction,
                  "fraction of commits in build- or boot-broken stretches");
  cmd->add_option("--other-crash-rate,--other-failure-rate", flags->other_crash_rate,
                  "chance a run shows an unrelated crash (or, with --verdict exit, failure)");
  cmd->add_option("--verdict", flags->verdict,
                  "the predicate: crash (unrelated crashes told apart by title) or exit (a "
                  "failing test: unrelated failures count as the target unless --expect)")
      ->check(CLI::IsMember({"crash", "exit"}));
  cmd->add_flag("--expect", flags->expect,
                "the predicate matches the target's output (--expect REGEX): unrelated failures "
                "are told apart");
  cmd->add_option("--infra-rate", flags->infra_rate, "chance a run hits an infrastructure error");
  cmd->add_option("--same-binary-fraction", flags->same_binary_fraction,
                  "fraction of commits whose binary equals their parent's");
  cmd->add_option("--build-cost", flags->build_cost, "cost of a build in runs (bayes)");
  cmd->add_option("--confidence", flags->confidence, "confidence target (bayes)");
  cmd->add_option("--runs-per-test", flags->runs_per_test, "runs per test (git, syzbot)");
  cmd->add_option("--vms", flags->vms,
                  "wall-time model: VMs running at once (0: no time model, runs only counted)");
  cmd->add_option("--builders", flags->builders, "wall-time model: builds at once (bayes)");
  cmd->add_option("--build-minutes", flags->build_minutes, "wall-time model: one build");
  cmd->add_option("--run-minutes", flags->run_minutes, "wall-time model: one run on one VM");
  cmd->add_option("--no-input-fraction", flags->no_input_fraction,
                  "fraction of commits that change no input of the build (same program as "
                  "their first parent)")
      ->check(CLI::Range(0.0, 0.9));
  cmd->add_flag("--avoid-builds,!--no-avoid-builds", flags->avoid_builds,
                "tell bayes which commits change no build input, so it builds none of them "
                "(default); with --no-avoid-builds they are built as any other");
  cmd->add_option("--trace-trial", flags->trace_trial,
                  "print every plan of this trial (with --vms) instead of the table");
  cmd->add_flag("--json", flags->json, "one JSON object per row");
  cmd->callback([flags, exit_code] { *exit_code = RunSimulate(*flags); });
}

}  // namespace culprit::cli
